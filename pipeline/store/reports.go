package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/danvan/danvan/pipeline/internal/dense"
	"github.com/danvan/danvan/pipeline/layout"
)

// reportIndex is the (unit, period) reports of one file: each report's id
// (layout.ReportID, an entry of the report_id dictionary) and how many of
// the file's rows it holds, for the file's report list. Reports are found
// by the dictionary ids of their unit code and period, in a table: rows of
// a large file come in any order, and a map of a hundred thousand reports
// misses the cache on nearly every row.
//
// A reportIndex is used by its Tx's caller goroutine only.
type reportIndex struct {
	batch   string
	ids     *dict // the report_id dictionary: report i is its entry i
	units   *dict // the unit_code dictionary
	periods *dict // the period dictionary
	byKey   dense.Index
	rows    []int64
	keys    [][2]int32 // each report's unit_code and period dictionary ids
	// The report of the previous row: rows of one report come together.
	last  [2]int32
	lastI int32
}

func newReportIndex(batch string, ids, units, periods *dict) reportIndex {
	return reportIndex{batch: batch, ids: ids, units: units, periods: periods, last: [2]int32{-1, -1}}
}

// add counts a row of the report of (unit, period), given with their
// dictionary ids, and returns the report's id in the report_id dictionary.
func (x *reportIndex) add(unitID, periodID int32, unit, period string) (int32, error) {
	if k := [2]int32{unitID, periodID}; k != x.last {
		ri, ok := x.byKey.Get(uint32(unitID), uint32(periodID))
		if !ok {
			ri = x.ids.id(layout.ReportID(x.batch, unit, period))
			if int(ri) != len(x.rows) {
				return 0, fmt.Errorf("report id collision for unit %s, period %s", unit, period)
			}
			x.rows = append(x.rows, 0)
			x.keys = append(x.keys, k)
			x.byKey.Set(uint32(unitID), uint32(periodID), ri)
		}
		x.last, x.lastI = k, ri
	}
	x.rows[x.lastI]++
	return x.lastI, nil
}

// list is the file's reports sorted by unit, then period. They are sorted
// by the ranks of their unit code and period among the dictionaries'
// strings, which orders them as comparing the strings would (a report is
// one (unit, period), so no two tie) at a fraction of the cost: a large
// file has a hundred thousand reports and a few hundred units and periods.
func (x *reportIndex) list() []layout.Report {
	ur, pr := ranks(x.units.vals), ranks(x.periods.vals)
	type ranked struct {
		key uint64
		i   int32
	}
	order := make([]ranked, len(x.rows))
	for i, k := range x.keys {
		order[i] = ranked{uint64(ur[k[0]])<<32 | uint64(pr[k[1]]), int32(i)}
	}
	slices.SortFunc(order, func(a, b ranked) int { return cmp.Compare(a.key, b.key) })
	out := make([]layout.Report, len(order))
	for j, o := range order {
		k := x.keys[o.i]
		out[j] = layout.Report{ReportID: x.ids.vals[o.i], UnitCode: x.units.vals[k[0]], Period: x.periods.vals[k[1]], Rows: x.rows[o.i]}
	}
	return out
}

// ranks gives each of vals (distinct strings) its place in their sorted order.
func ranks(vals []string) []uint32 {
	idx := make([]int32, len(vals))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return strings.Compare(vals[a], vals[b]) })
	r := make([]uint32, len(vals))
	for place, i := range idx {
		r[i] = uint32(place)
	}
	return r
}
