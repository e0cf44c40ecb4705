package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
// the small files' facts are one shared file per partition, which each
// record lists, and a reader of the records sees the same facts, rejects,
// report lists and records (but for the facts files they list) as when
// every file was committed on its own.
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
	if facts, _ := filepath.Glob(layout.Dir(grouped).FactFiles()); len(facts) != 0 {
		t.Errorf("before the seal, %d facts files, want none (the rows wait for the seal)", len(facts))
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
	for name, h := range want {
		if !strings.HasPrefix(name, "facts/") && !strings.HasPrefix(name, "manifest/") && got[name] != h {
			t.Errorf("%s differs between a commit alone and a grouped one", name)
		}
	}
	m, err = layout.ReadManifest(layout.Dir(grouped))
	if err != nil || len(m) != len(bs) {
		t.Fatalf("after the seal: %d commit records, %v; want %d", len(m), err, len(bs))
	}
	checkShared(t, grouped, m, true)
	parts := map[string]bool{}
	for _, e := range m {
		for _, p := range e.Partitions {
			parts[p] = true
		}
	}
	if facts, _ := filepath.Glob(layout.Dir(grouped).FactFiles()); len(facts) != len(parts) {
		t.Errorf("%d facts files for the group's %d partitions, want one each", len(facts), len(parts))
	}
	mAlone, err := layout.ReadManifest(layout.Dir(alone))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		a, b := mAlone[i], m[i]
		a.Files, b.Files = rejectSums(a.Files), rejectSums(b.Files)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("records differ but for their facts files:\nalone   %+v\ngrouped %+v", a, b)
		}
	}
	db := openDB(t)
	if n := visibleRows(t, db, grouped, m); n != totalRecords(bs) {
		t.Errorf("after the seal %d rows visible, want %d", n, totalRecords(bs))
	}
	if a, b := visibleDigest(t, db, alone, mAlone), visibleDigest(t, db, grouped, m); a != b {
		t.Errorf("the facts visible differ between commits alone (%s) and grouped (%s)", a, b)
	}
	if faults, err := g.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("a sound store has faults: %v %v", codes(faults), err)
	}
	if err := g.Seal(); err != nil {
		t.Errorf("a second seal with nothing waiting: %v", err)
	}
}

func rejectSums(fs []layout.FileSum) []layout.FileSum {
	var out []layout.FileSum
	for _, f := range fs {
		if !strings.HasPrefix(f.Path, "warehouse/facts/") {
			out = append(out, f)
		}
	}
	return out
}

// checkShared checks that every loaded record lists, for each of its
// partitions, one shared facts file with its size and SHA-256, and no facts
// file of its own; with exact, also that the facts folders hold no file the
// records do not list.
func checkShared(t *testing.T, dir string, m []layout.Entry, exact bool) {
	t.Helper()
	d := layout.Dir(dir)
	listed := map[string]bool{}
	for _, e := range m {
		if e.Status != layout.Loaded {
			continue
		}
		var facts []string
		for _, f := range e.Files {
			if !strings.HasPrefix(f.Path, "warehouse/facts/") {
				continue
			}
			facts = append(facts, f.Path)
			if !layout.IsSharedFactFile(f.Path) {
				t.Errorf("%s: record lists %s, not a shared file", e.SourceFile, f.Path)
			}
			sum, size := sha(t, d.Abs(f.Path))
			if f.SHA256 != sum || f.Size != size || filepath.Base(f.Path) != layout.SharedPrefix+sum+".parquet" {
				t.Errorf("%s: %s: record says %d bytes %s, disk %d bytes %s", e.SourceFile, f.Path, f.Size, f.SHA256, size, sum)
			}
			listed[filepath.Clean(d.Abs(f.Path))] = true
		}
		if len(facts) != len(e.Partitions) {
			t.Errorf("%s: record lists facts files %v for partitions %v", e.SourceFile, facts, e.Partitions)
		}
		if own := d.BatchFactFiles(e.Batch); len(own) != 0 {
			t.Errorf("%s: files of its own %v beside its shared ones", e.SourceFile, own)
		}
	}
	if !exact {
		return
	}
	all, _ := filepath.Glob(d.FactFiles())
	for _, p := range all {
		if !listed[filepath.Clean(p)] {
			t.Errorf("%s is on disk, and no record lists it", p)
		}
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
	refM, err := layout.ReadManifest(layout.Dir(ref))
	if err != nil {
		t.Fatal(err)
	}
	wantDigest := visibleDigest(t, db, ref, refM)

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
		checkShared(t, dir, m, false)
		var committed int64
		for _, e := range m {
			n := queryInt(t, db, "SELECT count(*) FROM ("+visibleFacts(dir, []layout.Entry{e})+")")
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

		// The next run commits the others, each once, with the same
		// facts, and Repair leaves a store without a fault.
		runGroupHelper(t, dir, -1)
		rs, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Repair(context.Background()); err != nil {
			t.Fatalf("trial %d: repair: %v", trial, err)
		}
		if faults, err := rs.Check(context.Background(), true); err != nil || len(faults) != 0 {
			t.Errorf("trial %d: after the kill, a full run and Repair, faults %v %v", trial, codes(faults), err)
		}
		m, err = layout.ReadManifest(layout.Dir(dir))
		if err != nil || len(m) != len(bs) {
			t.Fatalf("trial %d: after a full run %d of %d files committed (%v)", trial, len(m), len(bs), err)
		}
		checkShared(t, dir, m, false)
		got := fileHashes(t, dir)
		for name, h := range want {
			if !strings.HasPrefix(name, "facts/") && !strings.HasPrefix(name, "manifest/") && got[name] != h {
				t.Errorf("trial %d: after the kill and a full run, %s differs from an uninterrupted run's", trial, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok && !strings.HasPrefix(name, "facts/") && !strings.HasPrefix(name, "manifest/") {
				t.Errorf("trial %d: after the kill and a full run, %s is there; an uninterrupted run has none", trial, name)
			}
		}
		if n := visibleRows(t, db, dir, m); n != totalRecords(bs) {
			t.Errorf("trial %d: %d rows visible after the kill and a full run, want %d", trial, n, totalRecords(bs))
		}
		if got := visibleDigest(t, db, dir, m); got != wantDigest {
			t.Errorf("trial %d: the visible facts after the kill and a full run differ from an uninterrupted run's", trial)
		}
	}
}

// TestHasDuringSeal: while a seal is under way (its files durable, its
// records not yet in place), the store still has the files it seals. The
// ingest stores one form while it reads the next (pipeline/ingest's
// overlap), so a copy of a form read during its group's seal asked Has
// then: it answered no, and the copy was read and committed again, listed
// "đã nạp" instead of "bỏ qua", its record replacing the first one's name.
func TestHasDuringSeal(t *testing.T) {
	f := newFixture(t)
	bs := smallBatches(f, 3)
	ctx := context.Background()
	s := open(t, t.TempDir(), store.Options{Group: time.Hour})
	for _, b := range bs {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	inSeal, asked := make(chan struct{}), make(chan struct{})
	store.SetTestHookSettle(func() { close(inSeal); <-asked })
	defer store.SetTestHookSettle(nil)
	sealed := make(chan error, 1)
	go func() { sealed <- s.Seal() }()
	<-inSeal
	for _, b := range bs {
		if !s.Has(b.Hash) {
			t.Errorf("during the seal, the store does not have %s", b.SourceFile)
		}
	}
	close(asked)
	if err := <-sealed; err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if !s.Has(b.Hash) {
			t.Errorf("after the seal, the store does not have %s", b.SourceFile)
		}
	}
}
