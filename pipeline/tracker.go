package pipeline

import "github.com/danvan/danvan/pipeline/layout"

// Strike is one run that a file stopped (layout.Strike, where the record's
// format lives).
type Strike = layout.Strike

// The kinds of strike (layout's).
const (
	StrikeFailed   = layout.StrikeFailed
	StrikeTimedOut = layout.StrikeTimedOut
	StrikeDied     = layout.StrikeDied
)

// Tracker remembers, across runs, the files ingest reads, for the poison
// rule: a file that failed, timed out or was being read when a run died,
// in runs one after the other, is quarantined instead of read again, so it
// never stops a refresh again. store.Store is one (its records are
// layout.Attempt). Ingest calls Begin before it reads a file and exactly
// one of Done, Strike or Release after.
type Tracker interface {
	// Alone reports whether b must be read with no other file in flight:
	// it has a record (strikes, or a run died while reading it beside
	// another file, which counted against neither), so a run that dies on
	// it is known to have died on it.
	Alone(b Batch) (bool, error)
	// Begin records that this process reads b, and returns b's strikes:
	// those of earlier runs, and one for a run that died reading it.
	Begin(b Batch) ([]Strike, error)
	// Done forgets b: it was read to the end (loaded or quarantined).
	Done(b Batch) error
	// Strike records that reading b failed or timed out this time.
	Strike(b Batch, s Strike) error
	// Release records that reading b stopped for a reason not its own (the
	// program is stopping): its strikes stay as they were.
	Release(b Batch) error
}
