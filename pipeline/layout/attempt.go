package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Attempt is the record of a file that ingest is reading, or that failed,
// timed out or was being read when a run died, in the runs since it was
// last read to the end. A file's strikes are in its batch's record,
// warehouse/attempts/<batch>.json; that a process reads it now is in the
// process's reading record (Reading), written before it reads the file
// and made idle once the file is loaded, quarantined or struck. A run that
// finds the reading record of a process that is gone turns it into the
// batch's record with that process's PID (as runs wrote it before reading
// records), and the next to read the file counts the strike: that run died
// on the file. A file with enough strikes in a row is quarantined as
// poison, so it never stops a refresh again. A process that died with
// several files in flight (one read while the one before is stored) is
// not known to have died on either: each gets ReadAlone instead of a
// strike, and is read with no other in flight until it is read to the end.
type Attempt struct {
	Batch      string    `json:"batch"`
	SourceFile string    `json:"source_file"`
	SourcePath string    `json:"source_path"`
	PID        int       `json:"pid,omitempty"` // the process reading it now; 0 when none is
	Host       string    `json:"host,omitempty"`
	Started    time.Time `json:"started,omitzero"` // when that process began reading it
	Strikes    []Strike  `json:"strikes,omitempty"`
	ReadAlone  bool      `json:"read_alone,omitempty"` // a run died with it and another file in flight
}

// Strike is one run that a file stopped: it failed or timed out on the
// file, or died while reading it.
type Strike struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"` // StrikeFailed, StrikeTimedOut or StrikeDied
	Reason   string    `json:"reason"`
	ReasonEN string    `json:"reason_en"`
}

// The kinds of strike.
const (
	StrikeFailed   = "failed"    // reading it failed (an I/O error part-way)
	StrikeTimedOut = "timed_out" // it took longer than a file may, or than the run had left
	StrikeDied     = "died"      // the run died while reading it (killed, out of memory, power lost)
)

// ReadAttempt reads a batch's attempt record; ok is false when it has none.
func ReadAttempt(d Dir, batch string) (a Attempt, ok bool, err error) {
	if err := CheckBatch(batch); err != nil {
		return a, false, err
	}
	b, err := os.ReadFile(d.AttemptFile(batch))
	if errors.Is(err, os.ErrNotExist) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("read attempt record: %w", err)
	}
	if err := json.Unmarshal(b, &a); err != nil {
		// A record cut short by a crash says nothing; it is written anew.
		return Attempt{Batch: batch}, false, nil
	}
	return a, true, nil
}

// WriteAttempt writes a batch's attempt record, atomically.
func WriteAttempt(d Dir, a Attempt) error {
	if err := CheckBatch(a.Batch); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode attempt record %s: %w", a.Batch, err)
	}
	if err := MkdirAll(d.Attempts()); err != nil {
		return err
	}
	// Not synced: after a crash of the machine a record may be lost or
	// empty (ReadAttempt then reads none), which costs the file a strike
	// not counted, a retry; its removal (RemoveAttempt) was never synced
	// either.
	return WriteFileUnsynced(d.AttemptFile(a.Batch), append(b, '\n'))
}

// RemoveAttempt removes a batch's attempt record, if any.
func RemoveAttempt(d Dir, batch string) error {
	if err := CheckBatch(batch); err != nil {
		return err
	}
	if err := os.Remove(d.AttemptFile(batch)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove attempt record: %w", err)
	}
	return nil
}

// A Reading is a reading record of this process, open for writing:
// warehouse/attempts/reading-<pid>-<n>.json, one for each file the process
// reads at once, holding the Attempt of the file it reads now (PID, Host,
// Started and the batch) or, idle, an Attempt with no batch. It is
// rewritten in place for each file: a record per file, created before
// reading it and removed after, cost a new inode per file (365 for a
// half-year's commune forms), and ext4 without a journal allocates one
// only after looking at each recently deleted inode of the group in turn.
// Each write is one write(2) at offset 0 of at least the bytes already
// there (padded with spaces, which JSON ignores), so a process killed at
// any point leaves the old record or the new one. Not synced, like the
// batches' records: after a crash of the machine the record may be lost
// or stale, which costs a strike not counted, or one counted for a file
// whose reading had ended but which was not committed yet (a committed
// batch's reading record is not taken up, store.adoptReadings).
type Reading struct {
	f    *os.File
	size int
}

// readingPrefix begins the name of a reading record.
const readingPrefix = "reading-"

// maxReadings bounds the names tried for a new reading record.
const maxReadings = 1 << 16

// CreateReading creates a reading record of this process, idle.
func CreateReading(d Dir, host string) (*Reading, error) {
	if err := MkdirAll(d.Attempts()); err != nil {
		return nil, err
	}
	pid := os.Getpid()
	for n := 0; n < maxReadings; n++ {
		// A name taken is skipped (another store of this process).
		f, err := os.OpenFile(d.ReadingFile(n), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create reading record: %w", err)
		}
		r := &Reading{f: f}
		if err := r.Set(Attempt{PID: pid, Host: host}); err != nil {
			r.Remove()
			return nil, err
		}
		return r, nil
	}
	return nil, fmt.Errorf("create reading record: %d names of process %d taken", maxReadings, pid)
}

// Set writes a over the record: the file this process reads now, or, with
// no Batch, none.
func (r *Reading) Set(a Attempt) error {
	if a.Batch != "" {
		if err := CheckBatch(a.Batch); err != nil {
			return err
		}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode reading record: %w", err)
	}
	b = append(b, '\n')
	if pad := r.size - len(b); pad > 0 {
		b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	}
	if _, err := r.f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("write reading record: %w", err)
	}
	r.size = max(r.size, len(b))
	return nil
}

// Remove closes and removes the record.
func (r *Reading) Remove() error {
	name := r.f.Name()
	r.f.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove reading record: %w", err)
	}
	return nil
}

// LeftReading is a reading record found in the attempts folder: its path,
// the process named in its name (its id and mark, Self; the mark is ""
// in a name an earlier version wrote) and what it holds (a zero Attempt
// when it cannot be read or decoded).
type LeftReading struct {
	Path    string
	PID     int
	Mark    string
	Attempt Attempt
}

// Gone reports whether the process that wrote l no longer runs (Gone).
func (l LeftReading) Gone() bool { return Gone(l.PID, l.Mark) }

// LeftReadings lists the reading records in the attempts folder, every
// process's.
func LeftReadings(d Dir) ([]LeftReading, error) {
	des, err := os.ReadDir(d.Attempts())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list reading records: %w", err)
	}
	var out []LeftReading
	for _, de := range des {
		rest, ok := strings.CutPrefix(de.Name(), readingPrefix)
		if !ok {
			continue
		}
		rest, ok = strings.CutSuffix(rest, ".json")
		if !ok || !strings.Contains(rest, "-") {
			continue
		}
		pid, mark, ok := ParseSelf(rest)
		if !ok {
			continue
		}
		l := LeftReading{Path: filepath.Join(d.Attempts(), de.Name()), PID: pid, Mark: mark}
		if b, err := os.ReadFile(l.Path); err == nil && json.Unmarshal(b, &l.Attempt) != nil {
			l.Attempt = Attempt{}
		}
		out = append(out, l)
	}
	return out, nil
}
