package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// refreshRowsPerFile is the size of the long CSV files the refresh
// benchmark ingests: 12 of them make the 24M facts of national scale. The reference
// (three provinces) holds ~2.4M distinct value keys, so the 24M facts are
// ~10 submissions of each key and staging keeps the latest of each.
const refreshRowsPerFile = 2_000_000

// refresh measures, over a data directory of facts rows:
//   - a full refresh (`danvan run`, warehouse state removed first) beside
//     DuckDB's own time for the same supersession and province totals read
//     straight from the Parquet;
//   - an incremental refresh after one district file lands in the inbox;
//   - then, with `danvan serve` on that directory, the served JSON under
//     100 concurrent connections and a group-by through /api/sql.
func (b *bench) refresh(ctx context.Context, facts int, want func(string) bool) error {
	data, err := b.refreshData(ctx, facts)
	if err != nil {
		return err
	}
	if want("refresh") {
		d := layout.Dir(data)
		glob := sqlQuote(abs(d.Facts()) + "/**/*.parquet")
		full := &comparison{name: fmt.Sprintf("full refresh, %dM facts", facts/1_000_000),
			limit: "<= 1.5x, <= 60 s, RSS < 1 GiB", wall: 1.5, abs: 60 * time.Second}
		printed := false
		err := b.compare(full, func() (measurement, error) {
			return b.duckdb(ctx, measurement{name: "duckdb latest-per-key + province totals", rows: int64(facts)}, `CREATE TABLE latest AS
				SELECT province_code, unit_level, year, indicator, disaggregation, value
				FROM read_parquet(`+glob+`, hive_partitioning = false)
				QUALIFY row_number() OVER (PARTITION BY unit_code, period, indicator, disaggregation
					ORDER BY ingested_at DESC, batch DESC, seq DESC) = 1;
				CREATE TABLE totals AS SELECT province_code, unit_level, year, indicator, sum(value) AS value,
					count(*) AS n FROM latest GROUP BY ALL;`)
		}, func() (measurement, error) {
			// From scratch: no warehouse state, no snapshot to reuse or link from.
			for _, f := range []string{d.DuckDB(), d.DuckDB() + ".wal", d.Exports()} {
				if err := os.RemoveAll(f); err != nil {
					return measurement{}, err
				}
			}
			m, err := b.timed(ctx, measurement{name: "danvan run: full refresh", rows: int64(facts)}, nil, b.danvan, "run", "--data", data)
			if err != nil {
				return m, err
			}
			if !strings.Contains(m.stdout, "full:") {
				return m, fmt.Errorf("the refresh was not full:\n%s", m.stdout)
			}
			if !printed {
				fmt.Fprint(b.out, lastLines(m.stdout, 2))
				printed = true
			}
			return m, nil
		})
		if err != nil {
			return err
		}

		// One district's annual report, new content each time so it is a new
		// batch: a resubmission that supersedes two of its values.
		file := filepath.Join(d.Inbox(), "bench-district.csv")
		inc := &comparison{name: "incremental refresh, one district file", limit: "<= 2 s, RSS < 1 GiB", abs: 2 * time.Second}
		stamp := time.Now().Unix() % 100000
		err = b.repeat(inc, func() (measurement, error) {
			stamp++
			csv := fmt.Sprintf("tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri,ghi_chu,ngay_gui\n"+
				"Nghệ An,Huyện Quỳnh Lưu,2023,dialogues,,%d,bench,2024-01-10\n"+
				"Nghệ An,Huyện Quỳnh Lưu,2023,contests,,%d,bench,2024-01-10\n", 100+stamp, 50+stamp%50)
			if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
				return measurement{}, err
			}
			defer os.Remove(file)
			m, err := b.timed(ctx, measurement{name: "danvan run: incremental", rows: 2}, nil, b.danvan, "run", "--data", data)
			if err != nil {
				return m, err
			}
			if !strings.Contains(m.stdout, "incremental:") || !strings.Contains(m.stdout, "2 giá trị nhận") {
				return m, fmt.Errorf("the refresh was not an incremental one of 2 values:\n%s", m.stdout)
			}
			return m, nil
		})
		if err != nil {
			return err
		}
	}
	if want("serve") || want("query") {
		// Serving needs a published snapshot: the refresh step leaves one,
		// but without it (--only serve) a first run makes it, untimed.
		if _, err := layout.Dir(data).CurrentSnapshot(); err != nil {
			fmt.Fprintf(b.out, "setup: danvan run on %s to publish a snapshot...\n", data)
			if _, err := b.setup(ctx, nil, b.danvan, "run", "--data", data); err != nil {
				return err
			}
		}
		return b.served(ctx, data, want)
	}
	return nil
}

// refreshData ingests the long CSV files once into work/refresh-data and
// keeps it for later runs (the ingest is measured on its own).
func (b *bench) refreshData(ctx context.Context, facts int) (string, error) {
	data := filepath.Join(b.work, fmt.Sprintf("refresh-data-%d", facts))
	done := filepath.Join(data, "bench-ready")
	if _, err := os.Stat(done); err == nil {
		return data, nil
	}
	if err := os.RemoveAll(data); err != nil {
		return "", err
	}
	n := (facts + refreshRowsPerFile - 1) / refreshRowsPerFile
	var files []string
	for i := 1; i <= n; i++ {
		rows := min(refreshRowsPerFile, facts-(i-1)*refreshRowsPerFile)
		csv := filepath.Join(b.work, fmt.Sprintf("long-%d-seed%d.csv", rows, i))
		if _, err := os.Stat(csv); err != nil {
			fmt.Fprintf(b.out, "generating %s (%d rows)...\n", csv, rows)
			if err := writeLongCSV(csv, rows, uint64(i)); err != nil {
				return "", err
			}
		}
		files = append(files, abs(csv))
	}
	fmt.Fprintf(b.out, "setup: danvan ingest of %d files into %s...\n", n, data)
	out, err := b.setup(ctx, nil, b.danvan, append([]string{"ingest", "--data", data}, files...)...)
	if err != nil {
		return "", err
	}
	fmt.Fprint(b.out, lastLines(out, 1))
	return data, os.WriteFile(done, nil, 0o644)
}

// setup runs a command that prepares data, untimed, and returns what it
// printed. danvan's exit 3 (done, with problems in the data) counts as done.
func (b *bench) setup(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 && name == b.danvan {
		err = nil
	}
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}
