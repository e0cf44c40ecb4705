package query

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

var ctx = context.Background()

func at(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }

// Three provinces, two years, districts with year and half-year reports,
// one province report, one figure read out of prose.
var fixture = []whtest.Batch{
	{SourceFile: "thanh-hoa.xlsx", IngestedAt: at(5), Facts: []whtest.Fact{
		{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 100, SubmittedAt: "2024-01-04"},
		{Unit: "380", Period: "2022", Indicator: "dialogues", Value: 20},
		{Unit: "381", Period: "2022", Indicator: "dialogues", Value: 10},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 30, SubmittedAt: "2024-01-04"},
		{Unit: "381", Period: "2023-H1", Indicator: "dialogues", Value: 7, Qualifier: "approx"},
		{Unit: "381", Period: "2023-H2", Indicator: "dialogues", Value: 8},
		{Unit: "380", Period: "2023", Indicator: "models_registered", Disaggregation: "kinh_te", Value: 3},
	}},
	{SourceFile: "nghe-an.csv", IngestedAt: at(6), Facts: []whtest.Fact{
		{Unit: "412", Period: "2022", Indicator: "dialogues", Value: 12},
		{Unit: "414", Period: "2022", Indicator: "dialogues", Value: 12},
		{Unit: "412", Period: "2023", Indicator: "dialogues", Value: 15, SubmittedAt: "2024-01-10"},
		{Unit: "414", Period: "2023", Indicator: "dialogues", Value: 25, SubmittedAt: "2024-02-20"},
		{Unit: "415", Period: "2023", Indicator: "dialogues", Value: 15, SubmittedAt: "2024-01-10"},
	}},
	{SourceFile: "ha-tinh.txt", IngestedAt: at(7), Facts: []whtest.Fact{
		{Unit: "436", Period: "2023", Indicator: "dialogues", Value: 9, Origin: "extracted", Quote: "Tổ chức 9 cuộc đối thoại.", Ref: "câu 3"},
		{Unit: "437", Period: "2023", Indicator: "dialogues", Value: 4},
		{Unit: "436", Period: "2022", Indicator: "dialogues", Value: 6},
	}},
	// A correction: Nghệ An's 412 for 2023 is 16, not 15.
	{SourceFile: "nghe-an-sua.csv", IngestedAt: at(9), Facts: []whtest.Fact{
		{Unit: "412", Period: "2023", Indicator: "dialogues", Value: 16},
	}},
}

var (
	fixOnce sync.Once
	fixDir  string
	fixErr  error
)

// snapshot builds the fixture once per test binary: real Parquet, the real
// warehouse refresh and the real publish.
func snapshot(t *testing.T) string {
	t.Helper()
	fixOnce.Do(func() {
		dir, err := os.MkdirTemp("", "danvan-query-")
		if err != nil {
			fixErr = err
			return
		}
		fixDir = dir
		for _, b := range fixture {
			whtest.Write(t, dir, b)
		}
		w, err := warehouse.Open(ctx, dir, warehouse.Options{})
		if err != nil {
			fixErr = err
			return
		}
		defer w.Close()
		if _, err := w.Refresh(ctx); err != nil {
			fixErr = err
			return
		}
		_, fixErr = export.Publish(ctx, w.DB(), dir, export.Options{})
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixDir
}

// workerEnv makes the test binary a query worker (see testWorker).
const workerEnv = "DANVAN_QUERY_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := ServeWorker(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// newRunner runs queries in workers that are this test binary.
func newRunner(t *testing.T, opts RunnerOptions) *Runner {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	opts.Worker = Worker{Path: exe, Env: []string{workerEnv + "=1"}}
	r, err := NewRunner(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func open(t *testing.T, opts Options) *DB {
	t.Helper()
	db, err := Open(ctx, snapshot(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func run(t *testing.T, db *DB, q string) *Result {
	t.Helper()
	r, err := db.Run(ctx, q, Limits{})
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return r
}

// readJSON reads a snapshot output as a list of objects.
func readJSON(t *testing.T, name string) []map[string]any {
	t.Helper()
	dir, err := layout.Dir(snapshot(t)).CurrentSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// examples reads the worked examples of docs/analyst-guide.md, so the
// guide and the test cannot drift apart.
func examples(t *testing.T) map[int]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/analyst-guide.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```sql\n(-- example (\\d+):.*?)```")
	out := map[int]string{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		var n int
		fmt.Sscan(m[2], &n)
		out[n] = m[1]
	}
	if len(out) != 5 {
		t.Fatalf("want 5 worked examples in the guide, found %d", len(out))
	}
	return out
}

// row returns a result row as a map by column name, JSON-normalised (as the
// API would answer), so it compares with the snapshot's JSON.
func rowsOf(t *testing.T, r *Result) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var j JSONResult
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, len(j.Rows))
	for i, row := range j.Rows {
		out[i] = map[string]any{}
		for k, c := range j.Columns {
			out[i][c.Name] = row[k]
		}
	}
	return out
}

func num(v any) float64 {
	f, ok := v.(float64)
	if !ok {
		return math.NaN()
	}
	return f
}

func TestWorkedExamplesMatchDashboardJSON(t *testing.T) {
	db := open(t, Options{})
	ex := examples(t)

	t.Run("1 trend", func(t *testing.T) {
		got := rowsOf(t, run(t, db, ex[1]))
		var want []map[string]any
		for _, r := range readJSON(t, "province_year.json") {
			if r["indicator"] == "dialogues" {
				want = append(want, r)
			}
		}
		if len(got) != len(want) || len(got) < 5 {
			t.Fatalf("%d rows, JSON has %d", len(got), len(want))
		}
		for i := range got {
			for _, k := range []string{"province_code", "year", "value", "basis", "partial", "yoy_pct"} {
				if fmt.Sprint(got[i][k]) != fmt.Sprint(want[i][k]) {
					t.Errorf("row %d %s: query %v, JSON %v", i, k, got[i][k], want[i][k])
				}
			}
		}
		// Thanh Hóa 2023 is the province's own report; Nghệ An 2023 the
		// sum of its districts with the correction (16 + 25 + 15).
		for _, r := range got {
			if r["province_code"] == "38" && num(r["year"]) == 2023 && num(r["value"]) != 100 {
				t.Errorf("Thanh Hóa 2023 = %v, want 100", r["value"])
			}
			if r["province_code"] == "40" && num(r["year"]) == 2023 && num(r["value"]) != 56 {
				t.Errorf("Nghệ An 2023 = %v, want 56", r["value"])
			}
		}
	})
	t.Run("2 ranking", func(t *testing.T) {
		got := rowsOf(t, run(t, db, ex[2]))
		var want []map[string]any
		for _, r := range readJSON(t, "unit_year.json") {
			if r["province_code"] == "40" && num(r["year"]) == 2023 && r["indicator"] == "dialogues" {
				want = append(want, r)
			}
		}
		if len(got) != 3 || len(want) != 3 {
			t.Fatalf("query %d rows, JSON %d", len(got), len(want))
		}
		byUnit := map[string]map[string]any{}
		for _, w := range want {
			byUnit[w["unit_code"].(string)] = w
		}
		for _, g := range got {
			w := byUnit[g["unit_code"].(string)]
			for _, k := range []string{"unit_name", "value", "rank", "rank_of"} {
				if fmt.Sprint(g[k]) != fmt.Sprint(w[k]) {
					t.Errorf("%s %s: query %v, JSON %v", g["unit_code"], k, g[k], w[k])
				}
			}
		}
		if got[0]["unit_code"] != "414" || num(got[0]["rank"]) != 1 {
			t.Errorf("first: %v", got[0])
		}
	})
	t.Run("3 per capita", func(t *testing.T) {
		got := rowsOf(t, run(t, db, ex[3]))
		want := map[string]map[string]any{}
		for _, r := range readJSON(t, "province_year.json") {
			if r["indicator"] == "dialogues" && num(r["year"]) == 2023 {
				want[r["province_code"].(string)] = r
			}
		}
		if len(got) != 3 {
			t.Fatalf("%d rows", len(got))
		}
		for _, g := range got {
			w := want[g["province_code"].(string)]
			if num(g["per_100k"]) != num(w["per_100k"]) || num(g["population"]) != num(w["population"]) {
				t.Errorf("%s: query per_100k %v pop %v, JSON %v %v", g["province_code"], g["per_100k"], g["population"], w["per_100k"], w["population"])
			}
		}
	})
	t.Run("4 completeness", func(t *testing.T) {
		got := rowsOf(t, run(t, db, ex[4]))
		var want []map[string]any
		for _, r := range readJSON(t, "completeness.json") {
			if r["period"] == "2023" {
				want = append(want, r)
			}
		}
		if len(got) != 3 || len(want) != 3 {
			t.Fatalf("query %d rows, JSON %d", len(got), len(want))
		}
		for i := range got {
			for _, k := range []string{"province_code", "expected", "received", "on_time", "late", "rate"} {
				if fmt.Sprint(got[i][k]) != fmt.Sprint(want[i][k]) {
					t.Errorf("%v %s: query %v, JSON %v", got[i]["province_code"], k, got[i][k], want[i][k])
				}
			}
			var wm []any
			for _, m := range want[i]["missing"].([]any) {
				wm = append(wm, m.(map[string]any)["unit_code"])
			}
			if fmt.Sprint(got[i]["missing_units"]) != fmt.Sprint(wm) {
				t.Errorf("%v missing: query %v, JSON %v", got[i]["province_code"], got[i]["missing_units"], wm)
			}
		}
	})
	t.Run("5 trace", func(t *testing.T) {
		got := rowsOf(t, run(t, db, ex[5]))
		var want []map[string]any
		for _, r := range readJSON(t, "sources/42-2023.json") {
			if r["indicator"] == "dialogues" {
				want = append(want, r)
			}
		}
		if len(got) != 2 || len(want) != 2 {
			t.Fatalf("query %d rows, JSON %d", len(got), len(want))
		}
		for i := range got {
			for _, k := range []string{"unit_code", "period", "value", "source_file", "source_ref", "quote"} {
				if fmt.Sprint(got[i][k]) != fmt.Sprint(want[i][k]) {
					t.Errorf("row %d %s: query %v, JSON %v", i, k, got[i][k], want[i][k])
				}
			}
		}
		if got[0]["quote"] != "Tổ chức 9 cuộc đối thoại." {
			t.Errorf("quote: %v", got[0])
		}
	})
}

// Every hostile query, run as the server runs it (a worker process per
// query), is refused or stopped within its limits with an error that says
// why, and the serving process's memory does not move.
func TestHostileQueries(t *testing.T) {
	data := snapshot(t)
	// A secret in .tmp under the server's working directory, where DuckDB
	// puts its temporary files unless told otherwise.
	wd := t.TempDir()
	if err := os.Mkdir(filepath.Join(wd, ".tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wd, ".tmp", "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd)
	private := t.TempDir() // where the workers' own directories go
	runner := newRunner(t, RunnerOptions{TempDir: private})
	snap, err := CurrentSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{Timeout: 5 * time.Second, CPU: 5 * time.Second} // memory: the default 1 GiB
	cur, _ := layout.Dir(data).CurrentSnapshot()
	outside := filepath.Join(data, "warehouse", "manifest")
	cases := []struct {
		name, sql, code, msg string
	}{
		// Bounded: whichever comes first, the memory limit or the time limit.
		{"huge cross join", `SELECT count(*) FROM range(1000000000) a, range(1000000000) b`, CodeLimit + "|" + CodeTimeout, "limit"},
		{"huge cross join of facts", `SELECT max(hash(a.report_id || b.report_id || c.report_id || d.report_id || e.report_id || f.report_id || g.report_id || h.report_id)) FROM facts a, facts b, facts c, facts d, facts e, facts f, facts g, facts h`, CodeLimit + "|" + CodeTimeout, "limit"},
		{"read /etc/passwd", `SELECT * FROM read_csv('/etc/passwd', sep = ':')`, CodeRefused, `access outside the published tables is not allowed: Permission Error: Cannot access file "/etc/passwd"`},
		{"read_text", `SELECT * FROM read_text('/etc/passwd')`, CodeRefused, "Cannot access file"},
		{"read_blob", `SELECT content FROM read_blob('/etc/hostname')`, CodeRefused, "Cannot access file"},
		{"file as table", `SELECT * FROM '/etc/passwd'`, CodeInvalid, "does not exist"},
		{"read warehouse manifest", `SELECT * FROM read_json('` + outside + `/*.json')`, CodeRefused, "Cannot access file"},
		{"read snapshot JSON beside tables", `SELECT * FROM read_json('` + cur + `/manifest.json')`, CodeRefused, "Cannot access file"},
		{"path traversal", `SELECT * FROM read_parquet('` + cur + `/tables/../manifest.json')`, CodeRefused, "Cannot access file"},
		{"url", `SELECT * FROM 'https://example.com/x.parquet'`, CodeRefused, "Cannot access file"},
		{"glob /", `SELECT * FROM glob('/**')`, CodeRefused, "Cannot access file"},
		{"getenv", `SELECT getenv('HOME')`, CodeInvalid, "getenv does not exist"},
		{"COPY TO", `COPY (SELECT * FROM facts) TO '/tmp/danvan-leak.csv'`, CodeRefused, "only read-only SELECT statements are allowed, this is a COPY statement"},
		{"COPY FROM", `COPY facts FROM '/etc/passwd'`, CodeRefused, "COPY statement"},
		{"EXPORT DATABASE", `EXPORT DATABASE '/tmp/danvan-dump'`, CodeRefused, "this is a EXPORT statement"},
		{"ATTACH memory", `ATTACH ':memory:' AS other`, CodeRefused, "this is a ATTACH statement"},
		{"ATTACH file", `ATTACH '/tmp/danvan-evil.duckdb' AS evil`, CodeRefused, "ATTACH statement"},
		{"DETACH", `DETACH memory`, CodeRefused, "DETACH statement"},
		{"SET", `SET memory_limit = '100GB'`, CodeRefused, "this is a SET statement"},
		{"SET external access", `SET enable_external_access = true`, CodeRefused, "this is a SET statement"},
		{"RESET", `RESET memory_limit`, CodeRefused, "this is a RESET statement"},
		// Not a statement at all since DuckDB 2.0, refused all the same.
		{"RESET ALL", `RESET ALL`, CodeRefused, "only read-only SELECT statements are allowed, this is a RESET statement"},
		{"broken INSERT", `INSERT INTO facts VALUES (`, CodeRefused, "this is a INSERT statement"},
		{"SET VARIABLE", `SET VARIABLE x = 1`, CodeRefused, "this is a SET statement"},
		{"PRAGMA set", `PRAGMA memory_limit = '100GB'`, CodeRefused, "statement"},
		{"PRAGMA database_list", `PRAGMA database_list`, CodeRefused, "statement"},
		{"CALL", `CALL pragma_version()`, CodeRefused, "statement"},
		{"INSTALL", `INSTALL httpfs`, CodeRefused, "this is a INSTALL statement"},
		{"LOAD", `LOAD httpfs`, CodeRefused, "this is a LOAD statement"},
		{"CREATE TABLE", `CREATE TABLE t AS SELECT * FROM facts`, CodeRefused, "CREATE statement"},
		{"CREATE MACRO", `CREATE MACRO f(x) AS x + 1`, CodeRefused, "CREATE statement"},
		{"DROP VIEW", `DROP VIEW facts`, CodeRefused, "DROP statement"},
		{"INSERT", `INSERT INTO facts SELECT * FROM facts`, CodeRefused, "INSERT statement"},
		{"DELETE", `DELETE FROM facts`, CodeRefused, "DELETE statement"},
		{"UPDATE", `UPDATE facts SET value = 0`, CodeRefused, "UPDATE statement"},
		{"ALTER", `ALTER VIEW facts RENAME TO f2`, CodeRefused, "ALTER statement"},
		{"transaction", `BEGIN TRANSACTION`, CodeRefused, "this is a BEGIN statement"},
		{"CHECKPOINT", `CHECKPOINT`, CodeRefused, "statement"},
		{"smuggled second statement", `SELECT 1; DROP VIEW facts`, CodeRefused, "only one statement per query is allowed"},
		{"smuggled COPY", `SELECT 1; COPY (SELECT 1) TO '/tmp/danvan-x.csv'`, CodeRefused, "only one statement per query is allowed"},
		{"smuggled through the LIMIT wrapper", `SELECT 1) AS x; DROP VIEW facts; SELECT * FROM (SELECT 1`, CodeInvalid, "syntax error at or near"},
		{"query() with DDL", `SELECT * FROM query('CREATE TABLE z (a INT)')`, CodeInvalid, "Expected a single SELECT statement"},
		{"memory", `SELECT list(range) FROM range(200000000)`, CodeLimit + "|" + CodeTimeout, "the query used too much"}, // memory, unless a busy machine makes it time first
		{"result bytes", `SELECT repeat('x', 1000000) FROM range(200)`, CodeLimit, "result larger than 64 MiB"},
		// Comments before the statement do not hide what it is.
		{"COPY behind a block comment", `/* */ COPY (SELECT 1) TO '/tmp/danvan-x.csv'`, CodeRefused, "this is a COPY statement"},
		{"INSERT behind nested and line comments", "/* a /* nested */ comment */ -- and a line\n\tINSERT INTO facts SELECT * FROM facts", CodeRefused, "this is a INSERT statement"},
		// Bytes that are not UTF-8 are named, not an empty DuckDB message.
		{"invalid UTF-8", "SELECT '\xff\xfe' AS x", CodeInvalid, "not valid UTF-8 (byte 0xff at byte 9)"},
		// DuckDB's temporary directory (.tmp under the working directory
		// by default) is not readable.
		{"read_text of the temp directory", `SELECT * FROM read_text('.tmp/secret.txt')`, CodeRefused, "Cannot access file"},
		{"glob of the temp directory", `SELECT * FROM glob('.tmp/*')`, CodeRefused, "Cannot access file"},
		// The worker's own directory (its working directory, where its
		// result goes) is not readable either.
		{"glob of the worker's directory", `SELECT * FROM glob('*')`, CodeRefused, "Cannot access file"},
		{"glob of the workers' directories", `SELECT * FROM glob('` + private + `/**')`, CodeRefused, "Cannot access file"},
		{"read another worker's result", `SELECT * FROM read_text('` + private + `/*/result')`, CodeRefused, "Cannot access file"},
		{"read the process's environment", `SELECT * FROM read_text('/proc/self/environ')`, CodeRefused, "Cannot access file"},
		{"read /dev/zero", `SELECT * FROM read_csv('/dev/zero')`, CodeRefused, "Cannot access file"},
		// Memory bombs: stopped at the worker's memory limit, whether
		// DuckDB's buffer manager sees the allocation or not.
		{"repeat 2 GB", `SELECT length(repeat('x', 2000000000))`, CodeLimit, "the query used too much memory (limit 1024 MiB)"},
		{"list of 300M", `SELECT len(range(300000000))`, CodeLimit, "the query used too much memory (limit 1024 MiB)"},
		{"lpad 1.5 GB", `SELECT length(lpad('x', 1500000000, 'y'))`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		{"string_agg 2 GB", `SELECT length(string_agg(repeat('x', 1000), '')) FROM range(2000000)`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		{"JSON of 100M", `SELECT length(to_json(list(range))) FROM range(100000000)`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		{"distinct 1e9", `SELECT count(DISTINCT range) FROM range(1000000000)`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		{"sort 1e9", `SELECT range FROM range(1000000000) ORDER BY random() LIMIT 1`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		{"endless recursion", `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
		// CPU bombs: stopped at the time or CPU limit.
		{"count to 1e12", `SELECT count(*) FROM range(1e12::BIGINT)`, CodeTimeout, "the query used too much"},
		{"hash 1e12", `SELECT sum(hash(range)) FROM range(1e12::BIGINT)`, CodeTimeout, "the query used too much"},
		{"vector of 100 MB strings", `SELECT max(length(repeat('ab', 50000000 + range::INTEGER))) FROM range(100)`, CodeLimit + "|" + CodeTimeout, "the query used too much"},
	}
	if len(cases) < 40 {
		t.Fatalf("%d hostile queries, want at least 40", len(cases))
	}
	// Only the CPU bombs are meant to meet the time limit. Every other case
	// is refused, or stopped at its memory or result limit, whatever the
	// time: it gets a time limit no busy machine reaches, so that a worker
	// slow to start under load cannot turn its answer into a timeout.
	untimed := Limits{Timeout: time.Minute, CPU: time.Minute}
	before := peakRSS(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lim := lim
			if !strings.Contains("|"+c.code+"|", "|"+CodeTimeout+"|") {
				lim = untimed
			}
			// A worker is killed at its time limit plus killGrace; the rest
			// of the allowance is for starting it on a busy machine.
			allowance := 2 * (lim.Timeout + killGrace)
			start := time.Now()
			ans, err := runner.Run(ctx, snap, "hostile", Request{SQL: c.sql, Limits: lim})
			took := time.Since(start)
			if ans != nil {
				ans.Close()
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("%s: want refused, got %v", c.sql, err)
			}
			t.Logf("%s -> %s in %s: %s", c.sql, qe.Code, took.Round(time.Millisecond), firstLine(qe.Msg))
			if took > allowance {
				t.Errorf("%s: answered after %s, past its limits (%s)", c.sql, took, allowance)
			}
			if !strings.Contains("|"+c.code+"|", "|"+qe.Code+"|") || !strings.Contains(qe.Msg, c.msg) {
				t.Errorf("%s:\n got  %s: %s\n want %s: …%s…", c.sql, qe.Code, qe.Msg, c.code, c.msg)
			}
		})
	}
	// Nothing escaped and the sandbox still works, settings unchanged.
	for _, p := range []string{"/tmp/danvan-leak.csv", "/tmp/danvan-dump", "/tmp/danvan-evil.duckdb", "/tmp/danvan-x.csv"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	ans, err := runner.Run(ctx, snap, "hostile", Request{Format: FormatCSV, Limits: lim,
		SQL: `SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR, current_setting('temp_directory'), (SELECT count(*) FROM facts)`})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ans.WriteTo(&out)
	ans.Close()
	if got := strings.SplitN(out.String(), "\n", 2)[1]; got != "false,true,,15\n" {
		t.Errorf("settings after the hostile queries: %q", got)
	}
	// Every worker's directory is gone, and the serving process never
	// held the bombs' memory.
	if left, _ := os.ReadDir(private); len(left) > 0 {
		t.Errorf("workers left %d directories behind: %v", len(left), left[0].Name())
	}
	hwm := peakRSS(t)
	t.Logf("peak RSS of the serving process: %d MiB before the hostile queries, %d MiB after", before>>20, hwm>>20)
	if hwm >= 1<<30 || hwm-before > 64<<20 {
		t.Errorf("peak RSS of the serving process went from %d to %d MiB, want it not to move (and under 1 GiB)", before>>20, hwm>>20)
	}
}

// peakRSS is this process's peak resident set size (VmHWM).
func peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status here:", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// DuckDB's temporary directory is not readable from SQL in any sandbox,
// in-process too (the worker's own directory is checked above).
func TestTempDirectoryNotReadable(t *testing.T) {
	wd := t.TempDir()
	if err := os.MkdirAll(filepath.Join(wd, ".tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wd, ".tmp", "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd)
	db := open(t, Options{})
	for _, q := range []string{`SELECT * FROM read_text('.tmp/secret.txt')`, `SELECT * FROM glob('.tmp/*')`, `SELECT * FROM glob('` + wd + `/.tmp/*')`} {
		_, err := db.Run(ctx, q, Limits{})
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != CodeRefused || !strings.Contains(qe.Msg, "Cannot access file") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
}

func TestTimeout(t *testing.T) {
	db := open(t, Options{})
	start := time.Now()
	_, err := db.Run(ctx, `SELECT count(*) FROM range(100000000000) WHERE hash(range) % 7 = 0`, Limits{Timeout: 300 * time.Millisecond})
	var qe *Error
	if !errors.As(err, &qe) || qe.Code != CodeTimeout || !strings.Contains(qe.Msg, "the query used too much time (limit 300ms)") {
		t.Fatalf("want timeout, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupt took %s", d)
	}
	// The connection is usable afterwards.
	run(t, db, "SELECT 1")
}

func TestRowLimit(t *testing.T) {
	db := open(t, Options{})
	r, err := db.Run(ctx, "SELECT * FROM range(100000) ORDER BY range DESC -- a trailing comment", Limits{MaxRows: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 5 || !r.Truncated || fmt.Sprint(r.Rows[0][0]) != "99999" {
		t.Errorf("rows %v truncated %v", r.Rows, r.Truncated)
	}
	r, err = db.Run(ctx, "SELECT * FROM range(5);", Limits{MaxRows: 5})
	if err != nil || len(r.Rows) != 5 || r.Truncated {
		t.Errorf("exactly the limit: %v %v", r, err)
	}
	// Statements DuckDB treats as SELECT work too.
	for _, q := range []string{"DESCRIBE facts", "SUMMARIZE mart_province_year", "FROM indicators", "SHOW TABLES",
		"SELECT 1; -- trailing comment after the semicolon"} {
		if _, err := db.Run(ctx, q, Limits{}); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestTablesCatalogue(t *testing.T) {
	db := open(t, Options{})
	ts, err := db.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]Table{}
	for _, tb := range ts {
		have[tb.Name] = tb
	}
	for name := range Catalog {
		tb, ok := have[name]
		if !ok {
			t.Errorf("catalogue table %s is not in the sandbox", name)
			continue
		}
		if tb.Grain == "" || len(tb.Columns) == 0 {
			t.Errorf("%s: %+v", name, tb)
		}
		for col := range Catalog[name].Columns {
			found := false
			for _, c := range tb.Columns {
				found = found || c.Name == col
			}
			if !found {
				t.Errorf("%s: described column %s does not exist", name, col)
			}
		}
	}
	for _, tb := range ts {
		if _, ok := Catalog[tb.Name]; !ok {
			t.Errorf("table %s has no description", tb.Name)
		}
	}
	// The descriptions are in SQL too.
	r := run(t, db, `SELECT comment FROM duckdb_columns() WHERE table_name = 'mart_province_year' AND column_name = 'per_100k'`)
	if len(r.Rows) != 1 || !strings.Contains(fmt.Sprint(r.Rows[0][0]), "100,000") {
		t.Errorf("column comment: %v", r.Rows)
	}
}

func TestFormatsRoundTrip(t *testing.T) {
	db := open(t, Options{})
	r := run(t, db, `SELECT province_code, year, indicator, value, partial, periods, CAST(period_end AS DATE) AS d, ingested_at
		FROM mart_province_year JOIN (SELECT max(period_end) AS period_end, max(ingested_at) AS ingested_at FROM facts) ON true
		ORDER BY province_code, year, indicator`)
	if len(r.Rows) < 5 {
		t.Fatalf("%d rows", len(r.Rows))
	}
	dir := t.TempDir()
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, r, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		os.WriteFile(filepath.Join(dir, "out."+f), buf.Bytes(), 0o644)
	}
	first := fmt.Sprintf("%v %v %v %v", r.Rows[0][0], r.Rows[0][1], r.Rows[0][2], r.Rows[0][3])

	// CSV
	recs, err := csv.NewReader(bytes.NewReader(must(os.ReadFile(filepath.Join(dir, "out.csv"))))).ReadAll()
	if err != nil || len(recs) != len(r.Rows)+1 || recs[0][0] != "province_code" || fmt.Sprint(recs[1][0], " ", recs[1][1], " ", recs[1][2], " ", recs[1][3]) != first {
		t.Errorf("csv: %v %v (want %s)", recs[:2], err, first)
	}
	// JSON
	var j JSONResult
	if err := json.Unmarshal(must(os.ReadFile(filepath.Join(dir, "out.json"))), &j); err != nil || j.RowCount != len(r.Rows) || len(j.Columns) != 8 {
		t.Errorf("json: %+v %v", j, err)
	}
	// Parquet, read by DuckDB itself.
	pdb, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()
	var n int
	var pc, ind, d string
	var y int64
	var v float64
	err = pdb.QueryRow(`SELECT count(*) OVER (), province_code, year, indicator, value, CAST(d AS VARCHAR)
		FROM read_parquet(?) LIMIT 1`, filepath.Join(dir, "out.parquet")).Scan(&n, &pc, &y, &ind, &v, &d)
	if err != nil || n != len(r.Rows) || fmt.Sprintf("%v %v %v %v", pc, y, ind, v) != first || len(d) != 10 {
		t.Errorf("parquet: %d %s %d %s %v %s %v (want %s)", n, pc, y, ind, v, d, err, first)
	}
	// XLSX, read by excelize.
	x, err := excelize.OpenFile(filepath.Join(dir, "out.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	xr, err := x.GetRows("Sheet1")
	if err != nil || len(xr) != len(r.Rows)+1 || xr[0][3] != "value" || fmt.Sprint(xr[1][0], " ", xr[1][1], " ", xr[1][2], " ", xr[1][3]) != first {
		t.Errorf("xlsx: %v %v (want %s)", xr[:2], err, first)
	}
	// Table: a header and the row count.
	tb := string(must(os.ReadFile(filepath.Join(dir, "out.table"))))
	if !strings.HasPrefix(tb, "province_code") || !strings.Contains(tb, fmt.Sprintf("(%d dòng / rows", len(r.Rows))) {
		t.Errorf("table:\n%s", tb)
	}
}

// Every CSV cell a spreadsheet would take for a formula is neutralised,
// with the one rule of pipeline.SpreadsheetText; numbers are not touched.
func TestCSVFormulas(t *testing.T) {
	r := &Result{
		Columns: []Column{{"=cmd", "VARCHAR"}, {"v", "DOUBLE"}, {"n", "INTEGER"}, {"t", "VARCHAR"}, {"l", "VARCHAR[]"}},
		Rows: [][]any{
			{`=HYPERLINK("http://x","y")`, -5.0, int32(-3), "-5", []any{"=1"}},
			{"+1-1", -0.5, int32(7), "	x", nil},
			{"@SUM(A1)", 1.0, int32(0), "Hà Tĩnh", []any{}},
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "'=cmd,v,n,t,l\n" +
		`"'=HYPERLINK(""http://x"",""y"")",-5,-3,-5,"[""=1""]"` + "\n" +
		"'+1-1,-0.5,7,'\tx,\n" +
		"'@SUM(A1),1,0,Hà Tĩnh,[]\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestHTTP(t *testing.T) {
	data := snapshot(t)
	h := NewHandler(data, newRunner(t, RunnerOptions{}), HandlerOptions{Limits: Limits{MaxRows: 3, Timeout: 5 * time.Second}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(ct, body string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Post(srv.URL, ct, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp, b.String()
	}
	// Plain SQL, JSON answer, capped at the handler's 3 rows.
	resp, body := post("text/plain", "SELECT * FROM range(10)")
	var j JSONResult
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &j) != nil || j.RowCount != 3 || !j.Truncated {
		t.Errorf("plain: %d %s", resp.StatusCode, body)
	}
	// JSON body asking for CSV and fewer rows; a larger limit is not granted.
	resp, body = post("application/json", `{"sql": "SELECT indicator, value FROM mart_province_year ORDER BY ALL", "format": "csv", "limit": 2}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || strings.Count(body, "\n") != 3 {
		t.Errorf("csv: %d %q", resp.StatusCode, body)
	}
	_, body = post("application/json", `{"sql": "SELECT * FROM range(10)", "limit": 1000}`)
	json.Unmarshal([]byte(body), &j)
	if j.RowCount != 3 {
		t.Errorf("limit above the handler's: %d rows", j.RowCount)
	}
	// Refused and invalid queries: status and JSON error.
	for _, c := range []struct {
		body   string
		status int
		code   string
	}{
		{"COPY (SELECT 1) TO '/tmp/danvan-http.csv'", 403, CodeRefused},
		{"SELECT * FROM read_csv('/etc/passwd')", 403, CodeRefused},
		{"SELEC 1", 400, CodeInvalid},
		{`{"sql": "SELECT 1", "format": "xlsx"}`, 400, CodeInvalid},
		{`{"sql": "SELECT count(*) FROM range(100000000000) WHERE hash(range) % 7 = 0"}`, 504, CodeTimeout},
	} {
		ct := "text/plain"
		if strings.HasPrefix(c.body, "{") {
			ct = "application/json"
		}
		resp, body := post(ct, c.body)
		var e struct{ Error, Code string }
		json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != c.status || e.Code != c.code || e.Error == "" {
			t.Errorf("%s: %d %s", c.body, resp.StatusCode, body)
		}
	}
	// CSV answers keep formulas dead: text cells and headers that a
	// spreadsheet would run get an apostrophe, numbers stay numbers.
	resp, body = post("application/json", `{"sql": "SELECT '=HYPERLINK(''http://x'',''y'')' AS link, -5 AS n, '-5' AS t, '@x' AS \"=h\"", "format": "csv"}`)
	if want := "link,n,t,'=h\n\"'=HYPERLINK('http://x','y')\",-5,-5,'@x\n"; resp.StatusCode != 200 || body != want {
		t.Errorf("csv formulas: %d\n got  %q\n want %q", resp.StatusCode, body, want)
	}
	// GET is not the endpoint.
	if resp, err := http.Get(srv.URL); err != nil || resp.StatusCode != 405 {
		t.Errorf("GET: %v %v", resp, err)
	}
}
