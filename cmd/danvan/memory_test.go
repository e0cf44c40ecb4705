package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// One partition at the most keys the reference lets it hold (every unit,
// period ending in its year, indicator and breakdown: partitionRows),
// each sent again corrected, version after version, refreshes within
// DuckDB's memory limit: in full over all the versions, then appending one
// more, the latest version's value winning every key either way. The
// models after staging (sql/110–130) hold memory by the staged rows, the
// reports model by the partition's facts. 13 versions: 2,082,080 facts of
// 160,160 keys. The validator bounds a partition's keys by the reference
// (160,160 here; Thanh Hóa's 2025, districts then its 166 new communes,
// ~167,000, is the most), so no partition stages much more; its facts
// grow with every version sent. The ingest between
// the two refreshes opens the store beside the open warehouse, as a
// `danvan ingest` beside a refresh does.
func TestLargePartitionWithinMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and refreshes 2,242,240 values of one partition")
	}
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	ingest := func(v int) int {
		t.Helper()
		csv := filepath.Join(dir, fmt.Sprintf("phien-ban-%02d.csv", v))
		n := writePartition(t, csv, v)
		var out, errs bytes.Buffer
		if code := run(ctx, []string{"ingest", "--data", data, csv}, &out, &errs); code != 0 {
			t.Fatalf("danvan ingest: exit %d\n%s%s", code, out.String(), errs.String())
		}
		if err := os.Remove(csv); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var keys int
	for v := range largePartitionVersions {
		keys = ingest(v)
	}
	w, err := warehouse.Open(ctx, data, warehouse.Options{MemoryLimit: largePartitionLimit})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// check: one partition, every key staged once, with version last's value.
	check := func(when string, res warehouse.RefreshResult, err error, read, last int) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s refresh of one partition of %d keys within %s: %v", when, keys, largePartitionLimit, err)
		}
		if res.Partitions != 1 || res.RowsRead != int64(read) {
			t.Fatalf("%s refresh: %+v, want 1 partition and %d rows read", when, res, read)
		}
		_, row := partitionRows()
		var staged, distinct, stale, reports, superseded int64
		if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT (unit_code, period, indicator, disaggregation)),
				count(*) FILTER (WHERE source_file <> ?) FROM stg_facts`, fmt.Sprintf("phien-ban-%02d.csv", last)).Scan(&staged, &distinct, &stale); err != nil {
			t.Fatal(err)
		}
		if staged != int64(keys) || distinct != int64(keys) || stale != 0 {
			t.Fatalf("%s refresh staged %d values of %d keys, %d not of the latest version; want %d of as many, all of version %d",
				when, staged, distinct, stale, keys, last)
		}
		// A value of the latest version, read back by its key.
		r := row(keys-1, last)
		var value float64
		if err := w.DB().QueryRowContext(ctx, `SELECT value FROM stg_facts WHERE indicator = ? AND disaggregation = ? AND period = ?
				ORDER BY unit_code DESC LIMIT 1`, r[3], cmp.Or(r[4], "total"), r[2]).Scan(&value); err != nil {
			t.Fatal(err)
		}
		if want, _ := strconv.ParseFloat(r[5], 64); value != want {
			t.Errorf("%s refresh: the last key's value is %v, want version %d's %v", when, value, last, want)
		}
		// Each earlier version's values were all replaced by a different one.
		if err := w.DB().QueryRowContext(ctx, `SELECT count(*), coalesce(sum(superseded_values), 0) FROM int_reports`).Scan(&reports, &superseded); err != nil {
			t.Fatal(err)
		}
		if superseded != int64(last*keys) {
			t.Errorf("%s refresh: %d reports count %d superseded values, want %d", when, reports, superseded, last*keys)
		}
	}
	res, err := w.Refresh(ctx)
	check("full", res, err, largePartitionVersions*keys, largePartitionVersions-1)
	if res.Mode != warehouse.Full {
		t.Errorf("first refresh: mode %v, want full", res.Mode)
	}
	ingest(largePartitionVersions)
	res, err = w.Refresh(ctx)
	check("incremental", res, err, keys, largePartitionVersions)
	if res.Mode != warehouse.Incremental {
		t.Errorf("second refresh: mode %v, want incremental", res.Mode)
	}
}

const largePartitionVersions = 13

// largePartitionLimit is DuckDB's limit the large partition is refreshed
// within: a quarter of danvan's own (600MB, warehouse.DefaultOptions), so
// that DuckDB spills and the test keeps a margin. Measured at the eleventh
// stop: the full refresh fitted within 80MB, not 40MB (115_int_reports'
// join holds the staged rows); the appending one within 120MB, not 80MB
// (101_staging_replace).
var largePartitionLimit = "150MB"
