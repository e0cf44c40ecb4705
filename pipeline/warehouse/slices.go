package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// stagingLatest is the model that names the rows staging inserts
// (staging_latest), stagingInsert the one that inserts them sorted; the
// refresh counts the rows between the two (refreshGroup, stageSorted).
const (
	stagingLatest = "100_staging_facts"
	stagingInsert = "102_staging_insert"
)

// A group may stage as many rows as fit in its connection's share of
// DuckDB's memory limit less stagingFixed, at stagingRowBytes a row.
// DuckDB keeps a sort's wide rows (24 columns, most of them text) in
// memory: staging's sorted insert failed ("failed to pin block", "could not
// allocate block") where its join or its aggregate alone, or the same rows
// unsorted, fitted, and the models after it also hold memory by the rows
// staged. Measured on one thread over the 600,000 facts of
// TestFullRebuildWithinMemoryLimit: 155,000 staged rows sorted within 80MB,
// 300,000 did not, and 70,000 did not within 40MB (the scan, the join's
// table and the aggregate take their part). Within 80MB this allows ~90,000
// rows; within the default 600MB, ~520,000 on each of a full rebuild's two
// connections: more than a group of the bench's 24M facts stages (~50,000 a
// partition), half of what a group of a 4M-fact store of two 2M-row files
// staged (~1.1M) when two full rebuilds in four ran out of memory.
var (
	stagingRowBytes int64 = 512
	stagingFixed    int64 = 32 << 20
)

// sortRows is how many rows a group may stage on each of conns connections
// sharing the memory limit of conn's database (its
// current_setting('memory_limit'), as DuckDB writes it, "76.2 MiB").
func sortRows(ctx context.Context, conn *sql.Conn, conns int) (int64, error) {
	var limit string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('memory_limit')::VARCHAR`).Scan(&limit); err != nil {
		return 0, fmt.Errorf("refresh: memory limit: %w", err)
	}
	n, err := parseBytes(limit)
	if err != nil {
		return 0, fmt.Errorf("refresh: memory limit %q: %w", limit, err)
	}
	return max((n/int64(max(conns, 1))-stagingFixed)/stagingRowBytes, 1), nil
}

// parseBytes reads a size as DuckDB writes one ("572.2 MiB", "1.2 GiB",
// "600.0 MB", "0 bytes").
func parseBytes(s string) (int64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("not a size")
	}
	mult := map[string]float64{"": 1, "b": 1, "byte": 1, "bytes": 1,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[strings.ToLower(strings.TrimSpace(unit))]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	return int64(f * mult), nil
}

// sliceKey is the prefix of the staging insert's order that slices cut on,
// with the partition first. A slice holds whole runs of it; one run holds
// one unit's values of one indicator in one year (periods times
// breakdowns), few beside the rows a slice may sort.
var sliceKey = []string{"province_code", "year", "indicator", "unit_level", "unit_code"}

// stageSorted runs the staging insert m over a group that stages staged
// rows: once when they are at most maxRows (always for a group of several
// partitions: refreshGroup builds a larger one again as smaller groups
// before staging changes anything, since the models after staging also hold
// memory by the rows staged); else, for one partition, once per slice of
// about maxRows rows (whole runs of sliceKey), in the order of sliceKey, so
// that the partition's rows are stored in the insert's order as one run
// would store them. A slice is the part of staging_latest it inserts: the
// join, not only the sort, then holds the slice's rows rather than the
// partition's. Rebuilding, it checks that the slices inserted every staged
// row.
func (w *Warehouse) stageSorted(ctx context.Context, tx *sql.Tx, m modelFile, staged, maxRows int64, rebuild bool, where string,
	exec func(what, q string, args ...any) error) error {
	if staged <= maxRows {
		return exec("model "+m.Name, m.SQL)
	}
	key := strings.Join(sliceKey, ", ")
	if err := exec("staging slices", `CREATE OR REPLACE TEMP TABLE staging_keys AS
		SELECT `+key+`, batch_version, seq FROM partition_facts f
		SEMI JOIN staging_latest l ON f.batch_version = l.batch_version AND f.seq = l.seq`); err != nil {
		return err
	}
	t0 := time.Now()
	rows, err := tx.QueryContext(ctx, `SELECT `+key+`, count(*) FROM staging_keys GROUP BY ALL ORDER BY `+key)
	if err != nil {
		return fmt.Errorf("refresh %s: staging slices: %w", where, err)
	}
	var starts [][]string // each slice's first run, as SQL literals
	var n, total int64
	for rows.Next() {
		var p, i, l, u string
		var y, c int64
		if err := rows.Scan(&p, &y, &i, &l, &u, &c); err != nil {
			rows.Close()
			return fmt.Errorf("refresh %s: staging slices: %w", where, err)
		}
		if len(starts) == 0 || n+c > maxRows {
			starts = append(starts, []string{sqlString(p), strconv.FormatInt(y, 10), sqlString(i), sqlString(l), sqlString(u)})
			n = 0
		}
		n += c
		total += c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("refresh %s: staging slices: %w", where, err)
	}
	w.trace(fmt.Sprintf("staging slices (%d rows, %d slices)", total, len(starts)), time.Since(t0))
	var inserted int64
	for k := range starts {
		cond := []string{"true"}
		if k > 0 {
			cond = append(cond, "NOT "+before(sliceKey, starts[k]))
		}
		if k+1 < len(starts) {
			cond = append(cond, before(sliceKey, starts[k+1]))
		}
		if err := exec("staging slices", `CREATE OR REPLACE TEMP TABLE staging_latest AS
			SELECT batch_version, seq FROM staging_keys WHERE `+strings.Join(cond, " AND ")); err != nil {
			return err
		}
		t1 := time.Now()
		r, err := tx.ExecContext(ctx, m.SQL)
		if err != nil {
			return fmt.Errorf("%s: refresh: model %s, slice %d of %d: %w", where, m.Name, k+1, len(starts), err)
		}
		w.trace("model "+m.Name+" (slice)", time.Since(t1))
		c, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("%s: refresh: model %s: %w", where, m.Name, err)
		}
		inserted += c
	}
	if rebuild && inserted != total {
		return fmt.Errorf("%s: refresh: model %s: %d rows inserted in %d slices, %d staged", where, m.Name, inserted, len(starts), total)
	}
	return exec("staging slices", `DROP TABLE staging_keys`)
}

// before is the SQL condition that the tuple of cols sorts before vals
// (SQL literals), comparing as ORDER BY does the non-null values of the
// slice key.
func before(cols, vals []string) string {
	c := cols[len(cols)-1] + " < " + vals[len(vals)-1]
	for k := len(cols) - 2; k >= 0; k-- {
		c = fmt.Sprintf("(%s < %s OR (%s = %s AND %s))", cols[k], vals[k], cols[k], vals[k], c)
	}
	return c
}

// groupTooLarge: a group of several partitions stages more rows than one
// run of the staging insert may sort; the refresh builds it again as
// smaller groups (splitGroup).
type groupTooLarge struct{ staged int64 }

func (e *groupTooLarge) Error() string {
	return fmt.Sprintf("a group stages %d rows, more than the memory limit allows at once", e.staged)
}

// splitGroup cuts g, in order, into about staged/maxRows groups of about
// equal bytes to read (staged rows follow the facts read, within a group),
// at least two and at most one a partition. A part that still stages too
// many rows is cut again when it is built.
func splitGroup(g []step, staged, maxRows int64) [][]step {
	k := int(min(max((staged+maxRows-1)/maxRows, 2), int64(len(g))))
	size := func(st step) int64 {
		var n int64
		for _, f := range st.Read {
			n += f.Size
		}
		return n
	}
	var total int64
	for _, st := range g {
		total += size(st)
	}
	var out [][]step
	var n int64
	for i, st := range g {
		// A new part once this one holds its share, leaving a partition
		// for each part still to come.
		if len(out) == 0 || (len(out) < k && n >= total/int64(k)) || len(g)-i <= k-len(out) {
			out = append(out, nil)
			n = 0
		}
		out[len(out)-1] = append(out[len(out)-1], st)
		n += size(st)
	}
	return out
}

// factBytes is fewer bytes of Parquet than the store writes a fact in (~14
// bytes in small files, ~9 in the bench's large ones).
const factBytes = 8

// tableFacts reports whether files may be read into a temporary table
// (refreshGroup): whether they hold at most about maxRows facts. A group of
// small files that holds more is read in place first, so that the
// attempt that finds it too large (groupTooLarge) holds no copy of its facts:
// 600,000 facts of small files in one table took ~73 MB of an 80MB limit.
func tableFacts(files []factFile, maxRows int64) bool {
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return n <= maxRows*factBytes
}
