package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/danvan/danvan/pipeline/warehouse"
)

// A full rebuild stages a group of partitions in one sorted INSERT, and
// DuckDB holds that sort's blocks pinned: a group of too many facts for
// the memory limit failed the refresh ("failed to pin block"), as a full
// rebuild of 4M facts in two batches did inside the server under the
// 600MB limit. Groups are small enough that a store far larger than the
// limit's share per fact refreshes in full within a small limit.
func TestFullRebuildWithinMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and refreshes 600,000 values")
	}
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csv := filepath.Join(dir, "long.csv")
	writeRows(t, csv, memoryTestRows, false)
	var out, errs bytes.Buffer
	if code := run(ctx, []string{"ingest", "--data", data, csv}, &out, &errs); code != 0 {
		t.Fatalf("danvan ingest: exit %d\n%s%s", code, out.String(), errs.String())
	}
	w, err := warehouse.Open(ctx, data, warehouse.Options{MemoryLimit: memoryTestLimit, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res, err := w.Refresh(ctx)
	if err != nil {
		t.Fatalf("full refresh of %d values within %s: %v", memoryTestRows, memoryTestLimit, err)
	}
	if res.Partitions == 0 || res.RowsRead != memoryTestRows {
		t.Fatalf("full refresh: %+v, want every partition built and %d rows read", res, memoryTestRows)
	}
	// Every value is of a key of its own: all of them are staged, once.
	var staged, keys int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT (unit_code, period, indicator, disaggregation)) FROM stg_facts`).Scan(&staged, &keys); err != nil {
		t.Fatal(err)
	}
	if staged != memoryTestRows || keys != memoryTestRows {
		t.Fatalf("full refresh within %s staged %d values of %d keys, want %d of as many", memoryTestLimit, staged, keys, memoryTestRows)
	}
}

const (
	memoryTestRows  = 600_000
	memoryTestLimit = "80MB"
)
