package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/demo"
	"github.com/danvan/danvan/pipeline/layout"
)

// The clocks of the drop: the history is ingested after all its
// submissions, the drop of the half-year after it a month later (as the
// bench's drop step).
const (
	dropHistoryNow = "2027-02-01T00:00:00Z"
	dropNow        = "2027-03-01T00:00:00Z"
)

// TestDropKilledAtRandomMoments: a half-year's drop of commune forms (one
// small workbook per commune, their commits made durable in groups) lands
// on top of a history; `danvan run` is killed
// (kill -9) at random moments of it, again and again, each run going on
// from what the killed ones committed, until one ends on its own. After
// every kill whatever is published is whole; after the last run the
// snapshot is byte for byte what a run never killed publishes, no form is
// set aside, and `danvan check` finds nothing. DANVAN_KILL_TRIALS sets the
// kills (default 12; 4 with -short).
func TestDropKilledAtRandomMoments(t *testing.T) {
	trials := 12
	if testing.Short() {
		trials = 4
	}
	if n, err := strconv.Atoi(os.Getenv("DANVAN_KILL_TRIALS")); err == nil && n > 0 {
		trials = n
	}
	dropEnv := []string{"DANVAN_NOW=" + dropNow}
	withDrop, n := dropInboxes(t)
	clean := withDrop()
	start := time.Now()
	r := danvan(t, dropEnv, "run", "--data", clean)
	if r.code != exitOK {
		t.Fatalf("the drop, never killed: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	span := time.Since(start)
	want, _ := snapshotFiles(t, clean)

	rng := rand.New(rand.NewPCG(12, 7))
	killed := withDrop()
	kills, runs := 0, 0
	for ; kills < trials && runs < 4*trials; runs++ {
		cmd := exec.Command(binary, "run", "--data", killed)
		cmd.Env = append(os.Environ(), dropEnv...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ended := make(chan struct{})
		go func() { cmd.Wait(); close(ended) }()
		select {
		case <-ended:
			if c := cmd.ProcessState.ExitCode(); c != exitOK {
				t.Fatalf("run %d ended on its own: code %d\n%s\n%s", runs, c, out.String(), errb.String())
			}
			// It ended: the next run has nothing to do; start the drop again
			// on a fresh copy so that every kill has work to interrupt.
			check(t, killed, want, "a run after kills")
			killed = withDrop()
		case <-time.After(time.Duration(rng.Int64N(int64(span + span/4)))):
			cmd.Process.Signal(syscall.SIGKILL)
			<-ended
			if !cmd.ProcessState.Exited() {
				kills++
			}
		}
		snapshotFiles(t, killed) // whatever is published is whole
		if t.Failed() {
			t.Fatalf("run %d left a broken snapshot", runs)
		}
	}
	if r := danvan(t, dropEnv, "run", "--data", killed); r.code != exitOK {
		t.Fatalf("run after the kills: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	check(t, killed, want, "the run after the kills")
	t.Logf("%d forms; %d kill -9 in %d runs (a never-killed drop run: %v)", n, kills, runs, span.Round(time.Millisecond))
}

// dropInboxes runs the history (smallInbox) once and writes a half-year's
// commune forms (n of them); each call of withDrop makes a fresh data
// directory: a copy of the history with the forms in its inbox.
func dropInboxes(t *testing.T) (withDrop func() string, n int) {
	t.Helper()
	hist := t.TempDir()
	smallInbox(t, hist)
	if r := danvan(t, []string{"DANVAN_NOW=" + dropHistoryNow}, "run", "--data", hist); r.code != exitProblems {
		t.Fatalf("history: code %d\n%s", r.code, r.stderr)
	}
	forms := t.TempDir()
	n, _, err := demo.CommuneForms(forms, pipeline.HalfPeriod(2026, 2), demo.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return func() string {
		dir := t.TempDir()
		// cp -a: the history's exports/current is a link.
		if out, err := exec.Command("cp", "-a", hist+"/.", dir).CombinedOutput(); err != nil {
			t.Fatalf("copy the history: %v %s", err, out)
		}
		if err := os.CopyFS(filepath.Join(dir, "inbox", "drop"), os.DirFS(forms)); err != nil {
			t.Fatal(err)
		}
		return dir
	}, n
}

// check compares the snapshot published in data with want, and asks
// `danvan check`; no file of the drop may be set aside.
func check(t *testing.T, data string, want map[string]string, what string) {
	t.Helper()
	got, ok := snapshotFiles(t, data)
	if !ok {
		t.Fatalf("%s published nothing", what)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %s differs from the run never killed", what, name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d files published, the run never killed %d", what, len(got), len(want))
	}
	m, err := layout.ReadManifest(layout.Dir(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m {
		if e.Status != layout.Loaded && strings.HasPrefix(e.SourceFile, "bao-cao-") {
			t.Errorf("%s: %s is %s: %s", what, e.SourceFile, e.Status, e.Reason)
		}
	}
	if c := danvan(t, nil, "check", "--data", data); c.code != exitOK {
		t.Errorf("%s: check: code %d\n%s%s", what, c.code, c.stdout, c.stderr)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// TestDropKilledAtEachStep: the drop's `danvan run` killed (kill -9) right
// after each step of it (DANVAN_TRACE's lines: the ingest, the warehouse's
// commits of the partitions and of the marts, each JSON output, the tables,
// the switch of the published snapshot, the warehouse's close), once (and
// twice in a row after the marts' commit and after the tables): the next run publishes byte for byte
// what a run never killed publishes, and `danvan check` finds nothing. A
// publication that reuses what did not change must judge it against what
// is published, not against what the killed run's refresh committed.
func TestDropKilledAtEachStep(t *testing.T) {
	if testing.Short() {
		t.Skip("a dozen drops")
	}
	dropEnv := []string{"DANVAN_NOW=" + dropNow}
	withDrop, _ := dropInboxes(t)
	clean := withDrop()
	if r := danvan(t, dropEnv, "run", "--data", clean); r.code != exitOK {
		t.Fatalf("the drop, never killed: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want, _ := snapshotFiles(t, clean)
	steps := []string{"ingest", "commit opening", "open warehouse", "commit partitions", "commit marts", "refresh",
		"output province_year.json", "output unit_year.json", "output files.json", "output sources/*",
		"publish JSON outputs", "publish tables", "publish sync", "publish", "close warehouse"}
	twice := map[string]bool{"commit marts": true, "publish tables": true}
	for _, step := range steps {
		for times := 1; times <= 1 || times == 2 && twice[step]; times++ {
			data := withDrop()
			for range times {
				if !killAfter(t, data, dropEnv, step) {
					t.Logf("%q: no such step in the drop's trace", step)
				}
				snapshotFiles(t, data) // whatever is published is whole
			}
			if r := danvan(t, dropEnv, "run", "--data", data); r.code != exitOK {
				t.Fatalf("killed after %q %d time(s), then run: code %d\n%s\n%s", step, times, r.code, r.stdout, r.stderr)
			}
			check(t, data, want, fmt.Sprintf("killed after %q %d time(s), then run", step, times))
		}
	}
}

// killAfter runs the drop in data with DANVAN_TRACE and kills it (kill -9)
// as soon as it has traced step; it reports whether it did (false: the run
// ended without that step).
func killAfter(t *testing.T, data string, env []string, step string) bool {
	t.Helper()
	cmd := exec.Command(binary, "run", "--data", data)
	cmd.Env = append(append(os.Environ(), env...), "DANVAN_TRACE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		f := strings.Fields(strings.TrimPrefix(sc.Text(), "trace "))
		// "trace <step words> <duration> cpu <cpu>"
		if strings.HasPrefix(sc.Text(), "trace ") && len(f) >= 3 && strings.Join(f[:len(f)-3], " ") == step {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	io.Copy(io.Discard, stderr)
	cmd.Wait()
	return killed
}
