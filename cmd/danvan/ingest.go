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
	if err == nil && len(sum.Faults()) > 0 {
		return errProblems
	}
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
// in words a clerk can act on, then the entries of the folders that were
// not read, with why. Text from the files and their names is printed with
// its control characters escaped (printable).
func printSummary(w io.Writer, sum ingest.Summary, show int) {
	for _, f := range sum.Files {
		name := printable(f.File)
		switch f.Status {
		case ingest.Quarantined:
			fmt.Fprintf(w, "%-12s %s: %s\n", "cách ly", name, printable(f.FileErr.Reason))
		case ingest.Unreadable:
			fmt.Fprintf(w, "%-12s %s: %s\n", "không đọc được", name, printable(f.FileErr.Reason))
		case ingest.Skipped:
			fmt.Fprintf(w, "%-12s %s (đã nạp trước đó / already ingested)\n", "bỏ qua", name)
		default:
			fmt.Fprintf(w, "%-12s %s: %d giá trị nhận, %d bị từ chối\n", statusLabel(f.Status), name, f.Accepted, f.Rejected)
		}
		for i, e := range f.Rejects {
			if i == show {
				fmt.Fprintf(w, "    … và %d lỗi khác\n", len(f.Rejects)-show)
				break
			}
			fmt.Fprintf(w, "    %s\n", rowErrorLine(e))
		}
	}
	for _, ig := range sum.Ignored {
		fmt.Fprintf(w, "%-12s %s: %s\n", "không đọc", printable(ig.Path), printable(ig.Reason))
	}
	acc, rej, quar := sum.Totals()
	fmt.Fprintf(w, "tổng cộng (total): %d tệp, %d giá trị nhận (accepted), %d bị từ chối (rejected), %d tệp cách ly (quarantined)",
		len(sum.Files), acc, rej, quar)
	if n := len(sum.Ignored); n > 0 {
		fmt.Fprintf(w, ", %d mục không đọc (not read)", n)
	}
	fmt.Fprintln(w)
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
	return fmt.Sprintf("%s, cột %s, giá trị %q: %s", printable(e.Ref), printable(e.Column), e.Value, printable(e.Reason))
}
