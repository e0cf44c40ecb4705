package warehouse_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// TestCompletenessFollowsTheCalendar: completeness is measured against the
// reporting calendar only. Stray periods (a month, a quarter, a district's
// second half) are owed by nobody; the 2025 annual report is owed by
// nobody (districts ended at 2025-H1, communes began at 2025-H2); a unit
// that sent its halves but not its year is missing with its halves listed;
// before the deadline a report not yet sent is pending.
func TestCompletenessFollowsTheCalendar(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023-H1", Indicator: "dialogues", Value: 4, SubmittedAt: "2023-07-10"},
		{Unit: "380", Period: "2023-H2", Indicator: "dialogues", Value: 5, SubmittedAt: "2024-01-10"},
		{Unit: "381", Period: "2023-H1", Indicator: "dialogues", Value: 2, SubmittedAt: "2023-07-20"},
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 7, SubmittedAt: "2024-01-12"},
		{Unit: "381", Period: "2023-03", Indicator: "dialogues", Value: 1, SubmittedAt: "2023-04-02"},
		{Unit: "384", Period: "2023-Q2", Indicator: "dialogues", Value: 1, SubmittedAt: "2023-07-02"},
		{Unit: "14758", Period: "2025-H2", Indicator: "dialogues", Value: 3, SubmittedAt: "2026-01-03"},
		{Unit: "40", Period: "2023", Indicator: "dialogues", Value: 90, SubmittedAt: "2024-01-12"},
		{Unit: "42", Period: "2023", Indicator: "dialogues", Value: 80, SubmittedAt: "2024-01-12"},
	}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)

	// Only calendar periods, from the first year anything owed arrived.
	got := rows(t, w, `SELECT DISTINCT period FROM mart_completeness ORDER BY period`)
	if want := []string{"2023", "2023-H1", "2024", "2024-H1", "2025-H1", "2025-H2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("periods %v, want %v", got, want)
	}
	ref, _ := pipeline.DefaultReference()
	districts := len(ref.UnitsOn("38", pipeline.LevelDistrict, time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)))
	communes := len(ref.UnitsOn("38", pipeline.LevelCommune, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)))
	got = rows(t, w, `SELECT period, expected, received, on_time, late, pending, missing_parts_cover FROM mart_completeness
		WHERE province_code = '38' AND period IN ('2023', '2023-H1', '2025-H2') ORDER BY period`)
	want := []string{
		// 382 on time; 380 sent both halves, not the year.
		strings.Join([]string{"2023", strconv.Itoa(districts), "1", "1", "0", "0", "1"}, "|"),
		// 380 on the deadline, 381 five days late.
		strings.Join([]string{"2023-H1", strconv.Itoa(districts), "2", "1", "1", "0", "0"}, "|"),
		// On 2026-01-05 (the data's day) the deadline of 2025-H2 has not
		// passed: the communes that have not reported yet are pending.
		strings.Join([]string{"2025-H2", strconv.Itoa(communes), "1", "1", "0", strconv.Itoa(communes - 1), "0"}, "|"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("completeness of Thanh Hóa\n got %v\nwant %v", got, want)
	}
	got = rows(t, w, `SELECT unit_code, period, status, array_to_string(parts_received, ','), parts_cover, array_to_string(source_files, ',')
		FROM mart_reporting WHERE unit_code IN ('380', '381') AND period IN ('2023', '2023-H1') ORDER BY unit_code, period`)
	want = []string{
		"380|2023|missing|2023-H1,2023-H2|true|",
		"380|2023-H1|on_time||false|a.csv",
		"381|2023|missing|2023-H1,2023-03|false|",
		"381|2023-H1|late||false|a.csv",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reports of 380 and 381\n got %v\nwant %v", got, want)
	}
	// The missing list names the halves; the city of Thanh Hóa carries its type.
	got = rows(t, w, `SELECT m.unit_name || ' ' || m.unit_type || ' ' || array_to_string(m.parts_received, ',') FROM
		(SELECT unnest(missing) AS m FROM mart_completeness WHERE province_code = '38' AND period = '2023') WHERE m.unit_code = '380'`)
	if !reflect.DeepEqual(got, []string{"Thanh Hóa thanh_pho 2023-H1,2023-H2"}) {
		t.Errorf("missing entry of 380: %v", got)
	}
	if got := one(t, w, `SELECT count(*) FROM mart_reporting WHERE period IN ('2023-03', '2023-Q2', '2023-H2', '2025') OR unit_level NOT IN ('district', 'commune')`); got != "0" {
		t.Errorf("%s reports owed outside the calendar", got)
	}

	// Rankings compare like with like: 380 (both halves) and 382 (the
	// annual report) cover 2023; 381 sent its first half only, 384 a
	// quarter.
	got = rows(t, w, `SELECT unit_code, value, comparable, coalesce(comparable_rank::VARCHAR, '-'), coalesce(comparable_of::VARCHAR, '-'),
		array_to_string(periods, ','), array_to_string(periods_lacking, ',') FROM mart_unit_year
		WHERE province_code = '38' AND year = 2023 ORDER BY unit_code`)
	want = []string{"380|9|true|1|2|2023-H1,2023-H2|", "381|2|false|-|-|2023-H1|2023-H2", "382|7|true|2|2|2023|",
		"384|1|false|-|-|2023-Q2|2023-H1,2023-H2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ranking of 2023\n got %v\nwant %v", got, want)
	}

	// A calendar of the data directory's own replaces the embedded one.
	w.Close()
	writeCalendar(t, dir, "level,report,from,until,deadline_days\ndistrict,year,,2025-H1,30\n")
	w = open(t, dir, warehouse.Options{})
	refresh(t, w)
	got = rows(t, w, `SELECT period, received, on_time, deadline FROM mart_completeness WHERE province_code = '38' ORDER BY period`)
	if want := []string{"2023|1|1|2024-01-30", "2024|0|0|2025-01-30"}; !reflect.DeepEqual(got, want) {
		t.Errorf("with the data directory's calendar: %v, want %v", got, want)
	}
	if got := one(t, w, `SELECT count(*) || ' ' || max(deadline_days) FROM reporting_calendar`); got != "1 30" {
		t.Errorf("reporting_calendar table: %s", got)
	}
}

// TestStandingsStayOutOfTheDatabaseFile: unit_standing is computed again
// at every refresh and read only by the marts of the same transaction, so
// it is a temporary table: none of it goes to the WAL at the marts' commit
// nor to the database file at the closing checkpoint (the drop of 365
// forms: 2,249 rows, ~256 KB of the file), and the one an earlier version
// kept there goes. The marts still read it; refresh_settings, which nothing
// read, is no longer made.
func TestStandingsStayOutOfTheDatabaseFile(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023-H1", Indicator: "dialogues", Value: 4, SubmittedAt: "2023-07-10"},
	}})
	w := open(t, dir, warehouse.Options{})
	// What an earlier version left in the file.
	if _, err := w.DB().Exec(`CREATE TABLE unit_standing AS SELECT 1 AS left_over`); err != nil {
		t.Fatal(err)
	}
	refresh(t, w)
	if got := one(t, w, `SELECT status FROM mart_reporting WHERE unit_code = '380' AND period = '2023-H1'`); got != "on_time" {
		t.Errorf("380's 2023-H1 in mart_reporting: %q, want on_time", got)
	}
	w.Close()
	w = open(t, dir, warehouse.Options{})
	defer w.Close()
	if got := rows(t, w, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND table_name IN ('unit_standing', 'refresh_settings') ORDER BY 1`); len(got) > 0 {
		t.Errorf("tables in the database file that each refresh makes again for itself alone: %v", got)
	}
}

// TestYearsAndPartYears: a year is complete when every province's figures
// cover its twelve months; a part-year says what it holds, and its change
// on the previous year is not computed, with the reason.
func TestYearsAndPartYears(t *testing.T) {
	dir := t.TempDir()
	var facts []whtest.Fact
	for _, p := range []string{"38", "40", "42"} {
		facts = append(facts,
			whtest.Fact{Unit: p, Period: "2025", Indicator: "dialogues", Value: 100},
			whtest.Fact{Unit: p, Period: "2024", Indicator: "dialogues", Value: 80},
			whtest.Fact{Unit: p, Period: "2026-H1", Indicator: "dialogues", Value: 40})
	}
	facts = append(facts, whtest.Fact{Unit: "42", Period: "2023-H1", Indicator: "dialogues", Value: 30})
	whtest.Write(t, dir, whtest.Batch{SourceFile: "p.csv", IngestedAt: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), Facts: facts})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	got := rows(t, w, `SELECT year, complete, months_covered, array_to_string(periods, ','), array_to_string(periods_lacking, ','),
		array_to_string(provinces_complete, ','), label_vi, label_en FROM mart_years ORDER BY year`)
	want := []string{
		"2023|false|0|2023-H1|2023-H1,2023-H2||Năm 2023 (chưa đủ năm)|2023 (part-year)",
		"2024|true|12|2024||38,40,42|2024|2024",
		"2025|true|12|2025||38,40,42|2025|2025",
		"2026|false|6|2026-H1|2026-H2||6 tháng đầu năm 2026 (chưa đủ năm)|First half of 2026 (part-year)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("years\n got %v\nwant %v", got, want)
	}
	got = rows(t, w, `SELECT year, partial, coalesce(yoy_change::VARCHAR, '-'), coalesce(yoy_note, '-'), array_to_string(periods_lacking, ',')
		FROM mart_province_year WHERE province_code = '38' ORDER BY year`)
	want = []string{"2024|false|-|no_previous_year|", "2025|false|20.0|-|", "2026|true|-|part_year|2026-H2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("province 38\n got %v\nwant %v", got, want)
	}
}

// TestCalendarChangeKeepsStaging: the staging, the int_ tables and the data
// tests over them read no reporting calendar and no refusal fix text, so a
// changed calendar (or a new refusal code's fix, after an upgrade) leaves
// the kept tables as they are, where it once rebuilt them from every stored
// file; the marts follow the new calendar all the same. A changed unit
// list, which staging's tests read, still rebuilds (TestReferenceReloadedWhenChanged).
func TestCalendarChangeKeepsStaging(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: time.Date(2024, 1, 20, 8, 0, 0, 0, time.UTC), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 4, SubmittedAt: "2024-01-20"},
	}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	w.Close()
	writeCalendar(t, dir, "level,report,from,until,deadline_days\ndistrict,year,,2025-H1,30\n")
	w = open(t, dir, warehouse.Options{})
	if res := refresh(t, w); res.Mode != warehouse.Unchanged {
		t.Errorf("another calendar: refresh %s, want %s (the kept tables do not read it)", res.Mode, warehouse.Unchanged)
	}
	if got := one(t, w, `SELECT status || ' ' || deadline FROM mart_reporting WHERE unit_code = '380' AND period = '2023'`); got != "on_time 2024-01-30" {
		t.Errorf("380's 2023 under the new calendar: %s, want on_time 2024-01-30", got)
	}
}

// writeCalendar gives the data directory dir a reporting calendar of its
// own, text, in place of the embedded one.
func writeCalendar(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(layout.Dir(dir).Calendar()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(layout.Dir(dir).Calendar(), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
