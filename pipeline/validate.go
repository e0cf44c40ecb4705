package pipeline

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/internal/dense"
)

// Vietnam has kept UTC+7 without daylight saving since 1975; a fixed zone
// avoids depending on the host's tzdata.
var Vietnam = time.FixedZone("ICT", 7*3600)

// Validator turns RawRows into Records, or into RowErrors that say why not.
// It caches resolutions, since a file repeats the same few names many times.
// A Validator is not safe for concurrent use.
type Validator struct {
	Ref      *Reference
	Resolver *Resolver
	today    time.Time
	tomorrow time.Time

	periods   map[string]periodResult
	provinces map[string]provinceResult
	unitNames map[unitName]uint32
	// units indexes unitResults by unit name id and period id; the table
	// holds small indexes, not results, so more of it stays in the cache.
	units       dense.Table[int32]
	unitResults []provinceResult
	unitResult  map[*Unit]int32       // a unit's index in unitResults
	unitLookups map[uint32]unitLookup // by unit name id
	indicators  map[string]indicatorResult
	disaggs     map[[2]string]disaggResult
	num         numbering
	cells       cellCache
	// spare holds the entry buffers of finished FileChecks for the next.
	spare [][]checkEntry
}

// numbering gives the ids of Record.IDs, by code.
type numbering struct{ units, periods, indicators, disaggs map[string]uint32 }

func number(m map[string]uint32, code string) uint32 {
	id, ok := m[code]
	if !ok {
		id = uint32(len(m) + 1)
		m[code] = id
	}
	return id
}

// number gives r's IDs as Row does; for records built elsewhere.
func (v *Validator) number(r *Record) IDs {
	return IDs{number(v.num.units, r.Unit.Code), number(v.num.periods, r.Period.Code),
		number(v.num.indicators, r.Indicator.Code), number(v.num.disaggs, r.Disaggregation)}
}

type (
	periodResult struct {
		p   Period
		id  uint32 // numbers the distinct period texts, for the units cache
		key uint32 // p's id in Record.IDs
		err *Problem
	}
	provinceResult struct {
		u   *Unit
		key uint32 // u's id in Record.IDs (units only)
		err *Problem
	}
	// unitName is a unit as written in a province; its resolution also
	// depends on the period, whose id completes the cache key.
	unitName struct {
		province *Unit
		name     string
	}
	indicatorResult struct {
		ind *Indicator
		key uint32
		err *Problem
	}
	disaggResult struct {
		code string
		key  uint32
		err  *Problem
	}
)

// NewValidator checks against ref; periods starting after now's date (in
// Vietnam) are in the future.
func NewValidator(ref *Reference, now time.Time) *Validator {
	y, m, d := now.In(Vietnam).Date()
	return &Validator{
		Ref: ref, Resolver: NewResolver(ref), today: date(y, m, d), tomorrow: date(y, m, d).AddDate(0, 0, 1),
		periods: map[string]periodResult{}, provinces: map[string]provinceResult{},
		unitNames: map[unitName]uint32{}, unitResult: map[*Unit]int32{}, unitLookups: map[uint32]unitLookup{},
		indicators: map[string]indicatorResult{},
		disaggs:    map[[2]string]disaggResult{},
		num: numbering{units: map[string]uint32{}, periods: map[string]uint32{},
			indicators: map[string]uint32{}, disaggs: map[string]uint32{}},
	}
}

func (v *Validator) rowError(file string, raw *RawRow, f Field, value string, p *Problem) *RowError {
	return &RowError{File: file, Ref: raw.Ref, Column: raw.column(f), Value: value, Code: p.Code, Reason: p.Reason, ReasonEN: p.ReasonEN}
}

// Period parses s and refuses periods that have not started yet.
func (v *Validator) Period(s string) (Period, *Problem) {
	r := v.period(s)
	return r.p, r.err
}

func (v *Validator) period(s string) periodResult {
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
	r := periodResult{p: p, id: uint32(len(v.periods)), err: pr}
	if pr == nil {
		r.key = number(v.num.periods, p.Code)
	}
	v.periods[s] = r
	return r
}

// Row validates one raw row on its own. Checks that need the whole file
// (duplicates, rules between indicators, totals) are done by File.
func (v *Validator) Row(file string, raw RawRow) (Record, *RowError) {
	var rec Record
	err := v.RowTo(&rec, file, &raw)
	return rec, err
}

// RowTo is Row writing into rec, for a reader of millions of rows that
// would otherwise copy each row and record on the way.
func (v *Validator) RowTo(rec *Record, file string, raw *RawRow) *RowError {
	*rec = Record{Origin: raw.Origin, Quote: raw.Quote, Note: raw.Note, Ref: raw.Ref}
	if rec.Origin == "" {
		rec.Origin = FromForm
	}
	if s := raw.Cells.Scope; s != 0 && s != v.cells.scope {
		v.cells = cellCache{scope: s}
	}
	per := byCell(&v.cells.periods, raw.Cells.Period, raw.Period, v.period)
	if per.err != nil {
		return v.rowError(file, raw, FieldPeriod, raw.Period, per.err)
	}
	rec.Period = per.p
	pres := byCell(&v.cells.provinces, raw.Cells.Province, raw.Province, v.province)
	if pres.err != nil {
		return v.rowError(file, raw, FieldProvince, raw.Province, pres.err)
	}
	rec.Province = pres.u
	nid := v.unitNameOf(raw, pres.u)
	ui, ok := v.units.Get(nid, per.id)
	if !ok {
		ui = v.resolveUnit(pres.u, nid, raw.Unit, rec.Period)
		v.units.Set(nid, per.id, ui)
	}
	ures := v.unitResults[ui]
	if ures.err != nil {
		return v.rowError(file, raw, FieldUnit, raw.Unit, ures.err)
	}
	rec.Unit = ures.u
	ires := byCell(&v.cells.indicators, raw.Cells.Indicator, raw.Indicator, v.indicator)
	if ires.err != nil {
		return v.rowError(file, raw, FieldIndicator, raw.Indicator, ires.err)
	}
	rec.Indicator = ires.ind
	dres := v.disaggOf(raw, ires)
	if dres.err != nil {
		return v.rowError(file, raw, FieldDisaggregation, raw.Disaggregation, dres.err)
	}
	rec.Disaggregation = dres.code
	rec.IDs = IDs{ures.key, per.key, ires.key, dres.key}
	if pr := v.value(rec, raw); pr != nil {
		return v.rowError(file, raw, FieldValue, raw.Value, pr)
	}
	if raw.Qualifier != "" {
		q, ok := ParseQualifier(raw.Qualifier)
		if !ok {
			return v.rowError(file, raw, FieldQualifier, raw.Qualifier, problem("bad_qualifier",
				"Không hiểu mức chính xác %q; dùng: chính xác, gần/khoảng, trên/hơn, dưới.",
				"Unknown qualifier %q; use exact, approx, at_least or at_most.", raw.Qualifier))
		}
		if q != Exact || rec.Qualifier == "" {
			rec.Qualifier = q
		}
	}
	if raw.SubmittedAt != "" {
		t, ok := ParseDate(raw.SubmittedAt)
		if !ok {
			return v.rowError(file, raw, FieldSubmittedAt, raw.SubmittedAt, problem("bad_date",
				"Không đọc được ngày gửi %q; viết ngày/tháng/năm, ví dụ 27/12/2022.",
				"Cannot read submission date %q; write day/month/year, e.g. 27/12/2022.", raw.SubmittedAt))
		}
		if t.After(v.tomorrow) {
			return v.rowError(file, raw, FieldSubmittedAt, raw.SubmittedAt, problem("future_date",
				"Ngày gửi %s ở tương lai (hôm nay là %s).", "Submission date %s is in the future (today is %s).",
				t.Format("02/01/2006"), v.today.Format("02/01/2006")))
		}
		rec.SubmittedAt = t
	}
	return nil
}

// cellCache keeps what the Validator found for the key cells of one
// reader's pass (RawRow.Cells), by their numbers: a row of a large file then
// costs a few array reads where it would hash the same five texts again.
type cellCache struct {
	scope      uint64
	periods    []cached[periodResult]
	provinces  []cached[provinceResult]
	unitNames  []cached[unitNameID] // by unit cell; 0 is the empty cell
	indicators []cached[indicatorResult]
	disaggs    [][]cached[disaggResult] // by disaggregation cell (0: empty), then indicator key
}

type (
	cached[T any] struct {
		v  T
		ok bool
	}
	// unitNameID is a unit cell's name id, for the province it came with.
	unitNameID struct {
		province *Unit
		id       uint32
	}
)

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

func (v *Validator) province(s string) provinceResult {
	r, ok := v.provinces[s]
	if !ok {
		r.u, r.err = v.Resolver.Province(s)
		v.provinces[s] = r
	}
	return r
}

// unitNameOf numbers the unit as written in province, for the units table.
func (v *Validator) unitNameOf(raw *RawRow, province *Unit) uint32 {
	if raw.Cells.Unit == 0 && raw.Unit != "" {
		return v.unitName(province, raw.Unit)
	}
	c := slot(&v.cells.unitNames, raw.Cells.Unit)
	if !c.ok || c.v.province != province {
		*c = cached[unitNameID]{unitNameID{province, v.unitName(province, raw.Unit)}, true}
	}
	return c.v.id
}

func (v *Validator) unitName(province *Unit, s string) uint32 {
	n := unitName{province, s}
	id, ok := v.unitNames[n]
	if !ok {
		id = uint32(len(v.unitNames))
		v.unitNames[n] = id
	}
	return id
}

func (v *Validator) indicator(s string) indicatorResult {
	r, ok := v.indicators[s]
	if !ok {
		r.ind, r.err = v.Resolver.Indicator(s)
		if r.err == nil {
			r.key = number(v.num.indicators, r.ind.Code)
		}
		v.indicators[s] = r
	}
	return r
}

// disaggOf resolves the row's breakdown for an indicator that resolved.
func (v *Validator) disaggOf(raw *RawRow, ind indicatorResult) disaggResult {
	id := raw.Cells.Disaggregation
	if id == 0 && raw.Disaggregation != "" {
		return v.disagg(ind.ind, raw.Disaggregation)
	}
	for len(v.cells.disaggs) <= int(id) {
		v.cells.disaggs = append(v.cells.disaggs, nil)
	}
	c := slot(&v.cells.disaggs[id], ind.key)
	if !c.ok {
		*c = cached[disaggResult]{v.disagg(ind.ind, raw.Disaggregation), true}
	}
	return c.v
}

func (v *Validator) disagg(ind *Indicator, s string) disaggResult {
	q := [2]string{ind.Code, s}
	r, ok := v.disaggs[q]
	if !ok {
		r.code, r.err = v.Resolver.Disaggregation(ind, s)
		if r.err == nil {
			r.key = number(v.num.disaggs, r.code)
		}
		v.disaggs[q] = r
	}
	return r
}

// resolveUnit resolves a unit name (numbered nid) for a period it has not
// come with before, and returns the result's index in unitResults. A name
// is looked up once, whatever the periods; results are kept once per unit,
// so the table stays small enough to stay in the cache.
func (v *Validator) resolveUnit(province *Unit, nid uint32, name string, p Period) int32 {
	l, ok := v.unitLookups[nid]
	if !ok {
		l = v.Resolver.lookupUnit(province, name)
		v.unitLookups[nid] = l
	}
	var r provinceResult
	r.u, r.err = v.Resolver.unitOn(province, l, p)
	if r.err == nil {
		if i, ok := v.unitResult[r.u]; ok {
			return i
		}
		r.key = number(v.num.units, r.u.Code)
		v.unitResult[r.u] = int32(len(v.unitResults))
	}
	v.unitResults = append(v.unitResults, r)
	return int32(len(v.unitResults) - 1)
}

// value reads raw.Value into rec in the indicator's unit.
func (v *Validator) value(rec *Record, raw *RawRow) *Problem {
	ind := rec.Indicator
	s := strings.TrimSpace(raw.Value)
	if s == "" {
		return problem("missing_value", "Thiếu giá trị (ô trống là chưa báo cáo; ghi 0 nếu bằng không).",
			"The value is missing (empty means not reported; write 0 for zero).")
	}
	var n Number
	if raw.Plain {
		var ok bool
		if n.Value, ok = plainFloat(s); !ok {
			return problem("not_a_number", "Giá trị %q không phải là số.", "Value %q is not a number.", s)
		}
		n.Qualifier = Exact
	} else {
		var err error
		if n, err = ParseNumber(s); err != nil {
			return problem("not_a_number", "Giá trị %q không phải là số (viết như 1.234 hoặc 2,5).",
				"Value %q is not a number (write e.g. 1.234 or 2,5).", s)
		}
	}
	switch {
	case n.Unit == "" || Fold(n.Unit) == Fold(ind.Unit) || (n.Unit == "đồng" && ind.Unit == "đồng") || (n.Unit == "m²" && ind.Unit == "m²"):
	case n.Unit == "ha" && ind.Unit == "m²":
		n.Value *= 10000
	default:
		return problem("wrong_unit", "Đơn vị %q không phải đơn vị của chỉ tiêu %s (%s).",
			"Unit %q is not the unit of %s (%s).", n.Unit, ind.Code, ind.Unit)
	}
	switch {
	case math.IsNaN(n.Value) || math.IsInf(n.Value, 0) || math.Abs(n.Value) > 1e15:
		return problem("not_a_number", "Giá trị %q không phải là số hữu hạn hợp lý.", "Value %q is not a sensible finite number.", s)
	case n.Value < 0:
		return problem("negative_value", "Giá trị %s âm; số liệu báo cáo không được âm.", "Value %s is negative; reported figures cannot be.", s)
	case ind.Integer && n.Value != math.Trunc(n.Value):
		return problem("not_whole_number", "Chỉ tiêu %s đếm %s nên phải là số nguyên, không phải %s.",
			"%s counts %s and must be a whole number, not %s.", ind.Code, ind.Unit, s)
	}
	rec.Value, rec.Qualifier = n.Value, n.Qualifier
	return nil
}

// plainFloat reads a machine-form decimal ("1234.5", "-3", "1e6"), refusing
// NaN and infinities, which strconv would accept.
func plainFloat(s string) (float64, bool) {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789.-+eE", c) {
			return 0, false
		}
	}
	return f, true
}

// ParseDate reads a day as reports write it: 27/12/2022, 27-12-2022,
// 2022-12-27, or an RFC 3339 date-time; a time of day is dropped.
func ParseDate(s string) (time.Time, bool) {
	if t, ok := isoDate(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		y, m, d := t.In(Vietnam).Date()
		return date(y, m, d), true
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006", "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isoDate is ParseDate's fast path for the common YYYY-MM-DD: the same
// answer time.Parse("2006-01-02", s) gives, without its allocations. It
// reports false for anything else, which then takes the general path.
func isoDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	// time.Date normalises and looks up zones; a row needs neither. The
	// day count is Hinnant's days_from_civil.
	if m <= 2 {
		y-- // -1 for January of year 0
	}
	era := (y+400)/400 - 1
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	days := era*146097 + yoe*365 + yoe/4 - yoe/100 + doy - 719468
	return time.Unix(int64(days)*86400, 0).UTC(), true
}

// daysIn is the number of days of month m of year y.
func daysIn(y, m int) int {
	switch {
	case m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0):
		return 29
	case m == 2:
		return 28
	case m == 4 || m == 6 || m == 9 || m == 11:
		return 30
	}
	return 31
}

// File validates all rows of one file: each row, then the checks that need
// the whole file. Records come back in row order; every raw row is either
// in records, in errors, or a form total row that checked out.
func (v *Validator) File(file string, rows []RawRow) ([]Record, []RowError) {
	var recs []Record
	var errs []RowError
	var totals []int
	for i, raw := range rows {
		if raw.Total {
			totals = append(totals, i)
			continue
		}
		rec, rerr := v.Row(file, raw)
		if rerr != nil {
			errs = append(errs, *rerr)
			continue
		}
		recs = append(recs, rec)
	}
	check := v.NewFileCheck(file, func(seq int) string { return recs[seq].Ref })
	for i := range recs {
		check.Add(i, &recs[i])
	}
	if refused := check.Finish(); len(refused) > 0 {
		drop := make(map[int]bool, len(refused))
		for _, r := range refused {
			drop[r.Seq] = true
			errs = append(errs, r.Err)
		}
		kept := recs[:0]
		for i, r := range recs {
			if !drop[i] {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	errs = append(errs, v.totals(file, rows, totals, recs)...)
	return recs, errs
}

// FileCheck is the whole-file part of File (duplicates, then the
// catalogue's max_of rules) fed one record at a time, so a file of millions
// of rows can be checked without holding its records: it keeps one small
// entry per record and sorts them once at the end, which costs far less
// than looking every key up in a hash table as it comes.
type FileCheck struct {
	v       *Validator
	file    string
	ref     func(seq int) string
	inds    []*Indicator // by id
	lastInd *Indicator
	entries []checkEntry
	tmp     []checkEntry // the radix sort's other buffer
}

type (
	// checkEntry is one record: its key (unit and period IDs in hi,
	// indicator and disaggregation IDs in lo), seq and value.
	checkEntry struct {
		hi, lo uint64
		seq    uint32
		value  float64
	}
	refusal struct {
		seq   int
		value float64
		p     *Problem
	}
)

func (e *checkEntry) sameKey(o *checkEntry) bool { return e.hi == o.hi && e.lo == o.lo }

func compareEntries(a, b checkEntry) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// Refusal is a record FileCheck refuses: its seq as given to Add, and why.
type Refusal struct {
	Seq int
	Err RowError
}

// NewFileCheck starts the whole-file checks of file. ref gives the Ref of
// the record added with a seq, for messages that point at another row.
func (v *Validator) NewFileCheck(file string, ref func(seq int) string) *FileCheck {
	return &FileCheck{v: v, file: file, ref: ref}
}

// Expect sizes the check for about n records, so a large file's entries
// are not copied as they grow: n is an estimate, so it keeps an eighth
// more. It does nothing once records were added.
func (c *FileCheck) Expect(n int) {
	if len(c.entries) == 0 && n > 0 {
		c.entries = c.v.entryBuffer(n + n/8)
	}
}

// entryBuffer returns an empty buffer for n entries, reusing one a finished
// FileCheck gave back: a large file's entries take tens of megabytes, which
// a fresh allocation zeroes and faults in page by page.
func (v *Validator) entryBuffer(n int) []checkEntry {
	for i, b := range v.spare {
		if cap(b) >= n {
			v.spare = slices.Delete(v.spare, i, i+1)
			return b[:0]
		}
	}
	return make([]checkEntry, 0, n)
}

// giveBack keeps the two largest of bufs and the spares for the next files.
func (v *Validator) giveBack(bufs ...[]checkEntry) {
	for _, b := range bufs {
		if cap(b) >= 1<<16 {
			v.spare = append(v.spare, b[:0])
		}
	}
	slices.SortFunc(v.spare, func(a, b []checkEntry) int { return cmp.Compare(cap(b), cap(a)) })
	v.spare = v.spare[:min(len(v.spare), 2)]
}

// Add takes the next record c's Validator accepted (its IDs are that
// Validator's; a record without IDs is numbered here); seqs must increase
// and fit in 32 bits. Whether the record stands is known once Finish has
// seen the whole file.
func (c *FileCheck) Add(seq int, r *Record) {
	k := r.IDs
	if k.Unit == 0 || k.Period == 0 || k.Indicator == 0 || k.Disaggregation == 0 {
		k = c.v.number(r)
	}
	if r.Indicator != c.lastInd {
		c.lastInd = r.Indicator
		for int(k.Indicator) >= len(c.inds) {
			c.inds = append(c.inds, nil)
		}
		c.inds[k.Indicator] = r.Indicator
	}
	c.entries = append(c.entries, checkEntry{
		hi: uint64(k.Unit)<<32 | uint64(k.Period), lo: uint64(k.Indicator)<<32 | uint64(k.Disaggregation),
		seq: uint32(seq), value: r.Value,
	})
}

// Finish returns the refused records in File's order: duplicates by seq,
// then rule violations by seq. Within one key the first record is kept and
// later ones with the same value are duplicates; two different values
// refuse both. Rules only see values that survived the duplicate check.
func (c *FileCheck) Finish() []Refusal {
	es := c.sortEntries()
	defer func() {
		c.v.giveBack(c.entries, c.tmp)
		c.entries, c.tmp = nil, nil
	}()
	var dups, rules []refusal
	var conflicted map[uint32]bool // first seqs of keys with conflicting values
	for g := 0; g < len(es); {
		first := &es[g]
		end := g + 1
		for end < len(es) && es[end].sameKey(first) {
			end++
		}
		for j := g + 1; j < end; j++ {
			e := &es[j]
			if e.value == first.value {
				dups = append(dups, refusal{int(e.seq), e.value, problem("duplicate",
					"Trùng với %s (cùng đơn vị, kỳ, chỉ tiêu, phân tổ và giá trị); chỉ tính một lần.",
					"Duplicate of %s (same unit, period, indicator, disaggregation and value); counted once.", c.ref(int(first.seq)))})
				continue
			}
			dups = append(dups, refusal{int(e.seq), e.value, c.conflict(int(first.seq), first.value, e.value)})
			if !conflicted[first.seq] {
				if conflicted == nil {
					conflicted = map[uint32]bool{}
				}
				conflicted[first.seq] = true
				dups = append(dups, refusal{int(first.seq), first.value, c.conflict(int(e.seq), e.value, first.value)})
			}
		}
		g = end
	}
	for i := range es {
		first := &es[i]
		if i > 0 && es[i-1].sameKey(first) {
			continue
		}
		ind := c.inds[first.lo>>32]
		if ind.MaxOf == "" || conflicted[first.seq] {
			continue
		}
		limitID, ok := c.v.num.indicators[ind.MaxOf]
		if !ok {
			continue
		}
		want := checkEntry{hi: first.hi, lo: uint64(limitID)<<32 | first.lo&(1<<32-1)}
		j, _ := slices.BinarySearchFunc(es, want, compareEntries)
		if j == len(es) || !es[j].sameKey(&want) {
			continue
		}
		lim := &es[j]
		if conflicted[lim.seq] || first.value <= lim.value {
			continue
		}
		limit := c.v.Ref.Indicator(ind.MaxOf)
		rules = append(rules, refusal{int(first.seq), first.value, problem("rule_violated", "%s (%s) lớn hơn %s (%s, %s); không thể như vậy.",
			"%s (%s) exceeds %s (%s, %s), which cannot be.",
			ind.LabelVI, fmtValue(first.value), limit.LabelVI, fmtValue(lim.value), c.ref(int(lim.seq)))})
	}
	bySeq := func(a, b refusal) int { return cmp.Compare(a.seq, b.seq) }
	slices.SortFunc(dups, bySeq)
	slices.SortFunc(rules, bySeq)
	out := make([]Refusal, 0, len(dups)+len(rules))
	for _, r := range append(dups, rules...) {
		out = append(out, c.refuse(r))
	}
	return out
}

// sortEntries orders the entries by key, in seq order within a key. The
// IDs are dense, so a key usually packs into far fewer than 64 bits, and a
// radix sort on those bits beats a comparison sort by an order of magnitude
// on a file of millions of rows. Entries were added in seq order and the
// radix sort is stable, so seqs stay in order within a key.
func (c *FileCheck) sortEntries() []checkEntry {
	es := c.entries
	var most [4]uint64
	for i := range es {
		e := &es[i]
		most[0], most[1] = max(most[0], e.hi>>32), max(most[1], e.hi&(1<<32-1))
		most[2], most[3] = max(most[2], e.lo>>32), max(most[3], e.lo&(1<<32-1))
	}
	var width [4]int
	total := 0
	for i, m := range most {
		width[i] = bits.Len64(m)
		total += width[i]
	}
	if total > 64 || len(es) < 256 {
		slices.SortFunc(es, compareEntries)
		return es
	}
	key := func(e *checkEntry) uint64 {
		return (e.hi>>32)<<(width[1]+width[2]+width[3]) | (e.hi&(1<<32-1))<<(width[2]+width[3]) |
			(e.lo>>32)<<width[3] | e.lo&(1<<32-1)
	}
	const digit = 11
	tmp := c.v.entryBuffer(len(es))[:len(es)]
	c.tmp = tmp
	src, dst := es, tmp
	for shift := 0; shift < total; shift += digit {
		var count [1 << digit]int
		for i := range src {
			count[key(&src[i])>>shift&(1<<digit-1)]++
		}
		pos := 0
		for d, n := range count {
			count[d] = pos
			pos += n
		}
		for i := range src {
			d := key(&src[i]) >> shift & (1<<digit - 1)
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	return src
}

func (c *FileCheck) conflict(otherSeq int, other, this float64) *Problem {
	return problem("conflicting_duplicate",
		"Mâu thuẫn với %s: cùng đơn vị, kỳ, chỉ tiêu, phân tổ nhưng giá trị khác (%s và %s); cả hai bị từ chối.",
		"Conflicts with %s: same unit, period, indicator and disaggregation but different values (%s and %s); both refused.",
		c.ref(otherSeq), fmtValue(other), fmtValue(this))
}

func (c *FileCheck) refuse(r refusal) Refusal {
	return Refusal{r.seq, RowError{File: c.file, Ref: c.ref(r.seq), Column: string(FieldValue), Value: fmtValue(r.value),
		Code: r.p.Code, Reason: r.p.Reason, ReasonEN: r.p.ReasonEN}}
}

// totals checks form total rows against the sum of the accepted rows of
// their group. A group with refused rows cannot be checked, and says so.
func (v *Validator) totals(file string, rows []RawRow, totals []int, recs []Record) []RowError {
	var errs []RowError
	type gk struct{ group, ind, dis string }
	keyOf := func(raw RawRow) gk { return gk{raw.Group, Fold(raw.Indicator), Fold(raw.Disaggregation)} }
	accepted := map[string]float64{}
	for _, r := range recs {
		accepted[r.Ref] = r.Value
	}
	sums, members, counted := map[gk]float64{}, map[gk]int{}, map[gk]int{}
	for _, raw := range rows {
		if raw.Total || raw.Group == "" {
			continue
		}
		k := keyOf(raw)
		members[k]++
		if val, ok := accepted[raw.Ref]; ok {
			sums[k] += val
			counted[k]++
		}
	}
	for _, i := range totals {
		raw := rows[i]
		k := keyOf(raw)
		n, err := ParseNumber(raw.Value)
		if raw.Plain {
			n.Value, _ = plainFloat(raw.Value)
			err = nil
		}
		switch {
		case strings.TrimSpace(raw.Value) == "":
			continue
		case err != nil:
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, problem("not_a_number",
				"Dòng tổng có giá trị %q không phải là số.", "Total row value %q is not a number.", raw.Value)))
		case counted[k] < members[k]:
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, problem("total_unchecked",
				"Không kiểm tra được dòng tổng vì có dòng chi tiết bị từ chối.",
				"The total cannot be checked because some detail rows were refused.")))
		case math.Abs(n.Value-sums[k]) > 1e-6*math.Max(1, math.Abs(n.Value)):
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, problem("total_mismatch",
				"Dòng tổng ghi %s nhưng cộng các dòng được %s.", "The total row says %s but the rows add up to %s.",
				fmtValue(n.Value), fmtValue(sums[k]))))
		}
	}
	return errs
}

// fmtValue writes a number the Vietnamese way: 1.234,5.
func fmtValue(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	whole := math.Trunc(f)
	frac := strings.TrimRight(strings.TrimPrefix(fmt.Sprintf("%.6f", f-whole), "0"), "0")
	frac = strings.TrimSuffix(frac, ".")
	digits := fmt.Sprintf("%.0f", whole)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + strings.TrimPrefix(frac, "."))
	}
	return b.String()
}
