package main

// The shapes the three provinces run at: the demo inbox from an empty data
// directory, one workbook with a sheet per unit, and a half-year's drop of
// commune forms on top of the demo's history.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/demo"
	"github.com/danvan/danvan/pipeline/layout"
)

// The clocks of the demo-shaped runs (DANVAN_NOW): the history is ingested
// after every demo period and submission date, the drop a month later,
// after its half-year's submissions.
const (
	historyNow = "2027-02-01T00:00:00Z"
	dropNow    = "2027-03-01T00:00:00Z"
)

// dropPeriod is the half-year the drop reports: the one after the demo's last.
var dropPeriod = pipeline.HalfPeriod(2026, 2)

// history is the demo's data directory after one `danvan run` (untimed,
// kept in the work directory): its inbox is the demo inbox, its facts the
// values the demo comparisons load.
func (b *bench) history(ctx context.Context) (string, error) {
	dir := filepath.Join(b.work, "demo-history")
	done := filepath.Join(b.work, "demo-history.ready")
	if b.isReady(done) {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	fmt.Fprintf(b.out, "setup: danvan demo and run into %s...\n", dir)
	if _, err := b.setup(ctx, nil, b.danvan, "demo", "--data", dir); err != nil {
		return "", err
	}
	if _, err := b.setup(ctx, []string{"DANVAN_NOW=" + historyNow}, b.danvan, "run", "--data", dir); err != nil {
		return "", err
	}
	// The values it accepted, as one CSV: what DuckDB loads in the floor.
	csv := filepath.Join(b.work, "demo-values.csv")
	if err := b.duckdbSetup(ctx, fmt.Sprintf(`COPY (SELECT * FROM read_parquet(%s, hive_partitioning = false) ORDER BY batch, seq) TO %s (HEADER)`,
		sqlQuote(abs(layout.Dir(dir).Facts())+"/**/*.parquet"), sqlQuote(abs(csv)))); err != nil {
		return "", err
	}
	return dir, b.markReady(done)
}

// isReady reports whether the work the marker at path stands for was made
// by this bench's danvan binary (markReady). The demo's history holds the
// warehouse of the binary that ran it, whose state is keyed by that
// binary's reference tables: another binary's drop on it was refused as
// not incremental, or measured other work. An empty marker, as benches
// wrote before, is no binary's.
func (b *bench) isReady(path string) bool {
	got, err := os.ReadFile(path)
	if err != nil || len(got) == 0 {
		return false
	}
	id, err := b.binaryID()
	return err == nil && string(got) == id
}

// markReady writes the marker at path for this bench's danvan binary.
func (b *bench) markReady(path string) error {
	id, err := b.binaryID()
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(id), 0o644)
}

// binaryID is the SHA-256 of the danvan binary's bytes, read once.
func (b *bench) binaryID() (string, error) {
	if b.danvanID != "" {
		return b.danvanID, nil
	}
	f, err := os.Open(b.danvan)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", b.danvan, err)
	}
	b.danvanID = hex.EncodeToString(h.Sum(nil))
	return b.danvanID, nil
}

// duckdbSetup runs SQL in a child DuckDB, untimed.
func (b *bench) duckdbSetup(ctx context.Context, query string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	_, err = b.setup(ctx, nil, exe, "duckdb", query)
	return err
}

// loadAndAggregate is the floor of a run: DuckDB loads values from one CSV
// into Parquet and totals them by province, year and indicator, together
// with the Parquet already there (a glob, or "").
func (b *bench) loadAndAggregate(ctx context.Context, name, csv, parquet, also string) (measurement, error) {
	os.Remove(parquet)
	from := sqlQuote(abs(parquet))
	if also != "" {
		from = "[" + from + ", " + sqlQuote(also) + "]"
	}
	m, err := b.duckdb(ctx, measurement{name: name}, fmt.Sprintf(`COPY (FROM read_csv(%s)) TO %s (FORMAT parquet);
		CREATE TABLE totals AS SELECT province_code, year, indicator, sum(value) AS value, count(*) AS n
		FROM read_parquet(%s, union_by_name = true, hive_partitioning = false) GROUP BY ALL;`,
		sqlQuote(abs(csv)), sqlQuote(abs(parquet)), from))
	os.Remove(parquet)
	return m, err
}

// demo compares `danvan run` on the demo inbox from an empty data directory
// with DuckDB loading the values it accepts from one CSV into Parquet and
// totalling them.
func (b *bench) demo(ctx context.Context) error {
	hist, err := b.history(ctx)
	if err != nil {
		return err
	}
	csv := filepath.Join(b.work, "demo-values.csv")
	run := filepath.Join(b.work, "demo-run")
	c := &comparison{name: "demo inbox, danvan run from empty", limit: "<= 10x, RSS < 1 GiB", wall: 10}
	printed := false
	return b.compare(c, func() (measurement, error) {
		return b.loadAndAggregate(ctx, "duckdb CSV -> Parquet + totals, same values", csv, filepath.Join(b.work, "demo-floor.parquet"), "")
	}, func() (measurement, error) {
		if err := os.RemoveAll(run); err != nil {
			return measurement{}, err
		}
		if err := copyTree(layout.Dir(hist).Inbox(), layout.Dir(run).Inbox()); err != nil {
			return measurement{}, err
		}
		m, err := b.timed(ctx, measurement{name: "danvan run (ingest, full refresh, publish)"}, []string{"DANVAN_NOW=" + historyNow},
			b.danvan, "run", "--data", run)
		if err != nil {
			return m, err
		}
		if !strings.Contains(m.stdout, "full:") {
			return m, fmt.Errorf("danvan run on the demo inbox did not refresh in full:\n%s", m.stdout)
		}
		if !printed {
			fmt.Fprint(b.out, lastLines(m.stdout, 3))
			printed = true
		}
		return m, nil
	})
}

// workbook compares `danvan ingest` of the demo's per-unit workbook with
// the most sheets, into an empty data directory, with excelize reading every
// sheet's rows of the same file: the floor of any reader built on it.
func (b *bench) workbook(ctx context.Context) error {
	hist, err := b.history(ctx)
	if err != nil {
		return err
	}
	file, sheets, err := perUnitWorkbook(layout.Dir(hist).Inbox())
	if err != nil {
		return err
	}
	data := filepath.Join(b.work, "workbook-data")
	// A pair of single runs of ~50 ms is a third noise (each side moves by
	// ~15 ms from one run to the next): a pair holds several runs of each.
	name := fmt.Sprintf("workbook of %d sheets, danvan ingest", sheets)
	if b.workbookRuns > 1 {
		name += fmt.Sprintf(", %d runs", b.workbookRuns)
	}
	c := &comparison{name: name, limit: "<= 1.5x, RSS < 1 GiB", wall: 1.5, runs: b.workbookRuns}
	return b.compare(c, func() (measurement, error) {
		return b.self(ctx, measurement{name: "excelize reads every sheet's rows"}, "excelize", file)
	}, func() (measurement, error) {
		if err := os.RemoveAll(data); err != nil {
			return measurement{}, err
		}
		m, err := b.timed(ctx, measurement{name: "danvan ingest " + filepath.Base(file)}, []string{"DANVAN_NOW=" + historyNow},
			b.danvan, "ingest", "--data", data, file)
		if err == nil && !strings.Contains(m.stdout, "0 bị từ chối (rejected), 0 tệp cách ly") {
			err = fmt.Errorf("danvan ingest refused some of %s:\n%s", file, m.stdout)
		}
		return m, err
	})
}

// perUnitWorkbook finds the demo's per-unit workbook with the most sheets.
func perUnitWorkbook(inbox string) (string, int, error) {
	names, err := filepath.Glob(filepath.Join(inbox, "*-bieu-mau-tung-don-vi.xlsx"))
	if err != nil {
		return "", 0, err
	}
	sort.Strings(names)
	best, most := "", 0
	for _, n := range names {
		f, err := excelize.OpenFile(n)
		if err != nil {
			return "", 0, err
		}
		if k := len(f.GetSheetList()); k > most {
			best, most = n, k
		}
		f.Close()
	}
	if best == "" {
		return "", 0, fmt.Errorf("no per-unit workbook (*-bieu-mau-tung-don-vi.xlsx) in %s", inbox)
	}
	return abs(best), most, nil
}

// drop compares `danvan run` after a half-year's commune forms land on top
// of the demo's history (ingest, incremental refresh, publication) with
// excelize reading them plus DuckDB loading their values from one CSV and
// totalling them with the history's.
func (b *bench) drop(ctx context.Context) error {
	hist, err := b.history(ctx)
	if err != nil {
		return err
	}
	forms := filepath.Join(b.work, "drop-forms-"+dropPeriod.Code)
	names, err := b.dropForms(ctx, forms, hist)
	if err != nil {
		return err
	}
	csv := filepath.Join(b.work, "drop-values.csv")
	run := filepath.Join(b.work, "drop-run")
	c := &comparison{name: fmt.Sprintf("drop of %d commune forms, danvan run", len(names)), limit: "<= 2x, RSS < 1 GiB", wall: 2}
	printed := false
	return b.compare(c, func() (measurement, error) {
		x, err := b.self(ctx, measurement{name: "excelize"}, append([]string{"excelize"}, names...)...)
		if err != nil {
			return x, err
		}
		d, err := b.loadAndAggregate(ctx, "duckdb", csv, filepath.Join(b.work, "drop-floor.parquet"),
			abs(layout.Dir(hist).Facts())+"/**/*.parquet")
		return combine("excelize reads them + duckdb CSV -> Parquet + totals", x, d), err
	}, func() (measurement, error) {
		if err := b.dropRun(run, hist, names); err != nil {
			return measurement{}, err
		}
		m, err := b.timed(ctx, measurement{name: "danvan run (ingest, incremental, publish)"}, []string{"DANVAN_NOW=" + dropNow},
			b.danvan, "run", "--data", run)
		if err != nil {
			return m, err
		}
		if !strings.Contains(m.stdout, "incremental:") {
			return m, fmt.Errorf("danvan run after the drop was not incremental:\n%s", m.stdout)
		}
		if !printed {
			fmt.Fprint(b.out, lastLines(m.stdout, 3))
			printed = true
		}
		return m, nil
	})
}

// dropForms writes the commune forms once and, with one untimed run on a
// copy of the history, the values they hold as one CSV for the floor. It
// returns the forms' paths.
func (b *bench) dropForms(ctx context.Context, dir, hist string) ([]string, error) {
	done := dir + ".ready"
	if !b.isReady(done) {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		n, vals, err := demo.CommuneForms(dir, dropPeriod, demo.DefaultOptions())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(b.out, "setup: %d commune forms of %s (%d values) in %s\n", n, dropPeriod.Code, vals, dir)
		ref := filepath.Join(b.work, "drop-setup")
		names, err := formPaths(dir)
		if err != nil {
			return nil, err
		}
		if err := b.dropRun(ref, hist, names); err != nil {
			return nil, err
		}
		if _, err := b.setup(ctx, []string{"DANVAN_NOW=" + dropNow}, b.danvan, "run", "--data", ref); err != nil {
			return nil, err
		}
		csv := filepath.Join(b.work, "drop-values.csv")
		if err := b.duckdbSetup(ctx, fmt.Sprintf(`COPY (SELECT * FROM read_parquet(%s, hive_partitioning = false)
			WHERE ingested_at >= %s::TIMESTAMP ORDER BY batch, seq) TO %s (HEADER)`,
			sqlQuote(abs(layout.Dir(ref).Facts())+"/**/*.parquet"), sqlQuote(strings.TrimSuffix(dropNow, "Z")), sqlQuote(abs(csv)))); err != nil {
			return nil, err
		}
		if err := os.RemoveAll(ref); err != nil {
			return nil, err
		}
		if err := b.markReady(done); err != nil {
			return nil, err
		}
	}
	return formPaths(dir)
}

func formPaths(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(abs(dir), "*.xlsx"))
	sort.Strings(names)
	return names, err
}

// dropRun lays out a copy of the history with the forms in its inbox.
func (b *bench) dropRun(run, hist string, forms []string) error {
	if err := os.RemoveAll(run); err != nil {
		return err
	}
	if err := copyTree(hist, run); err != nil {
		return err
	}
	inbox := filepath.Join(layout.Dir(run).Inbox(), "dot-"+dropPeriod.Code)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return err
	}
	for _, f := range forms {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(inbox, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies a directory as it is, links included (cp -a).
func copyTree(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %w: %s", src, dst, err, out)
	}
	return nil
}

// excelizeStep is `danvan-bench excelize FILE...`: open each workbook with
// excelize and read every row of every sheet, all cells, with its row
// iterator; the floor of any XLSX reader built on excelize.
func excelizeStep(files []string) error {
	cells := 0
	for _, p := range files {
		f, err := excelize.OpenFile(p)
		if err != nil {
			return err
		}
		for _, s := range f.GetSheetList() {
			rows, err := f.Rows(s)
			if err != nil {
				f.Close()
				return err
			}
			for rows.Next() {
				cols, err := rows.Columns()
				if err != nil {
					rows.Close()
					f.Close()
					return err
				}
				cells += len(cols)
			}
			if err := rows.Close(); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Println(cells, "cells")
	return nil
}
