// Package store writes what ingest accepted and refused into the warehouse:
// facts as Hive-partitioned Parquet (one part per province and year of a
// file), rejected rows as Parquet, unreadable files whole into quarantine,
// and last a manifest entry per file, which is the commit point.
//
// Every file is written under warehouse/tmp, fsynced and renamed into place,
// so a crash leaves no partial file under a final name. Names derive from
// the file's content hash, so a re-run overwrites rather than duplicates, and
// readers that only look at batches listed in the manifest never see an
// interrupted commit.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline"
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

// Batch is everything ingest learned about one file. It mirrors the Batch
// ingest hands to its Sink; store cannot import ingest.
type Batch struct {
	Hash       string // hex SHA-256 of the file's bytes
	SourceFile string // base name
	SourcePath string
	IngestedAt time.Time
	Records    []pipeline.Record
	Rejects    []pipeline.RowError
	FileErr    *pipeline.FileError
}

// Status values of a manifest entry.
const (
	StatusLoaded      = "loaded"
	StatusQuarantined = "quarantined"
)

// ManifestEntry is the commit record of one file.
type ManifestEntry struct {
	Batch        string    `json:"batch"`
	SourceFile   string    `json:"source_file"`
	SourcePath   string    `json:"source_path"`
	Size         int64     `json:"size"`
	IngestedAt   time.Time `json:"ingested_at"`
	Status       string    `json:"status"`
	RowsAccepted int64     `json:"rows_accepted"`
	RowsRejected int64     `json:"rows_rejected"`
	Reason       string    `json:"reason"`
	ReasonEN     string    `json:"reason_en"`
	Partitions   []string  `json:"partitions"`
	Reports      []Report  `json:"reports"`
}

// Report is one (unit, period) report found in a file.
type Report struct {
	ReportID string `json:"report_id"`
	UnitCode string `json:"unit_code"`
	Period   string `json:"period"`
	Rows     int64  `json:"rows"`
}

// Store writes into one data directory.
type Store struct {
	dir  string
	wh   string
	opts Options
	sem  chan struct{} // bounds the record batches being encoded at once

	// chunks remembers each partition's last chunk size, so the next file's
	// buffers for it start at that size instead of growing from nothing.
	chunksMu sync.Mutex
	chunks   map[string]chunkSize
}

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
	s := &Store{dir: abs, wh: filepath.Join(abs, "warehouse"), opts: opts.withDefaults(), chunks: map[string]chunkSize{}}
	s.sem = make(chan struct{}, s.opts.Writers)
	for _, d := range []string{s.factsDir(), s.rejectsDir(), s.manifestDir(), s.tmpDir(), s.quarantineDir()} {
		if err := mkdirAllSync(d); err != nil {
			return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
		}
	}
	if err := s.cleanTmp(); err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dataDir, err)
	}
	return s, nil
}

// Close releases the store. Transactions still open are not affected; the
// store holds no open files between commits.
func (s *Store) Close() error { return nil }

func (s *Store) factsDir() string      { return filepath.Join(s.wh, "facts") }
func (s *Store) rejectsDir() string    { return filepath.Join(s.wh, "rejects") }
func (s *Store) manifestDir() string   { return filepath.Join(s.wh, "manifest") }
func (s *Store) tmpDir() string        { return filepath.Join(s.wh, "tmp") }
func (s *Store) quarantineDir() string { return filepath.Join(s.dir, "quarantine") }

func (s *Store) manifestPath(hash string) string {
	return filepath.Join(s.manifestDir(), hash+".json")
}

// Has reports whether a file with this content hash has been committed.
func (s *Store) Has(hash string) bool {
	if checkHash(hash) != nil {
		return false
	}
	_, err := os.Stat(s.manifestPath(hash))
	return err == nil
}

// Manifest lists the committed entries, oldest first (by ingested_at, then
// batch).
func (s *Store) Manifest() ([]ManifestEntry, error) {
	des, err := os.ReadDir(s.manifestDir())
	if err != nil {
		return nil, fmt.Errorf("list manifest: %w", err)
	}
	var out []ManifestEntry
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".json") || checkHash(strings.TrimSuffix(name, ".json")) != nil {
			continue
		}
		e, err := s.readManifest(filepath.Join(s.manifestDir(), name))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].IngestedAt.Equal(out[j].IngestedAt) {
			return out[i].IngestedAt.Before(out[j].IngestedAt)
		}
		return out[i].Batch < out[j].Batch
	})
	return out, nil
}

func (s *Store) readManifest(path string) (ManifestEntry, error) {
	var e ManifestEntry
	b, err := os.ReadFile(path)
	if err != nil {
		return e, fmt.Errorf("read manifest entry: %w", err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("read manifest entry %s: %w", path, err)
	}
	return e, nil
}

// Commit stores one file's outcome: its facts and rejects, or the file
// itself in quarantine, then its manifest entry. Committing the same batch
// again rewrites the same files.
func (s *Store) Commit(ctx context.Context, b Batch) error {
	if b.FileErr != nil {
		return s.quarantine(ctx, b)
	}
	tx, err := s.Begin(b.Hash, b.SourceFile, b.SourcePath, b.IngestedAt)
	if err != nil {
		return err
	}
	if err := tx.Add(b.Records); err != nil {
		tx.Abort()
		return err
	}
	if err := tx.Reject(b.Rejects...); err != nil {
		tx.Abort()
		return err
	}
	return tx.Commit(ctx)
}

func checkHash(h string) error {
	if len(h) < 16 || len(h) > 128 {
		return fmt.Errorf("batch hash %q: want 16 to 128 lowercase hex digits", h)
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("batch hash %q: want lowercase hex digits", h)
		}
	}
	return nil
}

func checkBase(name string) (string, error) {
	b := filepath.Base(name)
	if name == "" || b == "." || b == ".." || b == string(filepath.Separator) {
		return "", fmt.Errorf("source file name %q is not a file name", name)
	}
	return b, nil
}

// quarantine copies an unreadable file whole, with reason.txt beside it,
// and records it in the manifest.
func (s *Store) quarantine(ctx context.Context, b Batch) error {
	if err := checkHash(b.Hash); err != nil {
		return fmt.Errorf("quarantine %s: %w", b.SourceFile, err)
	}
	base, err := checkBase(b.SourceFile)
	if err != nil {
		return fmt.Errorf("quarantine batch %s: %w", b.Hash, err)
	}
	at := normTime(b.IngestedAt)
	dir := filepath.Join(s.quarantineDir(), b.Hash)
	if err := mkdirAllSync(dir); err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	size, err := s.copyAtomic(b.SourcePath, filepath.Join(dir, base))
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	fe := b.FileErr
	reason := fmt.Sprintf("Tệp: %s\nMã lỗi: %s\nLý do: %s\nReason: %s\nBatch: %s\nIngested at: %s\n",
		base, fe.Code, fe.Reason, fe.ReasonEN, b.Hash, at.Format(time.RFC3339))
	if err := s.writeAtomic(filepath.Join(dir, "reason.txt"), []byte(reason)); err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	e := ManifestEntry{
		Batch: b.Hash, SourceFile: base, SourcePath: b.SourcePath, Size: size, IngestedAt: at,
		Status: StatusQuarantined, Reason: fe.Reason, ReasonEN: fe.ReasonEN,
		Partitions: []string{}, Reports: []Report{},
	}
	if err := s.writeManifest(e); err != nil {
		return fmt.Errorf("quarantine %s: %w", base, err)
	}
	// A file once loaded under this hash and now quarantined (the reader
	// changed) must not keep its facts visible.
	s.removeStale(b.Hash, nil, false)
	return nil
}

func (s *Store) writeManifest(e ManifestEntry) error {
	// Compact: a large file's entry lists a hundred thousand reports, and
	// indenting them doubled the time of a commit's last, serial step.
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode manifest entry %s: %w", e.Batch, err)
	}
	b = append(b, '\n')
	if err := s.writeAtomic(s.manifestPath(e.Batch), b); err != nil {
		return fmt.Errorf("write manifest entry %s: %w", e.Batch, err)
	}
	if err := syncDir(s.manifestDir()); err != nil {
		return fmt.Errorf("write manifest entry %s: %w", e.Batch, err)
	}
	return nil
}

// removeStale deletes this batch's parts in partitions it no longer has
// (and its rejects file when it has none). It runs after the manifest is
// written, so a reader filtering on the manifest's partitions never sees
// them; failures are harmless for the same reason and are ignored.
func (s *Store) removeStale(hash string, keep map[string]bool, keepRejects bool) {
	name := hash + ".parquet"
	provs, _ := os.ReadDir(s.factsDir())
	for _, p := range provs {
		if !p.IsDir() || !strings.HasPrefix(p.Name(), "province=") {
			continue
		}
		years, _ := os.ReadDir(filepath.Join(s.factsDir(), p.Name()))
		for _, y := range years {
			part := p.Name() + "/" + y.Name()
			if !y.IsDir() || keep[part] {
				continue
			}
			path := filepath.Join(s.factsDir(), p.Name(), y.Name(), name)
			if err := os.Remove(path); err == nil {
				_ = syncDir(filepath.Dir(path))
			}
		}
	}
	if !keepRejects {
		if err := os.Remove(filepath.Join(s.rejectsDir(), name)); err == nil {
			_ = syncDir(s.rejectsDir())
		}
	}
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}
