package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// TestPoisonFileKillsRuns: `danvan run` is killed (kill -9) while it reads
// one file, twice in a row, as the kernel kills a run a file makes too big;
// the third run sets that file aside as poison, naming both runs, reads the
// other file and publishes. Nothing the killed runs were writing is left
// behind.
func TestPoisonFileKillsRuns(t *testing.T) {
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	writeRows(t, filepath.Join(inbox, "a-lon.csv"), 500_000, false)
	if err := os.WriteFile(filepath.Join(inbox, "b-tot.csv"), []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Thạch Hà,2023,dialogues,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(data)
	for kill := 1; kill <= 2; kill++ {
		cmd := exec.Command(binary, "run", "--data", data)
		cmd.Env = append(os.Environ(), "DANVAN_NOW="+fixedNow)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once its record says it reads the big file.
		deadline := time.Now().Add(2 * time.Minute)
		for !reading(d, cmd.Process.Pid, "a-lon.csv") {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("kill %d: the run never began reading the file", kill)
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	r := danvan(t, []string{"DANVAN_NOW=" + fixedNow}, "run", "--data", data)
	if r.code != exitOK && r.code != 3 {
		t.Fatalf("run after the kills: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, ok := snapshotFiles(t, data); !ok {
		t.Fatal("nothing published after the kills")
	}
	entries, err := layout.ReadManifest(d)
	if err != nil || len(entries) != 2 {
		t.Fatalf("manifest: %v, %+v", err, entries)
	}
	for _, e := range entries {
		switch e.SourceFile {
		case "a-lon.csv":
			if e.Status != layout.Quarantined || !strings.Contains(e.Reason, "Tệp đã làm 2 lần chạy liên tiếp không đọc xong") ||
				strings.Count(e.Reason, "lần chạy dừng đột ngột khi đang đọc tệp") != 2 {
				t.Errorf("the big file: %s, %q; want quarantined as poison, both killed runs named", e.Status, e.Reason)
			}
		case "b-tot.csv":
			if e.Status != layout.Loaded || e.RowsAccepted != 1 {
				t.Errorf("the other file: %s, %d accepted", e.Status, e.RowsAccepted)
			}
		}
	}
	if !strings.Contains(r.stdout, "cách ly") || !strings.Contains(r.stdout, "a-lon.csv") {
		t.Errorf("the run does not say it set the file aside:\n%s", r.stdout)
	}
	// The killed runs' records and temp files are gone.
	for _, dir := range []string{d.Attempts(), d.Tmp()} {
		left, _ := os.ReadDir(dir)
		for _, e := range left {
			if !e.IsDir() {
				t.Errorf("left in %s: %s", dir, e.Name())
			}
		}
	}
}

// reading reports whether the attempt record of file says process pid
// reads it.
func reading(d layout.Dir, pid int, file string) bool {
	paths, _ := filepath.Glob(filepath.Join(d.Attempts(), "*.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var a layout.Attempt
		if json.Unmarshal(bytes.TrimSpace(b), &a) == nil && a.PID == pid && a.SourceFile == file {
			return true
		}
	}
	return false
}

// TestPoisonFormBesideAnother: workbooks are read while the one before is
// stored, so a run killed while it reads one may have two files in flight.
// `danvan run` is killed (kill -9) each time it reads b-doc.xlsx, as the
// kernel kills a run a file makes too big. A death with the file before
// also in flight strikes neither (both are then read alone); a death with
// b-doc.xlsx alone in flight strikes it. So it is quarantined as poison
// after two deaths alone, naming those two, and its neighbour, in flight
// beside it at the first kill, is never struck: it is loaded and nothing
// is left of its records.
func TestPoisonFormBesideAnother(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two long workbooks and kills runs")
	}
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	// Long enough that storing a-truoc.xlsx and reading b-doc.xlsx take a
	// while (a different number of rows: different bytes).
	writeLongXLSX(t, filepath.Join(inbox, "a-truoc.xlsx"), 20_000)
	writeLongXLSX(t, filepath.Join(inbox, "b-doc.xlsx"), 20_001)
	if err := os.WriteFile(filepath.Join(inbox, "c-sau.csv"), []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Thạch Hà,2023,dialogues,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(data)
	// Runs are killed until two have died with b-doc.xlsx alone in flight
	// (the run after those sets it aside, unkilled).
	alone, beside := 0, 0
	for run := 1; alone < 2; run++ {
		if run > 8 {
			t.Fatalf("%d runs killed, %d with b-doc.xlsx alone in flight", run-1, alone)
		}
		cmd := exec.Command(binary, "run", "--data", data)
		cmd.Env = append(os.Environ(), "DANVAN_NOW="+fixedNow)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ended := make(chan struct{})
		go func() { cmd.Wait(); close(ended) }()
		deadline := time.After(2 * time.Minute)
		for !reading(d, cmd.Process.Pid, "b-doc.xlsx") {
			select {
			case <-ended:
				t.Fatalf("run %d ended without reading b-doc.xlsx, %d runs having died on it alone", run, alone)
			case <-deadline:
				cmd.Process.Kill()
				<-ended
				t.Fatalf("run %d never began reading b-doc.xlsx", run)
			case <-time.After(time.Millisecond):
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-ended
		// What the dead run had in flight is what its reading records say.
		inFlight := map[string]bool{}
		left, err := layout.LeftReadings(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range left {
			if l.PID == cmd.Process.Pid && l.Attempt.Batch != "" && !layout.Committed(d, l.Attempt.Batch) {
				inFlight[l.Attempt.SourceFile] = true
			}
		}
		switch {
		case !inFlight["b-doc.xlsx"]:
			t.Fatalf("run %d was killed reading b-doc.xlsx, but its records say %v", run, inFlight)
		case len(inFlight) == 1:
			alone++
		default:
			beside++
			if !inFlight["a-truoc.xlsx"] || len(inFlight) != 2 {
				t.Fatalf("run %d died with %v in flight, want b-doc.xlsx and the file before it", run, inFlight)
			}
		}
		t.Logf("run %d killed with %v in flight", run, inFlight)
	}
	r := danvan(t, []string{"DANVAN_NOW=" + fixedNow}, "run", "--data", data)
	if r.code != 3 {
		t.Fatalf("the run after the kills: code %d, want 3 (done with problems)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if beside == 0 {
		t.Log("no run died with two files in flight this time; the rule for it was not exercised")
	}
	entries, err := layout.ReadManifest(d)
	if err != nil || len(entries) != 3 {
		t.Fatalf("manifest: %v, %+v", err, entries)
	}
	for _, e := range entries {
		switch {
		case e.SourceFile == "b-doc.xlsx":
			if e.Status != layout.Quarantined || !strings.Contains(e.Reason, "Tệp đã làm 2 lần chạy liên tiếp không đọc xong") ||
				strings.Count(e.Reason, "lần chạy dừng đột ngột khi đang đọc tệp") != 2 {
				t.Errorf("b-doc.xlsx: %s, %q; want quarantined as poison, the two runs that died on it alone named", e.Status, e.Reason)
			}
		case e.Status != layout.Loaded:
			t.Errorf("%s: %s, %q; want loaded", e.SourceFile, e.Status, e.Reason)
		}
	}
	if _, ok := snapshotFiles(t, data); !ok {
		t.Fatal("nothing published after the kills")
	}
	for _, dir := range []string{d.Attempts(), d.Tmp()} {
		left, _ := os.ReadDir(dir)
		for _, e := range left {
			if !e.IsDir() {
				t.Errorf("left in %s: %s", dir, e.Name())
			}
		}
	}
}
