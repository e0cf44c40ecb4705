package main

import (
	"context"
	"fmt"
	"os"
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
		// From scratch: no warehouse state, no snapshot to reuse or link from.
		d := layout.Dir(data)
		for _, f := range []string{d.DuckDB(), d.DuckDB() + ".wal", d.Exports()} {
			if err := os.RemoveAll(f); err != nil {
				return err
			}
		}
		glob := sqlQuote(abs(d.Facts()) + "/**/*.parquet")
		duck := measurement{name: "duckdb latest-per-key + province totals", rows: int64(facts)}
		if _, err := b.duckdb(ctx, duck, `CREATE TABLE latest AS
			SELECT province_code, unit_level, year, indicator, disaggregation, value
			FROM read_parquet(`+glob+`, hive_partitioning = false)
			QUALIFY row_number() OVER (PARTITION BY unit_code, period, indicator, disaggregation
				ORDER BY ingested_at DESC, batch DESC, seq DESC) = 1;
			CREATE TABLE totals AS SELECT province_code, unit_level, year, indicator, sum(value) AS value,
				count(*) AS n FROM latest GROUP BY ALL;`); err != nil {
			return err
		}
		full := measurement{name: "danvan run: full refresh", rows: int64(facts), compare: duck.name,
			limit: "<= 60 s, RSS <= 1024 MiB"}
		full, err := b.timed(ctx, full, b.danvan, "run", "--data", data)
		if err != nil {
			return err
		}
		if !strings.Contains(full.stdout, "full:") {
			return fmt.Errorf("the first refresh was not full:\n%s", full.stdout)
		}
		fmt.Fprint(b.out, lastLines(full.stdout, 2))

		// One district's annual report, new content each time so it is a new
		// batch: a resubmission that supersedes two of its values.
		file := filepath.Join(d.Inbox(), "bench-district.csv")
		stamp := time.Now().Unix() % 100000
		csv := fmt.Sprintf("tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri,ghi_chu,ngay_gui\n"+
			"Nghệ An,Huyện Quỳnh Lưu,2023,dialogues,,%d,bench,2024-01-10\n"+
			"Nghệ An,Huyện Quỳnh Lưu,2023,contests,,%d,bench,2024-01-10\n", 100+stamp, 50+stamp%50)
		if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
			return err
		}
		inc := measurement{name: "danvan run: incremental, one district file", rows: 2,
			limit: "<= 2 s, RSS <= 1024 MiB"}
		inc, err = b.timed(ctx, inc, b.danvan, "run", "--data", data)
		if err != nil {
			return err
		}
		os.Remove(file)
		if !strings.Contains(inc.stdout, "incremental:") || !strings.Contains(inc.stdout, "2 giá trị nhận") {
			return fmt.Errorf("the second refresh was not an incremental one of 2 values:\n%s", inc.stdout)
		}
		fmt.Fprint(b.out, lastLines(inc.stdout, 2))
	}
	if want("serve") || want("query") {
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
	m := measurement{name: fmt.Sprintf("setup: danvan ingest %d files", n), rows: int64(facts)}
	m, err := b.timed(ctx, m, b.danvan, append([]string{"ingest", "--data", data}, files...)...)
	if err != nil {
		return "", err
	}
	fmt.Fprint(b.out, lastLines(m.stdout, 1))
	return data, os.WriteFile(done, nil, 0o644)
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}
