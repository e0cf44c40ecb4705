package store_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

const sealKillEnv = "DANVAN_STORE_SEAL_KILL_DIR"

// TestSealKillHelperProcess is the child of TestSharedFileOfKilledSeal: it
// commits the first four small files in a group, then the next four in
// another, and kills itself with SIGKILL once that group's shared files and
// staged records are durable, before the records are in place.
func TestSealKillHelperProcess(t *testing.T) {
	dir := os.Getenv(sealKillEnv)
	if dir == "" {
		t.Skip("helper process for TestSharedFileOfKilledSeal")
	}
	s, err := store.Open(dir, store.Options{Group: time.Hour})
	if err != nil {
		os.Exit(3)
	}
	bs := smallBatches(newFixture(t), 8)
	for i, b := range bs {
		if i == 4 {
			if err := s.Seal(); err != nil {
				os.Exit(4)
			}
			store.SetTestHookSettle(func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) })
		}
		if err := commit(context.Background(), s, b); err != nil {
			os.Exit(5)
		}
	}
	s.Seal()
	os.Exit(6) // not reached
}

// TestSharedFileOfKilledSeal: a process killed in a group's seal after its
// shared files are written and before its records are in place leaves
// shared files no record lists: no reader counts their rows; Check names
// their files' values as without a record (the footer says whose), as it
// does for a batch's own facts without a record, and Repair keeps them;
// once those files are committed again, each counted once, the shared files
// the kill left hold nothing that counts, Check says nothing of them and
// Repair removes them.
func TestSharedFileOfKilledSeal(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSealKillHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), sealKillEnv+"="+dir)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper: %v, want killed", err)
	}
	ctx := context.Background()
	s := open(t, dir, store.Options{Group: time.Hour})
	d := layout.Dir(dir)
	m, err := layout.ReadManifest(d)
	if err != nil || len(m) != 4 {
		t.Fatalf("after the kill: %d commit records (%v), want the first group's 4", len(m), err)
	}
	bs := smallBatches(newFixture(t), 8)
	db := openDB(t)
	if n := visibleRows(t, db, dir, m); n != totalRecords(bs[:4]) {
		t.Errorf("after the kill %d rows visible, want %d", n, totalRecords(bs[:4]))
	}
	listed := map[string]bool{}
	for _, e := range m {
		for _, f := range e.Files {
			listed[f.Path] = true
		}
	}
	var unlisted []string
	all, _ := filepath.Glob(d.FactFiles())
	for _, p := range all {
		if !listed[d.Rel(p)] {
			unlisted = append(unlisted, d.Rel(p))
		}
	}
	if len(unlisted) == 0 {
		t.Fatal("the killed seal left no shared file: the kill came too early for this test")
	}
	faults, err := s.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, f := range faults {
		if f.Code != "orphan_facts" {
			t.Errorf("fault %s %s after a killed seal, want values without a record", f.Code, f.Path)
			continue
		}
		for _, b := range bs[4:] {
			if strings.Contains(f.Reason, b.SourceFile) {
				named[b.SourceFile] = true
			}
		}
	}
	for _, b := range bs[4:] {
		if !named[b.SourceFile] {
			t.Errorf("%s: its values in a killed seal's shared file are not named: %v", b.SourceFile, codes(faults))
		}
	}
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range unlisted {
		if _, err := os.Stat(d.Abs(p)); err != nil {
			t.Errorf("Repair removed %s, whose files have no record yet: %v", p, err)
		}
	}
	for _, b := range bs[4:] {
		if s.Has(b.Hash) {
			t.Errorf("%s: the store has it after its seal was killed", b.SourceFile)
			continue
		}
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	m, _ = layout.ReadManifest(d)
	checkShared(t, dir, m, false)
	if n := visibleRows(t, db, dir, m); n != totalRecords(bs) {
		t.Errorf("after committing the rest again %d rows visible, want %d", n, totalRecords(bs))
	}
	if faults, err := s.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("once committed again: faults %v %v", codes(faults), err)
	}
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	// Each shared file the kill left is gone, or is the file its group
	// wrote again (the same rows and stamps: the same bytes, the same
	// name) and listed now.
	checkShared(t, dir, m, true)
	if n := visibleRows(t, db, dir, m); n != totalRecords(bs) {
		t.Errorf("after Repair %d rows visible, want %d", n, totalRecords(bs))
	}
}

// sharers groups the loaded batches by the shared facts files their
// records list.
func sharers(m []layout.Entry) map[string][]string {
	out := map[string][]string{}
	for _, e := range m {
		for _, f := range e.Files {
			if layout.IsSharedFactFile(f.Path) {
				out[f.Path] = append(out[f.Path], e.Batch)
			}
		}
	}
	return out
}

// TestDamagedSharedFileSetsAsideItsBatches: a damaged shared file sets
// aside every batch whose record lists it, and none other; once none lists
// it (nor any other shared file only they listed) it holds nothing that
// counts, and the next Repair removes it; the files sent again are
// committed with their first stamps and counted once.
func TestDamagedSharedFileSetsAsideItsBatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := smallBatches(newFixture(t), 12)
	s := sealedGroup(ctx, t, dir, bs)
	m, _ := layout.ReadManifest(d)
	var victim string
	for p, batches := range sharers(m) {
		if len(batches) >= 2 && len(batches) < len(bs) {
			victim = p
		}
	}
	if victim == "" {
		t.Fatalf("no shared file of some but not all batches: %v", sharers(m))
	}
	want := map[string]bool{}
	for _, b := range sharers(m)[victim] {
		want[b] = true
	}
	// The shared files only the set-aside batches list: leftovers once
	// they are set aside.
	orphaned := map[string]bool{}
	for p, batches := range sharers(m) {
		only := true
		for _, b := range batches {
			only = only && want[b]
		}
		orphaned[p] = only
	}
	fi, _ := os.Stat(d.Abs(victim))
	os.Truncate(d.Abs(victim), fi.Size()-10)

	aside, err := s.Repair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range aside {
		got[a.Entry.Batch] = true
		if !want[a.Entry.Batch] {
			t.Errorf("%s set aside; its record does not list %s", a.Entry.SourceFile, victim)
		}
	}
	for b := range want {
		if !got[b] {
			t.Errorf("batch %s lists the damaged %s and was not set aside", b, victim)
		}
	}
	m, _ = layout.ReadManifest(d)
	if len(m) != len(bs)-len(want) {
		t.Errorf("%d commit records after setting aside %d of %d", len(m), len(want), len(bs))
	}
	db := openDB(t)
	var rest []batch
	for _, b := range bs {
		if !want[b.Hash] {
			rest = append(rest, b)
		}
	}
	if n := visibleRows(t, db, dir, m); n != totalRecords(rest) {
		t.Errorf("%d rows visible after setting aside, want %d", n, totalRecords(rest))
	}
	faults, err := s.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range faults {
		if f.Code != "damaged_facts" { // set aside, not sent again: the fault says so
			t.Errorf("fault %s %s", f.Code, f.Path)
		}
	}
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	for p, gone := range orphaned {
		if _, err := os.Stat(d.Abs(p)); (err == nil) == gone {
			t.Errorf("after the second Repair, %s there: %v, want %v", p, err == nil, !gone)
		}
	}
	// Sent again: committed with their first stamps, counted once.
	for _, b := range bs {
		if want[b.Hash] {
			b.IngestedAt = time.Now()
			if err := commit(ctx, s, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	m, _ = layout.ReadManifest(d)
	if n := visibleRows(t, db, dir, m); n != totalRecords(bs) {
		t.Errorf("%d rows visible once sent again, want %d", n, totalRecords(bs))
	}
	for _, e := range m {
		if !e.IngestedAt.Equal(ingestedAt.UTC().Truncate(time.Microsecond)) {
			t.Errorf("%s: stamp %v, want its first", e.SourceFile, e.IngestedAt)
		}
	}
	if faults, err := s.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("at the end: faults %v %v", codes(faults), err)
	}
}

// TestSharedFileOutlivesABatchOfIt: a batch of a shared file quarantined
// (its reader changed), or committed again in a later group, leaves the
// file to the others whose records list it: their rows stay counted, the
// batch's counted once or not at all, and the store has no fault; once no
// record lists the file, Repair removes it.
func TestSharedFileOutlivesABatchOfIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := smallBatches(newFixture(t), 6)
	for i := range bs {
		bs[i].Records = bs[0].Records[:0:0]
		bs[i].Records = append(bs[i].Records, newFixture(t).record(i))
		bs[i].Rejects = nil
	}
	s := open(t, dir, store.Options{Group: time.Hour})
	for _, b := range bs[:3] {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	m, _ := layout.ReadManifest(d)
	first := sharers(m)
	if len(first) != 1 {
		t.Fatalf("shared files %v, want one of the three files' one partition", first)
	}
	var g1 string
	for p := range first {
		g1 = p
	}
	// The first quarantined, the second committed again with the fourth.
	q := bs[0]
	q.FileErr = &pipeline.FileError{File: q.SourceFile, Code: "unreadable_xlsx", Reason: "Không mở được tệp Excel.", ReasonEN: "The Excel file cannot be opened."}
	q.SourcePath = filepath.Join(t.TempDir(), q.SourceFile)
	if err := os.WriteFile(q.SourcePath, []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := commit(ctx, s, q); err != nil {
		t.Fatal(err)
	}
	for _, b := range []batch{bs[1], bs[3]} {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Abs(g1)); err != nil {
		t.Fatalf("the shared file of the third file went: %v", err)
	}
	m, _ = layout.ReadManifest(d)
	db := openDB(t)
	if n := visibleRows(t, db, dir, m); n != 3 {
		t.Errorf("%d rows visible, want 3 (the second, third and fourth file's)", n)
	}
	if faults, err := s.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("faults %v %v", codes(faults), err)
	}
	// The third committed again too: nothing lists the first group's file.
	if err := commit(ctx, s, bs[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	if faults, err := s.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("faults %v %v, want none: %s holds nothing that counts", codes(faults), err, g1)
	}
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Abs(g1)); err == nil {
		t.Errorf("Repair left %s, which no record lists", g1)
	}
	m, _ = layout.ReadManifest(d)
	if n := visibleRows(t, db, dir, m); n != 3 {
		t.Errorf("%d rows visible after Repair, want 3", n)
	}
	if faults, err := s.Check(ctx, true); err != nil || len(faults) != 0 {
		t.Errorf("after Repair: faults %v %v", codes(faults), err)
	}
}

// TestSmallFileThatGrows: in a group commit, a file's rows wait for the
// seal while it has at most plainRows (1,024) records; one that grows past
// them after its rows were flushed is written in files of its own, those
// rows first, and every row is there once.
func TestSmallFileThatGrows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixture(t)
	s := open(t, dir, store.Options{Group: time.Hour})
	recs := f.records(3000)
	b := batch{Hash: hashOf("grows"), SourceFile: "grows.csv", SourcePath: "/inbox/grows.csv", IngestedAt: ingestedAt, Records: recs}
	w, err := s.Open(pipeline.Batch{Hash: b.Hash, SourceFile: b.SourceFile, SourcePath: b.SourcePath, IngestedAt: b.IngestedAt})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	for _, part := range [][]pipeline.Record{recs[:500], recs[500:1000], recs[1000:]} {
		if err := w.Add(part); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(dir)
	m, _ := layout.ReadManifest(d)
	if len(m) != 1 {
		t.Fatalf("%d records", len(m))
	}
	for _, fs := range m[0].Files {
		if layout.IsSharedFactFile(fs.Path) {
			t.Errorf("a file of %d records lists a shared file %s", len(recs), fs.Path)
		}
	}
	db := openDB(t)
	if n := visibleRows(t, db, dir, m); n != int64(len(recs)) {
		t.Errorf("%d rows visible, want %d", n, len(recs))
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT seq) FROM ("+visibleFacts(dir, m)+")"); n != int64(len(recs)) {
		t.Errorf("%d distinct rows, want %d", n, len(recs))
	}
}

// TestLostRecordOfASharedFile: a commit record lost while its file's rows
// are in a shared file the other records list drops those values from
// every refresh: Check names the file (from the shared file's footer) as
// values without a record, and Repair keeps the shared file.
func TestLostRecordOfASharedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := smallBatches(newFixture(t), 5)
	s := sealedGroup(ctx, t, dir, bs)
	lost := bs[1]
	e, err := layout.ReadEntry(d.ManifestFile(lost.Hash))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(d.ManifestFile(lost.Hash)); err != nil {
		t.Fatal(err)
	}
	faults, err := s.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(faults) != 1 || faults[0].Code != "orphan_facts" || !strings.Contains(faults[0].Reason, lost.SourceFile) ||
		!strings.Contains(faults[0].Fix, lost.SourceFile) {
		t.Fatalf("faults %v, want one orphan_facts naming %s", faults, lost.SourceFile)
	}
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range e.Files {
		if _, err := os.Stat(d.Abs(f.Path)); err != nil {
			t.Errorf("Repair removed %s: %v", f.Path, err)
		}
	}
}

// sealedGroup opens the store in dir with group commits and commits bs in
// one group, sealed.
func sealedGroup(ctx context.Context, t *testing.T, dir string, bs []batch) *store.Store {
	t.Helper()
	s := open(t, dir, store.Options{Group: time.Hour})
	for _, b := range bs {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	return s
}
