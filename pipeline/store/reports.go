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
// (layout.ReportID) and how many of the file's rows it holds, for the
// file's report list and the facts' report_id column. A report lies in
// one partition (its unit's province, its period's year), so each
// partition numbers its own (partReports), a chunk of its rows at a time
// when they are taken (Tx.take). The rows of a large file come in any
// order: one table of the file's (unit, period) pairs, looked up as each
// row was added, missed the cache on nearly every row (a bench file's 261k
// pairs in 1 MB, its row counts in 2 MB more, and each row group's
// report_id dictionary made compact through a table of them all), where a
// partition's tables, used for one chunk's rows together, stay in it.
//
// A reportIndex and its partReports are used by their Tx's caller
// goroutine only; a chunk's writer reads its partition's ids up to the
// length they had when the chunk was taken (they are only appended to).
type reportIndex struct {
	batch   string
	units   *dict               // the unit_code dictionary
	periods *dict               // the period dictionary
	ids     map[string]struct{} // every report's id, to catch two reports of one id
	parts   []*partReports      // those that have reports, in order of first report
}

func newReportIndex(batch string, units, periods *dict) reportIndex {
	return reportIndex{batch: batch, units: units, periods: periods, ids: map[string]struct{}{}}
}

// partReports is the reports of one partition of a file. Its reports are
// numbered from 0 in order of first row; byKey finds them by the
// partition's own numbers of their unit and period.
type partReports struct {
	unitNo   []uint32 // by unit_code dictionary id: the partition's number of the unit, +1
	periodNo []uint32 // by period dictionary id: the partition's number of the period, +1
	nu, np   uint32
	byKey    dense.Index
	ids      []string   // each report's layout.ReportID: the partition's report_id dictionary
	rows     []int64    // each report's rows
	keys     [][2]int32 // each report's unit_code and period dictionary ids
}

// number sets out[i] to the number, in p, of the report of the i-th row of
// units and periods (their dictionary ids) and counts the row in it.
func (x *reportIndex) number(p *partReports, units, periods []int32, out []int32) error {
	last, lastI := [2]int32{-1, -1}, int32(-1) // rows of one report come together
	for i := range units {
		k := [2]int32{units[i], periods[i]}
		if k != last {
			ri, err := x.report(p, k)
			if err != nil {
				return err
			}
			last, lastI = k, ri
		}
		p.rows[lastI]++
		out[i] = lastI
	}
	return nil
}

// report finds or makes the report of k (unit_code and period dictionary
// ids) in p.
func (x *reportIndex) report(p *partReports, k [2]int32) (int32, error) {
	p.unitNo = grow(p.unitNo, int(k[0]))
	p.periodNo = grow(p.periodNo, int(k[1]))
	u, per := &p.unitNo[k[0]], &p.periodNo[k[1]]
	if *u == 0 {
		p.nu++
		*u = p.nu
	}
	if *per == 0 {
		p.np++
		*per = p.np
	}
	if ri, ok := p.byKey.Get(*u-1, *per-1); ok {
		return ri, nil
	}
	unit, period := x.units.vals[k[0]], x.periods.vals[k[1]]
	id := layout.ReportID(x.batch, unit, period)
	if _, dup := x.ids[id]; dup {
		return 0, fmt.Errorf("report id collision for unit %s, period %s", unit, period)
	}
	x.ids[id] = struct{}{}
	if len(p.ids) == 0 {
		x.parts = append(x.parts, p)
	}
	ri := int32(len(p.ids))
	p.ids = append(p.ids, id)
	p.rows = append(p.rows, 0)
	p.keys = append(p.keys, k)
	p.byKey.Set(*u-1, *per-1, ri)
	return ri, nil
}

// list is the file's reports sorted by unit, then period. They are sorted
// by the ranks of their unit code and period among the dictionaries'
// strings, which orders them as comparing the strings would (a report is
// one (unit, period), so no two tie) at a fraction of the cost: a large
// file has a hundred thousand reports and a few hundred units and periods.
func (x *reportIndex) list() []layout.Report {
	ur, pr := ranks(x.units.vals), ranks(x.periods.vals)
	type ranked struct {
		key  uint64
		p, i int32 // the report's partition in x.parts, and its number there
	}
	n := 0
	for _, p := range x.parts {
		n += len(p.ids)
	}
	order := make([]ranked, 0, n)
	for pi, p := range x.parts {
		for i, k := range p.keys {
			order = append(order, ranked{uint64(ur[k[0]])<<32 | uint64(pr[k[1]]), int32(pi), int32(i)})
		}
	}
	slices.SortFunc(order, func(a, b ranked) int { return cmp.Compare(a.key, b.key) })
	out := make([]layout.Report, len(order))
	for j, o := range order {
		p := x.parts[o.p]
		k := p.keys[o.i]
		out[j] = layout.Report{ReportID: p.ids[o.i], UnitCode: x.units.vals[k[0]], Period: x.periods.vals[k[1]], Rows: p.rows[o.i]}
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
