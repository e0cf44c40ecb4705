package warehouse

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// stateVersion names the layout of the kept tables; bump it to force a full
// rebuild when the Go side of the refresh changes.
const stateVersion = "danvan-warehouse-1"

// trace hands the duration of one refresh statement to Options.Trace.
func (w *Warehouse) trace(what string, d time.Duration) {
	if w.opts.Trace != nil {
		w.opts.Trace(what, d)
	}
}

// RefreshResult says what a refresh did.
type RefreshResult struct {
	RunID          string // hash of the inputs, the models, the reference and the options
	DataAsOf       string // YYYY-MM-DD: latest ingestion day of a loaded batch; "" when empty
	Mode           Mode
	NewBatches     []string
	RemovedBatches []string
	Partitions     int   // (province, year) partitions rebuilt
	RowsRead       int64 // Parquet rows re-read
	Tests          []TestResult
	Elapsed        time.Duration
}

// Summary is one line for logs and the run history.
func (r RefreshResult) Summary() string {
	switch r.Mode {
	case Unchanged:
		return "unchanged: no new batch, marts recomputed"
	case Incremental:
		return fmt.Sprintf("incremental: %d new batch(es), %d removed, %d partition(s), %d rows",
			len(r.NewBatches), len(r.RemovedBatches), r.Partitions, r.RowsRead)
	}
	return fmt.Sprintf("full: %d batch(es), %d partition(s), %d rows", len(r.NewBatches), r.Partitions, r.RowsRead)
}

// TestResult is the outcome of one SQL data test.
type TestResult struct {
	Name   string
	Failed int64    // offending rows; 0 = pass
	Sample []string // up to 5 offending rows, rendered
}

// DataTestError is returned by Refresh when a data test found offending rows.
// The marts are rolled back to the previous good refresh.
type DataTestError struct{ Failed []TestResult }

func (e *DataTestError) Error() string {
	var parts []string
	for _, t := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s: %d row(s), e.g. %s", t.Name, t.Failed, strings.Join(t.Sample, "; ")))
	}
	return "data tests failed: " + strings.Join(parts, " | ")
}

// execer runs statements: the refresh's connection, or a transaction on it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// exec runs one statement of the refresh on ex, tracing its time.
func (w *Warehouse) exec(ctx context.Context, ex execer, what, q string, args ...any) error {
	t0 := time.Now()
	if _, err := ex.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("refresh: %s: %w", what, err)
	}
	w.trace(what, time.Since(t0))
	return nil
}

// refresh brings staging up to date with the committed Parquet (only the
// changed partitions unless the models or reference changed), rebuilds the
// marts and runs the data tests, all on one connection. It decides first
// (plan), then runs the plan in two transactions: the changed partitions'
// models (1xx) with their keys in wh_partitions, so a crash leaves them all
// as they were; then the marts and the data tests, so a failing test rolls
// the marts back and the previous good marts (and wh_run) stay for export.
func (w *Warehouse) refresh(ctx context.Context) (RefreshResult, error) {
	start := time.Now()
	var res RefreshResult
	if w.opts.ReadOnly {
		return res, errors.New("refresh: warehouse opened read-only")
	}
	ms, err := loadModels(w.opts.Models)
	if err != nil {
		return res, fmt.Errorf("refresh: %w", err)
	}
	man, err := w.loadManifest(ctx)
	if err != nil {
		return res, fmt.Errorf("refresh: %w", err)
	}
	files, err := committedFacts(w.layout, man)
	if err != nil {
		return res, fmt.Errorf("refresh: %w", err)
	}
	if !samePaths(files, w.viewFiles) {
		if err := w.buildViews(ctx, w.db); err != nil {
			return res, fmt.Errorf("refresh: %w", err)
		}
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("refresh: %w", err)
	}
	defer conn.Close()

	full, err := w.prepare(ctx, conn, ms)
	if err != nil {
		return res, err
	}
	var prev map[layout.Partition]built
	if !full {
		if prev, err = readBuilt(ctx, conn); err != nil {
			return res, err
		}
	}
	p := plan(prev, files, full)
	res.Mode, res.NewBatches, res.RemovedBatches = p.Mode, p.NewBatches, p.RemovedBatches
	tv := time.Now()
	if err := w.verify(man, p); err != nil {
		return res, err
	}
	w.trace("verify stored files", time.Since(tv))

	// The partitions, in one transaction rather than one per partition:
	// DuckDB then writes the new rows straight to the database file as they
	// come, where a commit per partition wrote them to the WAL first and the
	// closing checkpoint wrote them again (a full refresh of 24M facts:
	// 57-59 s -> 52-54 s).
	if err := w.exec(ctx, conn, "refreshed partitions", `CREATE OR REPLACE TEMP TABLE refreshed_partitions (province_code VARCHAR, year INTEGER)`); err != nil {
		return res, err
	}
	if err := w.refreshPartitions(ctx, conn, ms, p.Steps, full, &res); err != nil {
		return res, err
	}
	res.Partitions = len(p.Steps)

	tc := time.Now()
	if err := w.vacuumPolicy(ctx, conn); err != nil {
		return res, err
	}
	w.trace("vacuum policy", time.Since(tc))

	// Marts and data tests, all or nothing.
	res.RunID, res.DataAsOf = runID(ms, w.refHash, w.opts.DeadlineDays, man)
	failed, err := w.marts(ctx, conn, ms, man, &res)
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, err
	}
	if len(failed) > 0 {
		// Staging of these partitions is committed but failed its tests:
		// blank their keys (failedKey) so the next refresh rebuilds and
		// tests them again, or empties them if their batches are gone. A
		// key deleted instead left a new partition whose batches were then
		// withdrawn out of every later plan, its rows staged for good.
		if err := w.exec(ctx, conn, "forget failed partitions", `UPDATE wh_partitions SET files_hash = '', batches = []::VARCHAR[]
			FROM refreshed_partitions r
			WHERE wh_partitions.province_code = r.province_code AND wh_partitions.year = r.year`); err != nil {
			return res, errors.Join(&DataTestError{failed}, err)
		}
		return res, &DataTestError{failed}
	}
	return res, nil
}

// prepare readies conn for a refresh: it decides whether the kept tables
// must be rebuilt from scratch (the models before the marts, the reference
// or stateVersion changed) and drops them if so, then runs the setup models
// again (the opening ran them, or found what they make).
func (w *Warehouse) prepare(ctx context.Context, conn *sql.Conn, ms []modelFile) (full bool, err error) {
	stateKey := w.modelsKey(ms, 200)
	if err := w.exec(ctx, conn, "state table", `CREATE TABLE IF NOT EXISTS wh_state (key VARCHAR)`); err != nil {
		return false, err
	}
	var have string
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(key), '') FROM wh_state`).Scan(&have); err != nil {
		return false, fmt.Errorf("refresh: read state: %w", err)
	}
	full = have != stateKey
	if full {
		for _, t := range []string{"wh_partitions", "stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports"} {
			if err := w.exec(ctx, conn, "reset state", "DROP TABLE IF EXISTS "+t); err != nil {
				return false, err
			}
		}
	}
	if err := w.exec(ctx, conn, "state", `CREATE TABLE IF NOT EXISTS wh_partitions (province_code VARCHAR, year INTEGER,
		files_hash VARCHAR, batches VARCHAR[])`); err != nil {
		return false, err
	}
	// One checkpoint when the warehouse closes rather than at the commits of
	// the partitions and of the marts: the WAL holds what they wrote
	// meanwhile, and replays it after a crash.
	if err := w.exec(ctx, conn, "settings", `SET checkpoint_threshold = '4GB'`); err != nil {
		return false, err
	}
	// The opening ran the setup models (Open, setup); dropping the kept
	// tables above undid part of what they made.
	if full {
		if err := w.runSetup(ctx, conn, ms); err != nil {
			return false, fmt.Errorf("refresh: %w", err)
		}
		if err := w.exec(ctx, conn, "state", `DELETE FROM wh_state`); err != nil {
			return false, err
		}
		if err := w.exec(ctx, conn, "state", `INSERT INTO wh_state VALUES (?)`, stateKey); err != nil {
			return false, err
		}
	}
	return full, nil
}

// keptTables are the tables kept between refreshes whose partitions a
// refresh deletes and inserts again.
var keptTables = []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports"}

// vacuumShare is the share of a kept table's stored rows that may be deleted
// rows before a checkpoint compacts it.
const vacuumShare = 0.25

// vacuumPolicy decides whether the next checkpoint (when the warehouse
// closes) may compact the kept tables. DuckDB's checkpoint merges row groups
// that hold deleted rows into fewer; the first incremental refresh after a
// full one deletes a partition's rows from the middle of full row groups, and
// compacting them rewrote several row groups of each table: at 24M facts,
// 0.7 s of CPU of int_unit_period alone, for one district's file, where the
// checkpoint without it took 0.01 s. Each refresh deletes and rewrites only
// the partitions it rebuilds, so the deleted rows grow slowly: they are left
// in place (the scans skip them) until they are a quarter of a table's rows,
// and then one checkpoint compacts them all.
func (w *Warehouse) vacuumPolicy(ctx context.Context, conn *sql.Conn) error {
	// duckdb_tables() once for all of them (once per table cost ~2 ms
	// more of CPU, in one DuckDB session on a copy of the drop's warehouse).
	var parts []string
	for _, t := range keptTables {
		parts = append(parts, fmt.Sprintf(`SELECT %s AS name, count(*) AS live FROM %s`, sqlString(t), t))
	}
	var compact bool
	q := `SELECT coalesce(bool_or(t.estimated_size > 0 AND (t.estimated_size - l.live) > t.estimated_size * ` +
		strconv.FormatFloat(vacuumShare, 'f', -1, 64) + `), false)
		FROM duckdb_tables() t JOIN (` + strings.Join(parts, " UNION ALL ") + `) l ON t.table_name = l.name
		WHERE t.schema_name = 'main' AND t.database_name = current_database()`
	if err := conn.QueryRowContext(ctx, q).Scan(&compact); err != nil {
		return fmt.Errorf("refresh: deleted rows: %w", err)
	}
	tasks := 0
	if compact {
		tasks = defaultVacuumTasks
	}
	return w.exec(ctx, conn, "vacuum policy", fmt.Sprintf(`SET GLOBAL max_vacuum_tasks = %d`, tasks))
}

// defaultVacuumTasks is DuckDB's own max_vacuum_tasks.
const defaultVacuumTasks = 100

// readBuilt reads what each partition was last built from.
func readBuilt(ctx context.Context, conn *sql.Conn) (map[layout.Partition]built, error) {
	rows, err := conn.QueryContext(ctx, `SELECT province_code, year, files_hash, array_to_string(batches, ',') FROM wh_partitions`)
	if err != nil {
		return nil, fmt.Errorf("refresh: read partitions: %w", err)
	}
	defer rows.Close()
	out := map[layout.Partition]built{}
	for rows.Next() {
		var p layout.Partition
		var b built
		var bs string
		if err := rows.Scan(&p.Province, &p.Year, &b.hash, &bs); err != nil {
			return nil, fmt.Errorf("refresh: read partitions: %w", err)
		}
		if bs != "" {
			b.batches = strings.Split(bs, ",")
		}
		out[p] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("refresh: read partitions: %w", err)
	}
	return out, nil
}

// marts rebuilds the marts and runs the data tests in one transaction, and
// records the run (wh_run) in it; the tests that failed roll it back.
func (w *Warehouse) marts(ctx context.Context, conn *sql.Conn, ms []modelFile, man []layout.Entry, res *RefreshResult) (failed []TestResult, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("refresh: begin marts: %w", err)
	}
	defer func() {
		if err != nil || len(failed) > 0 {
			tx.Rollback()
		}
	}()
	ts := time.Now()
	if err := w.loadStandings(ctx, conn, tx, res.DataAsOf); err != nil {
		return nil, err
	}
	w.trace("unit standing (reporting calendar)", time.Since(ts))
	key := w.martsKey(ms)
	if err := w.martPartitions(ctx, tx, key); err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Phase >= 200 && m.Phase < 900 {
			if err := w.exec(ctx, tx, "model "+m.Name, m.SQL); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range ms {
		if m.Phase < 900 {
			continue
		}
		t0 := time.Now()
		t, err := runTest(ctx, tx, m)
		w.trace("test "+m.Name, time.Since(t0))
		if err != nil {
			return nil, err
		}
		res.Tests = append(res.Tests, t)
		if t.Failed > 0 {
			failed = append(failed, t)
		}
	}
	if len(failed) > 0 {
		return failed, nil
	}
	if err := w.writeRun(ctx, tx, *res); err != nil {
		return nil, err
	}
	if err := w.exec(ctx, tx, "marts' partitions", `CREATE OR REPLACE TABLE wh_marts AS
		SELECT ?::VARCHAR AS key, province_code, year, files_hash FROM wh_partitions`, key); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("refresh: commit marts: %w", err)
	}
	w.trace("commit marts", time.Since(t0))
	return nil, nil
}

// keptMarts are the tables of the marts' phase kept between refreshes by
// partition (in_marts): mart_unit_year (210), the file lists of
// mart_reporting (215) and the batches of each partition's reports, for
// mart_files (235).
var keptMarts = []string{"mart_unit_year", "mart_reporting_files", "mart_files_partitions"}

// martsKey names what the kept marts (keptMarts) are built by:
// every model before the tests, the reference and stateVersion. A
// partition's rows in them follow from its staging, which wh_partitions keys
// by its batches.
func (w *Warehouse) martsKey(ms []modelFile) string {
	return w.modelsKey(ms, 900)
}

// martPartitions defines in_marts(p, y), the partitions whose rows of the
// kept marts are computed again: those whose key in wh_partitions is not
// the one the marts were last built from (wh_marts, written with the marts
// in their transaction, so a crash or a failed test before their commit
// leaves the two as they were and the next refresh finds the same
// difference). When the marts were built by other models or another
// reference (key), or never, the kept marts are dropped and every
// partition is computed.
func (w *Warehouse) martPartitions(ctx context.Context, tx *sql.Tx, key string) error {
	if err := w.exec(ctx, tx, "marts' partitions", `CREATE TABLE IF NOT EXISTS wh_marts (key VARCHAR, province_code VARCHAR,
		year INTEGER, files_hash VARCHAR)`); err != nil {
		return err
	}
	// The key is on every row: a warehouse without partitions keeps none,
	// and its marts, empty, are built again whole.
	var have sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT min(key) FROM wh_marts`).Scan(&have); err != nil {
		return fmt.Errorf("refresh: marts' partitions: %w", err)
	}
	body := "true"
	if have.Valid && have.String == key {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT province_code, year FROM (
			(SELECT province_code, year, files_hash FROM wh_partitions EXCEPT SELECT province_code, year, files_hash FROM wh_marts)
			UNION ALL
			(SELECT province_code, year, files_hash FROM wh_marts EXCEPT SELECT province_code, year, files_hash FROM wh_partitions))
			ORDER BY province_code, year`)
		if err != nil {
			return fmt.Errorf("refresh: marts' partitions: %w", err)
		}
		var g []step
		for rows.Next() {
			var st step
			if err := rows.Scan(&st.Province, &st.Year); err != nil {
				rows.Close()
				return fmt.Errorf("refresh: marts' partitions: %w", err)
			}
			g = append(g, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("refresh: marts' partitions: %w", err)
		}
		body = "false"
		if len(g) > 0 {
			body = inGroup(g)
		}
	} else {
		for _, t := range keptMarts {
			if err := w.exec(ctx, tx, "marts' partitions", "DROP TABLE IF EXISTS "+t); err != nil {
				return err
			}
		}
	}
	return w.exec(ctx, tx, "marts' partitions", "CREATE OR REPLACE TEMP MACRO in_marts(p, y) AS "+body)
}

// refreshGroup runs the incremental models (1xx) over a group of
// partitions at once, as its steps say, and records the partitions' keys,
// inside the caller's transaction.
func (w *Warehouse) refreshGroup(ctx context.Context, tx *sql.Tx, ms []modelFile, g []step, maxSort int64, res *RefreshResult) error {
	where := "partition " + g[0].Partition.String()
	if len(g) > 1 {
		where = fmt.Sprintf("partitions %s..%s", g[0].Partition, g[len(g)-1].Partition)
	}
	exec := func(what, q string, args ...any) error {
		if err := w.exec(ctx, tx, what, q, args...); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		return nil
	}
	// The group as constants in a macro, not a joined table: constant
	// filters let DuckDB skip the row groups of other partitions.
	if err := exec("current partitions", "CREATE OR REPLACE TEMP MACRO in_refresh(p, y) AS "+inGroup(g)); err != nil {
		return err
	}
	if err := exec("current partitions", fmt.Sprintf(`SET VARIABLE partition_append = %t`, g[0].Action == Append)); err != nil {
		return err
	}
	if err := exec("current partitions", "CREATE OR REPLACE TEMP MACRO staging_key(u, p, i, d) AS "+stagingKey); err != nil {
		return err
	}
	if err := exec("current partitions", `SET VARIABLE staging_exact = false`); err != nil {
		return err
	}
	var read []factFile
	for _, st := range g {
		read = append(read, st.Read...)
	}
	// The models scan the group's facts three times (staging twice, the
	// reports once). Small files are read once into a table: a small file
	// costs more to open than to read. Large ones are read where the
	// models scan them (a view): decoding their columns costs far less
	// than writing them into a temporary table and reading that back.
	// The table holds the facts in memory (~9x their Parquet bytes): a
	// group whose facts may be more than it may stage at once is read in
	// place, counted, and built again as smaller groups (tableFacts).
	kind := "TABLE"
	if readInPlace(read) || !tableFacts(read, maxSort) {
		kind = "VIEW"
	}
	if err := exec("partition facts", "CREATE OR REPLACE TEMP "+kind+" partition_facts AS "+readPartitionFacts(read)); err != nil {
		return err
	}
	// The facts of the batches read before, when appending: the reports
	// model recounts what the new values superseded in them.
	var earlier []factFile
	for _, st := range g {
		if st.Action != Append {
			continue
		}
		fresh := map[string]bool{}
		for _, f := range st.Read {
			fresh[f.Batch] = true
		}
		for _, f := range st.Files {
			if !fresh[f.Batch] {
				earlier = append(earlier, f)
			}
		}
	}
	// Their counts change only where a new value takes the place of a
	// staged one, which needs a new fact of a key already staged: when no
	// new fact has one (a half-year's forms on top of the ones before), the
	// earlier facts are not read again. The drop's 365 forms: the reports
	// model 0.06 s to 0.03 s of CPU (docs/performance.md).
	if len(earlier) > 0 {
		t0 := time.Now()
		var replaces bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM partition_facts f JOIN stg_facts s
			ON in_refresh(s.province_code, s.year) AND s.unit_code = f.unit_code AND s.period = f.period
			AND s.indicator = f.indicator AND s.disaggregation IS NOT DISTINCT FROM f.disaggregation)`).Scan(&replaces); err != nil {
			return fmt.Errorf("refresh %s: staged keys: %w", where, err)
		}
		w.trace("staged keys", time.Since(t0))
		if !replaces {
			earlier = nil
		}
	}
	// Of those, only the reports holding a key of a new fact can have a
	// new value in force for one of their keys: the others' counts stay.
	// A report's facts are all read, so its counts are made whole. At 24M
	// facts, a district's two values: the reports model 0.28 s to ~0.1 s
	// of CPU (the partition's ~540k earlier facts were joined and grouped).
	earlierFacts := readFacts(earlier)
	if len(earlier) > 0 {
		earlierFacts = "SELECT * FROM (" + earlierFacts + ") WHERE (report_id, batch) IN (SELECT e.report_id, e.batch FROM (" +
			earlierFacts + `) e SEMI JOIN partition_facts f ON e.unit_code = f.unit_code AND e.period = f.period
			AND e.indicator = f.indicator AND e.disaggregation IS NOT DISTINCT FROM f.disaggregation)`
	}
	if err := exec("partition facts", "CREATE OR REPLACE TEMP VIEW partition_earlier AS "+earlierFacts); err != nil {
		return err
	}
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM partition_facts").Scan(&n); err != nil {
		return fmt.Errorf("refresh %s: count: %w", where, err)
	}
	var staged int64 // the rows staging_latest names
	models := func() error {
		for _, m := range ms {
			if m.Phase < 100 || m.Phase >= 200 {
				continue
			}
			if m.Name == stagingInsert {
				if err := w.stageSorted(ctx, tx, m, staged, maxSort, g[0].Action != Append, where, exec); err != nil {
					return err
				}
				continue
			}
			if err := exec("model "+m.Name, m.SQL); err != nil {
				return err
			}
			if m.Name == stagingLatest {
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staging_latest`).Scan(&staged); err != nil {
					return fmt.Errorf("refresh %s: staged rows: %w", where, err)
				}
				if staged > maxSort && len(g) > 1 {
					return &groupTooLarge{staged}
				}
			}
		}
		return nil
	}
	// A group that stages more rows than its share of the memory limit
	// allows is built again as smaller groups (stageSorted).
	split := func(err error) error {
		var big *groupTooLarge
		if !errors.As(err, &big) {
			return err
		}
		if err := exec("partition facts", "DROP "+kind+" partition_facts"); err != nil {
			return err
		}
		for _, part := range splitGroup(g, big.staged, maxSort) {
			if err := w.refreshGroup(ctx, tx, ms, part, maxSort, res); err != nil {
				return err
			}
		}
		return nil
	}
	if err := models(); err != nil {
		return split(err)
	}
	res.RowsRead += n
	// Rebuilding, staging grouped the facts by a hash of their key
	// (sql/100_staging_facts.sql). Every fact joins its key's staged value
	// in the reports (sql/115_int_reports.sql), so the reports count every
	// fact of the group unless two keys shared a hash and one of them was
	// left out: then the group is built again, its keys compared whole.
	if g[0].Action != Append {
		var joined int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum("values"), 0)::BIGINT FROM int_reports
			WHERE in_refresh(province_code, year)`).Scan(&joined); err != nil {
			return fmt.Errorf("refresh %s: count reported values: %w", where, err)
		}
		if joined != n {
			if err := exec("staging by whole keys", `SET VARIABLE staging_exact = true`); err != nil {
				return err
			}
			if err := models(); err != nil {
				res.RowsRead -= n // the smaller groups count their own
				return split(err)
			}
		}
	}
	if err := exec("partition facts", "DROP "+kind+" partition_facts"); err != nil {
		return err
	}
	if err := exec("partition key", `DELETE FROM wh_partitions WHERE in_refresh(province_code, year)`); err != nil {
		return err
	}
	var keys []string
	for _, st := range g {
		if len(st.Files) > 0 {
			batches := batchesOf(st.Files)
			keys = append(keys, fmt.Sprintf("(%s, %d, %s, %s)", sqlString(st.Province), st.Year,
				sqlString(hashBatches(batches)), batchList(batches)))
		}
	}
	if len(keys) > 0 {
		return exec("partition key", `INSERT INTO wh_partitions VALUES `+strings.Join(keys, ", "))
	}
	return nil
}

// refreshPartitions runs the incremental models over the groups in one
// transaction on conn, or, rebuilding every partition of a store DuckDB
// runs on two threads, on two connections at once, each a transaction on
// one thread, taking the groups in turn. One statement on two threads
// leaves a core idle whenever it is down to its last task, and DuckDB's
// calling thread meanwhile waits in a loop (DuckDB issue 22178), CPU that
// does no work; two statements on one thread each keep both cores at work.
// Staging and the reports of two partitions of the 24M facts, one after the
// other on two threads against both at once on one thread each: 2.5-3.3 s
// against 2.2 s of CPU (three runs each, on a copy of the warehouse).
//
// On two connections the groups are balanced (balancedGroups: largest
// first, small ones last), so neither connection waits long with a core
// idle for the other's last group, and the two commits run at once, each
// on its own core (it compresses and writes the rows its transaction holds;
// one after the other they left a core idle for ~1 s at 24M facts).
//
// Either way every partition's rows and keys are committed only once all
// the groups are built: any failure while building rolls all of them back.
// A crash between or during the two commits, or one commit failing, leaves
// some partitions rebuilt with their keys and the others not, which the
// next refresh builds (as it does after a crash before the commit of a full
// rebuild, whose tables start empty).
func (w *Warehouse) refreshPartitions(ctx context.Context, conn *sql.Conn, ms []modelFile, steps []step, full bool, res *RefreshResult) error {
	var threads int
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('threads')::INTEGER`).Scan(&threads); err != nil {
		return fmt.Errorf("refresh: threads: %w", err)
	}
	conns := []*sql.Conn{conn}
	groups := groupSteps(steps, groupBytes)
	if full && threads == 2 && len(groups) > 1 {
		groups = balancedGroups(steps, groupBytes, balanceShare)
		other, err := w.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("refresh: %w", err)
		}
		defer other.Close()
		conns = append(conns, other)
		if err := w.exec(ctx, conn, "threads", `SET threads = 1`); err != nil {
			return err
		}
		defer w.exec(context.WithoutCancel(ctx), conn, "threads", fmt.Sprintf(`SET threads = %d`, threads))
		if trace := w.opts.Trace; trace != nil { // called from one goroutine at a time
			var mu sync.Mutex
			w.opts.Trace = func(what string, d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				trace(what, d)
			}
			defer func() { w.opts.Trace = trace }()
		}
	}
	maxSort, err := sortRows(ctx, conn, len(conns))
	if err != nil {
		return err
	}
	txs := make([]*sql.Tx, len(conns))
	rollback := func() {
		for _, tx := range txs {
			if tx != nil {
				tx.Rollback()
			}
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, c := range conns {
		tx, err := c.BeginTx(wctx, nil)
		if err != nil {
			rollback()
			return fmt.Errorf("refresh: begin: %w", err)
		}
		txs[i] = tx
	}
	next := make(chan []step)
	read := make([]int64, len(conns))
	var (
		mu    sync.Mutex
		first error // the first group's failure; the other connection's is its cancellation
		wg    sync.WaitGroup
	)
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range next {
				if failed() {
					continue
				}
				var r RefreshResult
				if err := w.refreshGroup(wctx, txs[i], ms, g, maxSort, &r); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
				}
				read[i] += r.RowsRead
			}
		}()
	}
	for _, g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	if first != nil {
		rollback()
		return first
	}
	t0 := time.Now()
	commitErrs := make([]error, len(txs))
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			commitErrs[i] = tx.Commit()
		}()
		res.RowsRead += read[i]
	}
	wg.Wait()
	if err := errors.Join(commitErrs...); err != nil {
		return fmt.Errorf("refresh: commit partitions: %w", err)
	}
	w.trace("commit partitions", time.Since(t0))
	var parts []string
	for _, st := range steps {
		parts = append(parts, fmt.Sprintf("(%s, %d)", sqlString(st.Province), st.Year))
	}
	if len(parts) == 0 {
		return nil
	}
	return w.exec(ctx, conn, "refreshed partitions", `INSERT INTO refreshed_partitions VALUES `+strings.Join(parts, ", "))
}

// stagingKey is the body of the staging_key(u, p, i, d) macro: the number
// staging groups a rebuilt partition's facts by (u, p, i, d: unit_code,
// period, indicator, disaggregation). A test replaces it with one that
// makes keys collide.
var stagingKey = "hash(u, p, i, d)"

// inPlaceBytes is the mean size of a group's files from which the models
// read them in place rather than from a table made of them first. At the
// bench's 24M facts (files of ~0.5 MB, ~500k facts a partition) reading in
// place took about a third less CPU for staging and the reports together,
// and so it did for the partitions of smaller files (province 42's, files of
// 120-220 kB): for a group of seven of them (1.4M facts) the table cost
// 2.6 s of CPU to make and staging and the reports 2.5 s more, against
// 2.3 s for staging and the reports reading in place. The demo's files
// (5-22 kB) are read once into a table, as before.
const inPlaceBytes = 64 << 10

// readInPlace reports whether the models read files in place (see
// inPlaceBytes).
func readInPlace(files []factFile) bool {
	if len(files) == 0 {
		return false
	}
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return n/int64(len(files)) >= inPlaceBytes
}

// groupBytes bounds the facts a group of partitions reads at once: the demo
// (a few hundred kB a partition) goes in one group, a partition of the 24M
// facts (tens of MB) stays alone.
var groupBytes int64 = 16 << 20

// groupSteps cuts the plan's steps, in order, into the groups the models
// run over at once: steps of one kind (appending, or rebuilding and
// dropping) whose files to read add up to at most maxBytes. Twelve
// statements per partition cost more than the rows of a small one, so
// small partitions go together; a large one stays alone.
func groupSteps(steps []step, maxBytes int64) [][]step {
	var out [][]step
	var size int64
	for _, st := range steps {
		var n int64
		for _, f := range st.Read {
			n += f.Size
		}
		if k := len(out); k > 0 {
			last := out[k-1]
			if (last[0].Action == Append) == (st.Action == Append) && size+n <= maxBytes {
				out[k-1] = append(last, st)
				size += n
				continue
			}
		}
		out = append(out, []step{st})
		size = n
	}
	return out
}

// balanceShare: in a full rebuild on two connections (refreshPartitions),
// a group holds at most this share of the bytes not yet grouped.
const balanceShare = 3

// balancedGroups cuts steps into groups for two connections taking them in
// turn: the largest steps first, and no group more than 1/share of what is
// left to read, so the last groups are small and neither connection waits
// long for the other's last group with a core idle. A group also holds at
// most maxBytes, as groupSteps. Only for rebuilding: appends and rebuilds
// are not grouped together, and the order of partitions does not change
// what any of them holds.
func balancedGroups(steps []step, maxBytes int64, share int64) [][]step {
	size := func(st step) int64 {
		var n int64
		for _, f := range st.Read {
			n += f.Size
		}
		return n
	}
	sorted := slices.Clone(steps)
	slices.SortStableFunc(sorted, func(a, b step) int { return cmp.Compare(size(b), size(a)) })
	var left int64
	for _, st := range sorted {
		left += size(st)
	}
	var out [][]step
	var n, limit int64
	for _, st := range sorted {
		s := size(st)
		if k := len(out); k > 0 && (out[k-1][0].Action == Append) == (st.Action == Append) && n+s <= maxBytes && n+s <= limit {
			out[k-1] = append(out[k-1], st)
			n += s
		} else {
			out = append(out, []step{st})
			n, limit = s, left/share
		}
		left -= s
	}
	return out
}

// inGroup is the body of the in_refresh(p, y) macro: whether a row's
// partition is one of g's.
func inGroup(g []step) string {
	years := map[string][]string{}
	var provinces []string
	for _, st := range g {
		if years[st.Province] == nil {
			provinces = append(provinces, st.Province)
		}
		years[st.Province] = append(years[st.Province], strconv.Itoa(st.Year))
	}
	sort.Strings(provinces)
	var or []string
	for _, p := range provinces {
		or = append(or, fmt.Sprintf("(p = %s AND y IN (%s))", sqlString(p), strings.Join(years[p], ", ")))
	}
	return strings.Join(or, " OR ")
}

// batchList is the SQL of a VARCHAR[] of batches. A batch is the hex
// SHA-256 of its file, so the list is one text that DuckDB splits at its
// commas: DuckDB parses and binds each literal of a list apart, ~10 us
// each, where one text of them all costs about nothing (the drop of 365
// forms: its partitions' keys, 372 batches, 3.8 ms -> 1.3 ms of CPU; the
// shared files' batch filter of its facts, 365 batches, 33.5 -> 30.3 ms;
// one DuckDB session on a copy of its warehouse, one thread, min of 15). A
// batch that could not be split so (a comma or a quote in it, which no
// content hash has) is written as a list of literals.
func batchList(batches []string) string {
	for _, b := range batches {
		if strings.ContainsAny(b, ",'") {
			out := make([]string, len(batches))
			for i, b := range batches {
				out[i] = sqlString(b)
			}
			return "[" + strings.Join(out, ", ") + "]::VARCHAR[]"
		}
	}
	if len(batches) == 0 {
		return "[]::VARCHAR[]"
	}
	return "string_split(" + sqlString(strings.Join(batches, ",")) + ", ',')"
}

// samePaths reports whether fs are the files, and their batches, of was.
func samePaths(fs, was []factFile) bool {
	if len(fs) != len(was) {
		return false
	}
	for i := range fs {
		if fs[i].Path != was[i].Path || fs[i].Batch != was[i].Batch {
			return false
		}
	}
	return true
}

// runID derives the run id and data-as-of day from the inputs only, so the
// same inputs give the same snapshot name and bytes.
func runID(ms []modelFile, refHash string, deadline int, man []layout.Entry) (id, asOf string) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\ndeadline=%d\n", stateVersion, hashModels(ms, func(modelFile) bool { return true }), refHash, deadline)
	var latest time.Time
	for _, m := range man {
		fmt.Fprintf(h, "%s\t%s\t%s\t%d\t%d\t%s\n", m.Batch, m.Status, m.SourceFile, m.RowsAccepted, m.RowsRejected, m.IngestedAt.UTC().Format(time.RFC3339Nano))
		if m.Status == layout.Loaded && m.IngestedAt.After(latest) {
			latest = m.IngestedAt
		}
	}
	if !latest.IsZero() {
		asOf = latest.UTC().Format("2006-01-02")
	}
	return hex.EncodeToString(h.Sum(nil))[:20], asOf
}

// writeRun records what the marts were built from, inside the marts'
// transaction, for export: wh_run (one row) and wh_sources (the manifest).
func (w *Warehouse) writeRun(ctx context.Context, conn execer, res RefreshResult) error {
	var asOf any
	if res.DataAsOf != "" {
		asOf = res.DataAsOf
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE wh_run AS
		SELECT ?::VARCHAR AS run_id, ?::DATE AS data_as_of, ?::INTEGER AS deadline_days`, res.RunID, asOf, w.opts.DeadlineDays); err != nil {
		return fmt.Errorf("refresh: write run: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE wh_sources AS
		SELECT batch, source_file, status, rows_accepted, rows_rejected, ingested_at, code, reason, reason_en FROM files`); err != nil {
		return fmt.Errorf("refresh: write run: %w", err)
	}
	return nil
}

// runTest runs one data test: its rows are the offences.
func runTest(ctx context.Context, conn *sql.Tx, m modelFile) (TestResult, error) {
	t := TestResult{Name: m.Name}
	q := strings.TrimRight(strings.TrimSpace(m.SQL), ";")
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return t, fmt.Errorf("refresh: data test %s: %w", m.Name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return t, fmt.Errorf("refresh: data test %s: %w", m.Name, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		t.Failed++
		if len(t.Sample) >= 5 {
			continue
		}
		if err := rows.Scan(ptrs...); err != nil {
			return t, fmt.Errorf("refresh: data test %s: %w", m.Name, err)
		}
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c + "=" + render(vals[i])
		}
		t.Sample = append(t.Sample, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("refresh: data test %s: %w", m.Name, err)
	}
	return t, nil
}

func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(x)
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}
