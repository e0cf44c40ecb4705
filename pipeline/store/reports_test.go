package store

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
)

// The report list is in the order of its unit codes, then periods, as
// sorting the strings gives it, whatever order the reports came in.
func TestReportListOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	units, periods := newDict(), newDict()
	x := newReportIndex("0123456789abcdef", newDict(), units, periods)
	codes := []string{"40", "38", "42", "380", "38001", "4", "401", "42015", "00399"}
	pers := []string{"2024", "2024-H1", "2023", "2024-Q3", "2024-M03", "2019..2024", "to-date@2024-06", "2024-M11"}
	seen := map[[2]string]bool{}
	for range 2000 {
		u, p := codes[rng.IntN(len(codes))], pers[rng.IntN(len(pers))]
		if _, err := x.add(units.id(u), periods.id(p), u, p); err != nil {
			t.Fatal(err)
		}
		seen[[2]string{u, p}] = true
	}
	got := x.list()
	want := slices.Clone(got)
	slices.SortFunc(want, func(a, b layout.Report) int {
		return cmp.Or(strings.Compare(a.UnitCode, b.UnitCode), strings.Compare(a.Period, b.Period))
	})
	if len(got) != len(seen) {
		t.Fatalf("%d reports, want %d", len(got), len(seen))
	}
	var total int64
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("report %d: got %+v, want %+v", i, got[i], want[i])
		}
		if id := layout.ReportID("0123456789abcdef", got[i].UnitCode, got[i].Period); got[i].ReportID != id {
			t.Errorf("report %s %s: id %s, want %s", got[i].UnitCode, got[i].Period, got[i].ReportID, id)
		}
		total += got[i].Rows
	}
	if total != 2000 {
		t.Errorf("rows add up to %d, want 2000", total)
	}
}
