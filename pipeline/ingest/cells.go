package ingest

import "github.com/danvan/danvan/pipeline"

// The CSV reader shares the string of a cell text it has seen before
// (csvScanner's intern table) and numbers it: within one pass over a file,
// equal numbers mean equal texts. The numbers stay in this package: a
// cellCache keeps the Validator's answers for the key cells by them, so a
// row of a large file costs a few array reads where the Validator would
// hash the same five texts again.

// cellIDs are the numbers of a row's key cells; 0 is an empty cell.
type cellIDs struct{ province, unit, period, indicator, disaggregation uint32 }

// cellCache is the pipeline.KeyCells of one pass over a CSV file: the
// Validator's answers by cell number, for the row whose numbers are ids. A
// new pass makes a new cellCache, so a number never carries what it meant
// in another file.
type cellCache struct {
	v          *pipeline.Validator
	ids        *cellIDs
	periods    []cached[pipeline.ResolvedPeriod]
	provinces  []cached[pipeline.ResolvedUnit]
	unitNames  []cached[pipeline.UnitName] // 0 is the empty cell
	indicators []cached[pipeline.ResolvedIndicator]
	breakdowns [][]cached[pipeline.ResolvedBreakdown] // by cell (0: empty), then Indicator.Index
}

type cached[T any] struct {
	v  T
	ok bool
}

// slot returns s[id], growing s to hold it.
func slot[T any](s *[]cached[T], id uint32) *cached[T] {
	for len(*s) <= int(id) {
		*s = append(*s, cached[T]{})
	}
	return &(*s)[id]
}

// byCell is find(text) for a cell numbered id, kept in s by the number; a
// cell without a number (0) goes to find, which has maps of its own.
func byCell[T any](s *[]cached[T], id uint32, text string, find func(string) T) T {
	if id == 0 {
		return find(text)
	}
	c := slot(s, id)
	if !c.ok {
		*c = cached[T]{find(text), true}
	}
	return c.v
}

func (c *cellCache) Period(raw *pipeline.RawRow) pipeline.ResolvedPeriod {
	return byCell(&c.periods, c.ids.period, raw.Period, c.v.ResolvePeriod)
}

func (c *cellCache) Province(raw *pipeline.RawRow) pipeline.ResolvedUnit {
	return byCell(&c.provinces, c.ids.province, raw.Province, c.v.ResolveProvince)
}

func (c *cellCache) Indicator(raw *pipeline.RawRow) pipeline.ResolvedIndicator {
	return byCell(&c.indicators, c.ids.indicator, raw.Indicator, c.v.ResolveIndicator)
}

// UnitName numbers the unit as written in province: a unit cell's answer
// holds for the province it came with.
func (c *cellCache) UnitName(raw *pipeline.RawRow, province *pipeline.Unit) pipeline.UnitName {
	if c.ids.unit == 0 && raw.Unit != "" {
		return c.v.NameUnit(province, raw.Unit)
	}
	s := slot(&c.unitNames, c.ids.unit)
	if !s.ok || s.v.Province() != province {
		*s = cached[pipeline.UnitName]{c.v.NameUnit(province, raw.Unit), true}
	}
	return s.v
}

// Breakdown resolves the row's breakdown for an indicator that resolved: a
// breakdown cell's answer depends on the indicator.
func (c *cellCache) Breakdown(raw *pipeline.RawRow, ind *pipeline.Indicator) pipeline.ResolvedBreakdown {
	id := c.ids.disaggregation
	if id == 0 && raw.Disaggregation != "" {
		return c.v.ResolveBreakdown(ind, raw.Disaggregation)
	}
	for len(c.breakdowns) <= int(id) {
		c.breakdowns = append(c.breakdowns, nil)
	}
	s := slot(&c.breakdowns[id], uint32(ind.Index))
	if !s.ok {
		*s = cached[pipeline.ResolvedBreakdown]{c.v.ResolveBreakdown(ind, raw.Disaggregation), true}
	}
	return s.v
}
