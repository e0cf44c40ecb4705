package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

var ctx = context.Background()

func day(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }

func open(t *testing.T, dir string, opts warehouse.Options) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func refresh(t *testing.T, w *warehouse.Warehouse) warehouse.RefreshResult {
	t.Helper()
	res, err := w.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	return res
}

// rows runs q and renders every row as "a|b|c" (NULL for null).
func rows(t *testing.T, w *warehouse.Warehouse, q string, args ...any) []string {
	t.Helper()
	r, err := w.DB().QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out []string
	for r.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := r.Scan(p...); err != nil {
			t.Fatal(err)
		}
		s := make([]string, len(v))
		for i, x := range v {
			switch y := x.(type) {
			case nil:
				s[i] = "NULL"
			case time.Time:
				s[i] = y.Format("2006-01-02")
			default:
				s[i] = fmt.Sprint(y)
			}
		}
		out = append(out, strings.Join(s, "|"))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func one(t *testing.T, w *warehouse.Warehouse, q string, args ...any) string {
	t.Helper()
	r := rows(t, w, q, args...)
	if len(r) != 1 {
		t.Fatalf("%s: want 1 row, got %d: %v", q, len(r), r)
	}
	return r[0]
}

func TestEmptyWarehouse(t *testing.T) {
	w := open(t, t.TempDir(), warehouse.Options{})
	res := refresh(t, w)
	if res.Mode != "full" || res.RowsRead != 0 {
		t.Errorf("got %+v", res)
	}
	for _, v := range []string{"facts", "facts_history", "rejects", "reports", "mart_province_year", "mart_unit_year", "mart_completeness", "mart_sources"} {
		if got := one(t, w, "SELECT count(*) FROM "+v); got != "0" {
			t.Errorf("%s: %s rows", v, got)
		}
	}
	if got := one(t, w, "SELECT count(*) FROM units WHERE level = 'province'"); got != "3" {
		t.Errorf("provinces: %s", got)
	}
}

// The province-year sums must equal an independent computation over the
// raw Parquet with DuckDB's own reader.
func TestTotalsEqualIndependentSQL(t *testing.T) {
	dir := t.TempDir()
	var facts []whtest.Fact
	districts := []string{"380", "381", "384", "385", "386"}
	for i, d := range districts {
		for _, y := range []string{"2022", "2023"} {
			facts = append(facts,
				whtest.Fact{Unit: d, Period: y, Indicator: "dialogues", Value: float64(10*i + len(y) + 3)},
				whtest.Fact{Unit: d, Period: y, Indicator: "land_donated_m2", Value: 1234.5 * float64(i+1)},
				// a breakdown without total: the total is the sum of the breakdowns
				whtest.Fact{Unit: d, Period: y, Indicator: "models_registered", Disaggregation: "kinh_te", Value: float64(i)},
				whtest.Fact{Unit: d, Period: y, Indicator: "models_registered", Disaggregation: "van_hoa_xa_hoi", Value: 2},
				// a total and a breakdown: the total wins
				whtest.Fact{Unit: d, Period: y, Indicator: "awards_collective", Value: 7},
				whtest.Fact{Unit: d, Period: y, Indicator: "awards_collective", Disaggregation: "cap_tinh", Value: 3},
			)
		}
	}
	for _, d := range []string{"436", "437"} { // Hà Tĩnh districts
		facts = append(facts, whtest.Fact{Unit: d, Period: "2023", Indicator: "dialogues", Value: 5})
	}
	facts = append(facts, whtest.Fact{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 999})
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.xlsx", IngestedAt: day(5), Facts: facts})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)

	indep := rows(t, w, fmt.Sprintf(`SELECT province_code, year, indicator,
		coalesce(sum(value) FILTER (WHERE disaggregation = 'total'), 0)
		+ coalesce(sum(value) FILTER (WHERE disaggregation <> 'total' AND indicator = 'models_registered'), 0)
		FROM read_parquet('%s') WHERE unit_level = 'district'
		GROUP BY ALL ORDER BY ALL`, filepath.Join(dir, "warehouse/facts/*/*/*.parquet")))
	got := rows(t, w, `SELECT province_code, year, indicator, value_sum_of_units FROM mart_province_year ORDER BY ALL`)
	if !reflect.DeepEqual(got, indep) {
		t.Errorf("sum of units\n got %v\nwant %v", got, indep)
	}
	// Province 38 reported 999 for itself in 2023: published, difference flagged.
	if got, want := one(t, w, `SELECT basis, value, value_sum_of_units, difference_flag FROM mart_province_year
		WHERE province_code = '38' AND year = 2023 AND indicator = 'dialogues'`), "province_report|999|135|true"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	// per 100k against the sum of the 2019 census counts of the province's districts.
	var pop int64
	ref, _ := pipeline.DefaultReference()
	seen := map[string]bool{}
	for _, u := range ref.Units {
		if u.Level == pipeline.LevelDistrict && u.ProvinceCode == "42" && !seen[u.Code] {
			seen[u.Code] = true
			for _, p := range ref.Population {
				if p.UnitCode == u.Code && p.Year == 2019 {
					pop += p.Value
				}
			}
		}
	}
	if got, want := one(t, w, `SELECT population, per_100k FROM mart_province_year
		WHERE province_code = '42' AND year = 2023 AND indicator = 'dialogues'`),
		fmt.Sprintf("%d|%v", pop, float64(int64(10.0/float64(pop)*1e5*1e4+0.5))/1e4); got != want {
		t.Errorf("per capita: got %s want %s", got, want)
	}
	// yoy between two complete years.
	if got, want := one(t, w, `SELECT yoy_change FROM mart_province_year WHERE province_code = '38' AND year = 2023 AND indicator = 'land_donated_m2'`), "0"; got != want {
		t.Errorf("yoy: got %s want %s", got, want)
	}
	// Rank within province: 386 has the largest dialogues value.
	if got, want := rows(t, w, `SELECT unit_code, rank, rank_of FROM mart_unit_year WHERE province_code = '38' AND year = 2023
		AND indicator = 'dialogues' ORDER BY rank, unit_code`), []string{"386|1|5", "385|2|5", "384|3|5", "381|4|5", "380|5|5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rank: got %v want %v", got, want)
	}
}

func TestYearRules(t *testing.T) {
	dir := t.TempDir()
	facts := []whtest.Fact{
		// annual and halves: the annual figure, halves never added
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10},
		{Unit: "380", Period: "2023-H1", Indicator: "dialogues", Value: 4},
		{Unit: "380", Period: "2023-H2", Indicator: "dialogues", Value: 7},
		// both halves: their sum
		{Unit: "381", Period: "2023-H1", Indicator: "dialogues", Value: 3},
		{Unit: "381", Period: "2023-H2", Indicator: "dialogues", Value: 5, Qualifier: "at_least"},
		// one half only: partial
		{Unit: "384", Period: "2023-H1", Indicator: "dialogues", Value: 6},
		// four quarters (and one month, ignored)
		{Unit: "385", Period: "2023-Q1", Indicator: "dialogues", Value: 1},
		{Unit: "385", Period: "2023-Q2", Indicator: "dialogues", Value: 2},
		{Unit: "385", Period: "2023-Q3", Indicator: "dialogues", Value: 3},
		{Unit: "385", Period: "2023-Q4", Indicator: "dialogues", Value: 4},
		{Unit: "385", Period: "2023-07", Indicator: "dialogues", Value: 100},
		// a multi-year review and a to-date figure never enter a flow's year
		{Unit: "386", Period: "2016..2023", Indicator: "dialogues", Value: 500},
		{Unit: "386", Period: "to-date@2023-10", Indicator: "dialogues", Value: 400},
		{Unit: "386", Period: "2023", Indicator: "dialogues", Value: 50},
		// stock (models_total made a stock below): latest observation, never a sum
		{Unit: "387", Period: "2023-H1", Indicator: "models_total", Value: 100},
		{Unit: "387", Period: "to-date@2023-10", Indicator: "models_total", Value: 115},
		{Unit: "387", Period: "2023-H2", Indicator: "models_total", Value: 120},
		{Unit: "388", Period: "2023-H1", Indicator: "models_total", Value: 90},
		{Unit: "388", Period: "to-date@2023-10", Indicator: "models_total", Value: 95},
		// flows in H1+H2 of the same stock district
		{Unit: "387", Period: "2023-H1", Indicator: "contests", Value: 2},
		{Unit: "387", Period: "2023-H2", Indicator: "contests", Value: 3},
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "y.csv", IngestedAt: day(3), Facts: facts})
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	ref.Indicator("models_total").Kind = "stock"
	w := open(t, dir, warehouse.Options{Reference: ref})
	refresh(t, w)
	got := rows(t, w, `SELECT unit_code, indicator, value, qualifier, year_basis, partial, array_to_string(periods, ',')
		FROM mart_unit_year WHERE year = 2023 ORDER BY unit_code, indicator`)
	want := []string{
		"380|dialogues|10|exact|annual|false|2023",
		"381|dialogues|8|at_least|halves|false|2023-H1,2023-H2",
		"384|dialogues|6|exact|partial|true|2023-H1",
		"385|dialogues|10|exact|quarters|false|2023-Q1,2023-Q2,2023-Q3,2023-Q4",
		"386|dialogues|50|exact|annual|false|2023",
		"387|contests|5|exact|halves|false|2023-H1,2023-H2",
		"387|models_total|120|exact|stock_latest|false|2023-H2",
		"388|models_total|95|exact|partial|true|to-date@2023-10",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unit years\n got %q\nwant %q", got, want)
	}
	// The province sum is partial (384, 388 are) and carries no yoy.
	if got, want := one(t, w, `SELECT value_sum_of_units, partial, year_basis FROM mart_province_year
		WHERE province_code = '38' AND year = 2023 AND indicator = 'dialogues'`), "84|true|partial"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestReformContinuity(t *testing.T) {
	dir := t.TempDir()
	facts := []whtest.Fact{
		{Unit: "380", Period: "2024", Indicator: "dialogues", Value: 20},
		{Unit: "381", Period: "2024", Indicator: "dialogues", Value: 10},
		{Unit: "380", Period: "2025-H1", Indicator: "dialogues", Value: 7},
		{Unit: "381", Period: "2025-H1", Indicator: "dialogues", Value: 3},
		{Unit: "14758", Period: "2025-H2", Indicator: "dialogues", Value: 2},
		{Unit: "14797", Period: "2025-H2", Indicator: "dialogues", Value: 4},
		{Unit: "14758", Period: "2026", Indicator: "dialogues", Value: 9},
		// Hà Tĩnh reported its own 2025 annual figure: that is published.
		{Unit: "42", Period: "2025", Indicator: "dialogues", Value: 77},
		{Unit: "436", Period: "2025-H1", Indicator: "dialogues", Value: 30},
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "r.csv", IngestedAt: day(4), Facts: facts})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	got := rows(t, w, `SELECT province_code, year, basis, value, partial, array_to_string(periods, ','), yoy_change
		FROM mart_province_year WHERE indicator = 'dialogues' ORDER BY ALL`)
	want := []string{
		"38|2024|sum_of_units|30|false|2024|NULL",
		"38|2025|sum_of_units|16|false|2025-H1,2025-H2|-14",
		"38|2026|sum_of_units|9|false|2026|-7",
		"42|2025|province_report|77|false|2025|NULL",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("province series\n got %q\nwant %q", got, want)
	}
	got = rows(t, w, `SELECT unit_code, year, period, series, value FROM mart_unit_year
		WHERE province_code = '38' ORDER BY year, series, unit_code`)
	want = []string{
		"380|2024|2024|district_until_2025H1|20",
		"381|2024|2024|district_until_2025H1|10",
		"14758|2025|2025-H2|commune_from_2025H2|2",
		"14797|2025|2025-H2|commune_from_2025H2|4",
		"380|2025|2025-H1|district_until_2025H1|7",
		"381|2025|2025-H1|district_until_2025H1|3",
		"14758|2026|2026|commune_from_2025H2|9",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unit series\n got %q\nwant %q", got, want)
	}
	// Communes created in 2025 have no census count.
	if got := one(t, w, `SELECT count(*) FROM mart_unit_year WHERE unit_level = 'commune' AND (per_100k IS NOT NULL OR population IS NOT NULL)`); got != "0" {
		t.Errorf("commune per capita set: %s", got)
	}
}

func TestCompleteness(t *testing.T) {
	dir := t.TempDir()
	facts := []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 1, SubmittedAt: "2024-01-15"}, // on the deadline
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 1, SubmittedAt: "2024-01-16"}, // one day late
		{Unit: "382", Period: "2023", Indicator: "contests", Value: 0},                             // a zero is a report; no date: ingestion day
		{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 5},
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "c.csv", IngestedAt: day(10), Facts: facts})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	ref, _ := pipeline.DefaultReference()
	end := time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	var expected []string
	for _, u := range ref.UnitsOn("38", pipeline.LevelDistrict, end) {
		if u.Code != "380" && u.Code != "381" && u.Code != "382" {
			expected = append(expected, u.Code+" "+u.Name)
		}
	}
	sort.Strings(expected)
	n := len(ref.UnitsOn("38", pipeline.LevelDistrict, end))
	got := one(t, w, `SELECT expected, received, on_time, late, rate, deadline, province_reported FROM mart_completeness
		WHERE province_code = '38' AND period = '2023'`)
	if want := fmt.Sprintf("%d|3|2|1|%v|2024-01-15|true", n, float64(int64(3.0/float64(n)*1e4+0.5))/1e4); got != want {
		t.Errorf("got %s want %s", got, want)
	}
	missing := rows(t, w, `SELECT m.unit_code || ' ' || m.unit_name FROM (SELECT unnest(missing) AS m FROM mart_completeness
		WHERE province_code = '38' AND period = '2023') ORDER BY 1`)
	if !reflect.DeepEqual(missing, expected) {
		t.Errorf("missing\n got %v\nwant %v", missing, expected)
	}
	// Other provinces: nothing received, everyone missing, not zero values.
	if got := one(t, w, `SELECT received, len(missing) = expected, timeliness FROM mart_completeness WHERE province_code = '40' AND period = '2023'`); got != "0|true|NULL" {
		t.Errorf("Nghệ An: %s", got)
	}
	// A shorter deadline makes 380 late too.
	w.Close()
	w = open(t, dir, warehouse.Options{DeadlineDays: 5})
	refresh(t, w)
	if got := one(t, w, `SELECT on_time, deadline FROM mart_completeness WHERE province_code = '38' AND period = '2023'`); got != "0|2024-01-05" {
		t.Errorf("deadline 5 days: %s", got)
	}
}

func TestSupersessionAndIncremental(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10},
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 1},
		{Unit: "436", Period: "2022", Indicator: "dialogues", Value: 4},
	}})
	w := open(t, dir, warehouse.Options{})
	if res := refresh(t, w); res.Mode != "full" || res.Partitions != 2 || res.RowsRead != 3 {
		t.Errorf("first refresh: %+v", res)
	}
	// Never committed (no manifest) or not loaded: invisible.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "crashed.csv", IngestedAt: day(2), NoManifest: true, Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 666}}})
	whtest.Write(t, dir, whtest.Batch{SourceFile: "failed.csv", IngestedAt: day(2), Status: "failed", Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 667}}})
	if res := refresh(t, w); res.Mode != "unchanged" || res.Partitions != 0 {
		t.Errorf("uncommitted batch refreshed: %+v", res)
	}
	// A correction of 380 arrives later: it supersedes; only its partition is re-read.
	b := whtest.Write(t, dir, whtest.Batch{SourceFile: "a-sua.csv", IngestedAt: day(3), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 12}}})
	// Batches were only added: the new file alone is read and merged.
	res := refresh(t, w)
	if res.Mode != "incremental" || res.Partitions != 1 || res.RowsRead != 1 || !reflect.DeepEqual(res.NewBatches, []string{b}) {
		t.Errorf("incremental: %+v", res)
	}
	if !strings.HasPrefix(res.Summary(), "incremental: 1 new batch(es)") {
		t.Errorf("summary %q", res.Summary())
	}
	if got := one(t, w, `SELECT value_sum_of_units FROM mart_province_year WHERE province_code = '38' AND year = 2023`); got != "13" {
		t.Errorf("superseded value counted: %s", got)
	}
	if got := rows(t, w, `SELECT value, superseded FROM facts_history WHERE unit_code = '380' ORDER BY value`); !reflect.DeepEqual(got, []string{"10|true", "12|false"}) {
		t.Errorf("facts_history: %v", got)
	}
	if got := rows(t, w, `SELECT value FROM facts WHERE unit_code = '380'`); !reflect.DeepEqual(got, []string{"12"}) {
		t.Errorf("facts: %v", got)
	}
	if got := one(t, w, `SELECT count(*) FROM files`); got != "3" {
		t.Errorf("files: %s", got)
	}
	// The first report of 380 lost its one value to the correction.
	if got := rows(t, w, `SELECT source_file, unit_code, "values", superseded_values FROM reports ORDER BY ALL`); !reflect.DeepEqual(got,
		[]string{"a-sua.csv|380|1|0", "a.csv|380|1|1", "a.csv|381|1|0", "a.csv|436|1|0"}) {
		t.Errorf("reports: %v", got)
	}
	// Merging compares versions, not arrival order: a batch stamped before
	// the correction (a clock set back) does not replace it, and its new
	// key is staged.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "late.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 50},
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 7}}})
	if res := refresh(t, w); res.Mode != "incremental" || res.RowsRead != 2 {
		t.Errorf("late batch: %+v", res)
	}
	if got := rows(t, w, `SELECT unit_code, value FROM facts WHERE unit_code IN ('380', '382') ORDER BY 1`); !reflect.DeepEqual(got, []string{"380|12", "382|7"}) {
		t.Errorf("facts after the late batch: %v", got)
	}
	if got := rows(t, w, `SELECT source_file, unit_code, "values", superseded_values FROM reports WHERE source_file = 'late.csv' ORDER BY ALL`); !reflect.DeepEqual(got,
		[]string{"late.csv|380|1|1", "late.csv|382|1|0"}) {
		t.Errorf("reports of the late batch: %v", got)
	}
	// The incremental state equals a full rebuild from scratch.
	dir2 := t.TempDir()
	copyData(t, dir, dir2)
	w2 := open(t, dir2, warehouse.Options{})
	refresh(t, w2)
	for _, m := range []string{"mart_province_year", "mart_unit_year", "mart_completeness", "stg_facts",
		"int_unit_period", "int_unit_report", "int_unit_year", "reports"} {
		inc := rows(t, w, "SELECT * FROM "+m+" ORDER BY ALL")
		fresh := rows(t, w2, "SELECT * FROM "+m+" ORDER BY ALL")
		if !reflect.DeepEqual(inc, fresh) || len(inc) == 0 {
			t.Errorf("%s: incremental != full\n inc %v\nfull %v", m, inc, fresh)
		}
	}
	// Withdrawing the correction brings the latest of the rest back: the
	// late batch's 50 (50 + 1 + 7).
	whtest.Remove(t, dir, b)
	res = refresh(t, w)
	if res.Mode != "incremental" || !reflect.DeepEqual(res.RemovedBatches, []string{b}) {
		t.Errorf("removal: %+v", res)
	}
	if got := one(t, w, `SELECT value_sum_of_units FROM mart_province_year WHERE province_code = '38' AND year = 2023`); got != "58" {
		t.Errorf("after removal: %s", got)
	}
}

// TestSupersededMeansChanged: a corrected resubmission that changes one
// value of five supersedes one and confirms four; a value whose qualifier
// changed is superseded too; a third report that sends a value back to what
// the first said confirms the first's and supersedes the second's. Counted
// the same when the resubmissions are appended to staging one by one and
// when everything is rebuilt at once.
func TestSupersededMeansChanged(t *testing.T) {
	dir := t.TempDir()
	fact := func(ind string, v float64, q string) whtest.Fact {
		return whtest.Fact{Unit: "446", Period: "2023", Indicator: ind, Value: v, Qualifier: q}
	}
	first := []whtest.Fact{fact("models_registered", 45, ""), fact("models_recognized", 41, ""), fact("dialogues", 28, ""),
		fact("contests", 2, ""), fact("land_donated_m2", 1200, "approx")}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: first})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	reports := func(w *warehouse.Warehouse) []string {
		return rows(t, w, `SELECT source_file, "values", superseded_values, confirmed_values FROM reports ORDER BY source_file`)
	}
	if got := reports(w); !reflect.DeepEqual(got, []string{"a.csv|5|0|0"}) {
		t.Errorf("one report: %v", got)
	}
	// The correction: dialogues 28 -> 30, the rest sent again unchanged.
	second := append([]whtest.Fact(nil), first...)
	second[2] = fact("dialogues", 30, "")
	whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(2), Facts: second})
	if res := refresh(t, w); res.Mode != "incremental" {
		t.Errorf("correction: %+v", res)
	}
	if got := reports(w); !reflect.DeepEqual(got, []string{"a.csv|5|1|4", "b.csv|5|0|0"}) {
		t.Errorf("after a correction of one value of five: %v", got)
	}
	// A third: dialogues back to 28 (a.csv's figure, confirmed again), land
	// the same figure but exact now (a.csv's and b.csv's approximate one
	// superseded).
	third := []whtest.Fact{fact("dialogues", 28, ""), fact("land_donated_m2", 1200, "exact")}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "c.csv", IngestedAt: day(3), Facts: third})
	refresh(t, w)
	want := []string{"a.csv|5|1|4", "b.csv|5|2|0", "c.csv|2|0|0"}
	if got := reports(w); !reflect.DeepEqual(got, want) {
		t.Errorf("after a third report: %v, want %v", got, want)
	}
	dir2 := t.TempDir()
	copyData(t, dir, dir2)
	w2 := open(t, dir2, warehouse.Options{})
	if res := refresh(t, w2); res.Mode != "full" {
		t.Errorf("rebuild: %+v", res)
	}
	if got := reports(w2); !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt from scratch: %v, want %v", got, want)
	}
}

// TestFilesTableMadeOncePerManifest: the opening loads the manifest into
// the files table and the refresh after it finds the same manifest: the
// table is the one the opening made (same table, not made again), and a
// manifest with a new record makes it again, with that record.
func TestFilesTableMadeOncePerManifest(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10}}})
	w := open(t, dir, warehouse.Options{})
	table := func() string {
		return one(t, w, `SELECT table_oid FROM duckdb_tables() WHERE table_name = 'files' AND schema_name = 'main'`)
	}
	opened := table()
	refresh(t, w)
	if got := table(); got != opened {
		t.Errorf("files table made again for the same manifest: oid %s, was %s", got, opened)
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 1}}})
	refresh(t, w)
	if got := rows(t, w, `SELECT source_file FROM files ORDER BY 1`); !reflect.DeepEqual(got, []string{"a.csv", "b.csv"}) {
		t.Errorf("files after a new batch: %v", got)
	}
	if got := rows(t, w, `SELECT source_file FROM mart_files ORDER BY 1`); !reflect.DeepEqual(got, []string{"a.csv", "b.csv"}) {
		t.Errorf("mart_files after a new batch: %v", got)
	}
}

// TestAppendOfNewKeysReadsNoEarlierFacts: appending facts whose keys are
// not staged yet (a new half-year's forms) replaces no staged value, so the
// earlier reports' counts stay as they are and their facts are not read
// again: the refresh succeeds with an earlier batch's file unreadable, and
// gives what a build from scratch gives. A new value of a staged key does
// read them (TestSupersededMeansChanged counts what it superseded).
func TestAppendOfNewKeysReadsNoEarlierFacts(t *testing.T) {
	dir := t.TempDir()
	// 38's file is the first of the facts views (bound by its footer).
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10}}})
	earlier := whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "412", Period: "2023-H1", Indicator: "dialogues", Value: 4},
		{Unit: "414", Period: "2023-H1", Indicator: "dialogues", Value: 5}}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	whtest.Write(t, dir, whtest.Batch{SourceFile: "c.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "412", Period: "2023-H2", Indicator: "dialogues", Value: 6},
		{Unit: "414", Period: "2023-H1", Indicator: "contests", Value: 1}}})
	fresh := t.TempDir()
	copyData(t, dir, fresh)
	// The earlier batch's facts, the same size, start and end, unreadable.
	path := layout.Dir(dir).FactFile(layout.Partition{Province: "40", Year: 2023}, earlier)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, fi.Size())
	copy(junk, "PAR1")
	copy(junk[len(junk)-4:], "PAR1")
	if err := os.WriteFile(path, junk, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := refresh(t, w); res.Mode != "incremental" || res.RowsRead != 2 {
		t.Errorf("append of new keys: %+v", res)
	}
	w2 := open(t, fresh, warehouse.Options{})
	refresh(t, w2)
	for _, m := range []string{"reports", "stg_facts", "int_unit_year", "mart_unit_year", "mart_province_year"} {
		inc := rows(t, w, "SELECT * FROM "+m+" ORDER BY ALL")
		full := rows(t, w2, "SELECT * FROM "+m+" ORDER BY ALL")
		if !reflect.DeepEqual(inc, full) || len(inc) == 0 {
			t.Errorf("%s: appended != built from scratch\n inc %v\nfull %v", m, inc, full)
		}
	}
}

// TestAppendRecountsOnlyReportsSharingAKey: appending a new value of a
// staged key can change the counts (superseded, confirmed) of the earlier
// reports that hold that key, and of no other: only those are counted
// again, not every report of the partition (at 24M facts the partition's
// ~540k earlier facts were joined and grouped again for a district's two
// values). Seen here by an earlier report of the same partition that shares
// no key with the new file, whose count, changed under it, must stay.
func TestAppendRecountsOnlyReportsSharingAKey(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "421", Period: "2023", Indicator: "dialogues", Value: 10},
		{Unit: "421", Period: "2023", Indicator: "contests", Value: 2},
		{Unit: "412", Period: "2023", Indicator: "dialogues", Value: 5}}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	// Nothing a refresh does changes this count but a new value of one of
	// 412's keys; this stands for a report the refresh must not count again.
	if _, err := w.DB().ExecContext(ctx, `UPDATE int_reports SET confirmed_values = 99 WHERE unit_code = '412'`); err != nil {
		t.Fatal(err)
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "421", Period: "2023", Indicator: "dialogues", Value: 11}}})
	if res := refresh(t, w); res.Mode != "incremental" {
		t.Errorf("correction: %+v", res)
	}
	got := rows(t, w, `SELECT source_file, unit_code, "values", superseded_values, confirmed_values FROM reports ORDER BY ALL`)
	want := []string{"a.csv|412|1|0|99", "a.csv|421|2|1|0", "b.csv|421|1|0|0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reports after a correction of 421's value: %v, want %v", got, want)
	}
}

func TestDataTestFailureRollsBackMarts(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10}}})
	w := open(t, dir, warehouse.Options{})
	good := refresh(t, w)
	// A fact for a unit of Thanh Hóa placed in Hà Tĩnh: the relationship test catches it.
	bad := whtest.Write(t, dir, whtest.Batch{SourceFile: "bad.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "381", Province: "42", Period: "2023", Indicator: "dialogues", Value: 5},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 11}}})
	_, err := w.Refresh(ctx)
	var dte *warehouse.DataTestError
	if !errors.As(err, &dte) || !strings.Contains(err.Error(), "903_test_relationships") {
		t.Fatalf("want a failing relationship test, got %v", err)
	}
	if got := one(t, w, `SELECT value FROM mart_province_year WHERE province_code = '38'`); got != "10" {
		t.Errorf("marts not rolled back: %s", got)
	}
	if got := one(t, w, `SELECT run_id FROM wh_run`); got != good.RunID {
		t.Errorf("wh_run changed: %s", got)
	}
	// The failure is not forgotten: the next refresh tests the partitions again.
	if _, err := w.Refresh(ctx); !errors.As(err, &dte) {
		t.Errorf("second refresh: want the same failure, got %v", err)
	}
	// Withdrawn, the bad batch leaves nothing staged of it, in the partition
	// it alone made (42/2023) either.
	whtest.Remove(t, dir, bad)
	refresh(t, w)
	if got := rows(t, w, `SELECT province_code, year, unit_code, value FROM stg_facts ORDER BY ALL`); !reflect.DeepEqual(got, []string{"38|2023|380|10"}) {
		t.Errorf("staged after the bad batch was withdrawn: %v", got)
	}
}

func copyData(t *testing.T, from, to string) {
	t.Helper()
	for _, pat := range []string{"warehouse/facts/*/*/*.parquet", "warehouse/manifest/*.json", "warehouse/rejects/*.parquet"} {
		paths, _ := filepath.Glob(filepath.Join(from, pat))
		for _, p := range paths {
			rel, _ := filepath.Rel(from, p)
			copyFile(t, p, filepath.Join(to, rel))
		}
	}
}

// The reference tables are loaded once per content: reopening with the same
// reference keeps them, a changed reference replaces them and rebuilds.
func TestReferenceReloadedWhenChanged(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10}}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	label := one(t, w, `SELECT label_vi FROM indicators WHERE code = 'dialogues'`)
	w.Close()

	w = open(t, dir, warehouse.Options{})
	if res := refresh(t, w); res.Mode != "unchanged" {
		t.Errorf("same reference, refresh %s", res.Mode)
	}
	if got := one(t, w, `SELECT label_vi FROM indicators WHERE code = 'dialogues'`); got != label {
		t.Errorf("same reference: label %q, want %q", got, label)
	}
	w.Close()

	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	ref.Indicator("dialogues").LabelVI = "Đối thoại (đã sửa)"
	w = open(t, dir, warehouse.Options{Reference: ref})
	if got := one(t, w, `SELECT label_vi FROM indicators WHERE code = 'dialogues'`); got != "Đối thoại (đã sửa)" {
		t.Errorf("changed reference: label %q", got)
	}
	if res := refresh(t, w); res.Mode != "full" {
		t.Errorf("changed reference, refresh %s", res.Mode)
	}
}

// TestTiedStampsBrokenByBatch: batches stamped with the same instant are
// ordered by their batch name, as the facts view (a window over the whole
// version) orders them; staging must keep the same winner, whatever the
// position of the value in its batch.
func TestTiedStampsBrokenByBatch(t *testing.T) {
	dir := t.TempDir()
	var batches []whtest.Batch
	for i, name := range []string{"x.csv", "y.csv", "z.csv", "w.csv"} {
		facts := []whtest.Fact{{Unit: "381", Period: "2023", Indicator: "contests", Value: float64(i)}}
		key := whtest.Fact{Unit: "380", Period: "2023", Indicator: "dialogues", Value: float64(100 + i)}
		if i%2 == 0 {
			facts = append([]whtest.Fact{key}, facts...)
		} else {
			facts = append(facts, key)
		}
		b := whtest.Batch{SourceFile: name, IngestedAt: day(5), Facts: facts}
		if name == "w.csv" {
			b.IngestedAt = day(4) // earlier: loses whatever its name
		}
		whtest.Write(t, dir, b)
		batches = append(batches, b)
	}
	want := batches[0]
	for _, b := range batches[:3] {
		if b.Hash() > want.Hash() {
			want = b
		}
	}
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	got := rows(t, w, `SELECT unit_code, source_file FROM stg_facts ORDER BY 1`)
	if wantRows := []string{"380|" + want.SourceFile, "381|" + want.SourceFile}; !reflect.DeepEqual(got, wantRows) {
		t.Errorf("staged %v, want %v (the greatest batch of the tied stamp)", got, wantRows)
	}
	if facts := rows(t, w, `SELECT unit_code, source_file FROM facts ORDER BY 1`); !reflect.DeepEqual(facts, got) {
		t.Errorf("the facts view keeps %v, staging %v", facts, got)
	}
}

// TestFirstReceived: a report was received on its earliest stated
// submission date, or on its ingestion day for values that state none.
func TestFirstReceived(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "r.csv", IngestedAt: day(10), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 1, SubmittedAt: "2024-01-03"},
		{Unit: "380", Period: "2023", Indicator: "contests", Value: 1},
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 1, SubmittedAt: "2024-01-12"},
		{Unit: "381", Period: "2023", Indicator: "contests", Value: 1},
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 1, SubmittedAt: "2024-01-06"},
		{Unit: "382", Period: "2023", Indicator: "contests", Value: 1, SubmittedAt: "2024-01-05"},
		{Unit: "384", Period: "2023", Indicator: "dialogues", Value: 1},
	}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	got := rows(t, w, `SELECT unit_code, first_received, submitted_known FROM reports ORDER BY 1`)
	want := []string{"380|2024-01-03|true", "381|2024-01-10|true", "382|2024-01-05|true", "384|2024-01-10|false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reports %v, want %v", got, want)
	}
}

// The refresher names the stage ("open warehouse: …"), so the
// warehouse's own errors say what failed without saying it again: a
// failed opening read "open warehouse: open warehouse: …".
func TestOpenErrorNamesNoStage(t *testing.T) {
	dir := t.TempDir()
	// A file where the warehouse's temporary directory goes.
	if err := os.MkdirAll(filepath.Join(dir, "warehouse"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "warehouse", "tmp"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := warehouse.Open(ctx, dir, warehouse.DefaultOptions())
	if err == nil {
		t.Fatal("opened a warehouse whose temporary directory is a file")
	}
	if strings.Contains(err.Error(), "open warehouse") {
		t.Errorf("error %q names the stage its caller names", err)
	}
}
