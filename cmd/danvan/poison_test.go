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
