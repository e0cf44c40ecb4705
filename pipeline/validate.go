package pipeline

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
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

	periods    map[string]periodResult
	provinces  map[string]provinceResult
	units      map[unitQuery]provinceResult
	indicators map[string]indicatorResult
	disaggs    map[[2]string]disaggResult
}

type (
	periodResult struct {
		p   Period
		err *Problem
	}
	provinceResult struct {
		u   *Unit
		err *Problem
	}
	unitQuery struct {
		province *Unit
		name     string
		period   string
	}
	indicatorResult struct {
		ind *Indicator
		err *Problem
	}
	disaggResult struct {
		code string
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
		units: map[unitQuery]provinceResult{}, indicators: map[string]indicatorResult{},
		disaggs: map[[2]string]disaggResult{},
	}
}

func (v *Validator) rowError(file string, raw RawRow, f Field, value string, p *Problem) *RowError {
	return &RowError{File: file, Ref: raw.Ref, Column: raw.column(f), Value: value, Code: p.Code, Reason: p.Reason, ReasonEN: p.ReasonEN}
}

// Period parses s and refuses periods that have not started yet.
func (v *Validator) Period(s string) (Period, *Problem) {
	if r, ok := v.periods[s]; ok {
		return r.p, r.err
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
	v.periods[s] = periodResult{p, pr}
	return p, pr
}

// Row validates one raw row on its own. Checks that need the whole file
// (duplicates, rules between indicators, totals) are done by File.
func (v *Validator) Row(file string, raw RawRow) (Record, *RowError) {
	rec := Record{Origin: raw.Origin, Quote: raw.Quote, Note: raw.Note, Ref: raw.Ref}
	if rec.Origin == "" {
		rec.Origin = FromForm
	}
	var pr *Problem
	if rec.Period, pr = v.Period(raw.Period); pr != nil {
		return rec, v.rowError(file, raw, FieldPeriod, raw.Period, pr)
	}
	pres, ok := v.provinces[raw.Province]
	if !ok {
		pres.u, pres.err = v.Resolver.Province(raw.Province)
		v.provinces[raw.Province] = pres
	}
	if pres.err != nil {
		return rec, v.rowError(file, raw, FieldProvince, raw.Province, pres.err)
	}
	rec.Province = pres.u
	q := unitQuery{pres.u, raw.Unit, rec.Period.Code}
	ures, ok := v.units[q]
	if !ok {
		ures.u, ures.err = v.Resolver.Unit(pres.u, raw.Unit, rec.Period)
		v.units[q] = ures
	}
	if ures.err != nil {
		return rec, v.rowError(file, raw, FieldUnit, raw.Unit, ures.err)
	}
	rec.Unit = ures.u
	ires, ok := v.indicators[raw.Indicator]
	if !ok {
		ires.ind, ires.err = v.Resolver.Indicator(raw.Indicator)
		v.indicators[raw.Indicator] = ires
	}
	if ires.err != nil {
		return rec, v.rowError(file, raw, FieldIndicator, raw.Indicator, ires.err)
	}
	rec.Indicator = ires.ind
	dq := [2]string{ires.ind.Code, raw.Disaggregation}
	dres, ok := v.disaggs[dq]
	if !ok {
		dres.code, dres.err = v.Resolver.Disaggregation(ires.ind, raw.Disaggregation)
		v.disaggs[dq] = dres
	}
	if dres.err != nil {
		return rec, v.rowError(file, raw, FieldDisaggregation, raw.Disaggregation, dres.err)
	}
	rec.Disaggregation = dres.code
	if pr = v.value(&rec, raw); pr != nil {
		return rec, v.rowError(file, raw, FieldValue, raw.Value, pr)
	}
	if raw.Qualifier != "" {
		q, ok := ParseQualifier(raw.Qualifier)
		if !ok {
			return rec, v.rowError(file, raw, FieldQualifier, raw.Qualifier, problem("bad_qualifier",
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
			return rec, v.rowError(file, raw, FieldSubmittedAt, raw.SubmittedAt, problem("bad_date",
				"Không đọc được ngày gửi %q; viết ngày/tháng/năm, ví dụ 27/12/2022.",
				"Cannot read submission date %q; write day/month/year, e.g. 27/12/2022.", raw.SubmittedAt))
		}
		if t.After(v.tomorrow) {
			return rec, v.rowError(file, raw, FieldSubmittedAt, raw.SubmittedAt, problem("future_date",
				"Ngày gửi %s ở tương lai (hôm nay là %s).", "Submission date %s is in the future (today is %s).",
				t.Format("02/01/2006"), v.today.Format("02/01/2006")))
		}
		rec.SubmittedAt = t
	}
	return rec, nil
}

// value reads raw.Value into rec in the indicator's unit.
func (v *Validator) value(rec *Record, raw RawRow) *Problem {
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
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > lastDay(y, time.Month(m)).Day() {
		return time.Time{}, false
	}
	return date(y, time.Month(m), d), true
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
// entry per distinct value key.
type FileCheck struct {
	v    *Validator
	file string
	ref  func(seq int) string
	// ids number the distinct codes of each key part; a key is the four
	// ids packed in one uint64 (keys), or, once an id outgrows its bits,
	// side by side (wide).
	ids  [4]map[string]uint32
	keys map[uint64]keyState
	wide map[checkKey]keyState
	// last ids, since consecutive rows often share parts.
	lastUnit *Unit
	lastUID  uint32
	lastInd  *Indicator
	lastIID  uint32
	lastPer  string
	lastPID  uint32
	// dups are refusals for duplicates, by seq; the first of a conflicting
	// pair is refused only once something contradicts it.
	dups    map[int]refusal
	limited []limited
}

type (
	checkKey [4]uint32 // unit, period, indicator, disaggregation
	// keyState is kept small: there is one per distinct value of the file.
	keyState struct {
		value    float64
		first    uint32
		conflict bool
	}
	refusal struct {
		value float64
		p     *Problem
	}
	limited struct {
		seq        int
		key, limit checkKey
		rec        *Indicator
		value      float64
	}
)

// Bits of each part in a packed key: unit, period, indicator, breakdown.
const (
	unitBits, periodBits, indBits, disBits = 20, 24, 10, 10
)

func (k checkKey) fits() bool {
	return k[0] < 1<<unitBits && k[1] < 1<<periodBits && k[2] < 1<<indBits && k[3] < 1<<disBits
}

func (k checkKey) packed() uint64 {
	return uint64(k[0])<<(periodBits+indBits+disBits) | uint64(k[1])<<(indBits+disBits) | uint64(k[2])<<disBits | uint64(k[3])
}

func unpack(p uint64) checkKey {
	return checkKey{uint32(p >> (periodBits + indBits + disBits)), uint32(p>>(indBits+disBits)) & (1<<periodBits - 1),
		uint32(p>>disBits) & (1<<indBits - 1), uint32(p) & (1<<disBits - 1)}
}

// Refusal is a record FileCheck refuses: its seq as given to Add, and why.
type Refusal struct {
	Seq int
	Err RowError
}

// NewFileCheck starts the whole-file checks of file. ref gives the Ref of
// the record added with a seq, for messages that point at another row.
func (v *Validator) NewFileCheck(file string, ref func(seq int) string) *FileCheck {
	c := &FileCheck{v: v, file: file, ref: ref, keys: map[uint64]keyState{}, dups: map[int]refusal{}}
	for i := range c.ids {
		c.ids[i] = map[string]uint32{}
	}
	return c
}

func (c *FileCheck) id(part int, s string) uint32 {
	m := c.ids[part]
	if id, ok := m[s]; ok {
		return id
	}
	id := uint32(len(m))
	m[s] = id
	return id
}

func (c *FileCheck) get(k checkKey) (keyState, bool) {
	if c.wide == nil {
		st, ok := c.keys[k.packed()]
		return st, ok
	}
	st, ok := c.wide[k]
	return st, ok
}

func (c *FileCheck) set(k checkKey, st keyState) {
	if c.wide == nil {
		c.keys[k.packed()] = st
		return
	}
	c.wide[k] = st
}

// Expect sizes the check for about n records, so a large file's keys are
// not rehashed as they grow. It does nothing once records were added.
func (c *FileCheck) Expect(n int) {
	if len(c.keys) == 0 && c.wide == nil && n > 0 {
		c.keys = make(map[uint64]keyState, n)
	}
}

// widen moves the keys to the wide map, once an id no longer fits.
func (c *FileCheck) widen() {
	c.wide = make(map[checkKey]keyState, len(c.keys))
	for p, st := range c.keys {
		c.wide[unpack(p)] = st
	}
	c.keys = nil
}

// Add takes the next record Row accepted; seqs must increase and fit in
// 32 bits. It reports
// whether the record still stands: false when it repeats or contradicts an
// earlier one. A true answer can still be overturned by Finish.
func (c *FileCheck) Add(seq int, r *Record) bool {
	if r.Unit != c.lastUnit {
		c.lastUnit, c.lastUID = r.Unit, c.id(0, r.Unit.Code)
	}
	if r.Period.Code != c.lastPer {
		c.lastPer, c.lastPID = r.Period.Code, c.id(1, r.Period.Code)
	}
	if r.Indicator != c.lastInd {
		c.lastInd, c.lastIID = r.Indicator, c.id(2, r.Indicator.Code)
	}
	k := checkKey{c.lastUID, c.lastPID, c.lastIID, c.id(3, r.Disaggregation)}
	if c.wide == nil && !k.fits() {
		c.widen()
	}
	st, seen := c.get(k)
	if !seen {
		c.set(k, keyState{value: r.Value, first: uint32(seq)})
		if r.Indicator.MaxOf != "" {
			lk := k
			lk[2] = c.id(2, r.Indicator.MaxOf)
			if c.wide == nil && !lk.fits() {
				c.widen()
			}
			c.limited = append(c.limited, limited{seq, k, lk, r.Indicator, r.Value})
		}
		return true
	}
	if st.value == r.Value {
		c.dups[seq] = refusal{r.Value, problem("duplicate", "Trùng với %s (cùng đơn vị, kỳ, chỉ tiêu, phân tổ và giá trị); chỉ tính một lần.",
			"Duplicate of %s (same unit, period, indicator, disaggregation and value); counted once.", c.ref(int(st.first)))}
		return false
	}
	conflict := func(otherSeq int, other, this float64) *Problem {
		return problem("conflicting_duplicate",
			"Mâu thuẫn với %s: cùng đơn vị, kỳ, chỉ tiêu, phân tổ nhưng giá trị khác (%s và %s); cả hai bị từ chối.",
			"Conflicts with %s: same unit, period, indicator and disaggregation but different values (%s and %s); both refused.",
			c.ref(otherSeq), fmtValue(other), fmtValue(this))
	}
	c.dups[seq] = refusal{r.Value, conflict(int(st.first), st.value, r.Value)}
	if !st.conflict {
		st.conflict = true
		c.set(k, st)
		c.dups[int(st.first)] = refusal{st.value, conflict(seq, r.Value, st.value)}
	}
	return false
}

// Finish returns the refused records in File's order: duplicates by seq,
// then rule violations by seq. Rules only see values that survived the
// duplicate check, as in File.
func (c *FileCheck) Finish() []Refusal {
	out := make([]Refusal, 0, len(c.dups))
	seqs := make([]int, 0, len(c.dups))
	for s := range c.dups {
		seqs = append(seqs, s)
	}
	sort.Ints(seqs)
	for _, s := range seqs {
		out = append(out, c.refuse(s, c.dups[s]))
	}
	for _, l := range c.limited {
		if st, _ := c.get(l.key); st.conflict {
			continue
		}
		lim, ok := c.get(l.limit)
		if !ok || lim.conflict || l.value <= lim.value {
			continue
		}
		limit := c.v.Ref.Indicator(l.rec.MaxOf)
		out = append(out, c.refuse(l.seq, refusal{l.value, problem("rule_violated", "%s (%s) lớn hơn %s (%s, %s); không thể như vậy.",
			"%s (%s) exceeds %s (%s, %s), which cannot be.",
			l.rec.LabelVI, fmtValue(l.value), limit.LabelVI, fmtValue(lim.value), c.ref(int(lim.first)))}))
	}
	return out
}

func (c *FileCheck) refuse(seq int, r refusal) Refusal {
	return Refusal{seq, RowError{File: c.file, Ref: c.ref(seq), Column: string(FieldValue), Value: fmtValue(r.value),
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
			errs = append(errs, *v.rowError(file, raw, FieldValue, raw.Value, problem("not_a_number",
				"Dòng tổng có giá trị %q không phải là số.", "Total row value %q is not a number.", raw.Value)))
		case counted[k] < members[k]:
			errs = append(errs, *v.rowError(file, raw, FieldValue, raw.Value, problem("total_unchecked",
				"Không kiểm tra được dòng tổng vì có dòng chi tiết bị từ chối.",
				"The total cannot be checked because some detail rows were refused.")))
		case math.Abs(n.Value-sums[k]) > 1e-6*math.Max(1, math.Abs(n.Value)):
			errs = append(errs, *v.rowError(file, raw, FieldValue, raw.Value, problem("total_mismatch",
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
