package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

func sha(t *testing.T, path string) (string, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), int64(len(b))
}

func codes(fs []pipeline.Fault) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+" "+f.Path)
	}
	return strings.Join(out, "\n")
}

// The commit record lists every facts and rejects file of the batch with
// the size and SHA-256 of the bytes on disk, taken while they were written.
func TestCommitRecordsFileSums(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{ChunkRows: 100})
	b := testBatch(newFixture(t), 1000, 7)
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(dir)
	e, err := layout.ReadEntry(d.ManifestFile(b.Hash))
	if err != nil {
		t.Fatal(err)
	}
	facts, _ := filepath.Glob(d.FactFiles())
	if len(e.Files) != len(facts)+1 || len(facts) < 2 {
		t.Fatalf("record lists %d files; %d facts files and a rejects file on disk", len(e.Files), len(facts))
	}
	for _, f := range e.Files {
		sum, size := sha(t, d.Abs(f.Path))
		if f.SHA256 != sum || f.Size != size {
			t.Errorf("%s: record says %d bytes %s, disk %d bytes %s", f.Path, f.Size, f.SHA256, size, sum)
		}
	}
	if !strings.HasPrefix(e.Files[0].Path, "warehouse/facts/province=") || e.Files[len(e.Files)-1].Path != "warehouse/rejects/"+b.Hash+".parquet" {
		t.Errorf("paths: %+v", e.Files)
	}
	if faults, err := s.Check(context.Background(), true); err != nil || len(faults) != 0 {
		t.Errorf("a sound store has faults: %v %v", codes(faults), err)
	}
}

// A batch whose stored file is truncated is set aside by Repair: its
// commit record goes to quarantine with why, its files go, the store no
// longer has it; the same file ingested again takes back its first stamp
// and is committed as it was, and nothing of the setting aside remains.
func TestRepairSetsDamagedBatchAside(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir, store.Options{})
	f := newFixture(t)
	b, other := testBatch(f, 300, 2), testBatch(f, 301, 0)
	inbox := filepath.Join(dir, "inbox", b.SourceFile)
	b.SourcePath = inbox
	for _, x := range []batch{b, other} {
		if err := commit(ctx, s, x); err != nil {
			t.Fatal(err)
		}
	}
	d := layout.Dir(dir)
	before := fileHashes(t, dir)
	e, _ := layout.ReadEntry(d.ManifestFile(b.Hash))
	victim := d.Abs(e.Files[0].Path)
	if err := os.Truncate(victim, e.Files[0].Size/2); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Check(ctx, false); codes(got) != "damaged_facts "+e.Files[0].Path {
		t.Errorf("Check before the repair:\n%s", codes(got))
	}

	set, err := s.Repair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 1 || set[0].Entry.Batch != b.Hash || set[0].Reload || len(set[0].Damaged) != 1 || set[0].Damaged[0].Path != e.Files[0].Path {
		t.Fatalf("Repair set aside %+v", set)
	}
	if s.Has(b.Hash) || !s.Has(other.Hash) {
		t.Error("the damaged batch is still committed, or the other is not")
	}
	for _, p := range e.Files {
		if _, err := os.Stat(d.Abs(p.Path)); !os.IsNotExist(err) {
			t.Errorf("%s of the set-aside batch is still there", p.Path)
		}
	}
	rec, ok, err := layout.ReadSetAside(d, b.Hash)
	if !ok || err != nil || rec.SourceFile != b.SourceFile || !rec.IngestedAt.Equal(e.IngestedAt) || len(rec.Damaged) != 1 {
		t.Errorf("set-aside record %+v, %v, %v", rec, ok, err)
	}
	if reason, _ := os.ReadFile(filepath.Join(d.QuarantineDir(b.Hash), layout.QuarantineReason)); !strings.Contains(string(reason), "gửi lại tệp") {
		t.Errorf("reason.txt does not say to send the file again:\n%s", reason)
	}
	faults, _ := s.Check(ctx, true)
	if len(faults) != 1 || faults[0].Code != "damaged_facts" || !strings.Contains(faults[0].Fix, b.SourceFile) || !strings.Contains(faults[0].FixEN, "send") {
		t.Errorf("Check after the repair: %+v", faults)
	}

	// Sent again, later: committed with its first stamp, the same bytes.
	b.IngestedAt = ingestedAt.Add(48 * time.Hour)
	if err := commit(ctx, s, b); err != nil {
		t.Fatal(err)
	}
	after := fileHashes(t, dir)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the store after the file came again differs from before the damage:\n%v\n%v", before, after)
	}
	if _, ok, _ := layout.ReadSetAside(d, b.Hash); ok {
		t.Error("set-aside record left after the batch was committed again")
	}
	if faults, _ := s.Check(ctx, true); len(faults) != 0 {
		t.Errorf("faults once repaired:\n%s", codes(faults))
	}
}

// Check names what only a person can fix: facts whose commit record is
// lost (their file's values silently uncounted), named by the file they
// came from; a commit record that cannot be read; a damaged file found by
// its hash alone. Each with a fix.
func TestCheckFindsWhatRunsCannotRepair(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir, store.Options{})
	f := newFixture(t)
	lost, bad, flipped := testBatch(f, 50, 0), testBatch(f, 51, 0), testBatch(f, 52, 1)
	lost.SourceFile, bad.SourceFile, flipped.SourceFile = "mat-ban-ghi.csv", "ban-ghi-hong.csv", "lat-bit.csv"
	for _, x := range []batch{lost, bad, flipped} {
		if err := commit(ctx, s, x); err != nil {
			t.Fatal(err)
		}
	}
	d := layout.Dir(dir)
	if err := os.Remove(d.ManifestFile(lost.Hash)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.ManifestFile(bad.Hash), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, _ := layout.ReadEntry(d.ManifestFile(flipped.Hash))
	p := d.Abs(e.Files[0].Path)
	raw, _ := os.ReadFile(p)
	raw[len(raw)/2] ^= 0xFF
	os.WriteFile(p, raw, 0o644)

	quick, err := s.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	has := func(fs []pipeline.Fault, code, text string) bool {
		for _, f := range fs {
			if f.Code == code && strings.Contains(f.Reason+" "+f.Fix, text) && f.Fix != "" && f.FixEN != "" && f.ReasonEN != "" {
				return true
			}
		}
		return false
	}
	for _, fs := range [][]pipeline.Fault{quick, full} {
		if !has(fs, "orphan_facts", "mat-ban-ghi.csv") || !has(fs, "bad_record", "manifest/"+bad.Hash+".json") {
			t.Errorf("faults:\n%s", codes(fs))
		}
	}
	for _, f := range full {
		if f.Code == "orphan_facts" && strings.Contains(f.Reason, bad.Hash) {
			t.Errorf("the facts of the unreadable record are reported again as orphans: %+v", f)
		}
	}
	if has(quick, "damaged_facts", "lat-bit.csv") || !has(full, "damaged_facts", "lat-bit.csv") {
		t.Errorf("a flipped byte is for the hash to find:\nquick %s\nfull %s", codes(quick), codes(full))
	}
	// Repair leaves what it cannot tell apart from work in progress.
	if _, err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Check(ctx, false); !has(again, "orphan_facts", "mat-ban-ghi.csv") {
		t.Errorf("Repair removed facts it cannot account for:\n%s", codes(again))
	}
}

// TestSetAsideResolvedBySeal: a set-aside batch committed again in a
// group (Options.Group) loses its set-aside record when the group is
// sealed, as one committed alone does when it commits.
func TestSetAsideResolvedBySeal(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir, store.Options{Group: time.Hour})
	b := testBatch(newFixture(t), 40, 1)
	d := layout.Dir(dir)
	if err := commit(ctx, s, b); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	e, err := layout.ReadEntry(d.ManifestFile(b.Hash))
	if err != nil || len(e.Files) == 0 {
		t.Fatalf("commit record %+v, %v", e, err)
	}
	damaged := []pipeline.DamagedFile{{Batch: b.Hash, SourceFile: b.SourceFile, Path: e.Files[0].Path, Err: errors.New("cut short")}}
	if set, err := s.SetAside(ctx, damaged); err != nil || len(set) != 1 {
		t.Fatalf("set aside: %+v, %v", set, err)
	}
	if _, ok, _ := layout.ReadSetAside(d, b.Hash); !ok {
		t.Fatal("no set-aside record")
	}
	if err := commit(ctx, s, b); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := layout.ReadSetAside(d, b.Hash); !ok {
		t.Error("set-aside record gone before the seal")
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := layout.ReadSetAside(d, b.Hash); ok {
		t.Error("set-aside record left after the batch was committed again and sealed")
	}
}
