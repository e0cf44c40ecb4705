// Package export writes the JSON outputs of a refresh (contract version 1,
// dashboards/contract.md) into a new snapshot directory and publishes it by
// switching the DIR/exports/current symlink.
//
// Publication is crash-safe by construction:
//
//  1. the snapshot is built in DIR/exports/tmp/<run-id>-*/ and every file and
//     directory is made durable (layout.SyncAll);
//  2. it is renamed into DIR/exports/snapshots/<run-id>/ (atomic, same file
//     system), so a snapshot directory is complete or absent;
//  3. a new symlink is made at a temporary name and renamed over
//     DIR/exports/current (atomic), so readers see the old or the new one;
//  4. old snapshots beyond Options.Keep are renamed into tmp/ and removed.
//
// A crash before 3 leaves the previous snapshot serving; leftovers in tmp/
// are removed by the next Publish.
//
// Beside the JSON, a snapshot holds the warehouse tables analysts query as
// Parquet (tables.go), so the query sandbox reads a published snapshot and
// never the warehouse database file. Outputs are deterministic: same warehouse
// state, same bytes (sorted rows, sorted keys, no wall-clock time).
package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// ContractVersion is the version of the JSON output contract written.
const ContractVersion = layout.ContractVersion

// Querier is what Publish needs of the warehouse: *sql.DB and *sql.Conn fit.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Options configure Publish.
type Options struct {
	Keep int  // snapshots kept, the published one included; 5
	Demo bool // the data is the demo inbox (shown on the dashboard)
	// NoTables leaves the Parquet tables (tables.go) out of the snapshot;
	// the query sandbox then has nothing to read.
	NoTables bool
	// Trace, if set, receives the duration of each step of a publication.
	Trace func(what string, d time.Duration)
}

// trace hands Trace the time since t0 of step what.
func (o Options) trace(what string, t0 time.Time) {
	if o.Trace != nil {
		o.Trace(what, time.Since(t0))
	}
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options { return Options{Keep: 5} }

// Output is one file of a snapshot as listed in its manifest.
type Output = layout.OutputFile

// Snapshot is a published snapshot.
type Snapshot struct {
	RunID   string
	Name    string // directory name under exports/snapshots (the run id, or run id + suffix)
	Dir     string
	Reused  bool // an identical snapshot already existed and was re-published
	Outputs map[string]Output
	Pruned  []string
	// Repaired are the files of the previous snapshot found damaged (not
	// the bytes its manifest lists), written afresh instead of linked; or
	// of an identical snapshot that was therefore not re-published. Their
	// paths are relative to exports/snapshots.
	Repaired []Damage
}

// step is called after each publication step; tests make it fail to
// simulate a crash between steps.
var step = func(string) error { return nil }

// Publish writes the outputs of the last successful refresh (wh_run) into a
// new snapshot and makes it current.
func Publish(ctx context.Context, q Querier, dataDir string, opts Options) (Snapshot, error) {
	if opts.Keep <= 0 {
		opts.Keep = DefaultOptions().Keep
	}
	var snap Snapshot
	var asOf sql.NullString
	if err := queryRow(ctx, q, `SELECT run_id, CAST(data_as_of AS VARCHAR) FROM wh_run`, &snap.RunID, &asOf); err != nil {
		return snap, fmt.Errorf("publish: read last refresh (run a refresh first): %w", err)
	}
	d := layout.Dir(dataDir)
	exports, snaps, tmpRoot := d.Exports(), d.Snapshots(), d.ExportsTmp()
	for _, d := range []string{snaps, tmpRoot} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return snap, fmt.Errorf("publish: %w", err)
		}
	}
	if err := cleanTmp(exports, tmpRoot); err != nil {
		return snap, err
	}
	tmp, err := os.MkdirTemp(tmpRoot, snap.RunID+"-")
	if err != nil {
		return snap, fmt.Errorf("publish: %w", err)
	}
	defer os.RemoveAll(tmp)        // nothing left once renamed
	prev, _ := d.CurrentSnapshot() // "" when none: nothing to link from
	restore, err := tableSettings(ctx, q)
	if err != nil {
		return snap, fmt.Errorf("publish %s: %w", snap.RunID, err)
	}
	defer restore()
	// The tables are certain to be written when no snapshot of this run
	// is there to be the same (the loop below then takes the run id as it
	// is): they are written on two connections beside the JSON outputs,
	// whose queries and encoding in Go kept one core alone for their time
	// ("publish JSON outputs": ~0.16 s of a drop's ~0.4 s publication).
	write := func(ctx context.Context) tablesWritten {
		t0 := time.Now()
		ix, damaged, err := writeTables(ctx, q, tmp, prev)
		return tablesWritten{ix, damaged, err, time.Since(t0)}
	}
	tables := func() tablesWritten { return write(ctx) }
	if _, err := os.Lstat(filepath.Join(snaps, snap.RunID)); errors.Is(err, os.ErrNotExist) && !opts.NoTables {
		tctx, cancel := context.WithCancel(ctx)
		done := make(chan tablesWritten, 1)
		go func() { done <- write(tctx) }()
		var got *tablesWritten
		tables = func() tablesWritten {
			if got == nil {
				r := <-done
				got = &r
			}
			return *got
		}
		defer func() { // before tmp is removed
			cancel()
			tables()
		}()
	}
	t0 := time.Now()
	outs, sources, damaged, err := writeOutputs(ctx, q, tmp, prev, snap.RunID, asOf, opts)
	opts.trace("publish JSON outputs", t0)
	if err != nil {
		return snap, fmt.Errorf("publish %s: %w", snap.RunID, err)
	}
	snap.Outputs = outs
	snap.Repaired = inSnapshot(filepath.Base(prev), damaged)

	// Same run id: the same inputs; reuse the snapshot if it has the same
	// manifest (and the tables if they are wanted). The tables are written
	// only when the snapshot is new: they are the bulk of the bytes.
	newMan, err := os.ReadFile(filepath.Join(tmp, layout.SnapshotManifestFile))
	if err != nil {
		return snap, fmt.Errorf("publish: %w", err)
	}
	snap.Name = snap.RunID
	for i := 2; ; i++ {
		oldDir := filepath.Join(snaps, snap.Name)
		old, err := os.ReadFile(filepath.Join(oldDir, layout.SnapshotManifestFile))
		if errors.Is(err, os.ErrNotExist) {
			if _, err := os.Stat(oldDir); errors.Is(err, os.ErrNotExist) {
				break
			}
		} else if err == nil && string(old) == string(newMan) && hasTables(oldDir) == !opts.NoTables {
			// Re-published as it is only if its bytes are still those its
			// manifest lists; a damaged one is left for pruning.
			bad, err := Verify(oldDir)
			if err == nil && len(bad) == 0 {
				snap.Reused = true
				break
			}
			snap.Repaired = append(snap.Repaired, inSnapshot(snap.Name, bad)...)
		}
		snap.Name = fmt.Sprintf("%s.%d", snap.RunID, i)
	}
	snap.Dir = filepath.Join(snaps, snap.Name)
	if !snap.Reused && !opts.NoTables {
		t0 := time.Now()
		w := tables()
		if w.err == nil {
			w.err = writeTableIndex(tmp, w.ix, sources)
		}
		if w.err != nil {
			return snap, fmt.Errorf("publish %s: tables: %w", snap.RunID, w.err)
		}
		snap.Repaired = append(snap.Repaired, inSnapshot(filepath.Base(prev), w.damaged)...)
		if opts.Trace != nil {
			opts.Trace("publish tables", w.took)
			opts.Trace("publish tables, waited for", time.Since(t0))
		}
	}
	if !snap.Reused {
		t0 := time.Now()
		if err := syncTree(tmp, prev); err != nil {
			return snap, fmt.Errorf("publish %s: %w", snap.RunID, err)
		}
		opts.trace("publish sync", t0)
	}
	if err := step("write"); err != nil {
		return snap, err
	}
	if !snap.Reused {
		if err := os.Rename(tmp, snap.Dir); err != nil {
			return snap, fmt.Errorf("publish: move snapshot into place: %w", err)
		}
		if err := layout.SyncDir(snaps); err != nil {
			return snap, fmt.Errorf("publish: %w", err)
		}
	}
	if err := step("rename"); err != nil {
		return snap, err
	}
	now := time.Now()
	_ = os.Chtimes(snap.Dir, now, now) // publication order, for pruning
	if err := layout.Symlink(filepath.Join("snapshots", snap.Name), d.Current()); err != nil {
		return snap, fmt.Errorf("publish: switch current: %w", err)
	}
	if err := step("switch"); err != nil {
		return snap, err
	}
	snap.Pruned, err = prune(snaps, tmpRoot, snap.Name, opts.Keep)
	if err != nil {
		return snap, err
	}
	return snap, step("prune")
}

// tablesWritten is what writeTables did, and how long it took.
type tablesWritten struct {
	ix      TableIndex
	damaged []Damage
	err     error
	took    time.Duration
}

// cleanTmp removes what an interrupted Publish left: build directories
// and temporary symlinks. Publish runs under the run lock, so none is live.
func cleanTmp(exports, tmpRoot string) error {
	ents, err := os.ReadDir(tmpRoot)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(tmpRoot, e.Name())); err != nil {
			return fmt.Errorf("publish: clean %s: %w", e.Name(), err)
		}
	}
	// Links of versions that named them so, then layout.Symlink's.
	links, _ := filepath.Glob(filepath.Join(exports, ".current-*"))
	for _, l := range links {
		os.Remove(l)
	}
	return layout.CleanTemps(exports)
}

// prune keeps the keep most recently published snapshots (current among
// them). A snapshot is moved out of snapshots/ before it is deleted, so a
// half-deleted one is never visible.
func prune(snaps, tmpRoot, current string, keep int) ([]string, error) {
	ents, err := os.ReadDir(snaps)
	if err != nil {
		return nil, fmt.Errorf("publish: prune: %w", err)
	}
	type snapDir struct {
		name string
		mod  time.Time
	}
	var others []snapDir
	for _, e := range ents {
		if !e.IsDir() || e.Name() == current {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		others = append(others, snapDir{e.Name(), info.ModTime()})
	}
	sort.Slice(others, func(i, j int) bool {
		if !others[i].mod.Equal(others[j].mod) {
			return others[i].mod.After(others[j].mod)
		}
		return others[i].name > others[j].name
	})
	var pruned []string
	for i := keep - 1; i < len(others); i++ {
		if i < 0 {
			continue
		}
		name := others[i].name
		trash := filepath.Join(tmpRoot, "pruned-"+name)
		if err := os.Rename(filepath.Join(snaps, name), trash); err != nil {
			return pruned, fmt.Errorf("publish: prune %s: %w", name, err)
		}
		if err := os.RemoveAll(trash); err != nil {
			return pruned, fmt.Errorf("publish: prune %s: %w", name, err)
		}
		pruned = append(pruned, name)
	}
	sort.Strings(pruned)
	return pruned, nil
}

// syncTree makes every file and directory under root durable but the
// files that are the published snapshot's own: a file at the same place
// under prev ("" for none) that is the same file, hard-linked (tables.go,
// sources.go), was synced when prev was published. Syncing them again made
// an incremental publication's sync proportionate to the whole snapshot
// (138 of the demo's 172 files after one changed file) instead of to what
// changed. They are synced together (layout.SyncAll: one syncfs on Linux),
// not one fsync each: a drop's publication waited on the disk ~50 times.
func syncTree(root, prev string) error {
	var files, dirs []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir():
			dirs = append(dirs, p)
		case prev == "" || !d.Type().IsRegular() || !linkedFrom(root, prev, p, d):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return syncAll(files, dirs)
}

// linkedFrom reports whether the file p under root is the file at the same
// place under prev.
func linkedFrom(root, prev, p string, d os.DirEntry) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	here, err := d.Info()
	if err != nil {
		return false
	}
	there, err := os.Stat(filepath.Join(prev, rel))
	return err == nil && os.SameFile(here, there)
}

// syncAll makes the files of a new snapshot and its folders durable (a
// variable: tests see which).
var syncAll = layout.SyncAll

func queryRow(ctx context.Context, q Querier, query string, dest ...any) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// outputs are the JSON outputs with one file each: what the columns of
// layout's Output are selected from, and their order. Every column becomes
// a key (sorted: the column order does not matter), rows in query order.
var outputs = []struct {
	layout.Output
	from, order string
}{
	{layout.Indicators, `indicators`, `code`},
	{layout.Provinces, `(SELECT u.code AS province_code, u.name AS province_name, p.population, p.population_year
		FROM units u LEFT JOIN province_population p ON p.province_code = u.code
		WHERE u.level = 'province')`, `province_code`},
	{layout.ProvinceYear, `mart_province_year`, `province_code, year, indicator`},
	{layout.UnitYear, `mart_unit_year`, `province_code, year, indicator, series, unit_code`},
	{layout.Completeness, `(SELECT * REPLACE (CAST(period_start AS VARCHAR) AS period_start,
		CAST(period_end AS VARCHAR) AS period_end, CAST(deadline AS VARCHAR) AS deadline) FROM mart_completeness)`,
		`province_code, period`},
	{layout.Reporting, `(SELECT * REPLACE (CAST(deadline AS VARCHAR) AS deadline,
		CAST(first_received AS VARCHAR) AS first_received) FROM mart_reporting)`,
		`province_code, period_end, period_start DESC, unit_level, unit_code`},
	{layout.Years, `mart_years`, `year`},
	{layout.Files, `(SELECT * REPLACE (strftime(ingested_at, '%Y-%m-%dT%H:%M:%SZ') AS ingested_at) FROM mart_files)`,
		`source_file, batch`},
	{layout.Refusals, `mart_refusals`, `source_file, batch, length(source_ref), source_ref, "column", code`},
}

// selectColumns is the SELECT of an output's columns from from, in order.
func selectColumns(o layout.Output, from, order string) string {
	cols := make([]string, len(o.Columns))
	for i, c := range o.Columns {
		cols[i] = layout.QuoteIdent(c)
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + from
	if order != "" {
		q += " ORDER BY " + order
	}
	return q
}

// writeOutputs writes the JSON outputs and manifest.json into dir, linking
// the sources files of unchanged partitions from prevDir (sources.go), and
// returns them with the keys of the sources files and the damaged files of
// prevDir written afresh.
func writeOutputs(ctx context.Context, q Querier, dir, prevDir, runID string, asOf sql.NullString, opts Options) (map[string]Output, map[string]SourceFile, []Damage, error) {
	outs := map[string]Output{}
	for _, o := range outputs {
		t0 := time.Now()
		out, err := writeQuery(ctx, q, filepath.Join(dir, o.File()), selectColumns(o.Output, o.from, o.order))
		opts.trace("output "+o.File(), t0)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("write %s: %w", o.File(), err)
		}
		outs[o.File()] = out
	}
	t0 := time.Now()
	sources, damaged, err := writeSources(ctx, q, dir, prevDir, outs)
	if err != nil {
		return nil, nil, nil, err
	}
	opts.trace("output sources/*", t0)
	man, err := manifest(ctx, q, runID, asOf, opts, outs)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("write manifest.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, layout.SnapshotManifestFile), man, 0o644); err != nil {
		return nil, nil, nil, err
	}
	return outs, sources, damaged, nil
}

func manifest(ctx context.Context, q Querier, runID string, asOf sql.NullString, opts Options, outs map[string]Output) ([]byte, error) {
	rows, err := q.QueryContext(ctx, `SELECT source_file, batch, status, rows_accepted, rows_rejected,
		strftime(ingested_at, '%Y-%m-%dT%H:%M:%SZ') AS ingested_at
		FROM wh_sources ORDER BY source_file, batch`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := layout.SnapshotManifest{ContractVersion: ContractVersion, RunID: runID, Demo: opts.Demo,
		Sources: []layout.SourceRecord{}, Outputs: outs}
	for rows.Next() {
		var s layout.SourceRecord
		var status string
		var at sql.NullString
		if err := rows.Scan(&s.File, &s.Batch, &status, &s.RowsAccepted, &s.RowsRejected, &at); err != nil {
			return nil, err
		}
		s.Status = layout.Status(status)
		if at.Valid {
			s.IngestedAt = &at.String
		}
		m.Sources = append(m.Sources, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if asOf.Valid {
		m.DataAsOf = &asOf.String
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// eachRow calls f with each row as a map of jsonValue values: the plain
// form the row encoder (encode.go) must match, which its test checks.
func eachRow(rows *sql.Rows, f func(map[string]any) error) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			v, err := jsonValue(vals[i])
			if err != nil {
				return fmt.Errorf("column %s: %w", c, err)
			}
			m[c] = v
		}
		if err := f(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// jsonValue turns a DuckDB value into one encoding/json writes the same way
// every time: dates as YYYY-MM-DD, lists as arrays (never null), structs as
// objects (keys sorted by encoding/json), no NaN or infinity.
func jsonValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("not a finite number: %v", x)
		}
		if x == 0 {
			return 0.0, nil // no -0
		}
		return x, nil
	case float32:
		return jsonValue(float64(x))
	case *big.Int:
		return json.Number(x.String()), nil
	case time.Time:
		return x.UTC().Format("2006-01-02"), nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected value type %T", v)
}

// writeQuery writes the rows of query as a JSON array, one object a line.
func writeQuery(ctx context.Context, q Querier, path, query string, args ...any) (Output, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return Output{}, err
	}
	defer rows.Close()
	a, err := createArray(path)
	if err != nil {
		return Output{}, err
	}
	defer a.f.Close()
	if err := writeArray(a, rows); err != nil {
		return a.o, err
	}
	return a.close()
}

func writeArray(a *arrayFile, rows *sql.Rows) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	e := newRowEncoder(cols)
	var buf []byte
	for rows.Next() {
		if buf, err = e.appendRow(buf[:0], rows, cols); err != nil {
			return err
		}
		a.row(buf)
	}
	return rows.Err()
}

// arrayFile is a JSON output being written: an array, one object a line,
// hashed on its way.
type arrayFile struct {
	f *os.File
	h hash.Hash
	w *bufio.Writer
	o Output
}

func createArray(path string) (*arrayFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	a := &arrayFile{f: f, h: sha256.New()}
	a.w = bufio.NewWriterSize(io.MultiWriter(f, a.h), 1<<16)
	a.w.WriteString("[")
	return a, nil
}

// row appends one object.
func (a *arrayFile) row(obj []byte) {
	if a.o.Rows > 0 {
		a.w.WriteByte(',')
	}
	a.w.WriteByte('\n')
	a.w.Write(obj)
	a.o.Rows++
}

// close ends the array and the file and returns its rows and hash.
func (a *arrayFile) close() (Output, error) {
	if a.o.Rows > 0 {
		a.w.WriteString("\n")
	}
	a.w.WriteString("]\n")
	if err := a.w.Flush(); err != nil {
		a.f.Close()
		return a.o, err
	}
	if err := a.f.Close(); err != nil {
		return a.o, err
	}
	a.o.SHA256 = hex.EncodeToString(a.h.Sum(nil))
	return a.o, nil
}

// String renders a snapshot for logs.
func (s Snapshot) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "snapshot %s (%d outputs)", s.Name, len(s.Outputs))
	if s.Reused {
		b.WriteString(", identical to an existing one")
	}
	if len(s.Pruned) > 0 {
		fmt.Fprintf(&b, ", pruned %s", strings.Join(s.Pruned, " "))
	}
	if len(s.Repaired) > 0 {
		fmt.Fprintf(&b, ", %d damaged file(s) of the previous snapshot written afresh", len(s.Repaired))
	}
	return b.String()
}
