package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// A store opened beside a refresh (`danvan ingest`, which takes no run
// lock, while `danvan run` or the server refreshes) leaves DuckDB's spill
// files alone: it removed warehouse/tmp/duckdb whole, as a leftover of no
// process, and the refresh then failed reading back what it had spilled
// ("Cannot open file …/warehouse/tmp/duckdb/duckdb_temp_…: No such file").
// What a killed process spilled is DuckDB's to remove, and it does.
func TestStoreOpenBesideARefreshKeepsItsSpill(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	tmp := layout.Dir(data).DuckDBTmp()
	dead := filepath.Join(tmp, "duckdb_temp_2147483646_0_storage_DEFAULT-0.tmp") // no such process
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dead, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, data, warehouse.Options{MemoryLimit: "32MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	conn, err := w.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// ~200 MB of rows in a temporary table within 32MB: DuckDB spills them.
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE spilled AS SELECT range AS i, repeat('x', 100) || range AS s FROM range(2000000)`); err != nil {
		t.Fatal(err)
	}
	spill, _ := filepath.Glob(filepath.Join(tmp, "*"))
	if len(spill) == 0 {
		t.Fatal("DuckDB spilled nothing: the test does not test")
	}
	if _, err := os.Stat(dead); err == nil {
		t.Errorf("a dead process's spill file is left after DuckDB spilled: %s", filepath.Base(dead))
	}
	s, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range spill {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("DuckDB's spill file removed by a store opened beside it: %v", err)
		}
	}
	var n, bytes int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*), sum(length(s)) FROM spilled`).Scan(&n, &bytes); err != nil {
		t.Fatalf("reading back what DuckDB spilled, after a store was opened beside it: %v", err)
	}
	if n != 2_000_000 {
		t.Fatalf("read back %d rows, want 2000000", n)
	}
}
