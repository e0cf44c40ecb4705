package pipeline

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// owedOneUnit is Owed as it was computed for each unit on its own, before
// Owing: the reference the shared periods are held to.
func owedOneUnit(c *Calendar, u *Unit, from, asOf time.Time, defaultDeadline int) []Due {
	if asOf.Before(from) {
		return nil
	}
	var out []Due
	for y := from.Year(); y <= asOf.Year(); y++ {
		for i := range c.Rules {
			r := &c.Rules[i]
			if r.Level != u.Level {
				continue
			}
			for _, p := range r.Kind.periodsOf(y) {
				if p.Start.Before(from) || p.End.After(asOf) || !r.Covers(p) || !u.ValidOn(p.End) {
					continue
				}
				if slices.ContainsFunc(out, func(d Due) bool { return d.Period.Code == p.Code }) {
					continue
				}
				days := r.DeadlineDays
				if days == 0 {
					days = defaultDeadline
				}
				out = append(out, Due{Unit: u, Period: p, Deadline: p.End.AddDate(0, 0, days), Rule: r})
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

// TestOwingAsEachUnit: the periods a level owes, worked out once for all
// its units (Owing), give every unit of the reference, over windows across
// the 2025 reorganisation, what working them out for the unit alone gave:
// the same dues in the same order, each rule's deadline, a period two
// rules ask for owed once by the first; and once per level.
func TestOwingAsEachUnit(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	def, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	// Two rules asking for the same half-years, with their own deadlines,
	// and months of communes.
	two, err := LoadCalendar(strings.NewReader("level,report,from,until,deadline_days\n"+
		"district,half,,2025-H1,10\ndistrict,year,,2025-H1,\ndistrict,H1,2024-H1,,3\n"+
		"commune,month,2025-07,,5\ncommune,half,2025-H2,,\ncommune,year,2026,,20\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	for _, cal := range []*Calendar{def, two} {
		for _, w := range [][2]time.Time{
			{d(2023, 1, 1), d(2026, 12, 6)}, {d(2016, 1, 1), d(2018, 1, 20)}, {d(2024, 1, 1), d(2027, 3, 1)},
			{d(2025, 1, 1), d(2025, 12, 30)}, {d(2026, 1, 1), d(2025, 1, 1)},
		} {
			owing := cal.Owing(w[0], w[1], 15)
			n := 0
			for _, u := range ref.Units {
				got, want := owing.Owed(u), owedOneUnit(cal, u, w[0], w[1], 15)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %s %s, %s to %s: owes\n%+v\nalone\n%+v", cal.Source, u.Level, u.Code,
						w[0].Format("2006-01-02"), w[1].Format("2006-01-02"), got, want)
				}
				n += len(got)
			}
			if levels := len(owing.byLevel); levels > 3 {
				t.Errorf("%d levels worked out", levels)
			}
			if w[0].Year() == 2023 && n == 0 {
				t.Errorf("%s: no unit owes anything from 2023", cal.Source)
			}
		}
	}
}
