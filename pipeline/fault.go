package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Fault is a problem a person has to know about that did not stop a run:
// a file that could not be read this time, a file set aside, a fault found
// in the data directory. A run that had problems still publishes what it
// could; it ends "succeeded with problems", and each problem says what
// happened, to what, and what to do about it, in Vietnamese and English.
type Fault struct {
	// Code is a stable snake_case kind (unreadable, vanished, locked,
	// quarantined, damaged_facts, ...); tests and tools match on it.
	Code string `json:"code"`
	// Path is what it is about: an inbox file, or a path in the data
	// directory, relative to it where it lies inside.
	Path     string `json:"path"`
	Reason   string `json:"reason"`
	ReasonEN string `json:"reason_en"`
	// Fix says what to do; empty when nothing is needed (the next run
	// retries on its own).
	Fix   string `json:"fix,omitempty"`
	FixEN string `json:"fix_en,omitempty"`
}

// String is the problem in one line, Vietnamese then English.
func (p Fault) String() string {
	s := fmt.Sprintf("%s: %s", p.Path, p.Reason)
	if p.Fix != "" {
		s += " Cách sửa: " + p.Fix
	}
	s += " (" + p.ReasonEN
	if p.FixEN != "" {
		s += " Fix: " + p.FixEN
	}
	return s + ")"
}

// DamagedFile is a stored file of a batch whose bytes are not those its
// commit record lists (truncated, overwritten, gone): the batch must be set
// aside and its file ingested again.
type DamagedFile struct {
	Batch      string
	SourceFile string // the file the batch was read from
	Path       string // the damaged file, relative to the data directory
	Err        error  // how it differs
}

// DamagedError is what a refresh returns when files it was about to read
// are damaged; it has read and changed nothing.
type DamagedError struct{ Files []DamagedFile }

func (e *DamagedError) Error() string {
	var b strings.Builder
	b.WriteString("damaged stored files:")
	for _, f := range e.Files {
		fmt.Fprintf(&b, " %s (of %s): %v;", f.Path, f.SourceFile, f.Err)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// DiskFull reports whether err says the disk (or the user's quota) is
// full: the system's error (ENOSPC, EDQUOT), or DuckDB's, which carries the
// system's message only as its own text ("IO Error: Could not write file
// …: No space left on device"). A full disk is no damage of the file being
// written, and may pass once space is made.
func DiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, syscall.ENOSPC.Error()) || strings.Contains(msg, syscall.EDQUOT.Error())
}
