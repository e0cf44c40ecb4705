package pipeline

import (
	"testing"
	"time"
)

// Period.Key must tell periods apart exactly as their codes do, for every
// kind of period from 1945 to 2100 (what ParsePeriod reads), including ranges too long for a slot.
func TestPeriodKeyFollowsCodes(t *testing.T) {
	byKey := map[uint32]string{}
	add := func(p Period) {
		k := p.Key()
		if code, ok := byKey[k]; ok && code != p.Code {
			t.Fatalf("%s and %s share key %d", code, p.Code, k)
		}
		byKey[k] = p.Code
		q, err := ParsePeriod(p.Code)
		if err != nil || q.Key() != k {
			t.Fatalf("%s parsed again: key %d, want %d (%v)", p.Code, q.Key(), k, err)
		}
	}
	for y := 1945; y <= 2100; y++ {
		add(YearPeriod(y))
		for h := 1; h <= 2; h++ {
			add(HalfPeriod(y, h))
		}
		for q := 1; q <= 4; q++ {
			add(QuarterPeriod(y, q))
		}
		for m := time.January; m <= time.December; m++ {
			add(MonthPeriod(y, m))
			add(ToDatePeriod(y, m))
		}
		for from := 1945; from < y; from++ {
			add(RangePeriod(from, y))
		}
	}
	// Within a study window the keys stay small: 2010-2025 in 10 bits.
	lo, hi := YearPeriod(2010).Key(), RangePeriod(1992, 2025).Key()
	if hi-lo >= 1<<10 {
		t.Errorf("keys of 2010..2025 span %d", hi-lo)
	}
}

func TestCivilYearMonth(t *testing.T) {
	for d := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2400; d = d.AddDate(0, 0, 1) {
		y, m := civilYearMonth(d)
		if y != d.Year() || m != int(d.Month()) {
			t.Fatalf("civilYearMonth(%s) = %d-%d", d.Format(time.DateOnly), y, m)
		}
	}
}

// The reference numbers its units, codes, indicators and breakdowns
// densely from 0 (breakdowns from 1, Total being 0), one number per code.
func TestReferenceIndexes(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for i, u := range ref.Units {
		if u.Index != i {
			t.Fatalf("unit %s %s has Index %d at %d", u.Code, u.Name, u.Index, i)
		}
		if c, ok := codes[u.Code]; ok && c != u.CodeIndex {
			t.Fatalf("code %s has CodeIndex %d and %d", u.Code, c, u.CodeIndex)
		}
		codes[u.Code] = u.CodeIndex
	}
	seen := map[int]string{}
	for code, i := range codes {
		if other, ok := seen[i]; ok || i < 0 || i >= len(codes) {
			t.Fatalf("CodeIndex %d of %s (also %s) is not dense", i, code, other)
		}
		seen[i] = code
	}
	for i, ind := range ref.Indicators {
		if ind.Index != i {
			t.Fatalf("indicator %s has Index %d at %d", ind.Code, ind.Index, i)
		}
	}
	if i, ok := ref.Breakdown(Total); !ok || i != 0 {
		t.Errorf("Breakdown(total) = %d, %v", i, ok)
	}
	byIndex := map[int]string{}
	for _, d := range ref.Disaggregations {
		i, ok := ref.Breakdown(d.Code)
		if !ok || i != d.Index || i < 1 {
			t.Fatalf("Breakdown(%s) = %d, %v; Index %d", d.Code, i, ok, d.Index)
		}
		if c, ok := byIndex[i]; ok && c != d.Code {
			t.Fatalf("%s and %s share index %d", c, d.Code, i)
		}
		byIndex[i] = d.Code
	}
	if _, ok := ref.Breakdown("no_such_code"); ok {
		t.Error("an unknown breakdown has an index")
	}
}
