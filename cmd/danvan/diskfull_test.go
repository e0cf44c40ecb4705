package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// TestDiskFull runs `danvan run` on a file system too small for the data
// directory, at sizes where ingest, the refresh or the publication runs out
// of space: the run fails saying so, without a panic; whatever is published
// is whole; and once there is space, the next run publishes exactly what a
// run that never met a full disk publishes, and `danvan check` finds
// nothing (no half-written file, no leftover). The file systems are tmpfs
// mounts, so the test needs root; it is skipped without.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the refresh on several small file systems")
	}
	env := []string{"DANVAN_NOW=" + fixedNow}
	clean := t.TempDir()
	smallInbox(t, clean)
	if r := danvan(t, env, "run", "--data", clean); r.code != exitProblems { // the demo's bad files
		t.Fatalf("run: code %d\n%s", r.code, r.stderr)
	}
	want, _ := snapshotFiles(t, clean)
	full := 0
	// Sizes in KiB: the small inbox is ~2 MB, the data directory after a run
	// ~15 MB, more at its peak (DuckDB's log).
	for _, kib := range []int{2400, 3000, 7000, 11000, 15000} {
		mnt := t.TempDir()
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dk", kib), "tmpfs", mnt).CombinedOutput(); err != nil {
			t.Skipf("cannot mount a small file system (needs root): %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("umount", mnt).Run() })
		data := filepath.Join(mnt, "data")
		if err := os.CopyFS(filepath.Join(data, "inbox"), os.DirFS(filepath.Join(clean, "inbox"))); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runUntilRetry(t, env, data)
		loadedAreCommitted(t, data, stdout, kib)
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("%d KiB: a panic:\n%s", kib, stderr)
		}
		if code != exitOK && code != exitProblems {
			full++
			if !strings.Contains(strings.ToLower(stderr), "no space left on device") {
				t.Errorf("%d KiB: code %d, the error does not say the disk is full:\n%s", kib, code, stderr)
			}
			// A refresh's attempt that met a full disk is retried wherever
			// it met it (the store, DuckDB, the publication), as the
			// README says. (Writing the run's record after it is no attempt.)
			if strings.Contains(stderr, "attempt(s)") && !strings.Contains(stderr, "retrying") {
				t.Errorf("%d KiB: a full disk not retried: %s", kib, lastLine(stderr))
			}
		}
		snapshotFiles(t, data) // whatever is published is whole
		wholeFiles(t, data, kib)
		if out, err := exec.Command("mount", "-o", "remount,size=1g", mnt).CombinedOutput(); err != nil {
			t.Fatalf("remount: %v %s", err, out)
		}
		if r := danvan(t, env, "run", "--data", data); r.code != exitOK && r.code != exitProblems {
			t.Fatalf("%d KiB, then room: run: code %d\n%s", kib, r.code, r.stderr)
		}
		got, _ := snapshotFiles(t, data)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%d KiB, then room: %s differs from a run that had room", kib, name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d KiB, then room: %d files published, want %d", kib, len(got), len(want))
		}
		if r := danvan(t, nil, "check", "--data", data); r.code != exitOK {
			t.Errorf("%d KiB, then room: check: code %d\n%s%s", kib, r.code, r.stdout, r.stderr)
		}
		t.Logf("%d KiB: code %d, %s", kib, code, lastLine(stderr))
	}
	if full == 0 {
		t.Error("no run met a full disk: the test does not test")
	}
}

// runUntilRetry runs `danvan run` and returns its exit code, stdout and stderr;
// when it fails an attempt and waits to try again (a full disk may pass),
// it is stopped as an operator would (SIGTERM) rather than waited for.
func runUntilRetry(t *testing.T, env []string, data string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, "run", "--data", data)
	cmd.Env = append(os.Environ(), env...)
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return cmd.ProcessState.ExitCode(), out.String(), errb.String()
		case <-time.After(50 * time.Millisecond):
			if strings.Contains(errb.String(), "retrying") {
				cmd.Process.Signal(syscall.SIGTERM)
				<-done
				return cmd.ProcessState.ExitCode(), out.String(), errb.String()
			}
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// wholeFiles checks, right after a failed run, that every file the next
// stage may read is whole: each JSON file (commit records, report lists,
// run records, published outputs) parses and each Parquet file has its
// header and footer. Work in progress (warehouse/tmp, exports/tmp, hidden
// temp files) and DuckDB's own files are not such files.
func wholeFiles(t *testing.T, data string, kib int) {
	t.Helper()
	skip := map[string]bool{filepath.Join(data, "warehouse", "tmp"): true, filepath.Join(data, "exports", "tmp"): true,
		filepath.Join(data, "inbox"): true}
	filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Errorf("%d KiB: %v", kib, err)
			return nil
		}
		if d.IsDir() && skip[path] {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%d KiB: %v", kib, err)
			return nil
		}
		switch filepath.Ext(path) {
		case ".json":
			if !json.Valid(b) {
				t.Errorf("%d KiB: %s is not whole JSON (%d bytes)", kib, path, len(b))
			}
		case ".parquet":
			if len(b) < 8 || string(b[:4]) != "PAR1" || string(b[len(b)-4:]) != "PAR1" {
				t.Errorf("%d KiB: %s is not a whole Parquet file (%d bytes)", kib, path, len(b))
			}
		}
		return nil
	})
}

// loadedAreCommitted checks that every file a run's summary (stdout) lists
// as loaded ("đã nạp") has its commit record: a file whose commit a full
// disk undid (its group's seal failed) must say so.
func loadedAreCommitted(t *testing.T, data, stdout string, kib int) {
	t.Helper()
	m, err := layout.ReadManifest(layout.Dir(data))
	if err != nil {
		t.Errorf("%d KiB: read the manifest: %v", kib, err)
		return
	}
	committed := map[string]bool{}
	for _, e := range m {
		committed[e.SourceFile] = true
	}
	for _, line := range strings.Split(stdout, "\n") {
		rest, ok := strings.CutPrefix(line, "đã nạp")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(rest), ": ")
		if !committed[name] {
			t.Errorf("%d KiB: %q is listed loaded, yet has no commit record", kib, line)
		}
	}
}

// TestIngestSealFails: `danvan ingest` of small files, whose commits wait
// for their group's seal, where the seal fails (the folder of their
// partition cannot be made, as when the disk is full): no file is listed
// "đã nạp"; each is listed not stored, the totals count no value, the
// command fails, and once the fault is gone the next ingest loads them.
func TestIngestSealFails(t *testing.T) {
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	os.MkdirAll(inbox, 0o755)
	for i, unit := range []string{"Thạch Hà", "Cẩm Xuyên", "Hương Khê"} {
		body := fmt.Sprintf(`{"province":"Hà Tĩnh","unit":%q,"period":"2023","values":[{"indicator":"dialogues","value":%d}]}`, unit, i+1)
		if err := os.WriteFile(filepath.Join(inbox, fmt.Sprintf("f%d.json", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	part := filepath.Join(data, "warehouse", "facts", "province=42", "year=2023")
	os.MkdirAll(filepath.Dir(part), 0o755)
	if err := os.WriteFile(part, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := danvan(t, nil, "ingest", "--data", data)
	if r.code != exitFailed || strings.Contains(r.stdout, "đã nạp") ||
		strings.Count(r.stdout, "chưa đọc xong") != 3 || !strings.Contains(r.stdout, "0 giá trị nhận") {
		t.Errorf("ingest whose seal failed: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.Remove(part)
	r = danvan(t, nil, "ingest", "--data", data)
	if r.code != exitOK || strings.Count(r.stdout, "đã nạp") != 3 || !strings.Contains(r.stdout, "3 giá trị nhận") {
		t.Errorf("ingest again: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
