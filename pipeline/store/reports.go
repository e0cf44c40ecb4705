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
	byKey   dense.Table[int32]
	rows    []int64
	units   []string
	periods []string
	// The report of the previous row: rows of one report come together.
	last  [2]int32
	lastI int32
}

func newReportIndex(batch string, ids *dict) reportIndex {
	return reportIndex{batch: batch, ids: ids, last: [2]int32{-1, -1}}
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
			x.units = append(x.units, unit)
			x.periods = append(x.periods, period)
			x.byKey.Set(uint32(unitID), uint32(periodID), ri)
		}
		x.last, x.lastI = k, ri
	}
	x.rows[x.lastI]++
	return x.lastI, nil
}

// list is the file's reports sorted by unit, then period.
func (x *reportIndex) list() []layout.Report {
	out := make([]layout.Report, len(x.rows))
	for i := range out {
		out[i] = layout.Report{ReportID: x.ids.vals[i], UnitCode: x.units[i], Period: x.periods[i], Rows: x.rows[i]}
	}
	slices.SortFunc(out, func(a, b layout.Report) int {
		return cmp.Or(strings.Compare(a.UnitCode, b.UnitCode), strings.Compare(a.Period, b.Period))
	})
	return out
}
