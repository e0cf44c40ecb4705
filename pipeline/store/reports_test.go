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
	x := newReportIndex("0123456789abcdef", units, periods)
	codes := []string{"40", "38", "42", "380", "38001", "4", "401", "42015", "00399"}
	pers := []string{"2024", "2024-H1", "2023", "2024-Q3", "2024-M03", "2019..2024", "to-date@2024-06", "2024-M11"}
	seen := map[[2]string]bool{}
	// Two partitions (by the period's first character, as a year would
	// split them), their rows numbered a chunk of up to 100 at a time.
	var parts [2]partReports
	var chunkUnits, chunkPeriods [2][]int32
	flush := func(i int) {
		out := make([]int32, len(chunkUnits[i]))
		if err := x.number(&parts[i], chunkUnits[i], chunkPeriods[i], out); err != nil {
			t.Fatal(err)
		}
		for j, ri := range out {
			u, p := units.vals[chunkUnits[i][j]], periods.vals[chunkPeriods[i][j]]
			if got, want := parts[i].ids[ri], layout.ReportID("0123456789abcdef", u, p); got != want {
				t.Fatalf("row of %s %s numbered as report %s, want %s", u, p, got, want)
			}
		}
		chunkUnits[i], chunkPeriods[i] = nil, nil
	}
	for range 2000 {
		u, p := codes[rng.IntN(len(codes))], pers[rng.IntN(len(pers))]
		i := 0
		if p[0] == 't' {
			i = 1
		}
		chunkUnits[i] = append(chunkUnits[i], units.id(u))
		chunkPeriods[i] = append(chunkPeriods[i], periods.id(p))
		if len(chunkUnits[i]) == 100 {
			flush(i)
		}
		seen[[2]string{u, p}] = true
	}
	flush(0)
	flush(1)
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
