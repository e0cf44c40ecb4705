package layout

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// A snapshot directory (exports/snapshots/<run-id>/) holds:
//
//	manifest.json                                 SnapshotManifest
//	<output>.json                                 the Outputs
//	sources/<province>-<year>.json                the Sources output, one file per partition
//	tables/index.json                             TableIndex, written last
//	tables/<name>.parquet                         small tables: marts, reference, files
//	tables/<name>/province=38/year=2023.parquet   the big ones, one file per partition
const (
	SnapshotManifestFile = "manifest.json"
	SourcesDir           = "sources"
	TablesDir            = "tables"
	TableIndexFile       = "tables/index.json"
)

// ContractVersion is the version of the JSON output contract.
const ContractVersion = "1"

// SourcesFile is the sources output file of one partition, relative to the
// snapshot: "sources/38-2023.json".
func SourcesFile(p Partition) string {
	return SourcesDir + "/" + p.Province + "-" + strconv.Itoa(p.Year) + ".json"
}

// SnapshotManifest is a snapshot's manifest.json. Its fields are in the
// order of their names, so it reads as the contract lists them sorted.
type SnapshotManifest struct {
	ContractVersion string                `json:"contract_version"`
	DataAsOf        *string               `json:"data_as_of"` // YYYY-MM-DD, null when empty
	Demo            bool                  `json:"demo"`
	Outputs         map[string]OutputFile `json:"outputs"` // by file name relative to the snapshot
	RunID           string                `json:"run_id"`
	Sources         []SourceRecord        `json:"sources"`
}

// OutputFile is one output file as a snapshot's manifest lists it.
type OutputFile struct {
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// SourceRecord is one committed input file as a snapshot's manifest lists it.
type SourceRecord struct {
	Batch        string  `json:"batch"`
	File         string  `json:"file"`
	IngestedAt   *string `json:"ingested_at"` // RFC 3339, UTC; null when unknown
	RowsAccepted int64   `json:"rows_accepted"`
	RowsRejected int64   `json:"rows_rejected"`
	Status       Status  `json:"status"`
}

// ReadSnapshotManifest reads the manifest of the snapshot in dir.
func ReadSnapshotManifest(dir string) (SnapshotManifest, error) {
	var m SnapshotManifest
	b, err := os.ReadFile(filepath.Join(dir, SnapshotManifestFile))
	if err != nil {
		return m, fmt.Errorf("read manifest of snapshot: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.RunID == "" {
		return m, fmt.Errorf("read manifest of snapshot %s: no run_id (%v)", filepath.Base(dir), err)
	}
	return m, nil
}

// CurrentSnapshot returns the snapshot directory exports/current points to.
func (d Dir) CurrentSnapshot() (string, error) {
	dir, _, err := d.CurrentLink()
	return dir, err
}

// CurrentLink returns the snapshot directory exports/current points to and
// the symlink's own target as read, from one reading of the link; target
// is "" when exports/current is no symlink (a copied directory, say).
func (d Dir) CurrentLink() (dir, target string, err error) {
	link := d.Current()
	target, err = os.Readlink(link) // one system call; Publish writes a symlink
	if errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("read current snapshot: %w", err)
	}
	if err != nil {
		// Not a symlink (a copied directory, say): take it as it is.
		if dir, err = filepath.EvalSymlinks(link); err != nil {
			return "", "", fmt.Errorf("read current snapshot: %w", err)
		}
		dir, err = filepath.Abs(dir)
		return dir, "", err
	}
	if dir = target; !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(link), dir)
	}
	return dir, target, nil
}

// TablesFormat is bumped when the tables' layout or written columns
// change, so no table file of an older layout is linked into a new snapshot.
const TablesFormat = 3

// TableIndex is a snapshot's tables/index.json.
type TableIndex struct {
	Format int          `json:"format"`
	Tables []TableEntry `json:"tables"` // sorted by name
	// Sources are not tables: the snapshot's sources files by base name,
	// with their keys, so the next publication can link them.
	Sources map[string]SourceFile `json:"sources,omitempty"`
}

// TableEntry is one table of the index.
type TableEntry struct {
	Name  string      `json:"name"`
	Rows  int64       `json:"rows"`
	Files []TableFile `json:"files"` // sorted by path; at least one (an empty table has one file of no rows)
}

// TableFile is one Parquet file of a table.
type TableFile struct {
	Path   string `json:"path"` // relative to the tables directory, slash-separated
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size,omitempty"` // bytes; 0 in indexes written before sizes were recorded
	Key    string `json:"key,omitempty"`  // partition key; files with the same key have the same bytes
}

// SourceFile is a sources file as the table index records it: the key it
// was written from, its size in bytes and its manifest entry. Before the
// next publication links it, its size and hash are checked against these
// (0 size: recorded before sizes were, checked by hash alone).
type SourceFile struct {
	Key  string `json:"key"`
	Size int64  `json:"size,omitempty"`
	OutputFile
}

// ReadTableIndex reads tables/index.json of a snapshot directory.
func ReadTableIndex(snapDir string) (TableIndex, error) {
	var ix TableIndex
	b, err := os.ReadFile(filepath.Join(snapDir, filepath.FromSlash(TableIndexFile)))
	if err != nil {
		return ix, fmt.Errorf("read table index of %s: %w", snapDir, err)
	}
	if err := json.Unmarshal(b, &ix); err != nil {
		return ix, fmt.Errorf("read table index of %s: %w", snapDir, err)
	}
	if ix.Format != TablesFormat {
		return ix, fmt.Errorf("read table index of %s: format %d, want %d", snapDir, ix.Format, TablesFormat)
	}
	return ix, nil
}
