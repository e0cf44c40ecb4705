package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestGroupRemovesStale: files committed again in a group (their batch's
// values moved to other partitions since, and now in the group's shared
// files) lose their own facts files at the seal, each only its own, and
// keep the others'; the shared files stay.
func TestGroupRemovesStale(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := smallBatches(f, 6)
	// Each file first with the values of two reports a province apart
	// (two partitions), then again with its first report's alone.
	for i := range bs {
		bs[i].Records = append(f.records(0)[:0:0], f.record(i*97), f.record(i*97+len(f.inds)))
		bs[i].Rejects = nil
	}
	s := open(t, dir, store.Options{})
	for _, b := range bs {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	before := map[string][]string{}
	for _, b := range bs {
		before[b.Hash] = d.BatchFactFiles(b.Hash)
		if len(before[b.Hash]) != 2 {
			t.Fatalf("%s: %d facts files, want 2", b.SourceFile, len(before[b.Hash]))
		}
	}
	g := open(t, dir, store.Options{Group: time.Hour})
	for i, b := range bs {
		if i%2 == 1 {
			continue // the others keep both
		}
		b.Records = b.Records[:1]
		if err := commit(ctx, g, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Seal(); err != nil {
		t.Fatal(err)
	}
	for i, b := range bs {
		want := before[b.Hash]
		if i%2 == 0 {
			want = nil
		}
		got := d.BatchFactFiles(b.Hash)
		if len(got) != len(want) {
			t.Errorf("%s: facts files %v, want %v", b.SourceFile, got, want)
			continue
		}
		for j := range want {
			if filepath.Clean(got[j]) != filepath.Clean(want[j]) {
				t.Errorf("%s: facts files %v, want %v", b.SourceFile, got, want)
			}
		}
		for _, p := range before[b.Hash] {
			if _, err := os.Stat(p); err != nil && i%2 == 1 {
				t.Errorf("%s lost %s: %v", b.SourceFile, p, err)
			}
		}
	}
	m, err := layout.ReadManifest(d)
	if err != nil {
		t.Fatal(err)
	}
	byBatch := map[string]layout.Entry{}
	for _, e := range m {
		byBatch[e.Batch] = e
	}
	for i, b := range bs {
		if i%2 == 0 {
			checkShared(t, dir, []layout.Entry{byBatch[b.Hash]}, false)
		}
	}
	if n := visibleRows(t, openDB(t), dir, m); n != int64(len(bs)/2*3) {
		t.Errorf("%d rows visible, want %d", n, len(bs)/2*3)
	}
}

// TestGroupRemovesStaleRejectsAndReports: files committed again in a group
// with no refused row and a short report list lose the rejects file and the
// report list's file of their first commit at the seal; a file not
// committed again keeps its own.
func TestGroupRemovesStaleRejectsAndReports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := smallBatches(f, 4)
	for i := range bs {
		// A report every len(f.inds) records: ten, a list of its own.
		bs[i].Records = f.records(0)[:0:0]
		for j := range 10 * len(f.inds) {
			bs[i].Records = append(bs[i].Records, f.record((i*10+j/len(f.inds))*len(f.inds)+j%len(f.inds)))
		}
		bs[i].Rejects = rejects(1)
	}
	s := open(t, dir, store.Options{})
	for _, b := range bs {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{d.RejectsFile(b.Hash), d.ReportsFile(b.Hash)} {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("%s: after its first commit: %v", b.SourceFile, err)
			}
		}
	}
	g := open(t, dir, store.Options{Group: time.Hour})
	for _, b := range bs[:2] {
		b.Records, b.Rejects = b.Records[:1], nil
		if err := commit(ctx, g, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Seal(); err != nil {
		t.Fatal(err)
	}
	for i, b := range bs {
		for _, p := range []string{d.RejectsFile(b.Hash), d.ReportsFile(b.Hash)} {
			_, err := os.Stat(p)
			switch {
			case i < 2 && err == nil:
				t.Errorf("%s: %s stays after its commit without it", b.SourceFile, filepath.Base(filepath.Dir(p)))
			case i >= 2 && err != nil:
				t.Errorf("%s: not committed again, lost its %s: %v", b.SourceFile, filepath.Base(filepath.Dir(p)), err)
			}
		}
	}
}
