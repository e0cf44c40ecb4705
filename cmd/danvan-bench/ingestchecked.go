package main

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
)

// checkedSQL is DuckDB doing in SQL the checks danvan makes of the long CSV
// files, as far as SQL can (what it leaves out is said at its top).
//
//go:embed ingest_checked.sql
var checkedSQL string

var checkedTemplate = template.Must(template.New("checked").Funcs(template.FuncMap{"q": sqlQuote}).Parse(checkedSQL))

// ingestChecked answers whether the ingest step's target, danvan within
// DuckDB's plain COPY of the same files, asks for checking at no cost: it
// times DuckDB reading the same files as text and checking them against
// the same reference in SQL (ingest_checked.sql) against its own plain
// COPY, then danvan's ingest against that checked floor. Neither has a
// target: the ratios are evidence, printed beside the ingest step's.
func (b *bench) ingestChecked(ctx context.Context, rows int) error {
	per, paths, err := b.ingestInputs(rows)
	if err != nil {
		return err
	}
	var files []checkedFile
	for i, csv := range paths {
		// The batch (the file's SHA-256) is taken here, outside the
		// timed process: DuckDB's sha256 of a 227 MB file took 1.2 s of
		// CPU, six times danvan's, and this floor is to be a lower bound.
		batch, err := ingest.HashFile(csv)
		if err != nil {
			return err
		}
		files = append(files, checkedFile{i + 1, filepath.Base(csv), csv, batch})
	}
	out := filepath.Join(b.work, "checked-out")
	script, err := checkedScript(filepath.Join(b.work, "checked-reference"), out, files)
	if err != nil {
		return err
	}
	total := int64(per * ingestFiles)
	label := fmt.Sprintf("%dx%d", ingestFiles, per)
	plain := func() (measurement, error) { return b.duckdbCopy(ctx, paths, total) }
	checked := func() (measurement, error) {
		if err := os.RemoveAll(out); err != nil {
			return measurement{}, err
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return measurement{}, err
		}
		return b.duckdb(ctx, measurement{name: "duckdb checking in SQL -> parquet", rows: total}, script)
	}
	data := filepath.Join(b.work, "ingest-data")
	danvan := func() (measurement, error) { return b.danvanIngest(ctx, data, paths, total) }
	// The checked floor must accept every row as danvan does, or it did
	// not do the same work.
	if m, err := checked(); err != nil {
		return err
	} else if n, err := b.countRows(ctx, filepath.Join(out, "facts", "*", "*", "*.parquet")); err != nil {
		return err
	} else if n != total {
		return fmt.Errorf("the checked floor accepted %d rows of %d (%s)", n, total, m.name)
	}
	err = b.compare(&comparison{name: "duckdb checking " + label + " vs its COPY", limit: "no target, evidence", evidence: true}, plain, checked)
	if err == nil {
		err = b.compare(&comparison{name: "ingest " + label + " vs duckdb checking", limit: "no target, evidence", evidence: true}, checked, danvan)
	}
	os.Remove(b.copyOut())
	return err
}

// countRows counts the rows of the Parquet files glob matches.
func (b *bench) countRows(ctx context.Context, glob string) (int64, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+sqlQuote(glob)+", hive_partitioning = false)").Scan(&n)
	return n, err
}

// checkedFile is one CSV file of the checked floor: its number, name,
// path and batch (SHA-256).
type checkedFile struct {
	N                 int
	Name, Path, Batch string
}

// checkedScript writes the reference into ref and returns the checked
// floor's script over files, writing into out.
func checkedScript(ref, out string, files []checkedFile) (string, error) {
	if err := writeReference(ref); err != nil {
		return "", err
	}
	var script strings.Builder
	err := checkedTemplate.Execute(&script, map[string]any{"Ref": abs(ref), "Out": abs(out), "Files": files})
	return script.String(), err
}

// writeReference writes the reference danvan embeds into dir, for the
// checked floor to read.
func writeReference(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(pipeline.ReferenceFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := pipeline.ReferenceFiles.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	})
}
