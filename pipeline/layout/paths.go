// Package layout is the data directory's contract, written once: where each
// thing lives, the status words of the commit records, the columns of the
// facts and rejects files and of the published outputs, the manifest's
// format with its one reader and one writer, the snapshot's table index, and
// the one way every package writes a file so that a crash never leaves half
// of it under its final name.
//
// It imports the standard library only, so every stage, the commands and
// the tests can share it without importing each other.
//
//	DIR/inbox/                                        files to ingest
//	DIR/reference/reporting_calendar.csv              the data directory's own reporting calendar (optional)
//	DIR/warehouse/facts/province=38/year=2023/<batch>.parquet
//	DIR/warehouse/facts/province=38/year=2023/group-<sha256>.parquet  small files' facts, shared (SharedFactFile)
//	DIR/warehouse/rejects/<batch>.parquet
//	DIR/warehouse/reports/<batch>.json                a loaded file's reports (written before its commit record)
//	DIR/warehouse/manifest/<batch>.json               the commit record of one file (written last)
//	DIR/warehouse/tmp/                                temp files; never read
//	DIR/warehouse/attempts/<batch>.json               a file that stopped runs, or was being read by a run before reading records (the poison rule)
//	DIR/warehouse/attempts/reading-<pid>-<n>.json     the file a run reads now, rewritten in place for each (the poison rule)
//	DIR/warehouse/warehouse.duckdb                    staging and marts
//	DIR/quarantine/<batch>/<file>, reason.txt         unreadable files, whole
//	DIR/quarantine/<batch>/set-aside.json, reason.txt a batch whose stored files were damaged
//	DIR/exports/snapshots/<run-id>/                   one published snapshot
//	DIR/exports/current -> snapshots/<run-id>         the published one
//	DIR/exports/tmp/                                  snapshots being built
//	DIR/runs/<start>-<id>.json, run.lock              run history and the run lock
//	DIR/inbox/portal/<unit>/<time>-<batch>.<ext>      files received through the submission portal (portal.go)
//	DIR/portal/links.json, audit.jsonl, uploads/      the portal's links, audit log and uploads in progress
//
// <batch> is the hex SHA-256 of the ingested file's bytes.
package layout

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Dir is a data directory.
type Dir string

func (d Dir) path(elem ...string) string {
	return filepath.Join(append([]string{string(d)}, elem...)...)
}

// Inbox is where files wait to be ingested.
func (d Dir) Inbox() string { return d.path("inbox") }

// CalendarFile is the name of the reporting calendar, among the embedded
// reference files and in a data directory's reference/.
const CalendarFile = "reporting_calendar.csv"

// Calendar is the data directory's own reporting calendar; when present it
// replaces the embedded one (pipeline.CalendarFor).
func (d Dir) Calendar() string { return d.path("reference", CalendarFile) }

// DemoMarker is the file the demo writes into the inbox; a data directory
// with it holds demo data, and the dashboards say so.
const DemoMarker = "README-DEMO.txt"

// Warehouse holds the committed Parquet, the manifest and the DuckDB file.
func (d Dir) Warehouse() string { return d.path("warehouse") }

// Facts is the root of the Hive-partitioned facts.
func (d Dir) Facts() string { return d.path("warehouse", "facts") }

// Partition is the directory of one partition's facts.
func (d Dir) Partition(p Partition) string {
	return d.path("warehouse", "facts", "province="+p.Province, "year="+strconv.Itoa(p.Year))
}

// FactFile is one batch's facts in one partition.
func (d Dir) FactFile(p Partition, batch string) string {
	return filepath.Join(d.Partition(p), batch+".parquet")
}

// SharedPrefix starts the name of a shared facts file (SharedFactFile).
const SharedPrefix = "group-"

// SharedFactFile is a facts file the small files of one group commit share
// in a partition (pipeline/store), named by the SHA-256 of its bytes, so
// that the name never meets a batch's (<batch>.parquet: CheckBatch refuses
// "group-") and writing it again with the same rows changes nothing. A file
// holds the rows of every batch of the group with facts in the partition;
// a batch's rows in it count only while that batch's commit record lists
// the file in its Files (readers filter by batch), and a shared file no
// record lists is what a group's seal killed before its records settled
// left behind.
func (d Dir) SharedFactFile(p Partition, sum string) string {
	return filepath.Join(d.Partition(p), SharedPrefix+sum+".parquet")
}

// SharedBatchesKey is the key of a shared facts file's Parquet key-value
// metadata that names the batches whose rows it holds
// (EncodeSharedBatches): a batch in it that has no commit record is found
// by reading the file's footer, not its rows, and named by its file.
const SharedBatchesKey = "danvan.batches"

// SharedBatch is a batch whose rows a shared facts file holds.
type SharedBatch struct {
	Batch      string `json:"batch"`
	SourceFile string `json:"source_file"`
}

// EncodeSharedBatches is the value of SharedBatchesKey.
func EncodeSharedBatches(bs []SharedBatch) string {
	b, _ := json.Marshal(bs) // strings only: cannot fail
	return string(b)
}

// DecodeSharedBatches reads a value of SharedBatchesKey.
func DecodeSharedBatches(s string) ([]SharedBatch, error) {
	var bs []SharedBatch
	if err := json.Unmarshal([]byte(s), &bs); err != nil {
		return nil, fmt.Errorf("batches of a shared facts file: %w", err)
	}
	return bs, nil
}

// IsSharedFactFile reports whether path names a shared facts file.
func IsSharedFactFile(path string) bool {
	return strings.HasPrefix(filepath.Base(path), SharedPrefix) && strings.HasSuffix(path, ".parquet")
}

// FactFiles is a glob of every fact file, a batch's own and shared.
func (d Dir) FactFiles() string {
	return d.path("warehouse", "facts", "province=*", "year=*", "*.parquet")
}

// BatchFactFiles lists one batch's fact files, whatever their partitions.
// It lists the partition directories and looks for the batch's file in
// each: filepath.Glob of a pattern ending in the file's name reads every
// partition directory whole, and on the demo's history with a half-year's
// forms (451 files) that was 56 directory reads and a name match per file
// of the store for each file committed.
func (d Dir) BatchFactFiles(batch string) []string {
	dirs, _ := filepath.Glob(d.path("warehouse", "facts", "province=*", "year=*"))
	var out []string
	for _, dir := range dirs {
		path := filepath.Join(dir, batch+".parquet")
		if _, err := os.Lstat(path); err == nil {
			out = append(out, path)
		}
	}
	return out
}

// FactFilesOf lists the fact files of the given batches, whatever their
// partitions, by batch, reading each partition directory once for them
// all: a group commit's seal (pipeline/store) looks for its files' stale
// facts this way, where BatchFactFiles for each of the 365 forms of a
// half-year's drop looked for one file in every partition directory (56
// there): 4 % of the drop's ingest CPU.
func (d Dir) FactFilesOf(batches map[string]bool) map[string][]string {
	dirs, _ := filepath.Glob(d.path("warehouse", "facts", "province=*", "year=*"))
	out := map[string][]string{}
	for _, dir := range dirs {
		f, err := os.Open(dir)
		if err != nil {
			continue
		}
		names, _ := f.Readdirnames(-1)
		f.Close()
		for _, name := range names {
			if batch, ok := strings.CutSuffix(name, ".parquet"); ok && batches[batch] {
				out[batch] = append(out[batch], filepath.Join(dir, name))
			}
		}
	}
	for _, files := range out {
		slices.Sort(files)
	}
	return out
}

// Rejects holds one Parquet file of refused rows per batch.
func (d Dir) Rejects() string { return d.path("warehouse", "rejects") }

// RejectsFile is one batch's refused rows.
func (d Dir) RejectsFile(batch string) string {
	return d.path("warehouse", "rejects", batch+".parquet")
}

// Manifest holds the commit records, one per batch.
func (d Dir) Manifest() string { return d.path("warehouse", "manifest") }

// ManifestFile is one batch's commit record.
func (d Dir) ManifestFile(batch string) string { return d.path("warehouse", "manifest", batch+".json") }

// Reports holds the report lists of loaded batches.
func (d Dir) Reports() string { return d.path("warehouse", "reports") }

// ReportsFile is one batch's report list.
func (d Dir) ReportsFile(batch string) string { return d.path("warehouse", "reports", batch+".json") }

// Attempts holds a record per file that ingest is reading, or that failed,
// timed out or was being read when a run died, since it was last read to
// the end (attempt.go).
func (d Dir) Attempts() string { return d.path("warehouse", "attempts") }

// AttemptFile is one batch's attempt record.
func (d Dir) AttemptFile(batch string) string { return d.path("warehouse", "attempts", batch+".json") }

// ReadingFile is this process's reading record n (attempt.go), named with
// its id and mark (Self).
func (d Dir) ReadingFile(n int) string {
	return d.path("warehouse", "attempts", fmt.Sprintf("%s%s-%d.json", readingPrefix, self, n))
}

// Tmp holds temp files of the store and DuckDB's spill files; never read.
func (d Dir) Tmp() string { return d.path("warehouse", "tmp") }

// DuckDBTmp is DuckDB's temp directory.
func (d Dir) DuckDBTmp() string { return d.path("warehouse", "tmp", "duckdb") }

// DuckDB is the warehouse database file, written only under the run lock.
func (d Dir) DuckDB() string { return d.path("warehouse", "warehouse.duckdb") }

// Quarantine holds unreadable files.
func (d Dir) Quarantine() string { return d.path("quarantine") }

// QuarantineDir holds one unreadable file and its reason.txt.
func (d Dir) QuarantineDir(batch string) string { return d.path("quarantine", batch) }

// QuarantineReason is the file beside a quarantined file that says why.
const QuarantineReason = "reason.txt"

// SetAsideRecord is the commit record of a batch whose stored files were
// found damaged and taken out of the store (sums.go), kept in its
// quarantine folder until the file is ingested again.
func (d Dir) SetAsideRecord(batch string) string {
	return d.path("quarantine", batch, "set-aside.json")
}

// DuckDBDamaged is where a damaged warehouse database is moved before it is
// rebuilt; one copy is kept.
func (d Dir) DuckDBDamaged() string { return d.path("warehouse", "warehouse.duckdb.damaged") }

// Exports holds the snapshots and the current link.
func (d Dir) Exports() string { return d.path("exports") }

// Snapshots holds the published snapshots, one directory each.
func (d Dir) Snapshots() string { return d.path("exports", "snapshots") }

// Snapshot is the directory of the snapshot named name.
func (d Dir) Snapshot(name string) string { return d.path("exports", "snapshots", name) }

// Current is the symlink to the published snapshot.
func (d Dir) Current() string { return d.path("exports", "current") }

// ExportsTmp holds snapshots being built and snapshots being removed.
func (d Dir) ExportsTmp() string { return d.path("exports", "tmp") }

// Runs holds the run history.
func (d Dir) Runs() string { return d.path("runs") }

// RunLock is the lock the running refresh holds.
func (d Dir) RunLock() string { return d.path("runs", "run.lock") }

// Partition is a (province, year) partition of the facts: a value's unit
// fixes its province and its period's end its year.
type Partition struct {
	Province string
	Year     int
}

// String is the partition's path below the facts root, slash-separated:
// "province=38/year=2023".
func (p Partition) String() string { return "province=" + p.Province + "/year=" + strconv.Itoa(p.Year) }

// Compare orders partitions by province, then year.
func (p Partition) Compare(q Partition) int {
	if c := strings.Compare(p.Province, q.Province); c != 0 {
		return c
	}
	return p.Year - q.Year
}

// ParsePartition reads a String.
func ParsePartition(s string) (Partition, error) {
	prov, year, ok := strings.Cut(s, "/")
	prov, ok1 := strings.CutPrefix(prov, "province=")
	year, ok2 := strings.CutPrefix(year, "year=")
	y, err := strconv.Atoi(year)
	if !ok || !ok1 || !ok2 || err != nil || prov == "" {
		return Partition{}, fmt.Errorf("partition %q: want province=<code>/year=<year>", s)
	}
	return Partition{prov, y}, nil
}

// FactFilePartition returns the partition and batch of a path d.FactFiles
// matched; for a shared file (IsSharedFactFile), its name without
// ".parquet" in place of a batch.
func FactFilePartition(path string) (Partition, string, error) {
	batch := strings.TrimSuffix(filepath.Base(path), ".parquet")
	yd, pd := filepath.Base(filepath.Dir(path)), filepath.Base(filepath.Dir(filepath.Dir(path)))
	p, err := ParsePartition(pd + "/" + yd)
	if err != nil {
		return p, "", fmt.Errorf("fact file %s: %w", path, err)
	}
	return p, batch, nil
}

// CheckBatch reports whether b can name a batch: 16 to 128 lowercase hex
// digits (a file's SHA-256 has 64).
func CheckBatch(b string) error {
	if len(b) < 16 || len(b) > 128 {
		return fmt.Errorf("batch hash %q: want 16 to 128 lowercase hex digits", b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("batch hash %q: want lowercase hex digits", b)
		}
	}
	return nil
}
