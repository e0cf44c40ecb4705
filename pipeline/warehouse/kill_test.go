package warehouse

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// A refresh killed (kill -9) while it stages a partition in slices (after
// its first slice, half of them, all of them) or while it builds the marts leaves the warehouse as it was: the refresh after it builds the
// same tables as a refresh never killed, rebuilding and then appending.
// The refresh killed runs in a child process (this test binary again).
func TestRefreshInSlicesKilled(t *testing.T) {
	if dir := os.Getenv("DANVAN_TEST_SLICES_CHILD"); dir != "" {
		slicesChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("kills refreshes in child processes")
	}
	at := func(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }
	batch := func(name string, d int, v float64, units ...string) whtest.Batch {
		var fs []whtest.Fact
		for i, u := range units {
			for _, p := range []string{"2023", "2023-H1", "2023-H2", "2023-Q1", "2023-Q2", "2023-Q3", "2023-05"} {
				fs = append(fs, whtest.Fact{Unit: u, Period: p, Indicator: "dialogues", Value: v + float64(i)},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Disaggregation: "kinh_te", Value: 2 * v},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Value: 3 * v})
			}
		}
		return whtest.Batch{SourceFile: name, IngestedAt: at(d), Facts: fs}
	}
	first := []whtest.Batch{batch("a.csv", 1, 10, "380", "381", "384", "385", "386"), batch("b.csv", 2, 20, "380", "385")}
	later := batch("c.csv", 3, 30, "381", "386", "387")
	tables := []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports",
		"wh_partitions", "mart_province_year", "mart_unit_year", "mart_completeness", "mart_reporting"}
	// state is every table of the warehouse of dir, refreshed as it is now.
	state := func(dir string) map[string][]string {
		t.Helper()
		w, err := Open(context.Background(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, tbl := range tables {
			out[tbl] = dump(t, w, tbl)
		}
		return out
	}
	// The states never killed: after the first batches, then after later.
	ref := t.TempDir()
	for _, b := range first {
		whtest.Write(t, ref, b)
	}
	slices := runChild(t, ref, -1) // the number of slices of a whole refresh
	if slices < 3 {
		t.Fatalf("the refresh stages %d slices; the test does not slice", slices)
	}
	want := state(ref)
	whtest.Write(t, ref, later)
	appendSlices := runChild(t, ref, -1)
	wantLater := state(ref)

	for _, k := range []int{1, slices / 2, slices, slices + 1} { // after slice k; slices+1: in the marts
		dir := t.TempDir()
		for _, b := range first {
			whtest.Write(t, dir, b)
		}
		runChild(t, dir, k)
		if got := state(dir); !reflect.DeepEqual(got, want) {
			t.Fatalf("killed after slice %d of %d, the next refresh built other tables", k, slices)
		}
		// Appending, killed the same way.
		whtest.Write(t, dir, later)
		runChild(t, dir, min(k, appendSlices+1))
		if got := state(dir); !reflect.DeepEqual(got, wantLater) {
			t.Fatalf("appending, killed after slice %d of %d, the next refresh built other tables", min(k, appendSlices+1), appendSlices)
		}
	}
	t.Logf("killed after 1, %d and %d of %d slices (appending: %d at most) and in the marts", slices/2, slices, slices, appendSlices)
}

// runChild refreshes dir in a child process that stages one row a slice
// and says each statement on its output; it is killed (SIGKILL) once it
// has staged kill slices, or, kill past its slices, once it starts the
// marts. kill < 0: let it finish. It returns the slices it staged.
func runChild(t *testing.T, dir string, kill int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefreshInSlicesKilled$")
	cmd.Env = append(os.Environ(), "DANVAN_TEST_SLICES_CHILD="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n, killed := 0, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "model "+stagingInsert+" (slice)") {
			n++
		}
		if kill >= 0 && !killed && (n == kill || strings.HasPrefix(line, "model 2")) {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
	}
	err = cmd.Wait()
	if kill < 0 && err != nil {
		t.Fatalf("child refresh: %v", err)
	}
	if kill >= 0 && !killed {
		t.Fatalf("the child refresh ended (%v) before its kill after %d slices", err, kill)
	}
	return n
}

// slicesChild is the child: a refresh of dir staging one row per slice,
// each statement said on standard output as it ends.
func slicesChild(dir string) {
	stagingRowBytes = 1 << 50
	w, err := Open(context.Background(), dir, Options{Trace: func(what string, _ time.Duration) { fmt.Println(what) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := w.Refresh(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.Close()
	os.Exit(0)
}
