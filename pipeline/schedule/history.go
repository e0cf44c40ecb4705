package schedule

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// Status of a run.
type Status string

const (
	StatusRunning   Status = "running"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped" // another refresh was running
	// StatusProblems: the refresh published, but some of its input did
	// not get in (a file unreadable this time, a file quarantined, a
	// damaged file set aside) or the data directory has a fault; the run
	// record lists each, with its fix.
	StatusProblems Status = "succeeded_with_problems"
)

// Published reports whether a run of this status ended with its snapshot
// published: succeeded, with or without problems.
func (s Status) Published() bool { return s == StatusSucceeded || s == StatusProblems }

// Trigger says who asked for a run.
type Trigger string

const (
	TriggerSchedule Trigger = "schedule" // the cron schedule
	TriggerManual   Trigger = "manual"   // `danvan run`
	TriggerAPI      Trigger = "api"      // the server's POST trigger
	TriggerPortal   Trigger = "portal"   // a file received through the submission portal (serve --refresh-on-submit)
	TriggerStart    Trigger = "start"    // the server started (serve --refresh-at-start)
)

// Result is what a Job reports about the refresh it did.
type Result struct {
	FilesIngested int
	RowsAccepted  int
	RowsRejected  int
	TestsPassed   int
	TestsFailed   int
	Snapshot      string // run id of the snapshot published, "" if none
	Detail        string // free text for people
	// Faults are what a person must know of a refresh that published:
	// any makes the run "succeeded with problems".
	Faults []pipeline.Fault
}

// Run is one refresh as recorded in DIR/runs/<start>-<id>.json.
type Run struct {
	ID            string    `json:"id"`
	Trigger       Trigger   `json:"trigger"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end,omitzero"`
	Status        Status    `json:"status"`
	Attempts      int       `json:"attempts"`
	FilesIngested int       `json:"files_ingested"`
	RowsAccepted  int       `json:"rows_accepted"`
	RowsRejected  int       `json:"rows_rejected"`
	TestsPassed   int       `json:"tests_passed"`
	TestsFailed   int       `json:"tests_failed"`
	Snapshot      string    `json:"snapshot,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	Error         string    `json:"error,omitempty"`
	// Problems of a run that published anyway (StatusProblems), each
	// with its fix.
	Problems []pipeline.Fault `json:"problems,omitempty"`
	PID      int              `json:"pid"`
	Host     string           `json:"host,omitempty"`
}

// Duration is End-Start, zero while running.
func (r Run) Duration() time.Duration {
	if r.End.IsZero() {
		return 0
	}
	return r.End.Sub(r.Start)
}

func (r *Run) setResult(res Result) {
	r.FilesIngested, r.RowsAccepted, r.RowsRejected = res.FilesIngested, res.RowsAccepted, res.RowsRejected
	r.TestsPassed, r.TestsFailed = res.TestsPassed, res.TestsFailed
	r.Snapshot, r.Detail, r.Problems = res.Snapshot, res.Detail, res.Faults
}

func newID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// runFile names a run's record. UTC with fixed-width nanoseconds, so that the
// names sort by start time.
func runFile(r Run) string {
	return r.Start.UTC().Format("20060102T150405.000000000Z") + "-" + r.ID + ".json"
}

// legacyTmpPrefix starts the temp files of versions that did not write
// through layout.WriteFile.
const legacyTmpPrefix = ".tmp-"

// history is the run directory DIR/runs.
type history struct{ dir string }

// write replaces the run's record atomically (layout.WriteFile).
func (h history) write(r Run) error {
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run %s: %w", r.ID, err)
	}
	if err := layout.WriteFile(filepath.Join(h.dir, runFile(r)), append(b, '\n')); err != nil {
		return fmt.Errorf("write run %s: %w", r.ID, err)
	}
	return nil
}

// names lists run record names, newest first.
func (h history) names() ([]string, error) {
	ents, err := os.ReadDir(h.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	return names, nil
}

// read returns up to n runs (all when n <= 0), newest first. Records that
// vanish while being read (pruned by another process) are left out, and so
// are records that do not parse: they can only come from outside (writes are
// atomic) and must not stop /metrics or /healthz from answering.
func (h history) read(n int) ([]Run, error) {
	names, err := h.names()
	if err != nil {
		return nil, err
	}
	runs := make([]Run, 0, min(len(names), max(n, 0)))
	for _, name := range names {
		if n > 0 && len(runs) == n {
			break
		}
		b, err := os.ReadFile(filepath.Join(h.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return runs, fmt.Errorf("read run %s: %w", name, err)
		}
		var r Run
		if json.Unmarshal(b, &r) != nil || r.ID == "" {
			continue
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// prune removes the records beyond the newest keep, and the temp files of
// writers that are gone (left by a crash).
func (h history) prune(keep int, now time.Time) error {
	ents, err := os.ReadDir(h.dir)
	if err != nil {
		return fmt.Errorf("prune runs: %w", err)
	}
	errs := []error{layout.CleanTemps(h.dir)}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), legacyTmpPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > time.Minute {
			if err := os.Remove(filepath.Join(h.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if keep > 0 {
		names, err := h.names()
		if err != nil {
			return err
		}
		for _, name := range names[min(keep, len(names)):] {
			if err := os.Remove(filepath.Join(h.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("prune runs: %w", err)
	}
	return nil
}

// modTime of a run's record, the last moment its process was known to work
// on it.
func (h history) modTime(r Run) time.Time {
	info, err := os.Stat(filepath.Join(h.dir, runFile(r)))
	if err != nil {
		return time.Time{}
	}
	return info.ModTime()
}
