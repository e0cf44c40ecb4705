package warehouse

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
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
	RunID    string // hash of the inputs, the models, the reference and the options
	DataAsOf string // YYYY-MM-DD: latest ingestion day of a loaded batch; "" when empty
	// Mode is "full" (state rebuilt from scratch), "incremental" (only the
	// partitions whose batches changed) or "unchanged" (nothing to re-read).
	Mode           string
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
	case "unchanged":
		return "unchanged: no new batch, marts recomputed"
	case "incremental":
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

// Refresh brings staging up to date with the committed Parquet (only the
// changed partitions unless the models or reference changed), rebuilds the
// marts and runs the data tests, all on one connection. Marts and tests run
// in one transaction: a failing test rolls the marts back, so the previous
// good marts (and wh_run) stay for export.
func (w *Warehouse) Refresh(ctx context.Context) (RefreshResult, error) {
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
		if err := w.buildViews(ctx); err != nil {
			return res, fmt.Errorf("refresh: %w", err)
		}
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("refresh: %w", err)
	}
	defer conn.Close()
	exec := func(what, q string, args ...any) error {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("refresh: %s: %w", what, err)
		}
		w.trace(what, time.Since(t0))
		return nil
	}

	// State key: what the kept tables were built with.
	stateKey := stateVersion + "/" + hashModels(ms, func(m modelFile) bool { return m.Phase < 200 }) + "/" + w.refHash
	if err := exec("state table", `CREATE TABLE IF NOT EXISTS wh_state (key VARCHAR)`); err != nil {
		return res, err
	}
	var have string
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(key), '') FROM wh_state`).Scan(&have); err != nil {
		return res, fmt.Errorf("refresh: read state: %w", err)
	}
	full := have != stateKey
	if full {
		for _, t := range []string{"wh_partitions", "stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports"} {
			if err := exec("reset state", "DROP TABLE IF EXISTS "+t); err != nil {
				return res, err
			}
		}
	}
	if err := exec("state", `CREATE TABLE IF NOT EXISTS wh_partitions (province_code VARCHAR, year INTEGER,
		files_hash VARCHAR, batches VARCHAR[])`); err != nil {
		return res, err
	}
	// One checkpoint when the warehouse closes rather than at the commits of
	// the partitions and of the marts: the WAL holds what they wrote
	// meanwhile, and replays it after a crash.
	if err := exec("settings", `SET checkpoint_threshold = '4GB'`); err != nil {
		return res, err
	}
	if err := exec("settings", fmt.Sprintf(`CREATE OR REPLACE TABLE refresh_settings AS SELECT %d AS deadline_days`, w.opts.DeadlineDays)); err != nil {
		return res, err
	}
	for _, m := range ms {
		if m.Phase < 100 {
			if err := exec("model "+m.Name, m.SQL); err != nil {
				return res, err
			}
		}
	}
	if full {
		if err := exec("state", `DELETE FROM wh_state`); err != nil {
			return res, err
		}
		if err := exec("state", `INSERT INTO wh_state VALUES (?)`, stateKey); err != nil {
			return res, err
		}
	}

	// Which partitions changed.
	byPart := map[layout.Partition][]factFile{}
	for _, f := range files {
		p := f.Partition
		byPart[p] = append(byPart[p], f)
	}
	type prev struct {
		hash    string
		batches []string
	}
	old := map[layout.Partition]prev{}
	rows, err := conn.QueryContext(ctx, `SELECT province_code, year, files_hash, array_to_string(batches, ',') FROM wh_partitions`)
	if err != nil {
		return res, fmt.Errorf("refresh: read partitions: %w", err)
	}
	for rows.Next() {
		var p layout.Partition
		var pv prev
		var bs string
		if err := rows.Scan(&p.Province, &p.Year, &pv.hash, &bs); err != nil {
			rows.Close()
			return res, fmt.Errorf("refresh: read partitions: %w", err)
		}
		if bs != "" {
			pv.batches = strings.Split(bs, ",")
		}
		old[p] = pv
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("refresh: read partitions: %w", err)
	}
	oldBatches, newBatches := map[string]bool{}, map[string]bool{}
	for _, pv := range old {
		for _, b := range pv.batches {
			oldBatches[b] = true
		}
	}
	for _, f := range files {
		newBatches[f.Batch] = true
	}
	for b := range newBatches {
		if !oldBatches[b] {
			res.NewBatches = append(res.NewBatches, b)
		}
	}
	for b := range oldBatches {
		if !newBatches[b] {
			res.RemovedBatches = append(res.RemovedBatches, b)
		}
	}
	sort.Strings(res.NewBatches)
	sort.Strings(res.RemovedBatches)
	var changed []layout.Partition
	for p, fs := range byPart {
		if old[p].hash != partHash(fs) {
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := byPart[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Slice(changed, func(i, j int) bool {
		if changed[i].Province != changed[j].Province {
			return changed[i].Province < changed[j].Province
		}
		return changed[i].Year < changed[j].Year
	})
	switch {
	case full:
		res.Mode = "full"
	case len(changed) == 0:
		res.Mode = "unchanged"
	default:
		res.Mode = "incremental"
	}

	// Rebuild the changed partitions, with their wh_partitions rows, in one
	// transaction, so a crash leaves them all as they were. One transaction
	// rather than one per partition: DuckDB then writes the new rows
	// straight to the database file as they come, where a commit per
	// partition wrote them to the WAL first and the closing checkpoint
	// wrote them again (a full refresh of 24M facts: 57-59 s -> 52-54 s).
	if err := exec("refreshed partitions", `CREATE OR REPLACE TEMP TABLE refreshed_partitions (province_code VARCHAR, year INTEGER)`); err != nil {
		return res, err
	}
	if err := exec("begin", "BEGIN TRANSACTION"); err != nil {
		return res, err
	}
	abort := func(err error) (RefreshResult, error) {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return res, err
	}
	for _, p := range changed {
		fs := byPart[p]
		// Only batches added since the partition was built (none removed):
		// read the new ones alone and merge them into what is staged.
		// Otherwise read them all and rebuild.
		read := fs
		if pv, ok := old[p]; ok && !full {
			kept := map[string]bool{}
			for _, b := range pv.batches {
				kept[b] = true
			}
			var added []factFile
			for _, f := range fs {
				if !kept[f.Batch] {
					added = append(added, f)
				}
			}
			if len(fs)-len(added) == len(kept) && len(added) > 0 {
				read = added
			}
		}
		if err := w.rebuildPartition(ctx, conn, ms, p, fs, read, &res); err != nil {
			return abort(err)
		}
		if err := exec("refreshed partitions", `INSERT INTO refreshed_partitions VALUES (?, ?)`, p.Province, p.Year); err != nil {
			return abort(err)
		}
	}
	if err := exec("commit", "COMMIT"); err != nil {
		return abort(err)
	}
	res.Partitions = len(changed)

	// Marts and data tests, all or nothing.
	res.RunID, res.DataAsOf = runID(ms, w.refHash, w.opts.DeadlineDays, man)
	if err := exec("begin marts", "BEGIN TRANSACTION"); err != nil {
		return res, err
	}
	rollback := func() { conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") }
	for _, m := range ms {
		if m.Phase >= 200 && m.Phase < 900 {
			if err := exec("model "+m.Name, m.SQL); err != nil {
				rollback()
				return res, err
			}
		}
	}
	var failed []TestResult
	for _, m := range ms {
		if m.Phase < 900 {
			continue
		}
		t0 := time.Now()
		t, err := runTest(ctx, conn, m)
		w.trace("test "+m.Name, time.Since(t0))
		if err != nil {
			rollback()
			return res, err
		}
		res.Tests = append(res.Tests, t)
		if t.Failed > 0 {
			failed = append(failed, t)
		}
	}
	if len(failed) > 0 {
		rollback()
		// Staging of these partitions is committed but failed its tests:
		// forget their keys so the next refresh rebuilds and tests them again.
		if err := exec("forget failed partitions", `DELETE FROM wh_partitions USING refreshed_partitions r
			WHERE wh_partitions.province_code = r.province_code AND wh_partitions.year = r.year`); err != nil {
			return res, errors.Join(&DataTestError{failed}, err)
		}
		res.Elapsed = time.Since(start)
		return res, &DataTestError{failed}
	}
	if err := w.writeRun(ctx, conn, res, man); err != nil {
		rollback()
		return res, err
	}
	if err := exec("commit marts", "COMMIT"); err != nil {
		rollback()
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// rebuildPartition runs the incremental models (1xx) for one partition,
// whose files are now fs, over read: all of fs (rebuild) or the files of the
// batches added since it was last built (append). It runs inside the
// caller's transaction.
func (w *Warehouse) rebuildPartition(ctx context.Context, conn *sql.Conn, ms []modelFile, p layout.Partition, fs, read []factFile, res *RefreshResult) error {
	appending := len(read) < len(fs)
	where := fmt.Sprintf("partition %s/%d", p.Province, p.Year)
	exec := func(what, q string, args ...any) error {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("refresh %s: %s: %w", where, what, err)
		}
		w.trace(what, time.Since(t0))
		return nil
	}
	// Variables, not a joined table: constant filters let DuckDB skip the
	// row groups of other partitions.
	if err := exec("current partition", fmt.Sprintf(`SET VARIABLE partition_province = %s::VARCHAR`, sqlString(p.Province))); err != nil {
		return err
	}
	if err := exec("current partition", fmt.Sprintf(`SET VARIABLE partition_year = %d::INTEGER`, p.Year)); err != nil {
		return err
	}
	if err := exec("current partition", fmt.Sprintf(`SET VARIABLE partition_append = %t`, appending)); err != nil {
		return err
	}
	if err := exec("partition facts", "CREATE OR REPLACE TEMP VIEW partition_facts AS "+readPartitionFacts(read)); err != nil {
		return err
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM partition_facts").Scan(&n); err != nil {
		return fmt.Errorf("refresh %s: count: %w", where, err)
	}
	res.RowsRead += n
	for _, m := range ms {
		if m.Phase >= 100 && m.Phase < 200 {
			if err := exec("model "+m.Name, m.SQL); err != nil {
				return err
			}
		}
	}
	if err := exec("partition key", `DELETE FROM wh_partitions WHERE province_code = ? AND year = ?`, p.Province, p.Year); err != nil {
		return err
	}
	if len(fs) > 0 {
		batches := make([]string, len(fs))
		for i, f := range fs {
			batches[i] = f.Batch
		}
		list := "[" + strings.Join(quoteAll(batches), ", ") + "]::VARCHAR[]"
		if err := exec("partition key", `INSERT INTO wh_partitions VALUES (?, ?, ?, `+list+`)`, p.Province, p.Year, hashStrings(batches)); err != nil {
			return err
		}
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = sqlString(s)
	}
	return out
}

func partHash(fs []factFile) string {
	bs := make([]string, len(fs))
	for i, f := range fs {
		bs[i] = f.Batch
	}
	return hashStrings(bs)
}

func hashStrings(ss []string) string {
	s := append([]string(nil), ss...)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n")))
	return hex.EncodeToString(h[:])
}

func samePaths(fs []factFile, paths []string) bool {
	if len(fs) != len(paths) {
		return false
	}
	for i := range fs {
		if fs[i].Path != paths[i] {
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
func (w *Warehouse) writeRun(ctx context.Context, conn *sql.Conn, res RefreshResult, man []layout.Entry) error {
	var asOf any
	if res.DataAsOf != "" {
		asOf = res.DataAsOf
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE wh_run AS
		SELECT ?::VARCHAR AS run_id, ?::DATE AS data_as_of, ?::INTEGER AS deadline_days`, res.RunID, asOf, w.opts.DeadlineDays); err != nil {
		return fmt.Errorf("refresh: write run: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE wh_sources AS
		SELECT batch, source_file, status, rows_accepted, rows_rejected, ingested_at FROM files`); err != nil {
		return fmt.Errorf("refresh: write run: %w", err)
	}
	return nil
}

// runTest runs one data test: its rows are the offences.
func runTest(ctx context.Context, conn *sql.Conn, m modelFile) (TestResult, error) {
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
