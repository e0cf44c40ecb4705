package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	dd "github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestGroupSealFails: files whose commits wait for their group's seal
// (store.Options.Group) and whose seal then fails (here: their partition's
// folder cannot be made, as on a full disk) are not committed, and the
// summary says so for each of them: not stored, none of their values in
// the totals, and the run's error says why. Before, each was listed
// "đã nạp" with its values, and only the error at the store's close said
// the group was lost. A copy of one of them under another name, skipped as
// the store had its bytes (waiting for the seal), is not stored either: it
// is listed not stored, not "bỏ qua (đã nạp trước đó)".
func TestGroupSealFails(t *testing.T) {
	a := `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`
	inbox := writeTree(t, map[string]string{
		"a.json":         a,
		"a-ban-sao.json": a,
		"b.json":         `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":2,"unit":"Thạch Hà"}]}`,
		"c.csv":          header + good,
	})
	data := t.TempDir()
	// What the seal writes the three files' shared facts under is a file:
	// the seal cannot make its folder.
	part := filepath.Join(data, "warehouse", "facts", "province=42", "year=2023")
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(part, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(data, store.Options{Group: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: st})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := in.Files(context.Background(), []string{inbox}, st)
	if err == nil {
		t.Fatal("the group's seal failed, yet the ingest returned no error")
	}
	if len(sum.Files) != 4 {
		t.Fatalf("%d files listed, want 4: %+v", len(sum.Files), sum.Files)
	}
	for _, f := range sum.Files {
		if f.Status != Failed || f.Accepted != 0 || f.FileErr == nil || f.FileErr.Code != "not_stored" {
			t.Errorf("%s: %s, %d accepted, %+v; want not stored", f.File, f.Status, f.Accepted, f.FileErr)
		}
		if dd.Committed(dd.Dir(data), f.Hash) {
			t.Errorf("%s has a commit record", f.File)
		}
	}
	if acc, rej, _ := sum.Totals(); acc != 0 || rej != 0 {
		t.Errorf("totals count %d accepted, %d rejected; none stored", acc, rej)
	}
	if err := st.Close(); err != nil {
		t.Errorf("close after the failed seal: %v (nothing left to seal)", err)
	}
}

// groupSink is a memSink whose commits wait for a seal, which fails with
// the files it takes back (pipeline.UncommittedError) at the commit of the
// file named failAt.
type groupSink struct {
	*memSink
	waiting []string
	failAt  string
}

func (g *groupSink) Open(b pipeline.Batch) (pipeline.Writer, error) {
	w, err := g.memSink.Open(b)
	if err != nil {
		return nil, err
	}
	return &groupWriter{w.(*memWriter), g}, nil
}

type groupWriter struct {
	*memWriter
	g *groupSink
}

func (w *groupWriter) Commit(ctx context.Context) error {
	if err := w.memWriter.Commit(ctx); err != nil {
		return err
	}
	w.g.waiting = append(w.g.waiting, w.f.Hash)
	if w.f.SourceFile == w.g.failAt {
		for _, h := range w.g.waiting {
			delete(w.g.files, h)
		}
		return &pipeline.UncommittedError{Batches: w.g.waiting, Err: errors.New("no space left on device")}
	}
	return nil
}

// TestGroupSealFailsMidRun: a seal that fails at a later file's commit
// takes back the files committed before it in its group: each is listed
// not stored, the file before the group stays loaded.
func TestGroupSealFailsMidRun(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.json": `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`,
		"b.json": `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":2,"unit":"Thạch Hà"}]}`,
		"c.json": `{"province":"Hà Tĩnh","period":"2024","values":[{"indicator":"dialogues","value":3}]}`,
		"d.json": `{"province":"Hà Tĩnh","period":"2022","values":[{"indicator":"dialogues","value":4}]}`,
	})
	sink := &groupSink{memSink: newMemSink(), failAt: "c.json"}
	in := newTestIngester(t)
	first, err := in.Files(context.Background(), []string{filepath.Join(dir, "a.json")}, sink)
	if err != nil || first.Files[0].Status != Loaded {
		t.Fatalf("a.json alone: %v %+v", err, first.Files)
	}
	sink.waiting = nil // a.json's group was sealed
	sum, err := in.Files(context.Background(), []string{dir}, sink)
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("err = %v", err)
	}
	want := map[string]Status{"a.json": Skipped, "b.json": Failed, "c.json": Failed}
	if len(sum.Files) != len(want) {
		t.Fatalf("%d files listed, want %d (the run stops at the failed seal): %+v", len(sum.Files), len(want), sum.Files)
	}
	for _, f := range sum.Files {
		if f.Status != want[f.File] {
			t.Errorf("%s: %s, want %s", f.File, f.Status, want[f.File])
		}
		if f.Status == Failed && (f.Accepted != 0 || f.FileErr == nil || f.FileErr.Code != "not_stored") {
			t.Errorf("%s: %d accepted, %+v; want not stored", f.File, f.Accepted, f.FileErr)
		}
	}
	if acc, _, _ := sum.Totals(); acc != 0 {
		t.Errorf("totals count %d values accepted, none stored", acc)
	}
}
