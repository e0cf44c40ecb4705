package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/danvan/danvan/cmd/danvan/internal/prefetch"
	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	data := dataFlag(fs)
	show := fs.Int("show", 5, "problems to print per file, each cause's refusals once with their places; -1: all")
	var read readOptions
	readFlagsInto(fs, &read)
	if err := parse(fs, args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{inboxDir(*data)}
	}
	read.problems = *show
	sum, err := ingestPaths(ctx, *data, read, paths)
	printSummary(stdout, sum, *show)
	if err == nil && len(sum.Faults()) > 0 {
		return errProblems
	}
	return err
}

// ingestPaths ingests files or folders into the warehouse of data.
func ingestPaths(ctx context.Context, data string, read readOptions, paths []string) (sum ingest.Summary, err error) {
	// The reference and its index of names (~1-2 ms of CPU), unless
	// package prefetch has them read already, are read on the other core
	// while the store makes and syncs its directories, which mostly waits
	// on the disk: a workbook's ingest was ~36 ms.
	reference := prefetch.Start()
	so := store.DefaultOptions()
	// The files read one after another within this time share their
	// commit's syncs (store.Options.Group): the ~6 fsyncs a small form's
	// commit cost alone were most of its time on a busy disk.
	so.Group = commitGroup
	st, err := store.Open(data, so)
	if err != nil {
		return ingest.Summary{}, err
	}
	defer func() {
		// Files sealed the group unless it stopped early (cancelled): the
		// files of a group that could not be sealed are not committed, the
		// next run reads them again, and the summary says so.
		if cerr := st.Close(); cerr != nil {
			sum.TakeBack(cerr)
			if err == nil {
				err = cerr
			}
		}
	}()
	opts := ingest.DefaultOptions()
	read.apply(&opts)
	opts.Tracker = st
	opts.TempDir = layout.Dir(data).Tmp()
	if opts.Now, err = clock(); err != nil {
		return ingest.Summary{}, err
	}
	if opts.Reference, err = reference(); err != nil {
		return ingest.Summary{}, fmt.Errorf("load reference data: %w", err)
	}
	in, err := ingest.New(opts)
	if err != nil {
		return ingest.Summary{}, err
	}
	return in.Files(ctx, paths, st)
}

// commitGroup is how long a file's commit may wait for the files after it
// to share one sync (store.Options.Group).
const commitGroup = 2 * time.Second

// printSummary prints a line per file (for a loaded file, with where its
// province, period and date came from when its rows did not say), then
// each problem of the file once, up to show of them, in words a clerk can
// act on, then the warnings, then the entries of the folders that were not
// read, with why. Text from the files and their names is printed with its
// control characters escaped (printable).
func printSummary(w io.Writer, sum ingest.Summary, show int) {
	for _, f := range sum.Files {
		name := printable(f.File)
		switch f.Status {
		case ingest.Quarantined:
			fmt.Fprintf(w, "%-12s %s: %s%s\n", "cách ly", name, printable(f.FileErr.Reason), fixText(f.FileErr.Code))
		case ingest.Unreadable:
			fmt.Fprintf(w, "%-12s %s: %s\n", "không đọc được", name, printable(f.FileErr.Reason))
		case ingest.Skipped:
			fmt.Fprintf(w, "%-12s %s (đã nạp trước đó / already ingested)\n", "bỏ qua", name)
		case ingest.Failed:
			fmt.Fprintf(w, "%-12s %s: %s\n", "chưa đọc xong", name, printable(f.FileErr.Reason))
		default:
			line := fmt.Sprintf("%-12s %s: %d giá trị nhận, %d bị từ chối", statusLabel(f.Status), name, f.Accepted, f.Rejected)
			if n := len(f.Warnings); n > 0 {
				line += fmt.Sprintf(", %d cảnh báo", n)
			}
			if c := contextText(f.Context); c != "" {
				line += "; " + c
			}
			fmt.Fprintln(w, line)
		}
		problems, all := f.Problems, f.ProblemCount
		if show >= 0 && len(problems) > show {
			problems = problems[:show]
		}
		for _, p := range problems {
			fmt.Fprintf(w, "    %s\n", problemLine(p))
		}
		if show >= 0 && all > show {
			fmt.Fprintf(w, "    … và %d lỗi khác\n", all-show)
		}
		for _, p := range ingest.Problems(warningErrors(f.Warnings)) {
			fmt.Fprintf(w, "    cảnh báo: %s\n", problemLine(p))
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

func warningErrors(ws []pipeline.Warning) []pipeline.RowError {
	out := make([]pipeline.RowError, len(ws))
	for i, w := range ws {
		out[i] = pipeline.RowError(w)
	}
	return out
}

// contextText says where a file's province, period and date came from:
// "tỉnh Nghệ An theo tiêu đề (Biểu 1!A1)"; for a workbook whose sheets
// state them each, how many sheets and different texts.
func contextText(cs []ingest.Context) string {
	type key struct {
		f  pipeline.Field
		by pipeline.StatedBy
	}
	var order []key
	groups := map[key][]ingest.Context{}
	for _, c := range cs {
		k := key{c.Field, c.By}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	var parts []string
	for _, k := range order {
		g := groups[k]
		what := map[pipeline.Field]string{pipeline.FieldProvince: "tỉnh", pipeline.FieldUnit: "đơn vị", pipeline.FieldPeriod: "kỳ", pipeline.FieldSubmittedAt: "ngày gửi"}[k.f]
		by, _ := k.by.Words()
		said := func(text string) string { // "tỉnh Thanh Hóa", not "tỉnh Tỉnh Thanh Hóa"
			if first, _, _ := strings.Cut(text, " "); strings.EqualFold(first, what) {
				return printable(text)
			}
			return what + " " + printable(text)
		}
		places := 0
		for _, c := range g {
			places += len(c.Cells)
		}
		switch {
		case len(g) > 1:
			parts = append(parts, fmt.Sprintf("%s theo %s (%d chỗ, %d giá trị khác nhau)", what, by, places, len(g)))
		case k.by == pipeline.ByFileName:
			parts = append(parts, fmt.Sprintf("%s theo %s", said(g[0].Text), by))
		case places > 1:
			parts = append(parts, fmt.Sprintf("%s theo %s (%s và %d chỗ khác)", said(g[0].Text), by, printable(g[0].Cells[0]), places-1))
		default:
			parts = append(parts, fmt.Sprintf("%s theo %s (%s)", said(g[0].Text), by, printable(g[0].Cells[0])))
		}
	}
	return strings.Join(parts, "; ")
}

// problemLine is one problem: where, column, value, reason. A notice of
// something passed over (a sheet, a JSON key) has no column or value, and
// says none.
func problemLine(p ingest.Problem) string {
	where, _ := p.Places()
	if p.Values > 1 {
		where += fmt.Sprintf(" (%d giá trị)", p.Values)
	}
	where = printable(where)
	if p.Column != "" || p.Value != "" {
		where += fmt.Sprintf(", cột %s, giá trị %q", printable(p.Column), p.Value)
	}
	return fmt.Sprintf("%s: %s%s", where, printable(p.Reason), fixText(p.Code))
}

// fixText is how to fix a kind of problem, to follow its reason on the
// same line: " Cách sửa: …", or nothing for a kind without a fix of its
// own (the reason says it).
func fixText(code string) string {
	if fix, ok := pipeline.FixFor(code); ok {
		return " Cách sửa: " + fix.VI
	}
	return ""
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
