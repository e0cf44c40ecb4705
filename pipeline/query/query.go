// Package query is the analysts' SQL over a published snapshot, in a
// sandbox: `danvan query`, `danvan tables` and POST /api/sql use it.
//
// The sandbox is an in-memory DuckDB whose views read the Parquet tables of
// one snapshot (DIR/exports/snapshots/<run-id>/tables/, written by export).
// It never opens DIR/warehouse/warehouse.duckdb, so it holds no lock the
// nightly refresh could trip over, and a session sees one snapshot from
// start to end (exports/current is resolved once, at Open).
//
// Defence in depth, each layer enough on its own for what it guards:
//
//   - DuckDB configuration, set before anything else and then locked
//     (lock_configuration): no external access except the snapshot's tables
//     directory (enable_external_access=false, allowed_directories), so no
//     COPY TO, ATTACH of a file, INSTALL/LOAD, read_csv('/etc/passwd'),
//     glob('/**') or getenv; no extension autoloading; memory_limit, threads,
//     no spilling to disk (max_temp_directory_size 0).
//   - Statement check: the text is parsed by DuckDB (prepare, which binds but
//     does not run) and must be exactly one statement of type SELECT
//     (DESCRIBE, SUMMARIZE, SHOW, PIVOT and FROM-first are SELECTs); SET,
//     PRAGMA, CALL, ATTACH, CREATE, COPY, EXPORT, several statements, ... are
//     refused with the statement type in the message.
//   - Limits per query: rows (the query is wrapped in a LIMIT, so DuckDB
//     stops early), bytes of the result, and time (the context's deadline
//     interrupts DuckDB).
//   - A process per query (Runner, worker.go): analysts' queries run in a
//     child process of the binary under the kernel's limits on memory and
//     CPU time, killed past the wall clock, behind a fair queue, so no
//     query can take the server's memory or starve the others.
package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/danvan/danvan/pipeline/layout"
	models "github.com/danvan/danvan/sql"
)

// Options configure a sandbox. Zero fields take the defaults.
type Options struct {
	MemoryLimit string // DuckDB memory_limit for all queries of the sandbox together; "512MB"
	Threads     int    // DuckDB threads; 2
	MaxConns    int    // queries running at once; 4
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options { return Options{MemoryLimit: "512MB", Threads: 2, MaxConns: 4} }

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MemoryLimit == "" {
		o.MemoryLimit = d.MemoryLimit
	}
	if o.Threads <= 0 {
		o.Threads = d.Threads
	}
	if o.MaxConns <= 0 {
		o.MaxConns = d.MaxConns
	}
	return o
}

// Limits bound one query. Zero fields take the defaults. CPU and Memory
// bound the query's own process, so they hold for queries run by a Runner;
// DB.Run in the caller's process has DuckDB's memory_limit only.
type Limits struct {
	MaxRows  int           // rows returned; more are cut and Result.Truncated set; 10,000
	MaxBytes int64         // approximate size of the result in memory; 64 MiB
	Timeout  time.Duration // wall clock; 30s
	CPU      time.Duration // CPU time of the query's process (RLIMIT_CPU); 30s
	Memory   int64         // memory of the query's process (RLIMIT_DATA); 1 GiB
}

// MinMemory is the least Limits.Memory a worker can start with: Go's
// runtime, DuckDB 2.0 and their threads commit about 230 MiB before a
// query runs (VmData, measured on Linux with two DuckDB threads); at 200
// MiB workers crash at random places. A Runner raises a smaller limit to
// it.
const MinMemory = 384 << 20

// DefaultLimits returns the defaults.
func DefaultLimits() Limits {
	return Limits{MaxRows: 10000, MaxBytes: 64 << 20, Timeout: 30 * time.Second, CPU: 30 * time.Second, Memory: 1 << 30}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.CPU <= 0 {
		l.CPU = d.CPU
	}
	if l.Memory <= 0 {
		l.Memory = d.Memory
	}
	return l
}

// Error codes of *Error.
const (
	CodeRefused  = "refused"  // the sandbox does not allow it
	CodeInvalid  = "invalid"  // the SQL is wrong (syntax, unknown table, ...)
	CodeTimeout  = "timeout"  // the query ran longer than Limits.Timeout
	CodeLimit    = "limit"    // the query needed more memory, or its result more bytes, than allowed
	CodeBusy     = "busy"     // no room for the query now; Error.RetryAfter says when to try again
	CodeInternal = "internal" // the query could not be run for a reason not the analyst's
)

// Error is a query the sandbox refused or could not run. Msg is for the
// analyst, Vietnamese first.
type Error struct {
	Code       string
	Msg        string
	Err        error         // DuckDB's error, if any
	RetryAfter time.Duration // CodeBusy: when a query could find room at the latest
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func refused(format string, args ...any) *Error {
	return &Error{Code: CodeRefused, Msg: fmt.Sprintf(format, args...)}
}

// DB is a sandbox over one published snapshot.
type DB struct {
	db       *sql.DB
	snapshot string // snapshot directory (resolved)
	runID    string
	tables   []string // views, sorted
	opts     Options
	memory   string // the memory limit as messages name it
}

// Open opens a sandbox over the snapshot DIR/exports/current points to now.
func Open(ctx context.Context, dataDir string, opts Options) (*DB, error) {
	dir, err := layout.Dir(dataDir).CurrentSnapshot()
	if err != nil {
		return nil, fmt.Errorf("open query sandbox: no published snapshot in %s (run a refresh first): %w", dataDir, err)
	}
	return OpenSnapshot(ctx, dir, opts)
}

// OpenSnapshot opens a sandbox over one snapshot directory.
func OpenSnapshot(ctx context.Context, snapDir string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	dir, err := filepath.EvalSymlinks(snapDir)
	if err != nil {
		return nil, fmt.Errorf("open query sandbox: %w", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open query sandbox: %w", err)
	}
	ix, err := layout.ReadTableIndex(dir)
	if err != nil {
		return nil, fmt.Errorf("open query sandbox: snapshot %s has no tables (published by an older version? run a refresh): %w", filepath.Base(dir), err)
	}
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	conn, err := duckdb.NewConnector("?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("open query sandbox: %w", err)
	}
	d := &DB{db: sql.OpenDB(conn), snapshot: dir, runID: filepath.Base(dir), opts: opts, memory: opts.MemoryLimit}
	d.db.SetMaxOpenConns(opts.MaxConns)
	d.db.SetMaxIdleConns(opts.MaxConns)
	if err := d.setup(ctx, ix); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("open query sandbox over %s: %w", filepath.Base(dir), err)
	}
	return d, nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// setup creates the views, then closes the sandbox: the order matters, as
// some settings cannot be changed once external access is off, and none
// once the configuration is locked.
func (d *DB) setup(ctx context.Context, ix layout.TableIndex) error {
	tablesDir := filepath.Join(d.snapshot, layout.TablesDir)
	var stmts []string
	for _, t := range ix.Tables {
		files := make([]string, len(t.Files))
		for i, f := range t.Files {
			files[i] = sqlString(filepath.Join(tablesDir, filepath.FromSlash(f.Path)))
		}
		stmts = append(stmts, fmt.Sprintf(`CREATE VIEW %s AS SELECT * FROM read_parquet([%s], hive_partitioning = false)`,
			quoteIdent(t.Name), strings.Join(files, ", ")))
		d.tables = append(d.tables, t.Name)
	}
	have := map[string]bool{}
	for _, t := range d.tables {
		have[t] = true
	}
	if have["stg_facts"] {
		stmts = append(stmts, `CREATE VIEW facts AS SELECT * FROM stg_facts`)
		d.tables = append(d.tables, "facts")
	}
	if have["stg_facts"] && have["int_unit_period"] && have["int_unit_year"] {
		// The same view the warehouse has, from the same model file.
		m, err := models.FS.ReadFile("230_mart_sources.sql")
		if err != nil {
			return err
		}
		stmts = append(stmts, string(m))
		d.tables = append(d.tables, "mart_sources")
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	exec := func(stmts []string) error {
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%.60s: %w", s, err)
			}
		}
		return nil
	}
	if err := exec(stmts); err != nil {
		return err
	}
	cols := map[string]map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		if cols[t] == nil {
			cols[t] = map[string]bool{}
		}
		cols[t][c] = true
	}
	rows.Close()
	if err := exec(d.comments(cols)); err != nil {
		return err
	}
	sort.Strings(d.tables)
	return exec([]string{
		`SET GLOBAL TimeZone = 'UTC'`,
		`SET preserve_insertion_order = true`,
		`SET max_temp_directory_size = '0B'`,
		// No temporary directory at all: DuckDB adds the one it has (.tmp
		// under the working directory by default) to the directories
		// SQL may read.
		`SET temp_directory = ''`,
		`SET memory_limit = ` + sqlString(d.opts.MemoryLimit),
		`SET threads = ` + strconv.Itoa(d.opts.Threads),
		`SET allow_community_extensions = false`,
		`SET allowed_directories = [` + sqlString(tablesDir+string(filepath.Separator)) + `]`,
		`SET enable_external_access = false`,
		`SET lock_configuration = true`,
	})
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Snapshot is the snapshot directory the sandbox reads.
func (d *DB) Snapshot() string { return d.snapshot }

// RunID is the name of the snapshot the sandbox reads.
func (d *DB) RunID() string { return d.runID }

// Close closes the sandbox.
func (d *DB) Close() error { return d.db.Close() }

// Column is one column of a result.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // DuckDB type name: VARCHAR, DOUBLE, DATE, ...
}

// Result is the answer to a query, held in memory (bounded by Limits).
type Result struct {
	Columns   []Column
	Rows      [][]any // Go values from the DuckDB driver: nil, bool, intN, float64, string, time.Time, []any, map[string]any, ...
	Truncated bool    // more rows than Limits.MaxRows; Rows holds the first MaxRows
	Snapshot  string  // run id of the snapshot read
	Elapsed   time.Duration
}

// Run runs one read-only query within the limits.
func (d *DB) Run(ctx context.Context, query string, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	start := time.Now()
	if err := checkUTF8(query); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(query)
	if text == "" {
		return nil, &Error{Code: CodeInvalid, Msg: "câu truy vấn trống / empty query"}
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, d.classify(ctx, err, lim)
	}
	defer conn.Close()
	res := &Result{Snapshot: d.runID}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		if err := parseCheck(ctx, c, text); err != nil {
			return err
		}
		if err := checkStatement(c, text); err != nil {
			return err
		}
		// LIMIT outside, so DuckDB stops after MaxRows+1 rows instead of
		// materialising a result the caller would throw away. The newline
		// ends a trailing line comment. If the wrapped text does not parse
		// (a trailing semicolon and comment, say), run it as it is: memory
		// still bounds it.
		body := strings.TrimRight(text, "; \t\r\n")
		run := fmt.Sprintf("SELECT * FROM (\n%s\n) AS q LIMIT %d", body, lim.MaxRows+1)
		st, err := prepareSelect(c, run)
		if err != nil {
			if st, err = prepareSelect(c, text); err != nil {
				return err
			}
		}
		defer st.Close()
		return collect(ctx, st, res, lim)
	})
	if err != nil {
		return nil, d.classify(ctx, err, lim)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// checkUTF8 refuses text that is not UTF-8, naming the first bad byte:
// DuckDB's own error for it has an empty message.
func checkUTF8(text string) error {
	if utf8.ValidString(text) {
		return nil
	}
	at := 0
	for at < len(text) {
		r, n := utf8.DecodeRuneInString(text[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	return &Error{Code: CodeInvalid, Msg: fmt.Sprintf(
		"câu truy vấn không phải văn bản UTF-8 hợp lệ (byte 0x%02x ở byte thứ %d); hãy lưu câu truy vấn dưới dạng UTF-8 / "+
			"the query is not valid UTF-8 (byte 0x%02x at byte %d): save it as UTF-8", text[at], at+1, text[at], at+1)}
}

// parseCheck parses text with DuckDB's parser alone (json_serialize_sql,
// which neither binds nor runs, and serialises SELECT statements only), so a
// write is refused as such before any table or file is looked at.
func parseCheck(ctx context.Context, c *duckdb.Conn, text string) error {
	st, err := c.Prepare(`SELECT json_serialize_sql(?::VARCHAR)`)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.(*duckdb.Stmt).QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: text}})
	if err != nil {
		return err
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return err
	}
	var out struct {
		Error      bool              `json:"error"`
		Type       string            `json:"error_type"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	var raw []byte
	switch x := v[0].(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	default: // the driver decodes the JSON type itself
		if raw, err = json.Marshal(x); err != nil {
			return fmt.Errorf("parse query: %w", err)
		}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("parse query: %w", err)
	}
	switch {
	case out.Error && strings.Contains(out.Message, "Only SELECT"):
		// Several statements, one of them not a SELECT? Prepare (not
		// PrepareContext) refuses several statements before binding any.
		if st, err := c.Prepare(text); err != nil && strings.Contains(err.Error(), "multi-statement") {
			return refused("chỉ được một câu lệnh mỗi lần / only one statement per query is allowed (found several separated by ';')")
		} else if err == nil {
			st.Close()
		}
		return refused("chỉ cho phép câu lệnh SELECT (chỉ đọc) / only read-only SELECT statements are allowed, this is a %s statement", firstWord(text))
	case out.Error && notAQuery[firstWord(text)]:
		// A statement the sandbox refuses whatever its form, in a form
		// DuckDB's parser does not know (RESET ALL since DuckDB 2.0): say
		// that it is refused, not where its syntax went wrong.
		return refused("chỉ cho phép câu lệnh SELECT (chỉ đọc) / only read-only SELECT statements are allowed, this is a %s statement", firstWord(text))
	case out.Error:
		return &Error{Code: CodeInvalid, Msg: "lỗi cú pháp / syntax error: " + out.Message}
	case len(out.Statements) > 1:
		return refused("chỉ được một câu lệnh mỗi lần / only one statement per query is allowed (found %d separated by ';')", len(out.Statements))
	case len(out.Statements) == 0:
		return &Error{Code: CodeInvalid, Msg: "câu truy vấn trống / empty query"}
	}
	return nil
}

// firstWord names a statement for a message: its first keyword, after
// the comments and parentheses that may come before it.
func firstWord(text string) string {
	f := strings.Fields(skipComments(text))
	if len(f) == 0 {
		return "non-SELECT"
	}
	w, _, _ := strings.Cut(f[0], ";")
	if w, _, _ = strings.Cut(w, "/*"); w == "" {
		return "non-SELECT"
	}
	w, _, _ = strings.Cut(w, "--")
	w = strings.ToUpper(w)
	if len(w) > 20 {
		w = w[:20]
	}
	return w
}

// skipComments returns text from its first token: past white space,
// opening parentheses, -- line comments and /* block comments */, which
// nest in DuckDB's (PostgreSQL's) grammar. An unterminated block comment
// leaves nothing.
func skipComments(text string) string {
	for {
		text = strings.TrimLeft(text, " \t\r\n\f\v(")
		switch {
		case strings.HasPrefix(text, "--"):
			_, rest, ok := strings.Cut(text, "\n")
			if !ok {
				return ""
			}
			text = rest
		case strings.HasPrefix(text, "/*"):
			depth, i := 0, 0
			for i < len(text) {
				switch {
				case strings.HasPrefix(text[i:], "/*"):
					depth++
					i += 2
				case strings.HasPrefix(text[i:], "*/"):
					depth--
					i += 2
				default:
					i++
					continue
				}
				if depth == 0 {
					break
				}
			}
			if depth > 0 {
				return ""
			}
			text = text[i:]
		default:
			return text
		}
	}
}

// checkStatement parses text with DuckDB and refuses anything but exactly
// one SELECT. Prepare (not PrepareContext, which would run all statements
// but the last) binds without running.
func checkStatement(c *duckdb.Conn, text string) error {
	st, err := c.Prepare(text)
	if err != nil {
		if strings.Contains(err.Error(), "multi-statement") {
			return refused("chỉ được một câu lệnh mỗi lần / only one statement per query is allowed (found several separated by ';')")
		}
		return err
	}
	defer st.Close()
	typ, err := st.(*duckdb.Stmt).StatementType()
	if err != nil {
		return err
	}
	if typ != duckdb.STATEMENT_TYPE_SELECT {
		return refused("chỉ cho phép câu lệnh SELECT (chỉ đọc) / only read-only SELECT statements are allowed, this is a %s statement", stmtName(typ))
	}
	return nil
}

func prepareSelect(c *duckdb.Conn, text string) (*duckdb.Stmt, error) {
	st, err := c.Prepare(text)
	if err != nil {
		return nil, err
	}
	s := st.(*duckdb.Stmt)
	if typ, err := s.StatementType(); err != nil || typ != duckdb.STATEMENT_TYPE_SELECT {
		s.Close()
		return nil, refused("chỉ cho phép câu lệnh SELECT / only SELECT statements are allowed")
	}
	return s, nil
}

func collect(ctx context.Context, st *duckdb.Stmt, res *Result, lim Limits) error {
	rows, err := st.QueryContext(ctx, nil)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := rows.Columns()
	res.Columns = make([]Column, len(names))
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		res.Columns[i].Name = n
		if typed != nil {
			res.Columns[i].Type = typed.ColumnTypeDatabaseTypeName(i)
		}
	}
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := make([]driver.Value, len(names))
		if err := rows.Next(row); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		if len(res.Rows) == lim.MaxRows {
			res.Truncated = true
			break
		}
		out := make([]any, len(row))
		for i, v := range row {
			out[i] = v
			size += valueSize(v)
		}
		if size > lim.MaxBytes {
			return &Error{Code: CodeLimit, Msg: fmt.Sprintf(
				"kết quả quá lớn (hơn %d MiB) / result larger than %d MiB: select fewer columns or rows, or aggregate",
				lim.MaxBytes>>20, lim.MaxBytes>>20)}
		}
		res.Rows = append(res.Rows, out)
	}
	return nil
}

// valueSize approximates the memory a value holds.
func valueSize(v any) int64 {
	switch x := v.(type) {
	case string:
		return int64(len(x)) + 16
	case []byte:
		return int64(len(x)) + 24
	case []any:
		n := int64(24)
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case map[string]any:
		n := int64(48)
		for k, e := range x {
			n += int64(len(k)) + valueSize(e)
		}
		return n
	}
	return 16
}

// classify turns an error into an *Error with a message for the analyst.
func (d *DB) classify(ctx context.Context, err error, lim Limits) error {
	var qe *Error
	if errors.As(err, &qe) {
		return qe
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		e := timeLimit(lim.Timeout)
		e.Err = err
		return e
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeTimeout, Err: err, Msg: "truy vấn đã bị huỷ / query cancelled"}
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		switch de.Type {
		case duckdb.ErrorTypePermission:
			return &Error{Code: CodeRefused, Err: err, Msg: "không được phép truy cập tệp, mạng hay tiện ích ngoài kho dữ liệu / " +
				"access outside the published tables is not allowed: " + firstLine(de.Msg)}
		case duckdb.ErrorTypeOutOfMemory:
			e := memoryLimit(d.memory)
			e.Err = err
			return e
		case duckdb.ErrorTypeInterrupt:
			e := timeLimit(lim.Timeout)
			e.Err = err
			return e
		case duckdb.ErrorTypeInvalidInput:
			if strings.Contains(de.Msg, "configuration has been locked") {
				return &Error{Code: CodeRefused, Err: err, Msg: "không được đổi cấu hình / settings cannot be changed: " + firstLine(de.Msg)}
			}
		}
		if strings.TrimSpace(de.Msg) == "" {
			return &Error{Code: CodeInvalid, Err: err, Msg: "DuckDB không chạy được câu truy vấn và không nói lý do / DuckDB could not run the query and gave no reason"}
		}
		return &Error{Code: CodeInvalid, Err: err, Msg: "lỗi SQL / SQL error: " + de.Msg}
	}
	return &Error{Code: CodeInvalid, Err: err, Msg: "lỗi truy vấn / query error: " + err.Error()}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func stmtName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_INSERT:
		return "INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "DELETE"
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		return "EXPLAIN"
	case duckdb.STATEMENT_TYPE_PREPARE:
		return "PREPARE"
	case duckdb.STATEMENT_TYPE_EXECUTE:
		return "EXECUTE"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "CREATE"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "ALTER"
	case duckdb.STATEMENT_TYPE_DROP:
		return "DROP"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "transaction (BEGIN/COMMIT)"
	case duckdb.STATEMENT_TYPE_COPY:
		return "COPY"
	case duckdb.STATEMENT_TYPE_ANALYZE:
		return "ANALYZE"
	case duckdb.STATEMENT_TYPE_VARIABLE_SET, duckdb.STATEMENT_TYPE_SET:
		return "SET/RESET"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "EXPORT/IMPORT DATABASE"
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return "PRAGMA"
	case duckdb.STATEMENT_TYPE_VACUUM:
		return "VACUUM/CHECKPOINT"
	case duckdb.STATEMENT_TYPE_CALL:
		return "CALL"
	case duckdb.STATEMENT_TYPE_LOAD:
		return "INSTALL/LOAD"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "DETACH"
	case duckdb.STATEMENT_TYPE_MULTI:
		return "multi-statement"
	}
	return "non-SELECT (type " + strconv.Itoa(int(t)) + ")"
}

// notAQuery holds the first keywords of DuckDB's statements that never
// read-only query: parseCheck refuses such a statement as what it is even
// when DuckDB cannot parse it.
var notAQuery = map[string]bool{
	"ABORT": true, "ALTER": true, "ANALYZE": true, "ATTACH": true, "BEGIN": true, "CALL": true,
	"CHECKPOINT": true, "COMMENT": true, "COMMIT": true, "COPY": true, "CREATE": true, "DEALLOCATE": true,
	"DELETE": true, "DETACH": true, "DROP": true, "END": true, "EXECUTE": true, "EXPORT": true,
	"FORCE": true, "IMPORT": true, "INSERT": true, "INSTALL": true, "LOAD": true, "MERGE": true,
	"PRAGMA": true, "PREPARE": true, "RESET": true, "ROLLBACK": true, "SET": true, "START": true,
	"TRUNCATE": true, "UPDATE": true, "USE": true, "VACUUM": true,
}

// CurrentSnapshot resolves DIR/exports/current to the snapshot directory's
// real path, for Runner.Run.
func CurrentSnapshot(dataDir string) (string, error) {
	dir, err := layout.Dir(dataDir).CurrentSnapshot()
	if err != nil {
		return "", err
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return "", err
	}
	return filepath.Abs(dir)
}
