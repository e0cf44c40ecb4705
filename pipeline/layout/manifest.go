package layout

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Status is what became of an ingested file, as its commit record says.
type Status string

const (
	// Loaded: the file's facts and rejects are committed and visible.
	Loaded Status = "loaded"
	// Quarantined: the file could not be read; it is kept whole in
	// quarantine and contributes nothing.
	Quarantined Status = "quarantined"
)

// Entry is the commit record of one ingested file,
// warehouse/manifest/<batch>.json. A file is committed, and its Parquet
// visible, once this record exists; it is written last.
type Entry struct {
	Batch        string    `json:"batch"`
	SourceFile   string    `json:"source_file"`
	SourcePath   string    `json:"source_path"`
	Size         int64     `json:"size"`
	IngestedAt   time.Time `json:"ingested_at"`
	Status       Status    `json:"status"`
	RowsAccepted int64     `json:"rows_accepted"`
	RowsRejected int64     `json:"rows_rejected"`
	Reason       string    `json:"reason"`
	ReasonEN     string    `json:"reason_en"`
	Code         string    `json:"code,omitempty"`      // the kind of a quarantined file's problem (pipeline.FileError.Code)
	JudgedBy     string    `json:"judged_by,omitempty"` // the version of danvan that quarantined the file (pipeline.Batch.Reader); none before versions were recorded
	Partitions   []string  `json:"partitions"`          // Partition.String of each partition with facts, sorted
	// Files are the batch's facts and rejects files with their size and
	// SHA-256, sorted by path, so that a damaged one is found before it is
	// read (sums.go). Records written before they were kept have none.
	Files []FileSum `json:"files,omitempty"`
}

// Report is one (unit, period) report found in a loaded file.
type Report struct {
	ReportID string `json:"report_id"`
	UnitCode string `json:"unit_code"`
	Period   string `json:"period"`
	Rows     int64  `json:"rows"`
}

// Commit writes a file's report list, then its commit record: the commit
// point. Both are compact JSON (a large file's list holds a hundred thousand
// reports, which indenting made twice as long to write); the record stays
// small because a list longer than InlineReports is a file of its own, so
// everything that lists the manifest reads a few hundred bytes per file. A
// shorter list is inside the record. Reports are written in the order given.
func Commit(d Dir, e Entry, reports []Report) error {
	rep, rec, err := encodeCommit(d, e, reports)
	if err != nil {
		return err
	}
	if rep != nil {
		if err := WriteFile(d.ReportsFile(e.Batch), rep); err != nil {
			return fmt.Errorf("write reports of %s: %w", e.Batch, err)
		}
	}
	if err := WriteFile(d.ManifestFile(e.Batch), rec); err != nil {
		return fmt.Errorf("write commit record %s: %w", e.Batch, err)
	}
	return nil
}

// InlineReports is the most reports a commit record carries itself, as
// "reports" (the form of the records written before the lists had files of
// their own, which ReadReports reads): a commune's form holds one report, a
// district's file a few. A list this short costs less inside the record
// than as one more file to create, write and rename for every file
// committed; a longer one has its file (warehouse/reports), so that what
// lists the manifest still reads a few hundred bytes per file.
const InlineReports = 8

// encodeCommit checks e and encodes its report list (nil unless loaded and
// longer than InlineReports) and its commit record.
func encodeCommit(d Dir, e Entry, reports []Report) (rep, rec []byte, err error) {
	if err := CheckBatch(e.Batch); err != nil {
		return nil, nil, fmt.Errorf("commit: %w", err)
	}
	if e.Partitions == nil {
		e.Partitions = []string{}
	}
	var record any = e
	switch {
	case e.Status != Loaded:
	case len(reports) <= InlineReports:
		if reports == nil {
			reports = []Report{}
		}
		record = struct {
			Entry
			Reports []Report `json:"reports"`
		}{e, reports}
	default:
		b, err := json.Marshal(reports)
		if err != nil {
			return nil, nil, fmt.Errorf("encode reports of %s: %w", e.Batch, err)
		}
		if err := MkdirAll(d.Reports()); err != nil {
			return nil, nil, err
		}
		rep = append(b, '\n')
	}
	b, err := json.Marshal(record)
	if err != nil {
		return nil, nil, fmt.Errorf("encode commit record %s: %w", e.Batch, err)
	}
	return rep, append(b, '\n'), nil
}

// Staged is a commit record written under a temp name beside its final
// one: until Settle renames it into place, its file is not committed, and
// a process that dies meanwhile leaves a temp file that CleanTemps removes.
type Staged struct {
	Batch string
	tmp   string
	files []string // what Stage wrote: the report list, if in a file, and tmp
}

// Files are the files Stage wrote, for the caller to make durable.
func (s Staged) Files() []string { return s.files }

// Stage is the first half of a commit whose durability the caller gives
// many files at once (the store's group commit): it writes the report list
// in place and the commit record under a temp name, neither synced. The
// caller then makes them durable, with everything they name (one syncfs),
// and Settle renames the records into place.
func Stage(d Dir, e Entry, reports []Report) (Staged, error) {
	rep, rec, err := encodeCommit(d, e, reports)
	if err != nil {
		return Staged{}, err
	}
	var files []string
	if rep != nil {
		if err := WriteFileUnsynced(d.ReportsFile(e.Batch), rep); err != nil {
			return Staged{}, fmt.Errorf("write reports of %s: %w", e.Batch, err)
		}
		files = append(files, d.ReportsFile(e.Batch))
	}
	tmp := tempName(d.ManifestFile(e.Batch))
	if err := writeNew(tmp, rec); err != nil {
		os.Remove(tmp)
		return Staged{}, fmt.Errorf("write commit record %s: %w", e.Batch, err)
	}
	return Staged{Batch: e.Batch, tmp: tmp, files: append(files, tmp)}, nil
}

// writeNew writes data to a new file at path, unsynced.
func writeNew(path string, data []byte) error {
	f, err := createNew(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Settle renames staged commit records into place, each its file's commit
// point, in order, then syncs the manifest folder once. The records must be
// durable already (Stage). It returns the batches it committed: on an error
// those after them are not, and their temp files are removed.
func Settle(d Dir, staged []Staged) ([]string, error) {
	var done []string
	var err error
	for _, s := range staged {
		if err == nil {
			if err = os.Rename(s.tmp, d.ManifestFile(s.Batch)); err == nil {
				done = append(done, s.Batch)
				continue
			}
			err = fmt.Errorf("write commit record %s: %w", s.Batch, err)
		}
		os.Remove(s.tmp)
	}
	if len(done) > 0 {
		if serr := SyncDir(d.Manifest()); err == nil {
			err = serr
		}
	}
	return done, err
}

// Discard removes staged commit records that will not be settled.
func Discard(staged []Staged) {
	for _, s := range staged {
		os.Remove(s.tmp)
	}
}

// Committed reports whether the file with this content hash is committed.
func Committed(d Dir, batch string) bool {
	if CheckBatch(batch) != nil {
		return false
	}
	_, err := os.Stat(d.ManifestFile(batch))
	return err == nil
}

// ReadEntry reads one commit record. A record may carry its file's report
// list as "reports" (a short list; any list, in records written before the
// lists had files of their own); it is skipped here (ReadReports reads it).
func ReadEntry(path string) (Entry, error) {
	var e Entry
	b, err := os.ReadFile(path)
	if err != nil {
		return e, fmt.Errorf("read commit record: %w", err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("read commit record %s: %w", path, err)
	}
	if e.Batch == "" {
		e.Batch = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	return e, nil
}

// parsedRecords remembers the commit records this process parsed, by path,
// with the file they were parsed from: a run's store repair and check and
// the warehouse's manifest each read every record (the drop's 451: ~15 ms
// of CPU a pass), and each record is parsed once. A record is only ever
// replaced whole (WriteFile renames a new file over it), so a changed one
// is another file, or another size or time.
var parsedRecords = struct {
	sync.Mutex
	m map[string]parsedRecord
}{m: map[string]parsedRecord{}}

type parsedRecord struct {
	fi os.FileInfo
	e  Entry
}

// recordsParsed counts the records ReadRecord parsed (tests).
var recordsParsed atomic.Int64

// ReadRecord is ReadEntry for a record read before by this process and not
// replaced since: the entry parsed then (its slices shared: not to be
// changed).
func ReadRecord(path string) (Entry, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return ReadEntry(path)
	}
	parsedRecords.Lock()
	c, ok := parsedRecords.m[path]
	parsedRecords.Unlock()
	if ok && os.SameFile(c.fi, fi) && c.fi.Size() == fi.Size() && c.fi.ModTime().Equal(fi.ModTime()) {
		return c.e, nil
	}
	e, err := ReadEntry(path)
	if err != nil {
		return e, err
	}
	recordsParsed.Add(1)
	parsedRecords.Lock()
	parsedRecords.m[path] = parsedRecord{fi, e}
	parsedRecords.Unlock()
	return e, nil
}

// ManifestFiles lists the commit records' paths, sorted by batch.
func ManifestFiles(d Dir) ([]string, error) {
	des, err := os.ReadDir(d.Manifest())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list manifest: %w", err)
	}
	var out []string
	for _, de := range des {
		name := de.Name()
		batch, ok := strings.CutSuffix(name, ".json")
		if de.IsDir() || !ok || CheckBatch(batch) != nil {
			continue
		}
		out = append(out, filepath.Join(d.Manifest(), name))
	}
	return out, nil
}

// ReadManifest reads every commit record, sorted by batch.
func ReadManifest(d Dir) ([]Entry, error) {
	paths, err := ManifestFiles(d)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(paths))
	for _, p := range paths {
		e, err := ReadEntry(p)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Batch, b.Batch) })
	return out, nil
}

// ReadReports reads the report list of a committed batch: the "reports" of
// its commit record (a short list, or any list of a record written before
// the lists had files of their own), or else its own file.
func ReadReports(d Dir, batch string) ([]Report, error) {
	b, err := os.ReadFile(d.ManifestFile(batch))
	if err != nil {
		return nil, fmt.Errorf("read reports of %s: %w", batch, err)
	}
	var inline struct {
		Reports *[]Report `json:"reports"`
	}
	if err := json.Unmarshal(b, &inline); err != nil {
		return nil, fmt.Errorf("read reports of %s: %w", batch, err)
	}
	if inline.Reports != nil {
		return *inline.Reports, nil
	}
	var reports []Report
	if b, err = os.ReadFile(d.ReportsFile(batch)); err == nil {
		err = json.Unmarshal(b, &reports)
	}
	if err != nil {
		return nil, fmt.Errorf("read reports of %s: %w", batch, err)
	}
	return reports, nil
}
