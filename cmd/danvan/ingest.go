package main

import (
	"context"
	"fmt"
	"io"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/store"
)

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	data := dataFlag(fs)
	show := fs.Int("show", 5, "rejected rows to print per file")
	if err := parse(fs, args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{inboxDir(*data)}
	}
	sum, err := ingestPaths(ctx, *data, paths)
	printSummary(stdout, sum, *show)
	return err
}

// ingestPaths ingests files or folders into the warehouse of data.
func ingestPaths(ctx context.Context, data string, paths []string) (ingest.Summary, error) {
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		return ingest.Summary{}, err
	}
	defer st.Close()
	opts := ingest.DefaultOptions()
	if opts.Now, err = clock(); err != nil {
		return ingest.Summary{}, err
	}
	in, err := ingest.New(opts)
	if err != nil {
		return ingest.Summary{}, err
	}
	return in.Files(ctx, paths, st)
}

// printSummary prints a line per file, then up to show refusals of each,
// in words a clerk can act on.
func printSummary(w io.Writer, sum ingest.Summary, show int) {
	for _, f := range sum.Files {
		switch f.Status {
		case ingest.Quarantined:
			fmt.Fprintf(w, "%-12s %s: %s\n", "cách ly", f.File, f.FileErr.Reason)
		case ingest.Skipped:
			fmt.Fprintf(w, "%-12s %s (đã nạp trước đó / already ingested)\n", "bỏ qua", f.File)
		default:
			fmt.Fprintf(w, "%-12s %s: %d giá trị nhận, %d bị từ chối\n", statusLabel(f.Status), f.File, f.Accepted, f.Rejected)
		}
		for i, e := range f.Rejects {
			if i == show {
				fmt.Fprintf(w, "    … và %d lỗi khác\n", len(f.Rejects)-show)
				break
			}
			fmt.Fprintf(w, "    %s\n", rowErrorLine(e))
		}
	}
	acc, rej, quar := sum.Totals()
	fmt.Fprintf(w, "tổng cộng (total): %d tệp, %d giá trị nhận (accepted), %d bị từ chối (rejected), %d tệp cách ly (quarantined)\n",
		len(sum.Files), acc, rej, quar)
}

func statusLabel(s ingest.Status) string {
	switch s {
	case ingest.Loaded:
		return "đã nạp"
	case ingest.Checked:
		return "đã kiểm tra"
	}
	return string(s)
}

func rowErrorLine(e pipeline.RowError) string {
	return fmt.Sprintf("%s, cột %s, giá trị %q: %s", e.Ref, e.Column, e.Value, e.Reason)
}
