package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/store"
)

const benchRows = 1_000_000

// BenchmarkCommit writes 1M synthetic records through the streaming API in
// 64k-record pieces, the way ingest feeds a large file. Reported: rows/s and
// MB/s of Parquet written.
func BenchmarkCommit(b *testing.B) {
	f := newFixture(b)
	recs := f.records(benchRows)
	b.ResetTimer()
	var bytes int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		s, err := store.Open(dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		tx, err := s.Open(pipeline.Batch{Hash: hashOf(fmt.Sprint("bench", i)), SourceFile: "bench.csv", IngestedAt: ingestedAt})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < len(recs); j += 65536 {
			if err := tx.Add(recs[j:min(j+65536, len(recs))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(context.Background()); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		bytes += dirSize(filepath.Join(dir, "warehouse", "facts"))
		b.StartTimer()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/1e6/elapsed.Seconds(), "MB/s")
	b.ReportMetric(float64(bytes)/float64(b.N)/benchRows, "B/row")
}

// BenchmarkDuckDBCopy is the yardstick: DuckDB writing the same shape of
// table (1M rows, same columns, zstd, partitioned by province and year)
// with its own COPY.
func BenchmarkDuckDBCopy(b *testing.B) {
	db := openDB(b)
	_, err := db.Exec(`CREATE TABLE t AS SELECT
		['38','40','42'][(i // 15) % 3 + 1] AS province_code,
		['Thanh Hóa','Nghệ An','Hà Tĩnh'][(i // 15) % 3 + 1] AS province_name,
		lpad(((i // 45) % 27 + 380)::VARCHAR, 3, '0') AS unit_code,
		'Huyện ' || ((i // 45) % 27)::VARCHAR AS unit_name,
		'district' AS unit_level,
		(2020 + (i // 1215) % 5)::VARCHAR AS period, 'year' AS period_type,
		make_date(2020 + (i // 1215) % 5, 1, 1) AS period_start, make_date(2020 + (i // 1215) % 5, 12, 31) AS period_end,
		(2020 + (i // 1215) % 5)::INTEGER AS year,
		'indicator_' || (i % 15)::VARCHAR AS indicator, 'total' AS disaggregation,
		(i % 1000)::DOUBLE + 0.5 AS value, CASE WHEN i % 4 = 1 THEN 'approx' ELSE 'exact' END AS qualifier,
		CASE WHEN i % 10 = 3 THEN 'extracted' ELSE 'form' END AS origin,
		CASE WHEN i % 10 = 3 THEN 'Toàn huyện có gần ' || (i % 1000)::VARCHAR || ' mô hình "Dân vận khéo".' END AS quote,
		CASE WHEN i % 7 = 0 THEN 'ghi chú ' || (i % 5)::VARCHAR END AS note,
		md5((i // 15)::VARCHAR)[1:16] AS report_id, 'bench.csv' AS source_file, 'dòng ' || (i + 2)::VARCHAR AS source_ref,
		CASE WHEN i % 2 = 0 THEN TIMESTAMPTZ '2024-01-15 08:30:00+00' END AS submitted_at,
		TIMESTAMPTZ '2025-03-04 05:06:07+00' AS ingested_at, md5('bench') || md5('x') AS batch, i::BIGINT AS seq
		FROM range(1000000) r(i)`)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		out := filepath.Join(b.TempDir(), "facts")
		start := time.Now()
		if _, err := db.Exec("COPY t TO '" + filepath.ToSlash(out) + "' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (province_code, year))"); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/elapsed.Seconds(), "rows/s")
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkSeal commits 365 small files (as a half-year's commune forms,
// 36 to 108 values each) under a group and seals them: the shared facts
// files, the records staged, one sync, the records put in place. Reported
// beside the time (mostly the wait for the disk): the process's CPU time a
// seal (cpu-ns/op).
func BenchmarkSeal(b *testing.B) {
	f := newFixture(b)
	bs := smallBatches(f, 365)
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(b.TempDir(), store.Options{Group: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		for _, sb := range bs {
			if err := commit(ctx, s, sb); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		c0 := cpuTime(b)
		if err := s.Seal(); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - c0
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
