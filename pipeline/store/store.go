// Package store writes what ingest accepted and refused into the warehouse:
// facts as Hive-partitioned Parquet (one part per province and year of a
// file; the small files of a group commit share one part per partition,
// group.go), rejected rows as Parquet, unreadable files whole into quarantine,
// and last a commit record per file (pipeline/layout), which is the commit
// point. Store is ingest's pipeline.Sink; a file's records go through a Tx,
// its pipeline.Writer.
//
// Every file is written under warehouse/tmp, fsynced and renamed into place,
// so a crash leaves no partial file under a final name. Names derive from
// the file's content hash, so a re-run overwrites rather than duplicates, and
// readers that only look at batches listed in the manifest never see an
// interrupted commit.
//
// A Tx is cut by job, a file each: encode.go numbers a row's strings for
// the Parquet dictionaries, reports.go counts the file's (unit, period)
// reports, partition.go buffers rows per partition and writes them in a
// goroutine per partition, rejects.go writes the refused rows, tx.go drives
// them and commits.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// Options tune the writer. The zero value means DefaultOptions.
type Options struct {
	// ChunkRows is the number of rows per Arrow record batch and Parquet row
	// group.
	ChunkRows int
	// MaxBufferedRows bounds the rows held in memory across all partitions
	// of a transaction before the largest is flushed as a (smaller) row
	// group; it keeps memory flat when a file spans many partitions.
	MaxBufferedRows int
	// Writers bounds the record batches being encoded at once (one per
	// core is enough; encoding is CPU-bound).
	Writers int
	// Group, when positive, lets the commits of files that come one after
	// another share their durability (group.go): a file's commit waits until
	// the first waiting file has waited Group, or until Seal or Close, and
	// the files of the group are made durable together. Zero: each commit is
	// durable when Commit returns.
	Group time.Duration
}

// DefaultOptions are the options used for zero fields.
func DefaultOptions() Options {
	return Options{ChunkRows: 64 * 1024, MaxBufferedRows: 512 * 1024, Writers: 2}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.ChunkRows <= 0 {
		o.ChunkRows = d.ChunkRows
	}
	if o.MaxBufferedRows <= 0 {
		o.MaxBufferedRows = d.MaxBufferedRows
	}
	if o.MaxBufferedRows < o.ChunkRows {
		o.MaxBufferedRows = o.ChunkRows
	}
	if o.Writers <= 0 {
		o.Writers = d.Writers
	}
	return o
}

// Store writes into one data directory. Its methods may be called from
// several goroutines; each Tx is used by one.
type Store struct {
	dir   layout.Dir
	opts  Options
	sem   chan struct{} // bounds the record batches being encoded at once
	sizes chunkSizes    // each partition's last chunk, to size the next file's

	// The Parquet writers' properties, made once (writerProps): props and
	// arrProps for every file, plainProps for a small facts file's.
	props, plainProps *parquet.WriterProperties
	arrProps          pqarrow.ArrowWriterProperties

	mu      sync.Mutex
	g       group           // the commits waiting for a seal (Options.Group)
	sealing map[string]bool // the batches of the seals under way

	rd readings // the reading records of the poison rule (attempts.go)
}

var _ pipeline.Sink = (*Store)(nil)

// Open prepares the warehouse directories under dataDir and removes temp
// files left by processes that are gone.
func Open(dataDir string, opts Options) (*Store, error) {
	if dataDir == "" {
		return nil, errors.New("open store: empty data directory")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	s := &Store{dir: layout.Dir(abs), opts: opts.withDefaults(), sizes: chunkSizes{m: map[string]chunkSize{}}}
	s.sem = make(chan struct{}, s.opts.Writers)
	s.props, s.arrProps = writerProps(s.opts.ChunkRows, false)
	s.plainProps, _ = writerProps(s.opts.ChunkRows, true)
	d := s.dir
	if err := layout.MkdirsAll(d.Facts(), d.Rejects(), d.Manifest(), d.Reports(), d.Tmp(), d.Quarantine()); err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	if err := s.cleanTmp(); err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	for _, dir := range []string{d.Manifest(), d.Reports(), d.Attempts()} {
		if err := layout.CleanTemps(dir); err != nil {
			return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
		}
	}
	if err := s.adoptReadings(); err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	return s, nil
}

// Close seals the commits that wait (Options.Group), removes the store's
// reading records and releases the store. Transactions still open are not
// affected; the store holds no open files between commits but its idle
// reading records.
func (s *Store) Close() error { return errors.Join(s.Seal(), s.closeReadings()) }

// Has reports whether a file with this content hash has been committed, or
// its commit waits for the group's seal.
func (s *Store) Has(hash string) bool { return s.waits(hash) || layout.Committed(s.dir, hash) }

// QuarantineRecord is the commit record of the file with this content
// hash when it says the file was quarantined: its code, the build that
// judged it and when it arrived (ingest reads such a file again once it is
// named rightly, or once by another build: readAgain).
func (s *Store) QuarantineRecord(hash string) (layout.Entry, bool) {
	// Bytes whose commit waits for the seal were read by this process: the
	// record on disk is still the quarantine they replace, and a copy of
	// them read again from it was loaded twice.
	if layout.CheckBatch(hash) != nil || s.waits(hash) {
		return layout.Entry{}, false
	}
	// The record as the run's repair parsed it (ReadRecord: a stat, as
	// looking for the quarantine folder was). Not by that folder: once its
	// copy was removed, a quarantined file was taken for one loaded and
	// never read again, its values never loaded.
	e, err := layout.ReadRecord(s.dir.ManifestFile(hash))
	if err != nil || e.Status != layout.Quarantined {
		return layout.Entry{}, false
	}
	return e, true
}

// Open starts the commit of b: a Tx. IngestedAt is stamped on every row
// (now when zero), unless the batch was set aside (repair.go): then it
// keeps the stamp it had, so a file sent again after its stored copy was
// damaged takes back its place among the others' values.
func (s *Store) Open(b pipeline.Batch) (pipeline.Writer, error) {
	if err := s.sealIfDue(); err != nil {
		return nil, err
	}
	rec, ok, err := layout.ReadSetAside(s.dir, b.Hash)
	if ok && !rec.IngestedAt.IsZero() {
		b.IngestedAt = rec.IngestedAt
	}
	tx, berr := s.begin(b)
	if berr != nil {
		return nil, berr
	}
	// Only a committed batch is set aside (SetAside), so a record not
	// there now is not there when the Tx commits: it is not looked for
	// again then (resolveSetAside), a stat a file.
	tx.setAside = ok || err != nil
	return tx, nil
}

func checkBatch(b pipeline.Batch) (pipeline.Batch, error) {
	if err := layout.CheckBatch(b.Hash); err != nil {
		return b, fmt.Errorf("%s: %w", b.SourceFile, err)
	}
	base := filepath.Base(b.SourceFile)
	if b.SourceFile == "" || base == "." || base == ".." || base == string(filepath.Separator) {
		return b, fmt.Errorf("batch %s: source file name %q is not a file name", b.Hash, b.SourceFile)
	}
	b.SourceFile = base
	b.IngestedAt = normTime(b.IngestedAt)
	return b, nil
}

// Quarantine copies an unreadable file whole, with reason.txt beside it,
// and records it in the manifest.
func (s *Store) Quarantine(ctx context.Context, b pipeline.Batch, fe *pipeline.FileError) error {
	b, err := checkBatch(b)
	if err != nil {
		return fmt.Errorf("quarantine %w", err)
	}
	if err := s.sealIfDue(); err != nil {
		return err
	}
	dir := s.dir.QuarantineDir(b.Hash)
	if err := layout.MkdirAll(dir); err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	size, err := layout.CopyFile(filepath.Join(dir, b.SourceFile), b.SourcePath)
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	reason := fmt.Sprintf("Tệp: %s\nMã lỗi: %s\nLý do: %s\nReason: %s\nBatch: %s\nIngested at: %s\n",
		b.SourceFile, fe.Code, fe.Reason, fe.ReasonEN, b.Hash, b.IngestedAt.Format(time.RFC3339))
	if err := layout.WriteFile(filepath.Join(dir, layout.QuarantineReason), []byte(reason)); err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	e := layout.Entry{
		Batch: b.Hash, SourceFile: b.SourceFile, SourcePath: b.SourcePath, Size: size, IngestedAt: b.IngestedAt,
		Status: layout.Quarantined, Reason: fe.Reason, ReasonEN: fe.ReasonEN, Code: fe.Code, JudgedBy: b.Reader,
	}
	if err := layout.Commit(s.dir, e, nil); err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	// A file once loaded under this hash and now quarantined (the reader
	// changed) must not keep its facts visible.
	s.removeStale(b.Hash, s.dir.BatchFactFiles(b.Hash), nil, false, false, nil)
	s.resolveSetAside(b.Hash)
	return nil
}

// removeStale deletes this batch's own facts files but those in keep (facts
// are its fact files, as layout.Dir.BatchFactFiles or FactFilesOf list
// them: those of partitions it no longer has, or all of them when its facts
// are now in shared files), its rejects file unless keepRejects, and its report list's
// file unless keepReports (a quarantined batch has none; a short list is in
// the commit record). It runs after the commit record is written, so a
// reader filtering on the manifest's files never sees them; failures
// are harmless for the same reason and are ignored. A shared facts file is
// never removed here, whoever's rows it holds: its rows count only for the
// batches whose records list it, and once none does, Repair removes it.
//
// present, when not nil, holds the rejects and reports files there are
// (ownFiles, listed once for a group's seal): those not in it are not
// removed. A commune's form has neither, and the two failing removes
// (os.Remove tries an rmdir after the unlink) were four system calls a
// form.
func (s *Store) removeStale(hash string, facts []string, keep map[string]bool, keepRejects, keepReports bool, present map[string]bool) {
	for _, path := range facts {
		_, batch, err := layout.FactFilePartition(path)
		if err != nil || batch != hash || keep[path] {
			continue
		}
		if err := os.Remove(path); err == nil {
			_ = layout.SyncDir(filepath.Dir(path))
		}
	}
	if p := s.dir.RejectsFile(hash); !keepRejects && (present == nil || present[p]) {
		if err := os.Remove(p); err == nil {
			_ = layout.SyncDir(s.dir.Rejects())
		}
	}
	if p := s.dir.ReportsFile(hash); !keepReports && (present == nil || present[p]) {
		if err := os.Remove(p); err == nil {
			_ = layout.SyncDir(s.dir.Reports())
		}
	}
}

// ownFiles lists the rejects and reports folders, for removeStale: nil
// when either cannot be listed (removeStale then tries each file).
func (s *Store) ownFiles() map[string]bool {
	out := map[string]bool{}
	for _, dir := range []string{s.dir.Rejects(), s.dir.Reports()} {
		f, err := os.Open(dir)
		if err != nil {
			return nil
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err != nil {
			return nil
		}
		for _, n := range names {
			out[filepath.Join(dir, n)] = true
		}
	}
	return out
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}
