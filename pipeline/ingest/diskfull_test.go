package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dd "github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// dropInbox writes n workbooks, each a commune's few values (shared
// facts files at the seal) but every seventh, which has 1,500 (a facts
// file of its own), each file's bytes its own: read whole, each stored
// while the next is read (overlap.go).
func dropInbox(t *testing.T, n int) string {
	t.Helper()
	inbox := t.TempDir()
	for i := range n {
		rows := [][]any{{"tinh", "don_vi", "ky_bao_cao", "chi_tieu", "gia_tri"}}
		count := 30
		if i%7 == 3 {
			count = 1500
		}
		for k := range count {
			unit := []string{"Thạch Hà", "Cẩm Xuyên"}[k%2]
			rows = append(rows, []any{"Hà Tĩnh", unit, fmt.Sprintf("tháng %d/%d", 1+(i+k/2)%12, 2024+k/2%2), "dialogues", i*10_000 + k})
		}
		b := fixtureXLSX(t, xsheet{name: "Sheet1", rows: rows})
		if err := os.WriteFile(filepath.Join(inbox, fmt.Sprintf("xa-%02d.xlsx", i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return inbox
}

// mountSmall mounts a tmpfs of kib KiB (root only: skips without).
func mountSmall(t *testing.T, kib int) string {
	t.Helper()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dk", kib), "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

// ingestInto runs Files into a store of data grouping commits as danvan
// does (in groups of 20 ms, sealed mid-run, where danvan's of 2 s seal
// mid-run in a drop of hundreds of forms), closes the store (sealing what waits) and lists as not stored what
// the close's seal took back, as danvan ingest does.
func ingestInto(t *testing.T, data, inbox string) (Summary, error) {
	t.Helper()
	st, err := store.Open(data, store.Options{Group: 20 * time.Millisecond})
	if err != nil {
		return Summary{}, err
	}
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: st, PoisonAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := in.Files(context.Background(), []string{inbox}, st)
	if cerr := st.Close(); cerr != nil {
		sum.TakeBack(cerr)
		err = errors.Join(err, cerr)
	}
	return sum, err
}

// TestDiskFullInFlight: the data directory's disk fills while forms are
// stored each while the next is read, in groups sealed together, at sizes
// where it fills at different files. The summary lists each file once at
// most, as loaded exactly when its commit record is there, its totals are
// what is stored; no reading or strike is left (a full disk is no file's
// fault). With room, the next run loads every other file, none twice: each
// file then has one record with the values a run that had room stored,
// and the store's check finds nothing.
func TestDiskFullInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts small file systems")
	}
	const n = 40
	inbox := dropInbox(t, n)
	clean := t.TempDir()
	want, err := ingestInto(t, clean, inbox)
	if out, err := exec.Command("du", "-sk", clean).Output(); err == nil {
		t.Logf("a run with room: %s", out)
	}
	if err != nil {
		t.Fatal(err)
	}
	wantRows := map[string]int{}
	for _, f := range want.Files {
		if f.Status != Loaded {
			t.Fatalf("clean run: %s %s %+v", f.File, f.Status, f.FileErr)
		}
		wantRows[f.File] = f.Accepted
	}
	full := 0
	for _, kib := range []int{64, 128, 192, 256, 320, 384} {
		mnt := mountSmall(t, kib)
		data := filepath.Join(mnt, "data")
		d := dd.Dir(data)
		sum, ferr := ingestInto(t, data, inbox)
		if ferr != nil {
			if !errors.Is(ferr, syscall.ENOSPC) {
				t.Errorf("%d KiB: %v, want no space left on device", kib, ferr)
			}
			full++
		}
		committed := map[string]int{}
		if m, err := dd.ReadManifest(d); err == nil {
			for _, e := range m {
				committed[e.SourceFile] = int(e.RowsAccepted)
			}
		}
		seen := map[string]bool{}
		stored := 0
		for _, f := range sum.Files {
			if seen[f.File] {
				t.Errorf("%d KiB: %s listed twice", kib, f.File)
			}
			seen[f.File] = true
			_, ok := committed[f.File]
			switch {
			case f.Status == Loaded && !ok:
				t.Errorf("%d KiB: %s listed loaded, no commit record", kib, f.File)
			case f.Status != Loaded && ok:
				t.Errorf("%d KiB: %s committed, listed %s %+v", kib, f.File, f.Status, f.FileErr)
			case f.Status == Loaded:
				stored += committed[f.File]
			case f.Status != Failed || f.FileErr == nil || f.FileErr.Code != "not_stored":
				t.Errorf("%d KiB: %s %s %+v, want not stored", kib, f.File, f.Status, f.FileErr)
			}
		}
		for name := range committed {
			if !seen[name] {
				t.Errorf("%d KiB: %s committed but not listed", kib, name)
			}
		}
		if acc, _, _ := sum.Totals(); acc != stored {
			t.Errorf("%d KiB: totals %d accepted, %d stored", kib, acc, stored)
		}
		left, _ := dd.LeftReadings(d)
		for _, l := range left {
			if l.Attempt.Batch != "" {
				t.Errorf("%d KiB: a reading record names %s after the run", kib, l.Attempt.SourceFile)
			}
		}
		if as, _ := filepath.Glob(filepath.Join(d.Attempts(), "[0-9a-f]*.json")); len(as) > 0 {
			t.Errorf("%d KiB: attempt records left (a full disk struck a file): %v", kib, as)
		}
		first := len(committed)
		if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
			t.Fatalf("remount: %v %s", err, out)
		}
		again, err := ingestInto(t, data, inbox)
		if err != nil {
			t.Fatalf("%d KiB, then room: %v", kib, err)
		}
		for _, f := range again.Files {
			_, before := committed[f.File]
			switch {
			case before && f.Status != Skipped, !before && f.Status != Loaded:
				t.Errorf("%d KiB, then room: %s %s (committed before: %v)", kib, f.File, f.Status, before)
			}
		}
		m, err := dd.ReadManifest(d)
		if err != nil || len(m) != n {
			t.Fatalf("%d KiB, then room: %d records, %v; want %d", kib, len(m), err, n)
		}
		for _, e := range m {
			if e.Status != dd.Loaded || int(e.RowsAccepted) != wantRows[e.SourceFile] {
				t.Errorf("%d KiB, then room: %s %s, %d values; want loaded, %d", kib, e.SourceFile, e.Status, e.RowsAccepted, wantRows[e.SourceFile])
			}
		}
		st, err := store.Open(data, store.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Repair(context.Background()); err != nil {
			t.Errorf("%d KiB: repair: %v", kib, err)
		}
		faults, err := st.Check(context.Background(), true)
		if err != nil || len(faults) > 0 {
			t.Errorf("%d KiB, then room: check: %v %+v", kib, err, faults)
		}
		st.Close()
		t.Logf("%d KiB: %d of %d files committed before the disk was full; %s", kib, first, n, strings.SplitN(fmt.Sprint(ferr), "\n", 2)[0])
	}
	if full == 0 {
		t.Error("no run met a full disk: the test does not test")
	}
}

// fill writes a file in dir until the disk is full.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// TestDiskFullKeepsStrikes: a file with a strike, read again when the disk
// is full, is not stored, and its strike stays as it was: the full disk is
// not its fault. Its reading ends (Release) though its record cannot be
// written again: a reading record left naming it is what the next run
// counts as a run that died on it, a second strike, which sets it aside
// as poison.
func TestDiskFullKeepsStrikes(t *testing.T) {
	mnt := mountSmall(t, 512)
	data := filepath.Join(mnt, "data")
	d := dd.Dir(data)
	inbox := dropInbox(t, 2)
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: st, PoisonAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	first, second := filepath.Join(inbox, "xa-00.xlsx"), filepath.Join(inbox, "xa-01.xlsx")
	if sum, err := in.Files(context.Background(), []string{first}, st); err != nil || sum.Files[0].Status != Loaded {
		t.Fatalf("with room: %v %+v", err, sum.Files)
	}
	hash, err := HashFile(second)
	if err != nil {
		t.Fatal(err)
	}
	strike := dd.Strike{At: testNow.UTC(), Kind: dd.StrikeTimedOut, Reason: "đọc tệp quá 10 phút, giới hạn cho một tệp", ReasonEN: "x"}
	if err := dd.WriteAttempt(d, dd.Attempt{Batch: hash, SourceFile: "xa-01.xlsx", Strikes: []dd.Strike{strike}}); err != nil {
		t.Fatal(err)
	}
	fill(t, mnt)
	sum, err := in.Files(context.Background(), []string{second}, st)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("on a full disk: %v, want no space left on device", err)
	}
	if f := sum.Files[0]; f.Status != Failed || f.FileErr.Code != "not_stored" {
		t.Errorf("on a full disk: %s %+v, want not stored", f.Status, f.FileErr)
	}
	st.Close()
	left, err := dd.LeftReadings(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		if l.Attempt.Batch == hash {
			t.Errorf("a reading record still names xa-01.xlsx after the run (%s): the next run counts it a death", filepath.Base(l.Path))
		}
	}
	a, ok, err := dd.ReadAttempt(d, hash)
	if err != nil || !ok || len(a.Strikes) != 1 || a.PID != 0 {
		t.Errorf("attempt record %+v, %v, %v: want its one strike and nobody reading", a, ok, err)
	}
}
