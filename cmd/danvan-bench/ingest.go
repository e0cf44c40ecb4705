package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline/demo"
)

// ingestFiles is how many long CSV files the ingest benchmark splits its
// rows into. The reference allows only ~2.4M distinct value keys, so one
// valid 10M-row file cannot exist; five files of 2M rows (seeds 1..5) are
// realistic resubmissions whose keys repeat across files, and later files
// supersede earlier ones.
const ingestFiles = 5

// ingest compares one `danvan ingest` process over the long CSV files (full
// validation, Parquet written with Arrow) with one DuckDB process running
// COPY (FROM read_csv([...])) TO parquet over the same files.
func (b *bench) ingest(ctx context.Context, rows int) error {
	per, files, err := b.ingestInputs(rows)
	if err != nil {
		return err
	}
	total := int64(per * ingestFiles)
	label := strconv.Itoa(ingestFiles) + "x" + strconv.Itoa(per)
	data := filepath.Join(b.work, "ingest-data")
	c := &comparison{name: "ingest " + label + " CSV rows", limit: "<= 1.0x wall and CPU, RSS < 1 GiB", wall: 1.0, cpu: 1.0}
	printed := false
	err = b.compare(c, func() (measurement, error) {
		return b.duckdbCopy(ctx, files, total)
	}, func() (measurement, error) {
		m, err := b.danvanIngest(ctx, data, files, total)
		if err != nil {
			return m, err
		}
		if !printed {
			fmt.Fprint(b.out, lastLines(m.stdout, 1))
			printed = true
		}
		return m, nil
	})
	os.Remove(b.copyOut())
	return err
}

// ingestInputs returns the ingest steps' ingestFiles long CSVs of rows
// rows in all (absolute paths), generating those not yet in the work
// directory, and the rows of each.
func (b *bench) ingestInputs(rows int) (per int, paths []string, err error) {
	per = rows / ingestFiles
	for i := 1; i <= ingestFiles; i++ {
		csv := filepath.Join(b.work, fmt.Sprintf("long-%d-seed%d.csv", per, i))
		if _, err := os.Stat(csv); err != nil {
			fmt.Fprintf(b.out, "generating %s (%d rows)...\n", csv, per)
			if err := writeLongCSV(csv, per, uint64(i)); err != nil {
				return 0, nil, err
			}
		}
		paths = append(paths, abs(csv))
	}
	return per, paths, nil
}

// duckdbCopy is the ingest steps' floor: DuckDB's own COPY of the files
// (absolute paths) into one Parquet file, b.copyOut(), checking nothing.
func (b *bench) duckdbCopy(ctx context.Context, paths []string, total int64) (measurement, error) {
	out := b.copyOut()
	os.Remove(out)
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = sqlQuote(p)
	}
	return b.duckdb(ctx, measurement{name: "duckdb COPY read_csv -> parquet", rows: total},
		fmt.Sprintf("COPY (FROM read_csv([%s])) TO %s (FORMAT parquet)", strings.Join(quoted, ", "), sqlQuote(abs(out))))
}

// copyOut is where duckdbCopy writes.
func (b *bench) copyOut() string { return filepath.Join(b.work, "duckdb-copy.parquet") }

// danvanIngest times `danvan ingest` of files into an empty data directory
// and checks that it accepted all total values of them, refusing none.
func (b *bench) danvanIngest(ctx context.Context, data string, files []string, total int64) (measurement, error) {
	if err := os.RemoveAll(data); err != nil {
		return measurement{}, err
	}
	m, err := b.timed(ctx, measurement{name: "danvan ingest (validated, Parquet)", rows: total}, nil,
		b.danvan, append([]string{"ingest", "--data", data}, files...)...)
	if err != nil {
		return m, err
	}
	if want := fmt.Sprintf("%d tệp, %d giá trị nhận (accepted), 0 bị từ chối (rejected), 0 tệp cách ly", len(files), total); !strings.Contains(m.stdout, want) {
		return m, fmt.Errorf("danvan ingest did not load the %d files:\n%s", len(files), m.stdout)
	}
	return m, nil
}

func writeLongCSV(path string, rows int, seed uint64) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.LongCSV(w, rows, seed); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
