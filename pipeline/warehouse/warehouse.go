// Package warehouse is DuckDB, in-process, over the committed Parquet facts:
// read views for analysts (facts, facts_history, rejects, reports, files,
// units, indicators, disaggregations, population), and the refresh that runs
// the SQL models of sql/ into a DuckDB file under DIR/warehouse/, then the
// SQL data tests.
//
// Only Parquet whose batch has a manifest record with status "loaded" is
// visible: the manifest is the commit record (docs/design.md).
//
// The staging and intermediate tables are kept between refreshes, one
// (province, year) partition at a time, each partition keyed by the set of
// committed batches in it. A refresh rebuilds only the partitions whose batch
// set changed, then the marts, which are small. Changing the models or the
// reference data forces a full rebuild.
package warehouse

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	models "github.com/danvan/danvan/sql"
)

// Options configure the warehouse. Zero fields take the defaults of
// DefaultOptions.
type Options struct {
	Reference   *pipeline.Reference // nil: pipeline.DefaultReference()
	Models      fs.FS               // the .sql files at the root; nil: the embedded sql/
	MemoryLimit string              // DuckDB memory_limit, "600MB"
	// Threads is DuckDB's number of threads; 0 (the default): by the
	// store's size, 1 while it holds fewer than SmallStoreValues accepted
	// values, else 2 (see fitThreads).
	Threads      int
	DeadlineDays int // a report is on time until period end + this many days, 15
	// Calendar is the reporting calendar completeness is measured against;
	// nil: the data directory's reference/reporting_calendar.csv if it has
	// one, else the embedded one (pipeline.CalendarFor).
	Calendar *pipeline.Calendar
	// ReadOnly opens the database file read-only (for queries while no
	// refresh runs): no views are recreated and Refresh is refused.
	ReadOnly bool
	// Trace, if set, receives the duration of each step and statement of
	// Open and Refresh (danvan run logs them when DANVAN_TRACE is set).
	Trace func(what string, d time.Duration)
}

// DefaultOptions returns the options used when a field is left zero.
func DefaultOptions() Options {
	return Options{MemoryLimit: "600MB", DeadlineDays: 15}
}

func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.MemoryLimit == "" {
		o.MemoryLimit = d.MemoryLimit
	}
	if o.Threads < 0 {
		o.Threads = 0
	}
	if o.DeadlineDays == 0 {
		o.DeadlineDays = d.DeadlineDays
	}
	if o.Models == nil {
		o.Models = models.FS
	}
	if o.Reference == nil {
		ref, err := pipeline.DefaultReference()
		if err != nil {
			return o, fmt.Errorf("load reference: %w", err)
		}
		o.Reference = ref
	}
	return o, nil
}

// Warehouse is an open DuckDB database over one data directory.
type Warehouse struct {
	db      *sql.DB
	dir     string
	layout  layout.Dir
	opts    Options
	refHash string // every reference table
	// keptRefHash is the reference less martsOnlyReference: what the
	// setup models, the kept tables and their data tests read.
	keptRefHash string
	// viewFiles is the list of fact files the facts views were last built
	// over, so a refresh rebinds them only when it changed.
	viewFiles []factFile
	// filesKey is the SHA-256 of the rows this process last wrote into the
	// files table (loadManifest), "" for none.
	filesKey string
	rebuilt  []Rebuilt // repair.go
}

// dirOf is the absolute data directory.
func dirOf(dataDir string) (layout.Dir, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", dataDir, err)
	}
	return layout.Dir(dir), nil
}

// open is Open without the repair of a damaged file (repair.go).
func open(ctx context.Context, dataDir string, opts Options) (*Warehouse, error) {
	w, err := begin(ctx, dataDir, opts)
	if err != nil || w.opts.ReadOnly {
		return w, err
	}
	if err := w.finish(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// begin is the part of open that does not depend on the Parquet store:
// DuckDB's start and the reference tables (Start runs it while the ingest
// commits).
func begin(ctx context.Context, dataDir string, opts Options) (*Warehouse, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	d, err := dirOf(dataDir)
	if err != nil {
		return nil, err
	}
	dir := string(d)
	if opts.Calendar == nil && !opts.ReadOnly {
		if opts.Calendar, err = pipeline.CalendarFor(d); err != nil {
			return nil, fmt.Errorf("calendar of %s: %w", dataDir, err)
		}
	}
	path := d.DuckDB()
	tmp := d.DuckDBTmp()
	q := url.Values{}
	q.Set("threads", strconv.Itoa(max(opts.Threads, 1)))
	q.Set("memory_limit", opts.MemoryLimit)
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	q.Set("preserve_insertion_order", "false")
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("read-only: %w", err)
		}
		q.Set("access_mode", "READ_ONLY")
	} else {
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return nil, fmt.Errorf("temporary directory: %w", err)
		}
		q.Set("temp_directory", tmp)
	}
	conn, err := duckdb.NewConnector(path+"?"+q.Encode(), func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	w := &Warehouse{db: sql.OpenDB(conn), dir: dir, layout: d, opts: opts}
	if opts.ReadOnly {
		return w, nil
	}
	t0 := time.Now()
	// The first connection starts DuckDB (opens or creates the file).
	if err := w.loadReference(ctx); err != nil {
		w.db.Close()
		return nil, err
	}
	w.trace("load reference", time.Since(t0))
	return w, nil
}

// finish is the part of open that reads the store: the manifest, the
// views over the committed files and the models' tables, in one
// transaction. Each in its own, the opening committed three times (the
// files table, the two views), each commit a write and an fdatasync of the
// WAL; a crash before the one commit leaves the database as it was, and
// the next opening makes them all again. On an error the database is
// closed, so the fields set for what the transaction made (filesKey,
// viewFiles) are never seen without it. Its errors, as begin's, say what
// failed, not "open warehouse": the refresher names the stage.
func (w *Warehouse) finish(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			w.db.Close()
		}
	}()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin opening: %w", err)
	}
	defer tx.Rollback()
	for _, step := range []struct {
		what string
		do   func(context.Context, *sql.Tx) error
	}{
		{"load manifest", func(ctx context.Context, tx *sql.Tx) error { _, err := w.loadManifestIn(ctx, tx); return err }},
		{"build views", func(ctx context.Context, tx *sql.Tx) error { return w.buildViews(ctx, tx) }},
		{"set up models", w.setup},
	} {
		t0 := time.Now()
		if err := step.do(ctx, tx); err != nil {
			return err
		}
		w.trace(step.what, time.Since(t0))
	}
	t0 := time.Now()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit opening: %w", err)
	}
	w.trace("commit opening", time.Since(t0))
	return nil
}

// DB is the DuckDB connection pool; analysts' views and the marts live in it.
func (w *Warehouse) DB() *sql.DB { return w.db }

// Dir is the absolute data directory.
func (w *Warehouse) Dir() string { return w.dir }

// Close closes the database.
func (w *Warehouse) Close() error { return w.db.Close() }

// CloseForExit is Close for a process about to exit (a one-shot `danvan
// run`): a CHECKPOINT writes everything to the database file, as DuckDB's
// shutdown does first, and the rest of the shutdown, freeing what DuckDB
// allocated, is left to the exit. That rest was ~40-60 ms of CPU of the
// drop's run (docs/performance.md). The file is then what a process killed
// after the checkpoint leaves, which every open handles. A checkpoint that
// fails closes as Close does. The caller uses nothing of the warehouse
// afterwards and does not open its file again in this process: DuckDB
// hands the instance of a file still open to the next open of it.
func (w *Warehouse) CloseForExit() error {
	if w.opts.ReadOnly {
		return w.Close()
	}
	if _, err := w.db.ExecContext(context.Background(), "CHECKPOINT"); err != nil {
		return w.db.Close()
	}
	return nil
}

// loadReference (re)creates the reference tables from opts.Reference unless
// the warehouse already holds this very content (wh_reference records the
// hash of what was loaded, in the same transaction), and remembers the hash.
func (w *Warehouse) loadReference(ctx context.Context) error {
	ref := w.opts.Reference
	day := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Format("2006-01-02")
	}
	type table struct {
		name, columns string
		rows          [][]any
	}
	tables := []table{
		{name: "units", columns: `code VARCHAR, name VARCHAR, type VARCHAR, level VARCHAR,
			province_code VARCHAR, parent_code VARCHAR, valid_from DATE, valid_to DATE`},
		{name: "indicators", columns: `code VARCHAR, label_vi VARCHAR, label_en VARCHAR, unit VARCHAR,
			kind VARCHAR, "integer" BOOLEAN, dimension VARCHAR, max_of VARCHAR, unit_en VARCHAR`},
		{name: "disaggregations", columns: `dimension VARCHAR, code VARCHAR, label_vi VARCHAR, label_en VARCHAR`},
		{name: "population", columns: `unit_code VARCHAR, year INTEGER, population BIGINT, source VARCHAR`},
		{name: "refusal_fixes", columns: `code VARCHAR, fix_vi VARCHAR, fix_en VARCHAR`, rows: fixRows()},
		{name: "reporting_calendar", columns: `rule INTEGER, level VARCHAR, report VARCHAR, "from" VARCHAR, "until" VARCHAR,
			deadline_days INTEGER, label_vi VARCHAR, label_en VARCHAR`, rows: calendarRows(w.opts.Calendar)},
	}
	for _, u := range ref.Units {
		tables[0].rows = append(tables[0].rows, []any{u.Code, u.Name, u.Type, string(u.Level), u.ProvinceCode, u.ParentCode, day(u.From), day(u.To)})
	}
	for _, i := range ref.Indicators {
		tables[1].rows = append(tables[1].rows, []any{i.Code, i.LabelVI, i.LabelEN, i.Unit, i.Kind, i.Integer, i.Dimension, i.MaxOf, i.UnitEN})
	}
	for _, d := range ref.Disaggregations {
		tables[2].rows = append(tables[2].rows, []any{d.Dimension, d.Code, d.LabelVI, d.LabelEN})
	}
	for _, p := range ref.Population {
		tables[3].rows = append(tables[3].rows, []any{p.UnitCode, p.Year, p.Value, p.Source})
	}
	h, kept := sha256.New(), sha256.New()
	for _, t := range tables {
		for _, r := range t.rows {
			fmt.Fprintln(h, t.name, r)
			if !slices.Contains(martsOnlyReference, t.name) {
				fmt.Fprintln(kept, t.name, r)
			}
		}
	}
	w.refHash = hex.EncodeToString(h.Sum(nil))
	w.keptRefHash = hex.EncodeToString(kept.Sum(nil))

	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS wh_reference (hash VARCHAR)`); err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	var have string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(hash), '') FROM wh_reference`).Scan(&have); err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	if have == w.refHash {
		return nil
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE "+t.name+" ("+t.columns+")"); err != nil {
			return fmt.Errorf("load reference: %w", err)
		}
		if err := insertJSON(ctx, tx, t.name, t.columns, t.rows); err != nil {
			return fmt.Errorf("load reference table %s: %w", t.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM wh_reference`); err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO wh_reference VALUES (?)`, w.refHash); err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	return nil
}

// insertJSON inserts rows into table, whose columns are as in its CREATE
// TABLE ("code VARCHAR, \"integer\" BOOLEAN"), as one JSON text unnested by
// DuckDB: INSERTs of VALUES, 200 rows each, took 0.2-0.3 s of CPU for the
// reference's ~5,000 rows (DuckDB binds each row's expressions), most of
// the opening of a new warehouse; the files table (one row per file ever
// received) goes in the same way at every refresh.
func insertJSON(ctx context.Context, tx *sql.Tx, table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := rowsJSON(columns, rows)
	if err != nil {
		return err
	}
	return insertJSONText(ctx, tx, table, columns, b)
}

// rowsJSON is the JSON text insertJSON inserts: rows as objects keyed by
// the column names of columns.
func rowsJSON(columns string, rows [][]any) ([]byte, error) {
	var names []string
	for _, c := range strings.Split(columns, ",") {
		names = append(names, strings.Trim(strings.Fields(c)[0], `"`))
	}
	objs := make([]map[string]any, len(rows))
	for i, r := range rows {
		o := make(map[string]any, len(names))
		for j, n := range names {
			o[n] = r[j]
		}
		objs[i] = o
	}
	return json.Marshal(objs)
}

// insertJSONText inserts the rows of b (rowsJSON) into table.
func insertJSONText(ctx context.Context, tx *sql.Tx, table, columns string, b []byte) error {
	var names, shape []string
	for _, c := range strings.Split(columns, ",") {
		f := strings.Fields(c)
		names = append(names, strings.Trim(f[0], `"`))
		shape = append(shape, fmt.Sprintf("%q:%q", names[len(names)-1], strings.Join(f[1:], " ")))
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" BY NAME SELECT unnest(from_json(?::JSON, '[{"+
		strings.ReplaceAll(strings.Join(shape, ","), "'", "''")+"}]'), recursive := true)", string(b))
	return err
}

// readManifest reads every commit record, sorted by batch; each is parsed
// once a process (layout.ReadRecord: the store's repair and check read
// them too, and the opening and the refresh each load the manifest).
func (w *Warehouse) readManifest() ([]layout.Entry, error) {
	paths, err := layout.ManifestFiles(w.layout)
	if err != nil {
		return nil, err
	}
	out := make([]layout.Entry, 0, len(paths))
	for _, p := range paths {
		m, err := layout.ReadRecord(p)
		if err != nil {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Batch < out[j].Batch })
	return out, nil
}

// loadManifest replaces the files table with the manifest on disk, in a
// transaction of its own.
func (w *Warehouse) loadManifest(ctx context.Context) ([]layout.Entry, error) {
	return w.loadManifestIn(ctx, nil)
}

// loadManifestIn is loadManifest in the transaction in, which the caller
// commits; in nil: one of its own.
func (w *Warehouse) loadManifestIn(ctx context.Context, in *sql.Tx) ([]layout.Entry, error) {
	man, err := w.readManifest()
	if err != nil {
		return nil, err
	}
	if err := w.fitThreads(ctx, man); err != nil {
		return nil, err
	}
	const columns = `batch VARCHAR, source_file VARCHAR, status VARCHAR, rows_accepted BIGINT, rows_rejected BIGINT,
		ingested_at TIMESTAMP, code VARCHAR, reason VARCHAR, reason_en VARCHAR`
	rows := make([][]any, 0, len(man))
	for _, m := range man {
		var at any
		if !m.IngestedAt.IsZero() {
			at = m.IngestedAt.UTC().Format("2006-01-02 15:04:05.999999")
		}
		var code, reason, reasonEN any // a quarantined file's; older records have no code
		if m.Status == layout.Quarantined {
			reason, reasonEN = m.Reason, m.ReasonEN
			if m.Code != "" {
				code = m.Code
			}
		}
		rows = append(rows, []any{m.Batch, m.SourceFile, string(m.Status), m.RowsAccepted, m.RowsRejected, at, code, reason, reasonEN})
	}
	b, err := rowsJSON(columns, rows)
	if err != nil {
		return nil, fmt.Errorf("load manifest: %w", err)
	}
	// The opening loads the manifest and the refresh after it loads it
	// again: the table is made again only when its rows changed since
	// this process made it (the drop's refresh: a table of 451 rows and
	// its copy in the WAL, ~5-8 ms of CPU).
	sum := sha256.Sum256(b)
	key := hex.EncodeToString(sum[:])
	if key == w.filesKey {
		return man, nil
	}
	tx := in
	if tx == nil {
		if tx, err = w.db.BeginTx(ctx, nil); err != nil {
			return nil, fmt.Errorf("load manifest: %w", err)
		}
		defer tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE files (`+columns+`)`); err != nil {
		return nil, fmt.Errorf("load manifest: %w", err)
	}
	if len(rows) > 0 {
		if err := insertJSONText(ctx, tx, "files", columns, b); err != nil {
			return nil, fmt.Errorf("load manifest: %w", err)
		}
	}
	if in == nil {
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("load manifest: %w", err)
		}
	}
	w.filesKey = key
	return man, nil
}

// SmallStoreValues is the size of a store, in accepted values, below which
// the warehouse runs DuckDB on one thread. The models and the publication of
// a store that size are hundreds of statements over a few thousand rows
// each, where a second thread costs more CPU than it saves time: on the demo
// inbox (55,485 values) one thread did the refresh and publication with ~0.6 s
// less CPU, and no more wall time, than two. A store of millions of values
// (the 24M facts of the bench) keeps two.
const SmallStoreValues = 1_000_000

// fitThreads sets DuckDB's threads by the store's size, unless Options
// fixed them.
func (w *Warehouse) fitThreads(ctx context.Context, man []layout.Entry) error {
	if w.opts.Threads > 0 {
		return nil
	}
	var values int64
	for _, e := range man {
		values += e.RowsAccepted
	}
	threads := 2
	if values < SmallStoreValues {
		threads = 1
	}
	if _, err := w.db.ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, threads)); err != nil {
		return fmt.Errorf("set threads: %w", err)
	}
	return nil
}

// factFile is one committed Parquet part, or a batch's rows in a shared
// facts file (layout.SharedFactFile): then several have its Path.
type factFile struct {
	layout.Partition
	Batch      string
	Path       string
	IngestedAt time.Time // of the batch, as in its rows (microseconds)
	Size       int64     // bytes (a shared file's divided among its batches), for grouping partitions (groupSteps)
	Shared     bool      // Path is a shared file: only Batch's rows of it are the batch's
}

// committedFacts lists the facts of the loaded batches, sorted by path and
// batch: the facts files each commit record lists in its Files, or, for a
// record written before they were listed, the batch's files found in the
// partition folders.
func committedFacts(d layout.Dir, man []layout.Entry) ([]factFile, error) {
	unlisted := map[string]time.Time{} // loaded batches whose records list no files
	var out []factFile
	for _, m := range man {
		if m.Status != layout.Loaded {
			continue
		}
		if len(m.Files) == 0 {
			unlisted[m.Batch] = m.IngestedAt
			continue
		}
		for _, f := range m.Files {
			if !strings.HasPrefix(f.Path, "warehouse/facts/") {
				continue // the rejects
			}
			p := d.Abs(f.Path)
			part, name, err := layout.FactFilePartition(p)
			if err != nil {
				return nil, err
			}
			out = append(out, factFile{Partition: part, Batch: m.Batch, Path: p, IngestedAt: m.IngestedAt,
				Size: f.Size, Shared: name != m.Batch})
		}
	}
	if len(unlisted) > 0 {
		paths, err := filepath.Glob(d.FactFiles())
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			part, batch, err := layout.FactFilePartition(p)
			if err != nil {
				return nil, err
			}
			at, ok := unlisted[batch]
			if !ok {
				continue
			}
			f := factFile{Partition: part, Batch: batch, Path: p, IngestedAt: at}
			if fi, err := os.Stat(p); err == nil {
				f.Size = fi.Size()
			}
			out = append(out, f)
		}
	}
	sharers := map[string]int64{}
	for _, f := range out {
		if f.Shared {
			sharers[f.Path]++
		}
	}
	for i := range out {
		if n := sharers[out[i].Path]; n > 0 {
			out[i].Size /= n
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Batch < out[j].Batch
	})
	return out, nil
}

// factColumns casts every column to its layout type, so the views and the
// staging table agree whatever Arrow types the writer chose.
var (
	factColumns = layout.SQLCast(layout.FactColumns[:])
	emptyFacts  = layout.SQLEmpty(layout.FactColumns[:])
)

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// readFacts is a SELECT of the given facts with the facts columns. Every
// part is written by the store with one schema, so DuckDB reads the schema
// of the first file only (union_by_name would read every footer at each
// bind: seconds at 24M facts); a part of another schema fails loudly. The
// batches' own files are read in one list; a shared file is read for the
// rows of its batches among files only (batch IN (…)), since it may hold
// rows of batches whose records list it no longer.
func readFacts(files []factFile) string {
	if len(files) == 0 {
		return emptyFacts
	}
	var own []string
	shared := map[string][]string{}
	var sharedOrder []string
	for _, f := range files {
		if !f.Shared {
			own = append(own, sqlString(f.Path))
			continue
		}
		if shared[f.Path] == nil {
			sharedOrder = append(sharedOrder, f.Path)
		}
		shared[f.Path] = append(shared[f.Path], f.Batch)
	}
	var q []string
	if len(own) > 0 {
		q = append(q, "SELECT "+factColumns+" FROM read_parquet(["+strings.Join(own, ", ")+
			"], union_by_name = false, hive_partitioning = false)")
	}
	for _, p := range sharedOrder {
		q = append(q, "SELECT "+factColumns+" FROM read_parquet("+sqlString(p)+
			", union_by_name = false, hive_partitioning = false) WHERE batch IN (SELECT unnest("+batchList(shared[p])+"))")
	}
	return strings.Join(q, " UNION ALL ")
}

// viewFacts is readFacts for the facts_raw view, which every query of the
// facts binds again (its SQL is parsed when the view is made, bound at each
// use): the shared files are read in one read_parquet, a row kept when its
// file and batch are a pair the records list (filename || '/' || batch: a
// batch holds no '/'), instead of one SELECT of the facts columns per
// shared file, whose footer DuckDB opened at every bind. The demo's history
// with the drop's forms (25 shared files, 438 of their batches): the view
// made in ~1/5 of the time, a count over it in ~1/4 (docs/performance.md).
// The models read readFacts, which keeps a group's few files apart.
func viewFacts(files []factFile) string {
	var own, shared, pairs []string
	seen := map[string]bool{}
	for _, f := range files {
		if !f.Shared {
			own = append(own, sqlString(f.Path))
			continue
		}
		if !seen[f.Path] {
			seen[f.Path] = true
			shared = append(shared, sqlString(f.Path))
		}
		pairs = append(pairs, sqlString(f.Path+"/"+f.Batch))
	}
	var q []string
	if len(own) > 0 {
		q = append(q, "SELECT "+factColumns+" FROM read_parquet(["+strings.Join(own, ", ")+
			"], union_by_name = false, hive_partitioning = false)")
	}
	if len(shared) > 0 {
		q = append(q, "SELECT "+factColumns+" FROM read_parquet(["+strings.Join(shared, ", ")+
			"], union_by_name = false, hive_partitioning = false, filename = true) WHERE filename || '/' || batch IN ("+
			strings.Join(pairs, ", ")+")")
	}
	if len(q) == 0 {
		return emptyFacts
	}
	return strings.Join(q, " UNION ALL ")
}

// readPartitionFacts is readFacts of one partition's parts plus
// batch_version, a number that orders the batches as (ingested_at, batch)
// does, so staging finds the latest value of a key with max(batch_version)
// and arg_max(seq, batch_version) instead of comparing structs that hold
// the 64-character batch: about 40% less time for the largest model. The
// stamp alone is that number unless two batches share one; then the batch
// breaks the tie.
func readPartitionFacts(files []factFile) string {
	return "SELECT *, " + batchVersion(files) + " AS batch_version FROM (" + readFacts(files) + ")"
}

// batchVersion is the expression of batch_version over the rows of files:
// it orders their batches as fact_version (sql/005_macros.sql) does.
//
// When batches share a stamp (every file of a run whose clock is pinned,
// DANVAN_NOW, gets the same one), the batch breaks the tie. The number is
// then the stamp times 2^60 plus the batch's first 15 hex digits read as a
// number (a HUGEINT: a stamp of microseconds is below 2^52), which orders
// the tied batches as their names do whenever those 15 digits differ
// between them, as they do but for a chance of about n²/2^61 among n tied
// batches. Where they do not, a CASE numbers the tied batches one by one,
// as before: exact, but a branch per batch for every row (365 forms of one
// run, 13,104 values: 56-144 ms against 6-12 ms for the prefix, DuckDB on
// one thread).
func batchVersion(files []factFile) string {
	tied := map[int64][]string{}
	for _, f := range files {
		at := f.IngestedAt.UnixMicro()
		if !slices.Contains(tied[at], f.Batch) {
			tied[at] = append(tied[at], f.Batch)
		}
	}
	var when []string
	k := 1
	prefix := true
	for _, batches := range tied {
		sort.Strings(batches)
		k = max(k, len(batches))
		for i, b := range batches {
			if !isHexPrefix(b) || (i > 0 && batches[i-1][:batchPrefix] == b[:batchPrefix]) {
				prefix = false
			}
		}
		for i, b := range batches[1:] {
			when = append(when, fmt.Sprintf("WHEN %s THEN %d", sqlString(b), i+1))
		}
	}
	if len(when) == 0 {
		return "epoch_us(ingested_at)"
	}
	if prefix {
		return fmt.Sprintf("epoch_us(ingested_at)::HUGEINT * %d + ('0x' || batch[1:%d])::BIGINT", int64(1)<<(4*batchPrefix), batchPrefix)
	}
	sort.Strings(when) // deterministic SQL text
	return fmt.Sprintf("epoch_us(ingested_at)::HUGEINT * %d + CASE batch %s ELSE 0 END", k, strings.Join(when, " "))
}

// batchPrefix is how many of a batch's first hex digits batchVersion reads
// as a number: 60 bits, below BIGINT's sign.
const batchPrefix = 15

// isHexPrefix reports whether b starts with batchPrefix lower-case hex
// digits, whose order as text is their order as a number.
func isHexPrefix(b string) bool {
	if len(b) < batchPrefix {
		return false
	}
	for i := 0; i < batchPrefix; i++ {
		if c := b[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// buildViews (re)creates the views over the committed Parquet on ex:
// facts_raw, every fact, and rejects.
func (w *Warehouse) buildViews(ctx context.Context, ex execer) error {
	man, err := w.readManifest()
	if err != nil {
		return err
	}
	files, err := committedFacts(w.layout, man)
	if err != nil {
		return err
	}
	if err := w.verifyViews(man, files); err != nil {
		return err
	}
	var rejects []string
	for _, m := range man {
		p := w.layout.RejectsFile(m.Batch)
		if _, err := os.Stat(p); m.Status == layout.Loaded && err == nil {
			rejects = append(rejects, sqlString(p))
		}
	}
	rejectsSQL := layout.SQLEmpty(layout.RejectColumns)
	if len(rejects) > 0 {
		// By name under a typed empty relation, so the columns a newer
		// version added read as NULL in the files written before them.
		rejectsSQL = "SELECT " + layout.SQLCast(layout.RejectColumns) + " FROM (" + layout.SQLEmpty(layout.RejectColumns) +
			" UNION ALL BY NAME SELECT * FROM read_parquet([" + strings.Join(rejects, ", ") + "], union_by_name = true))"
	}
	stmts := []string{
		"CREATE OR REPLACE VIEW facts_raw AS " + viewFacts(files),
		"CREATE OR REPLACE VIEW rejects AS " + rejectsSQL,
	}
	for _, s := range stmts {
		if _, err := ex.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create warehouse views: %w", err)
		}
	}
	w.viewFiles = files
	return nil
}

// setup runs the setup models (0xx: the macros, the kept tables, the
// reporting units), which the views of the models need, unless the
// warehouse holds what they made from these very models and reference
// (wh_setup, written after them). Run at every opening, they replaced the
// macros and rewrote reporting_units each time (~40 ms of CPU, and the
// closing checkpoint wrote them again), for the same result.
func (w *Warehouse) setup(ctx context.Context, tx *sql.Tx) error {
	ms, err := loadModels(w.opts.Models)
	if err != nil {
		return fmt.Errorf("set up models: %w", err)
	}
	key := w.setupKey(ms)
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS wh_setup (key VARCHAR)`); err != nil {
		return fmt.Errorf("set up models: %w", err)
	}
	var have string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(key), '') FROM wh_setup`).Scan(&have); err != nil {
		return fmt.Errorf("set up models: %w", err)
	}
	if have == key {
		return nil
	}
	return w.runSetup(ctx, tx, ms)
}

// runSetup runs the setup models on ex and records their key last.
func (w *Warehouse) runSetup(ctx context.Context, ex execer, ms []modelFile) error {
	for _, m := range ms {
		if m.Phase < 100 {
			if err := w.exec(ctx, ex, "model "+m.Name, m.SQL); err != nil {
				return fmt.Errorf("set up models: %w", err)
			}
		}
	}
	for _, v := range factViews {
		if err := w.exec(ctx, ex, "build views", v); err != nil {
			return fmt.Errorf("create warehouse views: %w", err)
		}
	}
	if _, err := ex.ExecContext(ctx, `CREATE OR REPLACE TABLE wh_setup AS SELECT ?::VARCHAR AS key`, w.setupKey(ms)); err != nil {
		return fmt.Errorf("set up models: %w", err)
	}
	return nil
}

// setupKey names what the setup models and the facts views make: the
// models themselves, the views, the reference the models read (refHash)
// and stateVersion.
func (w *Warehouse) setupKey(ms []modelFile) string {
	h := sha256.New()
	for _, v := range factViews {
		fmt.Fprintf(h, "%d\x00%s\x00", len(v), v)
	}
	return w.modelsKey(ms, 100) + "/" + hex.EncodeToString(h.Sum(nil))
}

// factViews are the views of the facts that use the models' rules, made
// with the setup models (runSetup): facts_history marks what a later value
// superseded (fact_version), facts is the rest. They read facts_raw by
// name, whatever files it is rebuilt over.
var factViews = []string{
	`CREATE OR REPLACE VIEW facts_history AS SELECT *, row_number() OVER (
			PARTITION BY unit_code, period, indicator, disaggregation
			ORDER BY fact_version(ingested_at, batch, seq) DESC) > 1 AS superseded FROM facts_raw`,
	`CREATE OR REPLACE VIEW facts AS SELECT * EXCLUDE (superseded) FROM facts_history WHERE NOT superseded`,
}

// modelFile is one SQL file of the models directory.
type modelFile struct {
	Name  string // file name without .sql
	Phase int    // the leading number
	SQL   string
}

func loadModels(fsys fs.FS) ([]modelFile, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []modelFile
	for _, n := range names {
		num, _, ok := strings.Cut(n, "_")
		p, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("model %s: name must start with a number and an underscore", n)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read model %s: %w", n, err)
		}
		out = append(out, modelFile{strings.TrimSuffix(n, ".sql"), p, string(b)})
	}
	if len(out) == 0 {
		return nil, errors.New("no SQL models found")
	}
	return out, nil
}

// modelsKey names what the models of phases below phase make of the
// reference: the models, the reference and stateVersion. The kept tables
// (wh_state), the kept marts (wh_marts) and the setup (wh_setup) are each
// keyed by it. Below the marts (phase 200) the reference is the one those
// models and the data tests over their tables read (keptRefHash): a new
// refusal code's fix text, or another reporting calendar, would otherwise
// rebuild the staging of every stored file once.
func (w *Warehouse) modelsKey(ms []modelFile, phase int) string {
	ref := w.refHash
	if phase <= 200 {
		ref = w.keptRefHash
	}
	return stateVersion + "/" + hashModels(ms, func(m modelFile) bool { return m.Phase < phase }) + "/" + ref
}

// martsOnlyReference are the reference tables only the marts read (sql/2xx),
// left out of the key of the kept tables (modelsKey). The export keys its
// copies of the reference tables by wh_reference, the whole reference.
// TestMartsOnlyReference checks that no setup model, staging or int_
// model, data test or mart_sources (whose per-partition files the export
// keys by the state key) names them.
var martsOnlyReference = []string{"refusal_fixes", "reporting_calendar"}

func hashModels(ms []modelFile, keep func(modelFile) bool) string {
	h := sha256.New()
	for _, m := range ms {
		if keep(m) {
			fmt.Fprintf(h, "%s\x00%d\x00%s\x00", m.Name, len(m.SQL), m.SQL)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
