package pipeline

import "strings"

// What a Validator remembers: a file repeats the same few names on every
// row, so each text is resolved once and its answer kept. The answers are
// values a reader may keep too (KeyCells), by whatever tells it two cells
// hold the same text.

// KeyCells resolves the key cells of a row (period, province, unit,
// indicator, breakdown) for Validator.RowWith. The Validator's own
// implementation goes by the cells' texts; each method must answer what the
// Validator's Resolve* method of the same name answers for the row's text.
type KeyCells interface {
	Period(raw *RawRow) ResolvedPeriod
	Province(raw *RawRow) ResolvedUnit
	UnitName(raw *RawRow, province *Unit) UnitName
	Indicator(raw *RawRow) ResolvedIndicator
	Breakdown(raw *RawRow, ind *Indicator) ResolvedBreakdown
}

// The answers, opaque outside this package.
type (
	// ResolvedPeriod is a period text read and checked.
	ResolvedPeriod struct {
		p   Period
		id  uint32 // numbers the distinct period texts, for the units table
		err *Problem
	}
	// ResolvedUnit is a province, or a unit for a period.
	ResolvedUnit struct {
		u   *Unit
		err *Problem
	}
	// UnitName is a unit text as written in a province, numbered: whether
	// it resolves depends on the period, looked up with the number.
	UnitName struct {
		province *Unit
		id       uint32
	}
	// ResolvedIndicator is an indicator text resolved.
	ResolvedIndicator struct {
		ind *Indicator
		err *Problem
	}
	// ResolvedBreakdown is a breakdown text resolved for an indicator.
	ResolvedBreakdown struct {
		code string
		err  *Problem
	}
)

// Province is the province a UnitName was numbered in.
func (n UnitName) Province() *Unit { return n.province }

type (
	unitName struct {
		province *Unit
		name     string
	}
	breakdownText struct {
		ind  *Indicator
		text string
	}
)

// byText is KeyCells by the cells' texts, through the Validator's maps.
type byText struct{ v *Validator }

func (b byText) Period(raw *RawRow) ResolvedPeriod { return b.v.ResolvePeriod(raw.Period) }
func (b byText) Province(raw *RawRow) ResolvedUnit { return b.v.ResolveProvince(raw.Province) }
func (b byText) Indicator(raw *RawRow) ResolvedIndicator {
	return b.v.ResolveIndicator(raw.Indicator)
}
func (b byText) UnitName(raw *RawRow, province *Unit) UnitName {
	return b.v.NameUnit(province, raw.Unit)
}
func (b byText) Breakdown(raw *RawRow, ind *Indicator) ResolvedBreakdown {
	return b.v.ResolveBreakdown(ind, raw.Disaggregation)
}

// What a Validator remembers is bounded: a file can name a different
// unknown unit, or write a different unreadable period, on each of its
// million rows, and an answer kept per text costs a few hundred bytes.
// Past maxRemembered texts of a kind, or answers of unit names for
// periods, new ones are answered each time they come, and not kept; what
// was kept still answers. Files of offices repeat a few hundred texts.
const maxRemembered = 1 << 16

// unnumbered is the id of a text the Validator did not keep.
const unnumbered = ^uint32(0)

// ResolvePeriod reads a period text and refuses periods that have not
// started yet.
func (v *Validator) ResolvePeriod(s string) ResolvedPeriod {
	if r, ok := v.periods[s]; ok {
		return r
	}
	p, err := ParsePeriod(s)
	var pr *Problem
	switch {
	case strings.TrimSpace(s) == "":
		pr = problem("missing_period", "Thiếu kỳ báo cáo.", "The reporting period is missing.")
	case err != nil:
		pr = problem("bad_period",
			"Không đọc được kỳ báo cáo %q; viết như: 2023, 6 tháng đầu năm 2023, Quý III/2023, tháng 7/2023, giai đoạn 2016-2020.",
			"Cannot read period %q; write e.g. 2023, 2023-H1, 2023-Q3, 2023-07, 2016..2020.", s)
	case p.Start.After(v.today):
		pr = problem("future_period", "Kỳ báo cáo %s chưa bắt đầu (hôm nay là %s).",
			"Period %s has not started yet (today is %s).", p.Code, v.today.Format("02/01/2006"))
	}
	r := ResolvedPeriod{p: p, id: uint32(len(v.periods)), err: pr}
	if len(v.periods) >= maxRemembered {
		r.id = unnumbered
		return r
	}
	v.periods[s] = r
	return r
}

// ResolveProvince resolves a province text.
func (v *Validator) ResolveProvince(s string) ResolvedUnit {
	r, ok := v.provinces[s]
	if !ok {
		r.u, r.err = v.Resolver.Province(s)
		if len(v.provinces) < maxRemembered {
			v.provinces[s] = r
		}
	}
	return r
}

// NameUnit numbers a unit text as written in province.
func (v *Validator) NameUnit(province *Unit, s string) UnitName {
	n := unitName{province, s}
	id, ok := v.unitNames[n]
	if !ok {
		if len(v.unitNames) >= maxRemembered {
			return UnitName{province, unnumbered}
		}
		id = uint32(len(v.unitNames))
		v.unitNames[n] = id
	}
	return UnitName{province, id}
}

// unitOn resolves the unit named n (text s) for the period per.
func (v *Validator) unitOn(n UnitName, s string, per ResolvedPeriod) ResolvedUnit {
	if n.id == unnumbered || per.id == unnumbered {
		var r ResolvedUnit
		r.u, r.err = v.Resolver.Unit(n.province, s, per.p)
		return r
	}
	ui, ok := v.units.Get(n.id, per.id)
	if !ok {
		var r ResolvedUnit
		if ui, r = v.resolveUnit(n, s, per.p); ui < 0 {
			return r
		}
		v.units.Set(n.id, per.id, ui)
	}
	return v.unitResults[ui]
}

// resolveUnit resolves a unit name for a period it has not come with
// before, and returns the result's index in unitResults, or -1 and the
// result when it is not kept. A name is looked up once, whatever the
// periods; results are kept once per unit, so the table stays small enough
// to stay in the cache, and refusals up to maxRemembered.
func (v *Validator) resolveUnit(n UnitName, s string, p Period) (int32, ResolvedUnit) {
	l, ok := v.unitLookups[n.id]
	if !ok {
		l = v.Resolver.lookupUnit(n.province, s)
		v.unitLookups[n.id] = l
	}
	var r ResolvedUnit
	r.u, r.err = v.Resolver.unitOn(n.province, l, p)
	if r.err == nil {
		for len(v.unitResult) <= r.u.Index {
			v.unitResult = append(v.unitResult, 0)
		}
		if i := v.unitResult[r.u.Index]; i > 0 {
			return i - 1, r
		}
		v.unitResult[r.u.Index] = int32(len(v.unitResults)) + 1
	} else if len(v.unitResults) >= maxRemembered {
		return -1, r
	}
	v.unitResults = append(v.unitResults, r)
	return int32(len(v.unitResults) - 1), r
}

// ResolveIndicator resolves an indicator text.
func (v *Validator) ResolveIndicator(s string) ResolvedIndicator {
	r, ok := v.indicators[s]
	if !ok {
		r.ind, r.err = v.Resolver.Indicator(s)
		if len(v.indicators) < maxRemembered {
			v.indicators[s] = r
		}
	}
	return r
}

// ResolveBreakdown resolves a breakdown text for an indicator that
// resolved.
func (v *Validator) ResolveBreakdown(ind *Indicator, s string) ResolvedBreakdown {
	q := breakdownText{ind, s}
	r, ok := v.breakdowns[q]
	if !ok {
		r.code, r.err = v.Resolver.Disaggregation(ind, s)
		if len(v.breakdowns) < maxRemembered {
			v.breakdowns[q] = r
		}
	}
	return r
}
