package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// smallBatches are n files of a few dozen values each, as a half-year's
// commune forms: each its own unit and period, every fifth with a refused
// row, one with values in two provinces.
func smallBatches(f *fixture, n int) []batch {
	out := make([]batch, n)
	for i := range out {
		recs := f.records(36 + 36*(i%3))
		// A different slice of the fixture's reports for each file.
		for j := range recs {
			recs[j] = f.record(i*97 + j)
		}
		b := batch{Hash: hashOf("form-" + strconv.Itoa(i)), SourceFile: fmt.Sprintf("form-%03d.xlsx", i),
			SourcePath: fmt.Sprintf("/inbox/form-%03d.xlsx", i), IngestedAt: ingestedAt, Records: recs}
		if i%5 == 0 {
			b.Rejects = rejects(1)
		}
		out[i] = b
	}
	return out
}

// TestGroupCommit: commits that wait for their group's seal are not
// visible before it (no commit record), the store says it has them (so a
// second copy of a file in the same run is skipped), and after the seal
// the data directory holds the same bytes as when every file was committed
// on its own.
func TestGroupCommit(t *testing.T) {
	f := newFixture(t)
	bs := smallBatches(f, 40)
	ctx := context.Background()

	alone := t.TempDir()
	s := open(t, alone, store.Options{})
	for _, b := range bs {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}

	grouped := t.TempDir()
	g := open(t, grouped, store.Options{Group: time.Hour})
	for _, b := range bs {
		if err := commit(ctx, g, b); err != nil {
			t.Fatal(err)
		}
	}
	m, err := layout.ReadManifest(layout.Dir(grouped))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 0 {
		t.Errorf("before the seal, %d files have a commit record, want none", len(m))
	}
	for _, b := range bs {
		if !g.Has(b.Hash) {
			t.Errorf("before the seal, the store does not have %s (its second copy would be read again)", b.SourceFile)
		}
		if layout.Committed(layout.Dir(grouped), b.Hash) {
			t.Errorf("before the seal, %s is committed", b.SourceFile)
		}
	}
	if err := g.Seal(); err != nil {
		t.Fatal(err)
	}
	assertNoTmp(t, grouped)
	want, got := fileHashes(t, alone), fileHashes(t, grouped)
	if len(want) != len(got) {
		t.Errorf("%d files committed one by one, %d in a group", len(want), len(got))
	}
	for name, h := range want {
		if got[name] != h {
			t.Errorf("%s differs between a commit alone and a grouped one", name)
		}
	}
	m, err = layout.ReadManifest(layout.Dir(grouped))
	if err != nil || len(m) != len(bs) {
		t.Fatalf("after the seal: %d commit records, %v; want %d", len(m), err, len(bs))
	}
	if n := visibleRows(t, openDB(t), grouped, m); n != totalRecords(bs) {
		t.Errorf("after the seal %d rows visible, want %d", n, totalRecords(bs))
	}
	if err := g.Seal(); err != nil {
		t.Errorf("a second seal with nothing waiting: %v", err)
	}
}

// TestGroupCommitDue: a commit whose group has waited its time seals it,
// itself included, before Commit returns.
func TestGroupCommitDue(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{Group: time.Nanosecond})
	for i, b := range smallBatches(f, 3) {
		if err := commit(context.Background(), s, b); err != nil {
			t.Fatal(err)
		}
		if m, err := layout.ReadManifest(layout.Dir(dir)); err != nil || len(m) != i+1 {
			t.Errorf("after commit %d: %d commit records (%v)", i+1, len(m), err)
		}
	}
	assertNoTmp(t, dir)
}

// TestGroupCloseSeals: Close seals what waits.
func TestGroupCloseSeals(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{Group: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	bs := smallBatches(f, 5)
	for _, b := range bs {
		if err := commit(context.Background(), s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if m, err := layout.ReadManifest(layout.Dir(dir)); err != nil || len(m) != len(bs) {
		t.Errorf("after Close: %d commit records (%v), want %d", len(m), err, len(bs))
	}
	assertNoTmp(t, dir)
}

func totalRecords(bs []batch) int64 {
	var n int64
	for _, b := range bs {
		n += int64(len(b.Records))
	}
	return n
}

const (
	groupCrashEnv   = "DANVAN_STORE_GROUP_CRASH_DIR"
	groupCrashFiles = 150
)

// TestGroupHelperProcess is the child of TestGroupCrash: it commits many
// small files in groups of a few milliseconds, as a run does, skipping
// those the store has, and is killed somewhere along the way.
func TestGroupHelperProcess(t *testing.T) {
	dir := os.Getenv(groupCrashEnv)
	if dir == "" {
		t.Skip("helper process for TestGroupCrash")
	}
	s, err := store.Open(dir, store.Options{Group: 20 * time.Millisecond})
	if err != nil {
		os.Exit(3)
	}
	for _, b := range smallBatches(newFixture(t), groupCrashFiles) {
		if s.Has(b.Hash) {
			continue
		}
		if err := commit(context.Background(), s, b); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(4)
		}
	}
	if err := s.Close(); err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(5)
	}
	os.Exit(0)
}

func runGroupHelper(t *testing.T, dir string, killAfter time.Duration) (time.Duration, bool) {
	t.Helper()
	return runChild(t, "TestGroupHelperProcess", groupCrashEnv, dir, killAfter)
}

// TestGroupCrash kills a process committing many small files in groups at
// random moments, each kill followed by another, and checks after each that
// every file with a commit record is whole and visible, no file without one
// shows a row, and no temp file is left once the store is opened again; and
// that runs to the end then commit every file once, in the same bytes as an
// uninterrupted run.
func TestGroupCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	bs := smallBatches(newFixture(t), groupCrashFiles)
	rows := map[string]int64{}
	for _, b := range bs {
		rows[b.Hash] = int64(len(b.Records))
	}
	db := openDB(t)

	ref := t.TempDir()
	full, _ := runGroupHelper(t, ref, -1)
	t.Logf("uninterrupted commit of %d files in a child process: %v", len(bs), full)
	want := fileHashes(t, ref)

	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for trial := range 6 {
		dir := t.TempDir()
		after := time.Duration(rng.Int63n(int64(full)))
		_, finished := runGroupHelper(t, dir, after)
		if _, err := store.Open(dir, store.Options{}); err != nil {
			t.Fatalf("trial %d: open after the kill: %v", trial, err)
		}
		assertNoTmp(t, dir)
		m, err := layout.ReadManifest(layout.Dir(dir))
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var committed int64
		for _, e := range m {
			var n int64
			for _, p := range e.Partitions {
				path := filepath.Join(dir, "warehouse", "facts", filepath.FromSlash(p), e.Batch+".parquet")
				n += queryInt(t, db, "SELECT count(*) FROM read_parquet('"+filepath.ToSlash(path)+"')")
			}
			if n != rows[e.Batch] {
				t.Errorf("trial %d: committed file %s has %d rows in its partitions, want %d", trial, e.SourceFile, n, rows[e.Batch])
			}
			if _, err := layout.ReadReports(layout.Dir(dir), e.Batch); err != nil {
				t.Errorf("trial %d: committed file %s: %v", trial, e.SourceFile, err)
			}
			committed += rows[e.Batch]
		}
		if got := visibleRows(t, db, dir, m); got != committed {
			t.Errorf("trial %d: %d rows visible through the commit records, want %d", trial, got, committed)
		}
		if finished && len(m) != len(bs) {
			t.Errorf("trial %d: the child finished with %d of %d files committed", trial, len(m), len(bs))
		}
		t.Logf("trial %d: killed after %v: %d of %d files committed", trial, after, len(m), len(bs))

		// The next run commits the others, each once, in the same bytes.
		runGroupHelper(t, dir, -1)
		got := fileHashes(t, dir)
		for name, h := range want {
			if got[name] != h {
				t.Errorf("trial %d: after the kill and a full run, %s differs from an uninterrupted run's", trial, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("trial %d: after the kill and a full run, %s is there; an uninterrupted run has none", trial, name)
			}
		}
		if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"', hive_partitioning=true)"); n != totalRecords(bs) {
			t.Errorf("trial %d: %d rows on disk after the kill and a full run, want %d (duplicates?)", trial, n, totalRecords(bs))
		}
	}
}
