package ingest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

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
