package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/danvan/danvan/pipeline/demo"
)

// ingest compares `danvan ingest` of a long CSV (full validation, Parquet
// written with Arrow) with DuckDB's COPY (FROM read_csv(...)) TO parquet.
func (b *bench) ingest(ctx context.Context, rows int) error {
	csv := filepath.Join(b.work, "long-"+strconv.Itoa(rows)+".csv")
	if _, err := os.Stat(csv); err != nil {
		fmt.Fprintf(b.out, "generating %s (%d rows)...\n", csv, rows)
		if err := writeLongCSV(csv, rows); err != nil {
			return err
		}
	}
	duck := measurement{name: "duckdb COPY read_csv -> parquet", rows: int64(rows)}
	out := filepath.Join(b.work, "duckdb-copy.parquet")
	os.Remove(out)
	if _, err := b.duckdb(ctx, duck, fmt.Sprintf("COPY (FROM read_csv('%s')) TO '%s' (FORMAT parquet)", abs(csv), abs(out))); err != nil {
		return err
	}
	data := filepath.Join(b.work, "ingest-data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	m := measurement{name: "danvan ingest (validated, Arrow -> Parquet)", rows: int64(rows),
		compare: duck.name, limit: "<= 0.70x, RSS < 1024 MiB"}
	_, err := b.timed(ctx, m, b.danvan, "ingest", "--data", data, csv)
	return err
}

func writeLongCSV(path string, rows int) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.LongCSV(w, rows, 1); err != nil {
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
