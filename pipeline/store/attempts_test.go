package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestReadingFilesCreatesOneRecord: a run reading files one after another
// marks each in the same reading record, rewritten in place, instead of
// creating a record per file (a new inode each, which ext4 without a
// journal allocates slowly after many deletions), and leaves nothing in
// the attempts folder once closed.
func TestReadingFilesCreatesOneRecord(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(dir)
	files := map[string]bool{} // name and inode
	for i := range 10 {
		b := pipeline.Batch{Hash: hashOf(fmt.Sprint("file", i)), SourceFile: fmt.Sprintf("f%d.xlsx", i)}
		if strikes, err := s.Begin(b); err != nil || len(strikes) != 0 {
			t.Fatalf("begin %d: %v, %v", i, strikes, err)
		}
		des, err := os.ReadDir(d.Attempts())
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			fi, err := os.Stat(filepath.Join(d.Attempts(), de.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[fmt.Sprint(de.Name(), fi.Sys().(*syscall.Stat_t).Ino)] = true
		}
		if !reads(t, d, os.Getpid(), b.Hash) {
			t.Fatalf("file %d: no record says this process reads it", i)
		}
		if err := s.Done(b); err != nil {
			t.Fatal(err)
		}
		if reads(t, d, os.Getpid(), b.Hash) {
			t.Fatalf("file %d: still marked as read after Done", i)
		}
	}
	if len(files) != 1 {
		t.Errorf("reading 10 files used %d files in the attempts folder, want 1: %v", len(files), files)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(d.Attempts()); len(left) != 0 {
		t.Errorf("left in the attempts folder after Close: %v", left)
	}
}

// reads reports whether a record in the attempts folder says process pid
// reads batch.
func reads(t *testing.T, d layout.Dir, pid int, batch string) bool {
	t.Helper()
	left, err := layout.LeftReadings(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		if l.Attempt.PID == pid && l.Attempt.Batch == batch {
			return true
		}
	}
	a, ok, err := layout.ReadAttempt(d, batch)
	if err != nil {
		t.Fatal(err)
	}
	return ok && a.PID == pid
}

const readerEnv = "DANVAN_TEST_READER_DIR"

// TestReaderHelperProcess is the child of TestDiedReadingCountsAStrike:
// it begins reading two files, commits the second, and exits without
// ending either reading, as a killed run does.
func TestReaderHelperProcess(t *testing.T) {
	dir := os.Getenv(readerEnv)
	if dir == "" {
		t.Skip("helper process for TestDiedReadingCountsAStrike")
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		os.Exit(3)
	}
	for _, b := range diedBatches() {
		if _, err := s.Begin(b); err != nil {
			os.Exit(4)
		}
	}
	committed := diedBatches()[1]
	if err := commit(context.Background(), s, batch{Hash: committed.Hash, SourceFile: committed.SourceFile,
		IngestedAt: ingestedAt, Records: newFixture(t).records(3)}); err != nil {
		os.Exit(5)
	}
	os.Exit(0)
}

func diedBatches() []pipeline.Batch {
	return []pipeline.Batch{
		{Hash: hashOf("died on it"), SourceFile: "lon.csv"},
		{Hash: hashOf("committed before the end"), SourceFile: "nho.csv"},
	}
}

// TestDiedReadingCountsAStrike: a process that dies while reading a file
// costs that file a strike the next time a run reads it, dated when the
// dead process began, and nothing for a file it had committed; the dead
// process's records are gone once the next run has opened the store and
// read the file to the end.
func TestDiedReadingCountsAStrike(t *testing.T) {
	dir := t.TempDir()
	runChild(t, "TestReaderHelperProcess", readerEnv, dir, -1)
	d := layout.Dir(dir)
	bs := diedBatches()
	if !readsAny(t, d, bs[0].Hash) {
		t.Fatal("the dead process left no record of the file it read")
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	strikes, err := s.Begin(bs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(strikes) != 1 || strikes[0].Kind != layout.StrikeDied || time.Since(strikes[0].At) > time.Hour {
		t.Fatalf("strikes after the death: %+v, want one of kind %s, dated when it began", strikes, layout.StrikeDied)
	}
	if err := s.Done(bs[0]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := layout.ReadAttempt(d, bs[1].Hash); ok {
		t.Error("the committed file got a record of its own")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(d.Attempts()); len(left) != 0 {
		t.Errorf("left in the attempts folder: %v", left)
	}
}

// readsAny reports whether a record in the attempts folder says some
// process reads batch.
func readsAny(t *testing.T, d layout.Dir, batch string) bool {
	t.Helper()
	left, err := layout.LeftReadings(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		if l.Attempt.Batch == batch {
			return true
		}
	}
	a, ok, _ := layout.ReadAttempt(d, batch)
	return ok && a.PID > 0
}

const twoReaderEnv = "DANVAN_TEST_TWO_READERS_DIR"

// TestTwoReadersHelperProcess is the child of TestDiedWithTwoInFlight: it
// begins reading the files named in its environment (one, or two at once,
// as a run does while it stores one file and reads the next) and exits
// without ending their readings or committing either, as a killed run does.
func TestTwoReadersHelperProcess(t *testing.T) {
	dir := os.Getenv(twoReaderEnv)
	if dir == "" {
		t.Skip("helper process for TestDiedWithTwoInFlight")
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		os.Exit(3)
	}
	for _, b := range diedBatches()[:len(os.Getenv(twoReaderEnv+"_N"))] {
		if _, err := s.Begin(b); err != nil {
			os.Exit(4)
		}
	}
	os.Exit(0)
}

// TestDiedWithTwoInFlight: a process that dies with two files read and
// not committed costs neither a strike, and each is then to be read alone
// (Alone) until it is read to the end; one that dies with one of them in
// flight alone costs that one a strike, and the other keeps no record once
// it is read.
func TestDiedWithTwoInFlight(t *testing.T) {
	dir := t.TempDir()
	d := layout.Dir(dir)
	bs := diedBatches()
	t.Setenv(twoReaderEnv+"_N", "xx")
	runChild(t, "TestTwoReadersHelperProcess", twoReaderEnv, dir, -1)
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if alone, err := s.Alone(b); err != nil || !alone {
			t.Errorf("%s after a death beside another file: alone %v, %v; want to be read alone", b.SourceFile, alone, err)
		}
		if a, _, _ := layout.ReadAttempt(d, b.Hash); !a.ReadAlone || len(a.Strikes) != 0 || a.PID != 0 {
			t.Errorf("%s's record after a death beside another file: %+v; want read alone, no strike", b.SourceFile, a)
		}
	}
	// The second is read to the end; the first is read alone and the run
	// dies on it.
	if strikes, err := s.Begin(bs[1]); err != nil || len(strikes) != 0 {
		t.Fatalf("%s: strikes %+v, %v; want none", bs[1].SourceFile, strikes, err)
	}
	if err := s.Done(bs[1]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := layout.ReadAttempt(d, bs[1].Hash); ok {
		t.Errorf("%s keeps a record once read to the end", bs[1].SourceFile)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(twoReaderEnv+"_N", "x")
	runChild(t, "TestTwoReadersHelperProcess", twoReaderEnv, dir, -1)
	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	strikes, err := s.Begin(bs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(strikes) != 1 || strikes[0].Kind != layout.StrikeDied {
		t.Fatalf("%s after a death with it alone in flight: strikes %+v, want one of kind %s", bs[0].SourceFile, strikes, layout.StrikeDied)
	}
	if alone, _ := s.Alone(bs[1]); alone {
		t.Errorf("%s is to be read alone, though it was not in flight", bs[1].SourceFile)
	}
}

// TestDiedWithOurIDCountsAStrike: a process killed while reading a file
// whose next run has the same process id (a container's process is pid 1
// each time it starts) still costs the file a strike, whether its reading
// record is left (named as this version or an earlier one names it) or
// already adopted into the file's record: by the id alone the dead run
// was taken for this one, alive, and a file that kills every run was
// never quarantined as poison.
func TestDiedWithOurIDCountsAStrike(t *testing.T) {
	host, _ := os.Hostname()
	started := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	for _, left := range []string{"reading-%d-ffffffff-0.json", "reading-%d-0.json", "adopted"} {
		t.Run(left, func(t *testing.T) {
			dir := t.TempDir()
			d := layout.Dir(dir)
			b := diedBatches()[0]
			a := layout.Attempt{Batch: b.Hash, SourceFile: b.SourceFile, PID: os.Getpid(), Host: host, Started: started}
			if err := os.MkdirAll(d.Attempts(), 0o755); err != nil {
				t.Fatal(err)
			}
			if left == "adopted" {
				if err := layout.WriteAttempt(d, a); err != nil {
					t.Fatal(err)
				}
			} else {
				rec, _ := json.Marshal(a)
				if err := os.WriteFile(filepath.Join(d.Attempts(), fmt.Sprintf(left, os.Getpid())), rec, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := store.Open(dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			strikes, err := s.Begin(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(strikes) != 1 || strikes[0].Kind != layout.StrikeDied || !strikes[0].At.Equal(started) {
				t.Errorf("strikes after a run with our id died reading the file: %+v, want one of kind %s at %s", strikes, layout.StrikeDied, started)
			}
		})
	}
}

// TestBeginTakesAloneOnce: Begin of the batch Alone looked at just before
// takes the record Alone read (it is not read twice), and only once: the
// next Begin reads the record again, with the strike added since.
func TestBeginTakesAloneOnce(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := pipeline.Batch{Hash: hashOf("alone then begin"), SourceFile: "a.xlsx"}
	failed := layout.Strike{At: time.Now().UTC().Truncate(time.Second), Kind: layout.StrikeFailed, Reason: "x", ReasonEN: "x"}
	for i := range 3 {
		if i < 2 {
			if alone, err := s.Alone(b); err != nil || alone != (i > 0) {
				t.Fatalf("round %d: alone %v, %v; want %v", i, alone, err, i > 0)
			}
		}
		strikes, err := s.Begin(b)
		if err != nil || len(strikes) != i {
			t.Fatalf("round %d: %d strikes (%v), want %d", i, len(strikes), err, i)
		}
		if err := s.Strike(b, failed); err != nil {
			t.Fatal(err)
		}
	}
}
