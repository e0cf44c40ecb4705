package pipeline

import (
	"context"
	"time"
)

// Batch describes one ingested file on its way to the store: which bytes,
// under which name, stamped when. Its records and rejects go through a
// Writer; nothing of it is visible until the Writer commits.
type Batch struct {
	Hash       string // hex SHA-256 of the file's bytes
	SourceFile string // base name
	SourcePath string
	IngestedAt time.Time // UTC, the same for the whole file
	// Reader is the version of danvan reading the file (ingest's
	// Options.Version), kept in the record of a file it quarantines.
	Reader string
}

// Sink is where ingest puts what it read; store.Store is one. Ingest calls
// it, never the other way round.
type Sink interface {
	// Has reports whether the file with this content hash is committed.
	Has(hash string) bool
	// Open starts writing b. The Writer is used by one goroutine.
	Open(b Batch) (Writer, error)
	// Quarantine keeps an unreadable file aside whole, with why, and
	// commits it as quarantined.
	Quarantine(ctx context.Context, b Batch, why *FileError) error
}

// Writer takes one file's accepted records and refused rows, like
// prometheus's storage.Appender: the caller adds, then ends with exactly
// one Commit or Rollback. Nothing is visible before Commit returns nil;
// after Rollback, or a failed Commit, nothing of the file is. Rollback after
// Commit does nothing, so `defer w.Rollback()` is the way to hold one.
type Writer interface {
	// Add appends records in file order. The Writer copies what it keeps:
	// the caller may reuse recs once Add returns.
	Add(recs []Record) error
	// Reject appends refused rows.
	Reject(errs []RowError) error
	// Flush says no records come for a while (the caller is busy with the
	// whole-file checks): the Writer may start writing what it holds.
	// More Adds may follow.
	Flush() error
	// Commit makes the file visible, atomically; a sink that groups
	// commits (store.Options.Group) may make it visible a little later,
	// with the files committed after it, and says so in its own docs.
	Commit(ctx context.Context) error
	// Rollback drops everything added. It reports what it could not clean
	// up; nothing of the file is visible either way.
	Rollback() error
}

// UncommittedError is a sink's error that takes back commits it had
// accepted: a sink that groups commits (store.Options.Group) returns it when
// the group's seal fails. Batches are the hashes of the files whose Commit
// had returned nil and that are not committed after all (the file whose
// Commit returns it may be one); the next run reads them again.
type UncommittedError struct {
	Batches []string
	Err     error
}

func (e *UncommittedError) Error() string { return e.Err.Error() }
func (e *UncommittedError) Unwrap() error { return e.Err }

// Sealer is a sink whose commits may wait (store.Options.Group): Seal
// commits those that wait, or returns an UncommittedError naming the files
// it could not commit. Ingest seals before it returns, so that what it
// lists as loaded is committed.
type Sealer interface {
	Seal() error
}
