package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/demo"
	"github.com/danvan/danvan/pipeline/ingest/internal/workbook"
)

// benchRows is the size of the generated file; DANVAN_BENCH_ROWS overrides
// it (the acceptance benchmark uses 10 million).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("DANVAN_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// writeBenchCSV writes a long CSV of n valid rows over the districts,
// indicators and periods of 1950-2024; it returns the file size and how
// many of the rows are distinct values (about 700 thousand at most: three
// provinces cannot report ten million distinct values).
func writeBenchCSV(b *testing.B, path string, n int) (size int64, distinct int) {
	b.Helper()
	ref, err := pipeline.DefaultReference()
	if err != nil {
		b.Fatal(err)
	}
	// Districts that existed from before 1950 to the end of 2024, by code
	// (names like Kỳ Anh are ambiguous without their type).
	type unit struct{ province, name string }
	var units []unit
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, p := range ref.Provinces() {
		for _, u := range ref.UnitsOn(p.Code, pipeline.LevelDistrict, end) {
			if u.From.IsZero() {
				units = append(units, unit{p.Name, u.Code})
			}
		}
	}
	var inds []string
	for _, ind := range ref.Indicators {
		if ind.MaxOf == "" {
			inds = append(inds, ind.Code)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri\n")
	// Months, quarters, halves and years of 1950-2024.
	var periods []string
	for y := 1950; y <= 2024; y++ {
		for m := 1; m <= 12; m++ {
			periods = append(periods, fmt.Sprintf("tháng %d/%d", m, y))
		}
		periods = append(periods, fmt.Sprintf("Quý I/%d", y), fmt.Sprintf("Quý II/%d", y), fmt.Sprintf("Quý III/%d", y),
			fmt.Sprintf("Quý IV/%d", y), fmt.Sprintf("6 tháng đầu năm %d", y), fmt.Sprintf("6 tháng cuối năm %d", y), fmt.Sprintf("Năm %d", y))
	}
	distinct = len(units) * len(inds) * len(periods)
	for i := 0; i < n; i++ {
		// Beyond the distinct values the file repeats itself, and the
		// repeats are refused as duplicates.
		j := i % distinct
		u := units[j%len(units)]
		k := j / len(units)
		ind := inds[k%len(inds)]
		p := periods[k/len(inds)]
		fmt.Fprintf(w, "%s,%s,%s,%s,,%d\n", u.province, u.name, p, ind, j%997)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	return info.Size(), distinct
}

// countSink is a Sink whose Writers count records: the cost of reading
// and validating alone, without Parquet.
type countSink struct{ n int }

func (c *countSink) Has(string) bool                              { return false }
func (c *countSink) Open(pipeline.Batch) (pipeline.Writer, error) { return c, nil }
func (c *countSink) Quarantine(context.Context, pipeline.Batch, *pipeline.FileError) error {
	return nil
}
func (c *countSink) Add(recs []pipeline.Record) error { c.n += len(recs); return nil }
func (c *countSink) Reject([]pipeline.RowError) error { return nil }
func (c *countSink) Flush() error                     { return nil }
func (c *countSink) Commit(context.Context) error     { return nil }
func (c *countSink) Rollback() error                  { return nil }

// BenchmarkCSV streams a generated long CSV through reading, validation and
// a counting sink.
//
//	go test ./pipeline/ingest -run '^$' -bench BenchmarkCSV -benchtime 1x
func BenchmarkCSV(b *testing.B) {
	n := benchRows()
	path := filepath.Join(b.TempDir(), "bench.csv")
	size, distinct := writeBenchCSV(b, path, n)
	in, err := New(Options{Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink := &countSink{}
		sum, err := in.Files(context.Background(), []string{path}, sink)
		if err != nil {
			b.Fatal(err)
		}
		if f := sum.Files[0]; f.FileErr != nil || f.Accepted != min(n, distinct) || sink.n != f.Accepted {
			b.Fatalf("accepted %d of %d (%+v)", sink.n, n, f)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// perUnitWorkbook writes the demo inbox into a temporary folder and gives
// its per-unit workbook with the most sheets (the bench's workbook, (b)).
func perUnitWorkbook(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := demo.Write(dir, demo.DefaultOptions()); err != nil {
		tb.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*-bieu-mau-tung-don-vi.xlsx"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no per-unit workbook in the demo inbox (%v)", err)
	}
	path, most := "", 0
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		bk, err := workbook.Open(bytes.NewReader(data), int64(len(data)), workbook.Limits{})
		if err != nil {
			tb.Fatal(err)
		}
		if k := len(bk.Sheets()); k > most {
			path, most = n, k
		}
	}
	return path
}

// TestWorkbookFreshMemory: a short command's heap is never collected, so
// each byte the forms allocate is fresh memory, a page fault per 4 KiB
// (docs/performance.md, (b)). Reading and validating the 27-sheet per-unit
// workbook allocated 4.45 MB before the rows of a form's first table were
// kept as made and a row's values shared its cells, 3.62 MB after, 3.34 MB
// once the sheets' value columns shared their header names.
func TestWorkbookFreshMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	path := perUnitWorkbook(t)
	in, err := New(Options{Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		t.Fatal(err)
	}
	read := func() {
		sink := &countSink{}
		sum, err := in.Files(context.Background(), []string{path}, sink)
		if err != nil {
			t.Fatal(err)
		}
		if f := sum.Files[0]; f.FileErr != nil || f.Accepted == 0 || f.Rejected > 0 || sink.n != f.Accepted {
			t.Fatalf("%s: %+v", path, f)
		}
	}
	read() // the reference's index and the header memo, made once
	const runs = 3
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		read()
	}
	runtime.ReadMemStats(&after)
	if got := (after.TotalAlloc - before.TotalAlloc) / runs; got > 3_500_000 {
		t.Errorf("reading %s allocated %d bytes, want at most 3,500,000", filepath.Base(path), got)
	}
}

// BenchmarkWorkbook reads and validates the demo's per-unit workbook with
// the most sheets (the bench's workbook, (b)) into a counting sink: the
// form reader and the whole-file checks without the process around them.
//
//	go test ./pipeline/ingest -run '^$' -bench BenchmarkWorkbook -benchmem
func BenchmarkWorkbook(b *testing.B) {
	path := perUnitWorkbook(b)
	in, err := New(Options{Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink := &countSink{}
		sum, err := in.Files(context.Background(), []string{path}, sink)
		if err != nil {
			b.Fatal(err)
		}
		if f := sum.Files[0]; f.FileErr != nil || f.Accepted == 0 || f.Rejected > 0 || sink.n != f.Accepted {
			b.Fatalf("%s: %+v", path, f)
		}
	}
}
