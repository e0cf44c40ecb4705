package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// TestRunStoppedMidOverlap: `danvan run` is stopped as an operator or
// the service manager stops it (SIGTERM) while it stores one workbook and
// reads the next (ingest/overlap.go). Its summary lists each file once at
// most, as loaded exactly when it is committed, and lists both files in
// flight, each not stored unless committed, saying the run was stopped;
// neither file in flight is
// struck nor left marked as being read; and the next run loads the rest and
// publishes byte for byte what a run never stopped publishes.
func TestRunStoppedMidOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes long workbooks and runs the refresh")
	}
	env := []string{"DANVAN_NOW=" + fixedNow}
	books := t.TempDir()
	names := []string{"a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx", "e.xlsx"}
	for i, name := range names {
		writeLongXLSX(t, filepath.Join(books, name), 8_000+i) // each its own bytes
	}
	inbox := func(data string) {
		if err := os.CopyFS(filepath.Join(data, "inbox"), os.DirFS(books)); err != nil {
			t.Fatal(err)
		}
	}
	clean := t.TempDir()
	inbox(clean)
	if r := danvan(t, env, "run", "--data", clean); r.code != exitOK {
		t.Fatalf("run: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want, _ := snapshotFiles(t, clean)

	data := t.TempDir()
	inbox(data)
	d := layout.Dir(data)
	cmd := exec.Command(binary, "run", "--data", data)
	cmd.Env = append(os.Environ(), env...)
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	go func() { cmd.Wait(); close(ended) }()
	// Stopped once two files are in flight: one stored, the next read.
	deadline := time.After(2 * time.Minute)
	for inFlight(d, cmd.Process.Pid) < 2 {
		select {
		case <-ended:
			t.Fatalf("the run ended before two files were in flight:\n%s%s", out.String(), errb.String())
		case <-deadline:
			cmd.Process.Kill()
			<-ended
			t.Fatal("never two files in flight")
		case <-time.After(time.Millisecond):
		}
	}
	began := inFlightNames(d, cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGTERM)
	<-ended
	stdout := out.String()
	if cmd.ProcessState.ExitCode() == exitOK {
		t.Errorf("a run stopped mid-ingest exits 0:\n%s", stdout)
	}
	loadedAreCommitted(t, data, stdout, 0)
	m, err := layout.ReadManifest(d)
	if err != nil {
		t.Fatal(err)
	}
	committed := map[string]bool{}
	for _, e := range m {
		committed[e.SourceFile] = true
	}
	for _, name := range names {
		lines := 0
		for _, l := range strings.Split(stdout, "\n") {
			if strings.Contains(l, " "+name+":") || strings.Contains(l, " "+name+" ") {
				lines++
				if committed[name] && !strings.HasPrefix(l, "đã nạp") {
					t.Errorf("%s is committed, listed %q", name, l)
				}
			}
		}
		if lines > 1 {
			t.Errorf("%s listed %d times:\n%s", name, lines, stdout)
		}
		if (committed[name] || began[name]) && lines == 0 {
			t.Errorf("%s is committed or was in flight at the stop, not listed:\n%s", name, stdout)
		}
		if l := lineOf(stdout, name); l != "" && !committed[name] && !strings.Contains(l, "lần chạy bị dừng") {
			t.Errorf("%s, not stored, does not say the run was stopped: %q", name, l)
		}
	}
	left, _ := layout.LeftReadings(d)
	for _, l := range left {
		if l.Attempt.Batch != "" {
			t.Errorf("a reading record names %s after the stopped run", l.Attempt.SourceFile)
		}
	}
	if as, _ := filepath.Glob(filepath.Join(d.Attempts(), "[0-9a-f]*.json")); len(as) > 0 {
		t.Errorf("attempt records left (a stop is no file's fault): %v", as)
	}
	t.Logf("stopped: %d of %d committed\n%s%s", len(m), len(names), stdout, lastLine(errb.String()))

	r := danvan(t, env, "run", "--data", data)
	if r.code != exitOK {
		t.Fatalf("the run after: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range names {
		if l := lineOf(r.stdout, name); committed[name] != strings.HasPrefix(l, "bỏ qua") {
			t.Errorf("the run after: %q (committed before: %v)", l, committed[name])
		}
	}
	got, _ := snapshotFiles(t, data)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s differs from a run never stopped", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files published, want %d", len(got), len(want))
	}
	if r := danvan(t, nil, "check", "--data", data); r.code != exitOK {
		t.Errorf("check: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// inFlight counts the files process pid reads or stores and has not
// committed, as its reading records say.
func inFlight(d layout.Dir, pid int) int {
	left, _ := layout.LeftReadings(d)
	n := 0
	for _, l := range left {
		if l.PID == pid && l.Attempt.Batch != "" && !layout.Committed(d, l.Attempt.Batch) {
			n++
		}
	}
	return n
}

// inFlightNames names the files inFlight counts.
func inFlightNames(d layout.Dir, pid int) map[string]bool {
	left, _ := layout.LeftReadings(d)
	out := map[string]bool{}
	for _, l := range left {
		if l.PID == pid && l.Attempt.Batch != "" && !layout.Committed(d, l.Attempt.Batch) {
			out[l.Attempt.SourceFile] = true
		}
	}
	return out
}

// lineOf is the line of stdout naming file.
func lineOf(stdout, file string) string {
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, " "+file+":") || strings.Contains(l, " "+file+" ") {
			return l
		}
	}
	return ""
}
