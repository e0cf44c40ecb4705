package layout

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// Attempt is the record of a file that ingest is reading, or that failed,
// timed out or was being read when a run died, in the runs since it was
// last read to the end: warehouse/attempts/<batch>.json. Ingest writes it
// (PID set) before it reads a file and removes it once the file is loaded
// or quarantined; a run that finds it with the PID of a process that is
// gone knows that run died on the file. A file with enough strikes in a
// row is quarantined as poison, so it never stops a refresh again.
type Attempt struct {
	Batch      string    `json:"batch"`
	SourceFile string    `json:"source_file"`
	SourcePath string    `json:"source_path"`
	PID        int       `json:"pid,omitempty"` // the process reading it now; 0 when none is
	Host       string    `json:"host,omitempty"`
	Started    time.Time `json:"started,omitzero"` // when that process began reading it
	Strikes    []Strike  `json:"strikes,omitempty"`
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
