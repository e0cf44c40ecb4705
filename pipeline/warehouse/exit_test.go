package warehouse

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// A warehouse left by CloseForExit, in a process that then exits, holds in
// its file all that the refresh wrote, with no WAL to replay, and opens
// with the tables a refresh closed by Close leaves. The refresh runs in a
// child process (this test binary again): DuckDB keeps the instance of a
// file not closed for the next open of it in the same process.
func TestCloseForExitLeavesTheFileWhole(t *testing.T) {
	if dir := os.Getenv("DANVAN_TEST_EXIT_CHILD"); dir != "" {
		exitChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("refreshes in a child process")
	}
	batch := whtest.Batch{SourceFile: "a.csv", IngestedAt: time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10},
		{Unit: "381", Period: "2023-H1", Indicator: "models_registered", Value: 4},
	}}
	tables := []string{"stg_facts", "int_reports", "wh_partitions", "mart_province_year", "mart_unit_year", "wh_run"}
	state := func(dir string) map[string][]string {
		t.Helper()
		w, err := Open(context.Background(), dir, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		out := map[string][]string{}
		for _, tbl := range tables {
			out[tbl] = dump(t, w, tbl)
		}
		return out
	}

	closed := t.TempDir()
	whtest.Write(t, closed, batch)
	w, err := Open(context.Background(), closed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	exited := t.TempDir()
	whtest.Write(t, exited, batch)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCloseForExitLeavesTheFileWhole$")
	cmd.Env = append(os.Environ(), "DANVAN_TEST_EXIT_CHILD="+exited)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child refresh: %v\n%s", err, out)
	}
	if fi, err := os.Stat(layout.Dir(exited).DuckDB() + ".wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("the process left a WAL of %d bytes to replay: the file does not hold the refresh", fi.Size())
	}
	want, got := state(closed), state(exited)
	if len(want["stg_facts"]) != 2 {
		t.Fatalf("the refresh staged %d facts, want 2", len(want["stg_facts"]))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the warehouse left for the exit holds\n%v\nwhere the one closed holds\n%v", got, want)
	}
}

// exitChild refreshes dir and leaves the warehouse by CloseForExit, then
// exits.
func exitChild(dir string) {
	w, err := Open(context.Background(), dir, Options{})
	if err == nil {
		_, err = w.Refresh(context.Background())
	}
	if err == nil {
		err = w.CloseForExit()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}
