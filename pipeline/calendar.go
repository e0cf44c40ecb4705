package pipeline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// The reporting calendar says which reports each level of unit owes the
// province, for which periods: districts a first-half report and an annual
// report until 2025-H1, communes a report for each half-year and each year
// from 2025-H2 (reference/reporting_calendar.csv). Completeness is measured
// against it and nothing else: a period that only appears in the data (one
// unit's monthly figures) is owed by nobody, and a period the calendar
// names is owed by every unit of the level that stands on its last day,
// whether or not anyone reported for it.
//
// The embedded calendar is the default; a data directory may hold its own
// in reference/reporting_calendar.csv (layout.Dir.Calendar), which replaces
// it whole (CalendarFor).

// DueKind is the kind of report a calendar rule asks for.
type DueKind string

const (
	DueYear    DueKind = "year"    // the annual report (tổng kết năm)
	DueHalf    DueKind = "half"    // both half-year reports
	DueH1      DueKind = "H1"      // the first-half report only (sơ kết 6 tháng đầu năm)
	DueH2      DueKind = "H2"      // the second-half report only
	DueQuarter DueKind = "quarter" // every quarter
	DueMonth   DueKind = "month"   // every month
)

// CalendarRule is one line of the calendar: units of Level owe a report of
// Kind for every such period that starts no earlier than From starts and
// ends no later than Until ends (a zero From or Until leaves that side
// open).
type CalendarRule struct {
	Level            Level
	Kind             DueKind
	From, Until      Period
	DeadlineDays     int // days after the period's end a report is on time; 0: the caller's default
	LabelVI, LabelEN string
}

// Covers reports whether the rule asks for a report of period p.
func (r *CalendarRule) Covers(p Period) bool {
	if !r.Kind.matches(p) {
		return false
	}
	if r.From.Code != "" && p.Start.Before(r.From.Start) {
		return false
	}
	return r.Until.Code == "" || !p.End.After(r.Until.End)
}

func (k DueKind) matches(p Period) bool {
	switch k {
	case DueYear:
		return p.Type == Year
	case DueHalf:
		return p.Type == Half
	case DueH1:
		return p.Type == Half && p.Start.Month() == time.January
	case DueH2:
		return p.Type == Half && p.Start.Month() == time.July
	case DueQuarter:
		return p.Type == Quarter
	case DueMonth:
		return p.Type == Month
	}
	return false
}

// periodsOf returns the periods of kind k that lie in year y.
func (k DueKind) periodsOf(y int) []Period {
	switch k {
	case DueYear:
		return []Period{YearPeriod(y)}
	case DueHalf:
		return []Period{HalfPeriod(y, 1), HalfPeriod(y, 2)}
	case DueH1:
		return []Period{HalfPeriod(y, 1)}
	case DueH2:
		return []Period{HalfPeriod(y, 2)}
	case DueQuarter:
		return []Period{QuarterPeriod(y, 1), QuarterPeriod(y, 2), QuarterPeriod(y, 3), QuarterPeriod(y, 4)}
	case DueMonth:
		ps := make([]Period, 12)
		for m := range ps {
			ps[m] = MonthPeriod(y, time.Month(m+1))
		}
		return ps
	}
	return nil
}

// Calendar is the reporting calendar in force.
type Calendar struct {
	Rules []CalendarRule
	// Source says where it was read: "embedded" or the file's path.
	Source string
}

// Rule returns the first rule by which a unit of level owes a report of
// period p, or nil when none does.
func (c *Calendar) Rule(level Level, p Period) *CalendarRule {
	for i := range c.Rules {
		if r := &c.Rules[i]; r.Level == level && r.Covers(p) {
			return r
		}
	}
	return nil
}

// Due is one report a unit owes: the unit (the version of it standing on
// the period's last day), the period and the last day it is on time.
type Due struct {
	Unit     *Unit
	Period   Period
	Deadline time.Time
	Rule     *CalendarRule
}

// Owed returns the reports unit u owes for the periods that start no
// earlier than from and have ended by asOf (both days), ordered by the
// period's end, then its start (a half-year before the year it ends). A
// unit owes a period when a rule of its level covers it and the unit stood
// on its last day; defaultDeadline is the deadline of rules that set none.
func (c *Calendar) Owed(u *Unit, from, asOf time.Time, defaultDeadline int) []Due {
	return c.Owing(from, asOf, defaultDeadline).Owed(u)
}

// Owing is what the calendar asks between two days, for the units of
// every level (Calendar.Owing).
type Owing struct {
	c          *Calendar
	from, asOf time.Time
	deadline   int
	byLevel    map[Level][]Due // the periods a unit of the level owes if it stands on their last days
}

// Owing returns what the calendar asks from from to asOf (as Owed), for a
// caller asking it of many units: the periods of a level are the same for
// every unit of it, but for the days it stood, and each unit's standings
// worked them out again (~10 ms of CPU for the refresh's every district and
// commune). Not safe for concurrent use.
func (c *Calendar) Owing(from, asOf time.Time, defaultDeadline int) *Owing {
	return &Owing{c: c, from: from, asOf: asOf, deadline: defaultDeadline, byLevel: map[Level][]Due{}}
}

// Owed returns the reports unit u owes (Calendar.Owed).
func (o *Owing) Owed(u *Unit) []Due {
	dues, ok := o.byLevel[u.Level]
	if !ok {
		dues = o.c.owedAt(u.Level, o.from, o.asOf, o.deadline)
		o.byLevel[u.Level] = dues
	}
	// A period's standing depends on its last day alone, the same for every
	// rule that asks for it: filtered here, the dues keep the order Owed
	// would have given them.
	var out []Due
	for _, d := range dues {
		if u.ValidOn(d.Period.End) {
			if out == nil {
				out = make([]Due, 0, len(dues))
			}
			d.Unit = u
			out = append(out, d)
		}
	}
	return out
}

// owedAt is what a unit of level owes (Owed) if it stood throughout, its
// Unit not set.
func (c *Calendar) owedAt(level Level, from, asOf time.Time, defaultDeadline int) []Due {
	if asOf.Before(from) {
		return nil
	}
	var out []Due
	for y := from.Year(); y <= asOf.Year(); y++ {
		for i := range c.Rules {
			r := &c.Rules[i]
			if r.Level != level {
				continue
			}
			for _, p := range r.Kind.periodsOf(y) {
				if p.Start.Before(from) || p.End.After(asOf) || !r.Covers(p) {
					continue
				}
				if slices.ContainsFunc(out, func(d Due) bool { return d.Period.Code == p.Code }) {
					continue // two rules ask for the same report: owed once, by the first
				}
				days := r.DeadlineDays
				if days == 0 {
					days = defaultDeadline
				}
				out = append(out, Due{Period: p, Deadline: p.End.AddDate(0, 0, days), Rule: r})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Due) int {
		if c := a.Period.End.Compare(b.Period.End); c != 0 {
			return c
		}
		return b.Period.Start.Compare(a.Period.Start)
	})
	return out
}

// ReportStatus is what became of an owed report.
type ReportStatus string

const (
	OnTime  ReportStatus = "on_time" // received no later than its deadline
	Late    ReportStatus = "late"    // received after its deadline
	Missing ReportStatus = "missing" // not received, and the deadline has passed
	Pending ReportStatus = "pending" // not received yet, and the deadline has not passed
)

// Received reports whether the status is one of a report that arrived.
func (s ReportStatus) Received() bool { return s == OnTime || s == Late }

// Standing is one owed report and what became of it.
type Standing struct {
	Due
	Status   ReportStatus
	Received time.Time // the day it was first received; zero when it was not
	// Parts are the shorter periods inside an owed period that was not
	// received but whose parts were (a unit that sent both half-year
	// reports and no annual one: ["2024-H1", "2024-H2"]), in period order.
	Parts []string
	// PartsCover says the parts cover the whole period, so its figures
	// are known even though its own report is missing.
	PartsCover bool
}

// Standings answers, for unit u, which reports it owes for the periods
// from from to asOf (Owed) and which of them it sent. received maps the
// code of every period the unit sent a report for (owed or not) to the day
// that report was first received (the stated submission date, else the
// ingestion day).
func (c *Calendar) Standings(u *Unit, received map[string]time.Time, from, asOf time.Time, defaultDeadline int) []Standing {
	return c.Owing(from, asOf, defaultDeadline).Standings(u, received)
}

// Standings is Calendar.Standings of unit u.
func (o *Owing) Standings(u *Unit, received map[string]time.Time) []Standing {
	asOf := o.asOf
	owed := o.Owed(u)
	out := make([]Standing, len(owed))
	for i, d := range owed {
		s := Standing{Due: d}
		if at, ok := received[d.Period.Code]; ok {
			s.Received = at
			s.Status = OnTime
			if at.After(d.Deadline) {
				s.Status = Late
			}
		} else {
			s.Status = Missing
			if !asOf.After(d.Deadline) {
				s.Status = Pending
			}
			s.Parts, s.PartsCover = parts(d.Period, received)
		}
		out[i] = s
	}
	return out
}

// parts returns the received periods strictly inside p, and whether they
// cover it: months covered by any of them, all of p's months.
func parts(p Period, received map[string]time.Time) ([]string, bool) {
	var out []string
	var months [13]bool
	for code := range received {
		q, err := ParsePeriod(code)
		if err != nil || q.Code == p.Code || (q.Type != Half && q.Type != Quarter && q.Type != Month) ||
			q.Start.Before(p.Start) || q.End.After(p.End) {
			continue
		}
		out = append(out, q.Code)
		for m := q.Start.Month(); m <= q.End.Month(); m++ {
			months[m] = true
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		pa, _ := ParsePeriod(a)
		pb, _ := ParsePeriod(b)
		if c := pa.Start.Compare(pb.Start); c != 0 {
			return c
		}
		return pb.End.Compare(pa.End)
	})
	cover := len(out) > 0
	for m := p.Start.Month(); m <= p.End.Month(); m++ {
		cover = cover && months[m]
	}
	return out, cover
}

// LoadCalendar reads a calendar in the format of
// reference/reporting_calendar.csv: a header row naming the columns level,
// report, from, until, deadline_days, label_vi, label_en (any order; the
// labels and deadline_days may be left out), then one rule a row. Errors
// name the line and the column.
func LoadCalendar(r io.Reader, source string) (*Calendar, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reporting calendar %s: read header: %w", source, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"level", "report"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("reporting calendar %s: no column %q in the header (want level, report, from, until, deadline_days, label_vi, label_en)", source, need)
		}
	}
	cal := &Calendar{Source: source}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reporting calendar %s: %w", source, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		bad := func(column, format string, args ...any) error {
			return fmt.Errorf("reporting calendar %s, line %d, column %s: %s", source, line, column, fmt.Sprintf(format, args...))
		}
		r := CalendarRule{Level: Level(get("level")), Kind: DueKind(get("report")), LabelVI: get("label_vi"), LabelEN: get("label_en")}
		if r.Level != LevelDistrict && r.Level != LevelCommune {
			return nil, bad("level", "%q is not a level that reports to the province (district or commune)", r.Level)
		}
		if r.Kind.periodsOf(2000) == nil {
			return nil, bad("report", "%q is not a kind of report (year, half, H1, H2, quarter or month)", r.Kind)
		}
		for _, b := range []struct {
			name string
			p    *Period
		}{{"from", &r.From}, {"until", &r.Until}} {
			s := get(b.name)
			if s == "" {
				continue
			}
			p, err := ParsePeriod(s)
			if err != nil || p.Type == Range || p.Type == ToDate || p.Code != s {
				return nil, bad(b.name, "%q is not a period code (2025, 2025-H1, 2025-Q3, 2025-07)", s)
			}
			*b.p = p
		}
		if r.From.Code != "" && r.Until.Code != "" && r.Until.End.Before(r.From.Start) {
			return nil, bad("until", "%s ends before %s starts", r.Until.Code, r.From.Code)
		}
		if s := get("deadline_days"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 366 {
				return nil, bad("deadline_days", "%q is not a number of days from 1 to 366", s)
			}
			r.DeadlineDays = n
		}
		cal.Rules = append(cal.Rules, r)
	}
	if len(cal.Rules) == 0 {
		return nil, fmt.Errorf("reporting calendar %s: no rule; every report would be optional", source)
	}
	return cal, nil
}

// DefaultCalendar is the embedded calendar.
func DefaultCalendar() (*Calendar, error) {
	f, err := ReferenceFiles.Open("reference/" + layout.CalendarFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadCalendar(f, "embedded")
}

// CalendarFor returns the calendar in force for a data directory: its
// reference/reporting_calendar.csv when it has one, else the embedded one.
func CalendarFor(d layout.Dir) (*Calendar, error) {
	path := d.Calendar()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultCalendar()
	}
	if err != nil {
		return nil, fmt.Errorf("reporting calendar: %w", err)
	}
	defer f.Close()
	return LoadCalendar(f, filepath.ToSlash(path))
}
