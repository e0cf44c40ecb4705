package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	dd "github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestRenamedAfterQuarantineIsLoaded: a workbook sent named .csv is
// quarantined with the fix to rename it to .xlsx and send it again. The same
// bytes sent again as .xlsx are read and loaded under that name; they were
// skipped as already ingested, their values never loaded. A copy under
// another wrong name stays skipped (it is not quarantined again), so two
// names in the inbox never quarantine each other run after run. A real
// store, several runs.
func TestRenamedAfterQuarantineIsLoaded(t *testing.T) {
	form, err := os.ReadFile(filepath.Join("testdata", "forms", "bao-cao-quy-2.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	inbox, data := t.TempDir(), t.TempDir()
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	in, err := New(Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	run := func(what string, want map[string]Status) {
		t.Helper()
		files := runStatuses(t, in, inbox, st, what, want)
		for _, f := range files {
			if f.Status == Loaded && f.Accepted != 3 {
				t.Errorf("%s: %s loaded %d values, want 3", what, f.File, f.Accepted)
			}
		}
		if len(files) != len(want) {
			t.Errorf("%s: %d files, want %v", what, len(files), want)
		}
	}
	put := func(name string) {
		if err := os.WriteFile(filepath.Join(inbox, name), form, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("bao-cao.csv")
	run("sent as .csv", map[string]Status{"bao-cao.csv": Quarantined})
	put("bao-cao.json")
	run("a copy as .json", map[string]Status{"bao-cao.csv": Skipped, "bao-cao.json": Skipped})
	if err := os.Rename(filepath.Join(inbox, "bao-cao.csv"), filepath.Join(inbox, "bao-cao.xlsx")); err != nil {
		t.Fatal(err)
	}
	run("renamed .xlsx", map[string]Status{"bao-cao.xlsx": Loaded, "bao-cao.json": Skipped})
	m, err := dd.ReadManifest(dd.Dir(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || m[0].Status != dd.Loaded || m[0].SourceFile != "bao-cao.xlsx" || m[0].RowsAccepted != 3 {
		t.Errorf("commit records %+v, want one: bao-cao.xlsx loaded, 3 values", m)
	}
	run("the run after", map[string]Status{"bao-cao.xlsx": Skipped, "bao-cao.json": Skipped})
}

// TestLongCSVFormLeftAtItsTime: a CSV whose header is a form's (units
// down, indicators across: no long table's columns) is read whole by the
// form reader, on the streaming path. A large one is left for the run
// (Failed) once its file's time is up, as every file is, instead of when
// the form reader finishes with it: the form reader took seconds past a
// time of 100 ms (22 s past 3 s for 500,000 rows, with 1.5 GB of memory).
// Such a form is now refused past maxFormRows (bad_test.go); one at the
// bound takes ~0.2 s, past a time of 1 ms.
func TestLongCSVFormLeftAtItsTime(t *testing.T) {
	units := []string{"Thạch Hà", "Can Lộc", "Hương Khê", "Đức Thọ", "Hương Sơn", "Kỳ Anh", "Cẩm Xuyên", "Nghi Xuân"}
	var b strings.Builder
	b.WriteString("Tỉnh: Hà Tĩnh,,,\nKỳ báo cáo: Năm 2023,,,\nSTT,Đơn vị,Số mô hình đăng ký,Số mô hình được công nhận\n")
	for i := range maxFormRows - 3 {
		fmt.Fprintf(&b, "%d,%s,%d,%d\n", i+1, units[i%len(units)], i%50, i%40)
	}
	inbox := writeTree(t, map[string]string{"bieu-dai.csv": b.String()})
	const timeout = time.Millisecond
	in, err := New(Options{Now: func() time.Time { return testNow }, FileTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := in.Files(context.Background(), []string{inbox}, newMemSink())
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || sum.Files[0].Status != Failed {
		t.Fatalf("%+v, want the file left for the run (failed)", sum.Files)
	}
	// Reading the grid up to the check after its time, at any load.
	if took > 2*time.Second {
		t.Errorf("the file was left %v after it started, its time being %v", took, timeout)
	}
}

// runStatuses ingests inbox into sink with in and checks the status of
// each file named in want (what names the run in failures); it returns
// every file's result.
func runStatuses(t *testing.T, in *Ingester, inbox string, sink pipeline.Sink, what string, want map[string]Status) []FileResult {
	t.Helper()
	sum, err := in.Files(context.Background(), []string{inbox}, sink)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := map[string]Status{}
	for _, f := range sum.Files {
		got[f.File] = f.Status
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %s %s, want %s", what, name, got[name], w)
		}
	}
	return sum.Files
}
