package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	datadir "github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestConcurrentStoreWhileReading: forms, each stored while the
// next is read (overlap.go), into a real store committing in groups with
// its poison records: every form is loaded once, in the summary in the
// order read, a copy of a form under another name (its bytes in flight
// when it is read) is skipped, and no record is left. make test runs it
// under the race detector.
func TestConcurrentStoreWhileReading(t *testing.T) {
	forms := filepath.Join("testdata", "forms")
	names, err := filepath.Glob(filepath.Join(forms, "*.xlsx"))
	if err != nil || len(names) < 10 {
		t.Fatalf("forms: %d, %v", len(names), err)
	}
	inbox := t.TempDir()
	var want []string
	for _, p := range names {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(inbox, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, filepath.Base(p))
	}
	sort.Strings(want)
	// A copy that sorts just before its original: read right before it.
	copyName := strings.TrimSuffix(want[3], ".xlsx") + "-ban-sao.xlsx"
	b, _ := os.ReadFile(filepath.Join(inbox, want[3]))
	if err := os.WriteFile(filepath.Join(inbox, copyName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	want = append(want, copyName)
	sort.Strings(want)

	data := t.TempDir()
	st, err := store.Open(data, store.Options{Group: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	in, err := New(Options{Now: func() time.Time { return now }, Tracker: st, PoisonAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := in.Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != len(want) {
		t.Fatalf("%d files in the summary, want %d", len(sum.Files), len(want))
	}
	skipped := 0
	for i, f := range sum.Files {
		if f.File != want[i] {
			t.Errorf("summary line %d is %s, want %s (the order read)", i, f.File, want[i])
		}
		switch {
		case f.Status == Skipped:
			skipped++
		case f.Status != Loaded && f.Status != Quarantined:
			t.Errorf("%s: %s, %v", f.File, f.Status, f.FileErr)
		}
	}
	if skipped != 1 {
		t.Errorf("%d files skipped, want the copy alone", skipped)
	}
	entries, err := datadir.ReadManifest(datadir.Dir(data))
	if err != nil || len(entries) != len(want)-1 {
		t.Errorf("manifest: %d records, %v; want %d", len(entries), err, len(want)-1)
	}
	if left, _ := os.ReadDir(datadir.Dir(data).Attempts()); len(left) != 0 {
		t.Errorf("left in the attempts folder: %v", left)
	}
}

// stopping is a real store whose run is stopped from outside (cancel) as
// the reading of the file named at begins, while the file before it is in
// flight: that file's commit waits for the stop, then commits under the
// stopped run's context.
type stopping struct {
	*store.Store
	at      string
	cancel  context.CancelFunc
	stopped chan struct{}
}

func (s *stopping) Begin(b pipeline.Batch) ([]pipeline.Strike, error) {
	st, err := s.Store.Begin(b)
	if b.SourceFile == s.at {
		s.cancel()
		close(s.stopped)
	}
	return st, err
}

func (s *stopping) Open(b pipeline.Batch) (pipeline.Writer, error) {
	w, err := s.Store.Open(b)
	if err != nil {
		return nil, err
	}
	return stoppingWriter{w, s.stopped}, nil
}

type stoppingWriter struct {
	pipeline.Writer
	stopped chan struct{}
}

func (w stoppingWriter) Commit(ctx context.Context) error {
	<-w.stopped
	return w.Writer.Commit(ctx)
}

// TestStoppedWithTwoInFlight: a run stopped from outside (SIGTERM) while
// it stores one form and reads the next lists both, once each, as not
// stored, saying the run was stopped (not that the server failed), returns
// its context's error alone, and leaves neither struck nor marked read.
func TestStoppedWithTwoInFlight(t *testing.T) {
	inbox := dropInbox(t, 3)
	data := t.TempDir()
	st, err := store.Open(data, store.Options{Group: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &stopping{Store: st, at: "xa-01.xlsx", cancel: cancel, stopped: make(chan struct{})}
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: sink, PoisonAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := in.Files(ctx, []string{inbox}, sink)
	if err != context.Canceled {
		t.Errorf("err = %v, want the context's error alone", err)
	}
	if cerr := st.Close(); cerr != nil {
		sum.TakeBack(cerr)
	}
	if len(sum.Files) != 2 {
		t.Fatalf("%d files listed, want the two in flight: %+v", len(sum.Files), sum.Files)
	}
	for i, f := range sum.Files {
		if want := fmt.Sprintf("xa-%02d.xlsx", i); f.File != want {
			t.Errorf("line %d: %s, want %s", i, f.File, want)
		}
		if f.Status != Failed || f.FileErr == nil || f.FileErr.Code != "not_stored" ||
			!strings.Contains(f.FileErr.Reason, "lần chạy bị dừng") || strings.Contains(f.FileErr.Reason, "lỗi bên máy chủ") {
			t.Errorf("%s: %s %+v, want not stored, the run stopped", f.File, f.Status, f.FileErr)
		}
		if datadir.Committed(datadir.Dir(data), f.Hash) {
			t.Errorf("%s committed", f.File)
		}
	}
	left, _ := datadir.LeftReadings(datadir.Dir(data))
	for _, l := range left {
		if l.Attempt.Batch != "" {
			t.Errorf("a reading record names %s", l.Attempt.SourceFile)
		}
	}
	if as, _ := filepath.Glob(filepath.Join(datadir.Dir(data).Attempts(), "[0-9a-f]*.json")); len(as) > 0 {
		t.Errorf("attempt records left: %v", as)
	}
}

// TestConcurrentHasWhileSealInFlight: a copy of a form under another name
// is read while the form after the original is stored, and that store seals
// the group holding the original (store.Options.Group, due at once): the
// store still has the original's bytes while it seals them, so every copy
// is skipped and each form committed once, under its own name. make test
// runs it under the race detector.
func TestConcurrentHasWhileSealInFlight(t *testing.T) {
	const n = 30
	inbox := dropInbox(t, n)
	for i := 0; i+2 < n; i += 3 {
		// xa-(i+2)-ban-sao.xlsx sorts after xa-(i+1).xlsx, before xa-(i+2).xlsx.
		b, err := os.ReadFile(filepath.Join(inbox, fmt.Sprintf("xa-%02d.xlsx", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(inbox, fmt.Sprintf("xa-%02d-ban-sao.xlsx", i+2)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	st, err := store.Open(data, store.Options{Group: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: st, PoisonAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := in.Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		if copied := strings.Contains(f.File, "ban-sao"); copied != (f.Status == Skipped) || !copied && f.Status != Loaded {
			t.Errorf("%s: %s", f.File, f.Status)
		}
	}
	m, err := datadir.ReadManifest(datadir.Dir(data))
	if err != nil || len(m) != n {
		t.Fatalf("%d commit records, %v; want %d", len(m), err, n)
	}
	for _, e := range m {
		if strings.Contains(e.SourceFile, "ban-sao") {
			t.Errorf("a copy's commit record: %s", e.SourceFile)
		}
	}
}
