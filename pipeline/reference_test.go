package pipeline

import (
	"encoding/csv"
	"io/fs"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestPlainRecordsAsCSV holds plainRecords to encoding/csv: on every
// reference file, and on the line ends, empty lines and field counts
// encoding/csv treats its own way.
func TestPlainRecordsAsCSV(t *testing.T) {
	texts := []string{
		"a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\n1,2", "a,b\n\n1,2\n\n", "a,b\r\n\r\n1,2",
		"a,b\n 1 , 2 \n", "a,b\n,\n", "a\n\n", "a,b\n1,2\r", "a,b\n1,2\r\r\n", "a,b\r", "a,b\n1\r2,3\n", "a,b\n1,2,3\n", "a,b\n1\n",
		"a,b\n\"1\",2\n", "", "\n\n", "x",
	}
	names, err := fs.Glob(ReferenceFiles, "reference/*.csv")
	if err != nil || len(names) == 0 {
		t.Fatalf("reference files: %v %v", names, err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(ReferenceFiles, n)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	plain := 0
	for _, text := range texts {
		want, werr := csv.NewReader(strings.NewReader(text)).ReadAll()
		got, ok := plainRecords(text)
		if !ok {
			continue
		}
		plain++
		if werr != nil {
			t.Errorf("plainRecords(%.40q) read %d records, encoding/csv fails: %v", text, len(got), werr)
			continue
		}
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("plainRecords(%.40q) = %q, encoding/csv %q", text, got, want)
		}
	}
	if plain < 15 {
		t.Errorf("only %d of %d texts read without encoding/csv", plain, len(texts))
	}
}

// TestReferenceLoadsCheaply: every ingest loads the reference at its
// start (the 27-sheet workbook's whole ingest is ~50 ms of CPU), so its
// CSV is not read into a string per line and a slice per record.
func TestReferenceLoadsCheaply(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	n := testing.AllocsPerRun(3, func() {
		if _, err := DefaultReference(); err != nil {
			t.Fatal(err)
		}
	})
	if n > 4000 {
		t.Errorf("loading the reference allocates %.0f times, want at most 4,000", n)
	}
}

// TestIndexFreshMemory: every ingest indexes the reference's names, in a
// process whose heap is never collected, so what the index allocates is
// fresh memory (a page fault per 4 KiB). Its maps sized by every unit,
// the communes before the reform too, which it does not index, took
// ~560 KB; sized by the units it holds, ~330 KB.
func TestIndexFreshMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	const runs = 5
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		indexNames(ref)
	}
	runtime.ReadMemStats(&after)
	if got := (after.TotalAlloc - before.TotalAlloc) / runs; got > 420_000 {
		t.Errorf("indexing the reference's names allocated %d bytes, want at most 420,000", got)
	}
}

func BenchmarkDefaultReference(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DefaultReference(); err != nil {
			b.Fatal(err)
		}
	}
}
