// Package whtest writes committed batches (facts Parquet in the design.md
// schema, rejects Parquet, manifest JSON) into a data directory, the way the
// store does, so warehouse and export tests run on real Parquet without
// depending on the store package. DuckDB writes the Parquet.
package whtest

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	models "github.com/danvan/danvan/sql"
)

// Fact is one accepted value. Zero fields get defaults: province name from
// the reference, unit level from the code length, qualifier exact, origin
// form, disaggregation total.
type Fact struct {
	Province, Unit, UnitName, Level string
	Period                          string // canonical code: 2023, 2023-H1, 2023-Q3, 2023-07, to-date@2020-10
	Indicator, Disaggregation       string
	Value                           float64
	Qualifier, Origin, Quote, Ref   string
	SubmittedAt                     string // YYYY-MM-DD or ""
}

// Reject is one refused row; Province and Unit are the codes it was about
// (empty: not resolved), UnitText the unit as written.
type Reject struct{ Ref, Column, Value, Code, Reason, Province, Unit, UnitText string }

// Batch is one ingested file.
type Batch struct {
	SourceFile string
	IngestedAt time.Time
	Facts      []Fact
	Rejects    []Reject
	Status     string // layout.Loaded unless set
	// NoManifest leaves the commit record out, as a crash before the commit would.
	NoManifest bool
}

// Hash is the batch name: a hash of the source file name and ingestion time
// (the store uses the file's bytes; any stable hex string does here).
func (b Batch) Hash() string {
	h := sha256.Sum256([]byte(b.SourceFile + "\x00" + b.IngestedAt.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(h[:])
}

var ref *pipeline.Reference

func reference(t testing.TB) *pipeline.Reference {
	if ref == nil {
		r, err := pipeline.DefaultReference()
		if err != nil {
			t.Fatal(err)
		}
		ref = r
	}
	return ref
}

// Write commits b into dataDir and returns its batch hash.
func Write(t testing.TB, dataDir string, b Batch) string {
	t.Helper()
	return write(t, dataDir, false, b)[0]
}

// WriteShared commits bs into dataDir as a group commit of small files
// does (pipeline/store): the facts of all of them in one shared file per
// partition (layout.SharedFactFile), each batch's commit record listing the
// shared files of its partitions with their sizes and SHA-256. It returns
// their batch hashes.
func WriteShared(t testing.TB, dataDir string, bs ...Batch) []string {
	t.Helper()
	return write(t, dataDir, true, bs...)
}

func write(t testing.TB, dataDir string, shared bool, bs ...Batch) []string {
	t.Helper()
	r := reference(t)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("whtest: %v\n%s", err, q)
		}
	}
	d := layout.Dir(dataDir)
	exec(`CREATE TABLE f (` + layout.SQLDefinition(layout.FactColumns[:]) + `)`)
	exec(`CREATE TABLE r (` + layout.SQLDefinition(layout.RejectColumns) + `)`)
	parts := make([]map[layout.Partition]bool, len(bs))
	var hashes []string
	for bi, b := range bs {
		batch := b.Hash()
		hashes = append(hashes, batch)
		parts[bi] = map[layout.Partition]bool{}
		at := b.IngestedAt.UTC().Format("2006-01-02 15:04:05")
		for i, f := range b.Facts {
			p, err := pipeline.ParsePeriod(f.Period)
			if err != nil {
				t.Fatal(err)
			}
			prov := f.Province
			if prov == "" {
				prov = provinceOf(r, f.Unit)
			}
			level := f.Level
			if level == "" {
				level = map[int]string{2: "province", 3: "district", 5: "commune"}[len(f.Unit)]
			}
			name := f.UnitName
			if name == "" {
				name = unitName(r, f.Unit, pipeline.Level(level), p.End)
			}
			provName := unitName(r, prov, pipeline.LevelProvince, p.End)
			dis := or(f.Disaggregation, "total")
			q, origin, ref := or(f.Qualifier, "exact"), or(f.Origin, "form"), or(f.Ref, fmt.Sprintf("dòng %d", i+2))
			var quote, sub any
			if f.Quote != "" {
				quote = f.Quote
			}
			if f.SubmittedAt != "" {
				sub = f.SubmittedAt
			}
			exec(`INSERT INTO f VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,?,?,?,?,?,?,?)`,
				prov, provName, f.Unit, name, level, p.Code, string(p.Type), p.Start.Format("2006-01-02"),
				p.End.Format("2006-01-02"), p.Year(), f.Indicator, dis, f.Value, q, origin, quote,
				layout.ReportID(batch, f.Unit, p.Code), b.SourceFile, ref, sub, at, batch, int64(i))
			parts[bi][layout.Partition{Province: prov, Year: p.Year()}] = true
		}
		for _, x := range b.Rejects {
			exec(`INSERT INTO r VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, b.SourceFile, x.Ref, x.Column, x.Value, x.Code, x.Reason, x.Reason, batch, at,
				nullIfEmpty(x.Province), nullIfEmpty(x.Unit), nullIfEmpty(x.UnitText))
		}
		if !shared {
			for k := range parts[bi] {
				if err := os.MkdirAll(d.Partition(k), 0o755); err != nil {
					t.Fatal(err)
				}
				exec(fmt.Sprintf(`COPY (SELECT * FROM f WHERE batch = '%s' AND province_code = '%s' AND year = %d ORDER BY seq)
					TO '%s' (FORMAT parquet)`, batch, k.Province, k.Year, d.FactFile(k, batch)))
			}
		}
		if len(b.Rejects) > 0 {
			if err := os.MkdirAll(d.Rejects(), 0o755); err != nil {
				t.Fatal(err)
			}
			exec(fmt.Sprintf(`COPY (SELECT * FROM r WHERE batch = '%s') TO '%s' (FORMAT parquet)`, batch, d.RejectsFile(batch)))
		}
	}
	files := map[layout.Partition]layout.FileSum{} // the shared file of each partition
	if shared {
		all := map[layout.Partition]bool{}
		for _, ps := range parts {
			for k := range ps {
				all[k] = true
			}
		}
		for k := range all {
			if err := os.MkdirAll(d.Partition(k), 0o755); err != nil {
				t.Fatal(err)
			}
			tmp := filepath.Join(d.Partition(k), "shared.tmp")
			exec(fmt.Sprintf(`COPY (SELECT * FROM f WHERE province_code = '%s' AND year = %d ORDER BY batch, seq)
				TO '%s' (FORMAT parquet)`, k.Province, k.Year, tmp))
			data, err := os.ReadFile(tmp)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(data)
			path := d.SharedFactFile(k, hex.EncodeToString(h[:]))
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
			files[k] = layout.FileSum{Path: d.Rel(path), Size: int64(len(data)), SHA256: hex.EncodeToString(h[:])}
		}
	}
	for bi, b := range bs {
		if b.NoManifest {
			continue
		}
		if err := os.MkdirAll(d.Manifest(), 0o755); err != nil {
			t.Fatal(err)
		}
		status := layout.Status(b.Status)
		if status == "" {
			status = layout.Loaded
		}
		e := layout.Entry{Batch: hashes[bi], SourceFile: b.SourceFile, Status: status,
			RowsAccepted: int64(len(b.Facts)), RowsRejected: int64(len(b.Rejects)),
			IngestedAt: b.IngestedAt.UTC().Truncate(time.Second)} // as the rows have it
		if shared {
			for k := range parts[bi] {
				e.Partitions = append(e.Partitions, k.String())
				e.Files = append(e.Files, files[k])
			}
			sort.Strings(e.Partitions)
			if len(b.Rejects) > 0 {
				data, err := os.ReadFile(d.RejectsFile(hashes[bi]))
				if err != nil {
					t.Fatal(err)
				}
				h := sha256.Sum256(data)
				e.Files = append(e.Files, layout.FileSum{Path: d.Rel(d.RejectsFile(hashes[bi])), Size: int64(len(data)), SHA256: hex.EncodeToString(h[:])})
			}
			sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Path < e.Files[j].Path })
		}
		if err := layout.Commit(d, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	return hashes
}

// Remove deletes a batch's manifest and Parquet (a withdrawn file).
func Remove(t testing.TB, dataDir, batch string) {
	t.Helper()
	d := layout.Dir(dataDir)
	paths, _ := filepath.Glob(filepath.Join(d.Facts(), "*", "*", batch+".parquet"))
	paths = append(paths, d.ManifestFile(batch))
	if _, err := os.Stat(d.ReportsFile(batch)); err == nil {
		paths = append(paths, d.ReportsFile(batch))
	}
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

func unitName(r *pipeline.Reference, code string, level pipeline.Level, on time.Time) string {
	var names []string
	for _, u := range r.Units {
		if u.Code == code && u.Level == level {
			if u.ValidOn(on) {
				return u.Name
			}
			names = append(names, u.Name)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		return names[0]
	}
	return "?" + code
}

func provinceOf(r *pipeline.Reference, code string) string {
	for _, u := range r.Units {
		if u.Code == code {
			return u.ProvinceCode
		}
	}
	return code[:2]
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ModelsWith is the project's SQL models (sql/*.sql) with extra models
// added, such as one that fails on request, for tests of a refresh that
// fails part-way.
func ModelsWith(t testing.TB, extra fstest.MapFS) fstest.MapFS {
	t.Helper()
	names, err := iofs.Glob(models.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	ms := fstest.MapFS{}
	for _, n := range names {
		b, err := iofs.ReadFile(models.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		ms[n] = &fstest.MapFile{Data: b}
	}
	for n, f := range extra {
		ms[n] = f
	}
	return ms
}
