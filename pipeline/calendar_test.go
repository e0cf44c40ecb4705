package pipeline_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// unitOn finds the version of a unit of code and level standing on day d.
func unitOn(t *testing.T, ref *pipeline.Reference, code string, level pipeline.Level, d time.Time) *pipeline.Unit {
	t.Helper()
	for _, u := range ref.Units {
		if u.Code == code && u.Level == level && u.ValidOn(d) {
			return u
		}
	}
	t.Fatalf("no %s %s on %s", level, code, d.Format("2006-01-02"))
	return nil
}

// owed lists the codes of the periods a unit owes, over all its versions.
func owed(cal *pipeline.Calendar, ref *pipeline.Reference, code string, level pipeline.Level, from, asOf time.Time) []string {
	var out []string
	for _, u := range ref.Units {
		if u.Code == code && u.Level == level {
			for _, d := range cal.Owed(u, from, asOf, 15) {
				out = append(out, d.Period.Code)
			}
		}
	}
	return out
}

func TestCalendarOwed(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := pipeline.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	from, asOf := day(2023, 1, 1), day(2026, 12, 6)
	for _, c := range []struct {
		name, code string
		level      pipeline.Level
		from, asOf time.Time
		want       []string
	}{
		// A district: its first half and its year until 2025-H1; no 2025
		// annual report (the district level ended on 2025-06-30).
		{"TP Thanh Hóa", "380", pipeline.LevelDistrict, from, asOf,
			[]string{"2023-H1", "2023", "2024-H1", "2024", "2025-H1"}},
		// Cửa Lò merged into Vinh on 2024-12-01: it owes 2024-H1, not 2024.
		{"Cửa Lò", "413", pipeline.LevelDistrict, from, asOf, []string{"2023-H1", "2023", "2024-H1"}},
		// Sầm Sơn changed type on 2017-04-19: its two versions owe each
		// period once.
		{"Sầm Sơn across its type change", "382", pipeline.LevelDistrict, day(2016, 1, 1), day(2018, 1, 20),
			[]string{"2016-H1", "2016", "2017-H1", "2017"}},
		// A new commune: each half-year from 2025-H2, the year from 2026;
		// the 2025 annual report is nobody's (the commune did not exist
		// for the whole year, the district no longer did at its end).
		{"phường Hàm Rồng by the data day", "14758", pipeline.LevelCommune, from, asOf, []string{"2025-H2", "2026-H1"}},
		{"phường Hàm Rồng after 2026", "14758", pipeline.LevelCommune, from, day(2027, 2, 1),
			[]string{"2025-H2", "2026-H1", "2026-H2", "2026"}},
		// A period not yet ended is not owed.
		{"before 2025-H2 ends", "14758", pipeline.LevelCommune, from, day(2025, 12, 30), nil},
		// from bounds the window.
		{"from 2024", "380", pipeline.LevelDistrict, day(2024, 1, 1), asOf, []string{"2024-H1", "2024", "2025-H1"}},
	} {
		got := owed(cal, ref, c.code, c.level, c.from, c.asOf)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: owes %v, want %v", c.name, got, c.want)
		}
	}
	// The pre-2025 commune that had code 14758 (Đông Thọ) reported to its
	// district: it owes the province nothing.
	old := unitOn(t, ref, "14758", pipeline.LevelCommune, day(2024, 1, 1))
	if got := cal.Owed(old, from, asOf, 15); len(got) != 0 {
		t.Errorf("pre-2025 commune %s owes %v", old.Name, got)
	}
	// No unit owes a month, a quarter or a district's second half.
	for _, p := range []pipeline.Period{pipeline.MonthPeriod(2024, 3), pipeline.QuarterPeriod(2024, 2), pipeline.HalfPeriod(2024, 2), pipeline.YearPeriod(2025)} {
		for _, l := range []pipeline.Level{pipeline.LevelDistrict, pipeline.LevelCommune} {
			if r := cal.Rule(l, p); r != nil {
				t.Errorf("%s owes %s by %+v", l, p.Code, *r)
			}
		}
	}
	// Deadlines: period end + the default, or the rule's own.
	u := unitOn(t, ref, "380", pipeline.LevelDistrict, day(2023, 12, 31))
	if d := cal.Owed(u, day(2023, 1, 1), day(2023, 12, 31), 15); len(d) != 2 || !d[1].Deadline.Equal(day(2024, 1, 15)) || d[1].Rule.LabelVI != "Báo cáo tổng kết năm" {
		t.Errorf("2023 dues of 380: %+v", d)
	}
}

func TestCalendarStandings(t *testing.T) {
	ref, _ := pipeline.DefaultReference()
	cal, err := pipeline.LoadCalendar(strings.NewReader("level,report,from,until,deadline_days\n"+
		"district,half,,2025-H1,10\ndistrict,year,,2025-H1,\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	u := unitOn(t, ref, "446", pipeline.LevelDistrict, day(2024, 1, 1)) // Cẩm Xuyên
	received := map[string]time.Time{
		"2023-H1": day(2023, 7, 10), // on the deadline (end + 10 days)
		"2023-H2": day(2024, 1, 11), // one day late
		// no 2023 annual report: the halves stand for it
		"2024-Q1": day(2024, 4, 2), // a quarter nobody owes: a part of 2024-H1 and of 2024
		"2024":    day(2025, 1, 3),
		"2024-03": day(2024, 4, 2),
	}
	got := cal.Standings(u, received, day(2023, 1, 1), day(2025, 1, 12), 15)
	type row struct {
		period string
		status pipeline.ReportStatus
		parts  string
		cover  bool
	}
	var rows []row
	for _, s := range got {
		rows = append(rows, row{s.Period.Code, s.Status, strings.Join(s.Parts, ","), s.PartsCover})
	}
	want := []row{
		{"2023-H1", pipeline.OnTime, "", false},
		{"2023-H2", pipeline.Late, "", false},
		{"2023", pipeline.Missing, "2023-H1,2023-H2", true},
		{"2024-H1", pipeline.Missing, "2024-Q1,2024-03", false},
		{"2024-H2", pipeline.Missing, "", false},
		{"2024", pipeline.OnTime, "", false},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("standings\n got %v\nwant %v", rows, want)
	}
	if !got[0].Received.Equal(day(2023, 7, 10)) || !got[2].Received.IsZero() {
		t.Errorf("received days: %v %v", got[0].Received, got[2].Received)
	}
	// Before the deadline a report not yet sent is pending, not missing.
	got = cal.Standings(u, nil, day(2024, 1, 1), day(2024, 7, 5), 15)
	if len(got) != 1 || got[0].Status != pipeline.Pending || got[0].Status.Received() {
		t.Errorf("standing before the deadline: %+v", got)
	}
}

func TestLoadCalendarErrors(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"level,report\nprovince,year\n", "line 2, column level: \"province\" is not a level"},
		{"level,report\ndistrict,yearly\n", "line 2, column report: \"yearly\" is not a kind of report"},
		{"level,report,from\ndistrict,year,6 tháng đầu năm 2025\n", "column from: \"6 tháng đầu năm 2025\" is not a period code"},
		{"level,report,from,until\ncommune,half,2026,2025-H2\n", "column until: 2025-H2 ends before 2026 starts"},
		{"level,report,deadline_days\ncommune,half,0\n", "column deadline_days: \"0\" is not a number of days"},
		{"level,kind\ndistrict,year\n", "no column \"report\""},
		{"level,report\n", "no rule"},
	} {
		_, err := pipeline.LoadCalendar(strings.NewReader(c.csv), "x.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x.csv") {
			t.Errorf("%q: error %v, want one saying %q", c.csv, err, c.want)
		}
	}
}

func TestCalendarFor(t *testing.T) {
	dir := layout.Dir(t.TempDir())
	cal, err := pipeline.CalendarFor(dir)
	if err != nil || cal.Source != "embedded" || len(cal.Rules) != 4 {
		t.Fatalf("without a file of its own: %+v, %v", cal, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir.Calendar()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir.Calendar(), []byte("\ufefflevel,report,from,until\ncommune,quarter,2025-Q3,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cal, err = pipeline.CalendarFor(dir)
	if err != nil || !strings.HasSuffix(cal.Source, "reference/reporting_calendar.csv") || len(cal.Rules) != 1 || cal.Rule(pipeline.LevelCommune, pipeline.QuarterPeriod(2025, 4)) == nil {
		t.Fatalf("the data directory's own calendar: %+v, %v", cal, err)
	}
	if err := os.WriteFile(dir.Calendar(), []byte("level,report\nward,year\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.CalendarFor(dir); err == nil || !strings.Contains(err.Error(), "reference/reporting_calendar.csv, line 2, column level") {
		t.Errorf("a bad calendar: %v", err)
	}
}
