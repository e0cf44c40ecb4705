package pipeline

import (
	"fmt"
	"testing"
)

// What a name that is no unit costs: a file can name a different unknown
// unit on each of its million rows. Its Key and Fold are computed once per
// lookup and looked up in the Resolver's index for every province, not
// folded again per province and per question (each fold allocates), and a
// refused row does not build its message a second time to say whose row it
// was. The bounds are allocations (testing.AllocsPerRun), not time; the
// code before this bound made 2-3 times as many.
func TestUnknownUnitCost(t *testing.T) {
	v := newTestValidator(t)
	r := v.Resolver
	ht, _ := r.Province("Hà Tĩnh")
	p, _ := ParsePeriod("2023")
	i := 0
	// A different name each run, as in the file; the suggestion bound
	// (maxSuggestions) is reached first, so the runs measure the lookups.
	r.near.computed = maxSuggestions
	allocs := testing.AllocsPerRun(200, func() {
		i++
		if _, pr := r.Unit(ht, fmt.Sprintf("Xã Không Có %d", i), p); pr == nil || pr.Code != "unknown_unit" {
			t.Fatalf("Xã Không Có %d: %v", i, pr)
		}
	})
	t.Logf("Resolver.Unit of an unknown name: %.0f allocations", allocs)
	if allocs > maxUnknownUnitAllocs {
		t.Errorf("Resolver.Unit of an unknown name: %.0f allocations, want at most %d", allocs, maxUnknownUnitAllocs)
	}

	// A refused row past the names a Validator keeps.
	for n := range maxRemembered {
		v.unitNames[unitName{ht, fmt.Sprint("kept ", n)}] = uint32(n)
	}
	raw := RawRow{Province: "Hà Tĩnh", Period: "2023", Indicator: "dialogues", Value: "5"}
	allocs = testing.AllocsPerRun(200, func() {
		i++
		raw.Unit = fmt.Sprintf("Xã Không Có %d", i)
		var rec Record
		if e := v.RowTo(&rec, "f.csv", &raw); e == nil || e.Code != "unknown_unit" {
			t.Fatalf("%s: %v", raw.Unit, e)
		}
	})
	t.Logf("a row naming an unknown unit: %.0f allocations", allocs)
	if allocs > maxUnknownRowAllocs {
		t.Errorf("a row naming an unknown unit: %.0f allocations, want at most %d", allocs, maxUnknownRowAllocs)
	}
}

const maxUnknownUnitAllocs, maxUnknownRowAllocs = 100, 180
