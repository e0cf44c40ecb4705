package pipeline

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/internal/dense"
)

// Validator turns RawRows into Records, or into RowErrors that say why not.
// Its rules are here; what it remembers of names already resolved is in
// lookup.go, the checks that need the whole file in filecheck.go.
// A Validator is not safe for concurrent use.
type Validator struct {
	Ref      *Reference
	Resolver *Resolver
	today    time.Time
	tomorrow time.Time

	// What it resolved before, by text (lookup.go).
	periods   map[string]ResolvedPeriod
	provinces map[string]ResolvedUnit
	unitNames map[unitName]uint32
	// units indexes unitResults by unit name id and period text id; the
	// table holds small indexes, not results, so more of it stays in the
	// cache.
	units       dense.Index
	unitResults []ResolvedUnit
	unitResult  []int32               // by Unit.Index: the unit's index in unitResults, +1
	unitLookups map[uint32]unitLookup // by unit name id
	indicators  map[string]ResolvedIndicator
	breakdowns  map[breakdownText]ResolvedBreakdown
	// spare holds the entry buffers of finished FileChecks for the next.
	spare [][]checkEntry
	// keys holds FileCheck's radix sort buffers for the next file.
	keys [2][]uint64
	// recentKeys holds FileCheck's period keys for the next file: 24 KiB
	// zeroed for each of a drop's 365 forms of 36 values was ~2 % of its
	// ingest's CPU. A slot's code is compared whole, so what the slots of
	// the files before hold stays true.
	recentKeys *[keySlots]recentKey
	// submission, when set, is the portal submission the rows come from
	// (SetSubmission).
	submission *Submission
}

// NewValidator checks against ref; periods starting after now's date (in
// Vietnam) are in the future.
func NewValidator(ref *Reference, now time.Time) *Validator {
	y, m, d := now.In(Vietnam).Date()
	return &Validator{
		Ref: ref, Resolver: NewResolver(ref), today: date(y, m, d), tomorrow: date(y, m, d).AddDate(0, 0, 1),
		periods: map[string]ResolvedPeriod{}, provinces: map[string]ResolvedUnit{},
		unitNames: map[unitName]uint32{}, unitLookups: map[uint32]unitLookup{},
		indicators: map[string]ResolvedIndicator{}, breakdowns: map[breakdownText]ResolvedBreakdown{},
	}
}

func (v *Validator) rowError(file string, raw *RawRow, f Field, value string, p *Problem) *RowError {
	e := &RowError{File: file, Ref: raw.cell(f), Column: raw.column(f), Value: value, Code: p.Code, Reason: p.Reason, ReasonEN: p.ReasonEN,
		Unit: raw.Unit}
	v.whose(e, raw)
	return e
}

// whose fills in the province and unit a refused row was about, as far as
// they resolve: a refusal is rare, so resolving them again (from the
// caches) costs nothing that matters.
func (v *Validator) whose(e *RowError, raw *RawRow) {
	prov := v.ResolveProvince(raw.Province)
	if prov.err != nil {
		return
	}
	e.ProvinceCode = prov.u.Code
	if strings.TrimSpace(raw.Unit) == "" {
		e.UnitCode, e.Unit = prov.u.Code, prov.u.Name
		return
	}
	per := v.ResolvePeriod(raw.Period)
	if per.err != nil {
		return
	}
	n := v.NameUnit(prov.u, raw.Unit)
	if v.namesNoUnit(n, raw.Unit) {
		return
	}
	if u := v.unitOn(n, raw.Unit, per); u.err == nil {
		e.UnitCode, e.Unit = u.u.Code, u.u.Name
	}
}

// namesNoUnit reports whether the unit text s (numbered n) names no unit
// of its province at any time, so whose need not build the message of
// why: past maxRemembered names, a refusal's message is not kept, and
// building it again for every refused row doubled the CPU of a file naming
// a different unknown unit on each row.
func (v *Validator) namesNoUnit(n UnitName, s string) bool {
	l, ok := v.unitLookups[n.id]
	if n.id == unnumbered || !ok {
		l = v.Resolver.lookupUnit(n.province, s)
	}
	return !l.whole && len(l.found) == 0
}

// Period parses s and refuses periods that have not started yet.
func (v *Validator) Period(s string) (Period, *Problem) {
	r := v.ResolvePeriod(s)
	return r.p, r.err
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
	return v.RowWith(rec, file, raw, byText{v})
}

// RowWith is RowTo with the row's key cells resolved through cells: a
// reader that knows which cells repeat a text (the CSV reader numbers them)
// keeps the answers by its own numbers instead of the Validator hashing the
// same texts again.
func (v *Validator) RowWith(rec *Record, file string, raw *RawRow, cells KeyCells) *RowError {
	if v.submission != nil {
		raw = v.submission.place(raw)
	}
	*rec = Record{Origin: raw.Origin, Quote: raw.Quote, Note: raw.Note, Ref: raw.Ref}
	if rec.Origin == "" {
		rec.Origin = FromForm
	}
	per := cells.Period(raw)
	if per.err != nil {
		return v.rowError(file, raw, FieldPeriod, raw.Period, withFix(raw, FieldPeriod, per.err))
	}
	rec.Period = per.p
	pres := cells.Province(raw)
	if pres.err != nil {
		return v.rowError(file, raw, FieldProvince, raw.Province, withFix(raw, FieldProvince, pres.err))
	}
	rec.Province = pres.u
	ures := v.unitOn(cells.UnitName(raw, pres.u), raw.Unit, per)
	if ures.err != nil {
		return v.rowError(file, raw, FieldUnit, raw.Unit, ures.err)
	}
	rec.Unit = ures.u
	ires := cells.Indicator(raw)
	if ires.err != nil {
		return v.rowError(file, raw, FieldIndicator, raw.Indicator, ires.err)
	}
	rec.Indicator = ires.ind
	dres := cells.Breakdown(raw, ires.ind)
	if dres.err != nil {
		return v.rowError(file, raw, FieldDisaggregation, raw.Disaggregation, dres.err)
	}
	rec.Disaggregation = dres.code
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
			if day, ok := MonthFirst(raw.SubmittedAt); ok {
				return v.rowError(file, raw, FieldSubmittedAt, raw.SubmittedAt, problem("bad_date",
					"Không đọc được ngày gửi %q: có vẻ ghi tháng trước ngày; có phải ngày %s? Viết ngày/tháng/năm.",
					"Cannot read submission date %q: it seems written month first; is it %s (day/month/year)? Write day/month/year.",
					raw.SubmittedAt, day))
			}
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
	if s := v.submission; s != nil {
		if p := s.allows(rec.Unit); p != nil {
			f, val := FieldUnit, raw.Unit
			if rec.Unit.Level == LevelProvince && raw.Unit == "" {
				f, val = FieldProvince, raw.Province
			}
			return v.rowError(file, raw, f, val, p)
		}
		rec.SubmittedAt = s.ReceivedAt
	}
	return nil
}

// value reads raw.Value into rec in the indicator's unit.
func (v *Validator) value(rec *Record, raw *RawRow) *Problem {
	ind := rec.Indicator
	s := strings.TrimSpace(raw.Value)
	if s == "" {
		return problem("missing_value", "Thiếu giá trị (ô trống là chưa báo cáo; ghi 0 nếu bằng không).",
			"The value is missing (empty means not reported; write 0 for zero).")
	}
	if raw.DateCell {
		if p := yearProblem(s); p != nil {
			return p
		}
		if p := dateProblem(s); p != nil {
			return p
		}
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
			if p := dashProblem(s); p != nil {
				return p
			}
			if p := dateProblem(s); p != nil {
				return p
			}
			return numberProblem(s, err)
		}
		if n.Unit != "" {
			// "12/05/2024" reads as 12 with the unit "/05/2024", "12/15"
			// as 12 with the unit "/15".
			if p := dateProblem(s); p != nil {
				return p
			}
			if reTwoNumbers.MatchString(s) {
				return problem("not_a_number",
					"Giá trị %q là hai số cách nhau bởi dấu /, không phải một số liệu: ghi một số (như số đạt được), số kia ghi vào ghi chú nếu cần.",
					"Value %q is two numbers parted by a slash, not one figure: write one number (such as the number achieved), the other in a note if need be.", s)
			}
		}
	}
	inColumnUnit(&n, raw)
	switch {
	case n.Unit == "" || Fold(n.Unit) == Fold(ind.Unit) || (n.Unit == "đồng" && ind.Unit == "đồng") || (n.Unit == "m²" && ind.Unit == "m²"):
	case n.Unit == "ha" && ind.Unit == "m²":
		n.Value *= 10000
	case n.Unit == "nguoi" && ind.Unit == "cá nhân": // persons, counted as individuals
	case ind.Unit == "hội thi" && contestWords[n.Unit]: // "2 cuộc thi": a contest is held as a "cuộc thi"
	case n.Unit == "%":
		return &Problem{"wrong_unit", fmt.Sprintf("Giá trị %q là tỉ lệ phần trăm; chỉ tiêu %s ghi số %s, không ghi tỉ lệ.", s, ind.Code, ind.Unit),
			fmt.Sprintf("Value %q is a percentage; %s is written as a number of %s, not a rate.", s, ind.Code, ind.UnitEN)}
	case bracketed(s, n.UnitText):
		// "12 (đã sửa)": a note, mostly, which says nothing sure of the
		// figure ("(kế hoạch)" would make it a plan's).
		return &Problem{"wrong_unit", fmt.Sprintf("Chữ trong ngoặc %q sau số không phải đơn vị tính của chỉ tiêu %s (%s). Nếu là ghi chú, ghi số vào ô và ghi chú vào cột ghi chú; nếu là số ước tính, ghi \"(ước)\".", n.UnitText, ind.Code, ind.Unit),
			fmt.Sprintf("The text in brackets %q after the number is not the unit of %s (%s). If it is a note, write the number in the cell and the note in the note column; if the figure is an estimate, write \"(ước)\".", n.UnitText, ind.Code, ind.UnitEN)}
	default:
		return &Problem{"wrong_unit", fmt.Sprintf("Đơn vị %q không phải đơn vị của chỉ tiêu %s (%s).", n.UnitText, ind.Code, ind.Unit),
			fmt.Sprintf("Unit %q is not the unit of %s (%s).", n.UnitText, ind.Code, ind.UnitEN)}
	}
	switch {
	case math.IsNaN(n.Value) || math.IsInf(n.Value, 0) || math.Abs(n.Value) > 1e15:
		return problem("not_a_number", "Giá trị %q không phải là số hữu hạn hợp lý.", "Value %q is not a sensible finite number.", s)
	case n.Value < 0:
		return problem("negative_value", "Giá trị %s âm; số liệu báo cáo không được âm.", "Value %s is negative; reported figures cannot be.", s)
	case ind.Integer && n.Value != math.Trunc(n.Value):
		return &Problem{"not_whole_number", fmt.Sprintf("Chỉ tiêu %s đếm %s nên phải là số nguyên, không phải %s.", ind.Code, ind.Unit, s),
			fmt.Sprintf("%s counts %s and must be a whole number, not %s.", ind.Code, ind.UnitEN, s)}
	case ind.Unit == "đồng" && !raw.Plain && !wholeAmount(n.Value):
		// Text only: a number cell's fraction is a formula's result
		// (=B5/3), shown rounded, no comma misread.
		p := &Problem{"not_whole_number",
			fmt.Sprintf("Giá trị %q là %s đồng, có phần lẻ của đồng mà số tiền không có: dấu phẩy là dấu thập phân, dấu chấm ngăn hàng nghìn.", s, fmtValue(n.Value)),
			fmt.Sprintf("Value %q is %s %s, with a fraction of the unit, which no amount has: a comma is the decimal sign, dots part thousands.", s, fmtValueEN(n.Value), ind.UnitEN)}
		if reCommaThousands.MatchString(s) {
			// "1,250" as an English-locale spreadsheet writes 1,250.
			k := n.Value * 1000
			p.Reason += fmt.Sprintf(" Nếu là %s đồng, ghi %s hoặc %s.", fmtValue(k), fmtValue(k), strconv.FormatFloat(k, 'f', -1, 64))
			p.ReasonEN += fmt.Sprintf(" If it is %s %s, write %s or %s.", fmtValueEN(k), ind.UnitEN, fmtValue(k), strconv.FormatFloat(k, 'f', -1, 64))
		}
		return p
	}
	rec.Value, rec.Qualifier = n.Value, n.Qualifier
	return nil
}

// wholeAmount reports whether an amount in đồng is whole, to fifteen
// figures: 350,4 × 1,000,000 is 350399999.99999994 in binary. An amount
// with a fraction of a đồng is a comma read as the decimal sign it is in
// Vietnamese where an English-locale spreadsheet meant thousands ("1,250"
// for 1,250 đồng, read as 1,25 đồng), when the amount was written as text.
func wholeAmount(v float64) bool {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return r == math.Trunc(r)
}

// reCommaThousands is a number with one comma before three digits, as
// an English-locale spreadsheet parts thousands ("1,250").
var reCommaThousands = regexp.MustCompile(`^\d{1,3},\d{3}$`)

// dashProblem is the refusal of a dash typed for a figure ("-", "–",
// "—"), as forms often have for "none", the word itself ("Không", "Không
// có"), or "x", as templates mark a cell not to be filled: it says what to
// write instead, for a unit's row and a total row alike; nil for any other
// text.
func dashProblem(s string) *Problem {
	s = strings.TrimSpace(s)
	switch s {
	case "-", "–", "—", "--", "x", "X":
	default:
		if f := Fold(s); f != "khong" && f != "khong co" {
			return nil
		}
	}
	return problem("not_a_number",
		"Ô ghi %q thay cho số: ghi 0 nếu không có, để trống nếu chưa báo cáo.",
		"The cell holds %q instead of a figure: write 0 when there is none, leave it empty when not reported.", s)
}

// contestWords are the unit words, folded, reports count contests in
// beside "hội thi": "tổ chức 2 cuộc thi", a form's unit column "cuộc".
var contestWords = map[string]bool{"cuoc": true, "cuoc thi": true, "cuoc hoi thi": true}

// dateProblem is the refusal of a date or a time for a figure: a count
// typed "12/5" or "8:30" in a cell a spreadsheet then formats as a date or
// a time is stored as a day's serial number (45424) or a fraction of a day,
// which the workbook reader shows as the date (12/05/2024), and a CSV saved
// from it holds as shown (12/05/2024, 12-May); nil for any other text.
func dateProblem(s string) *Problem {
	if _, ok := ParseDate(s); !ok && !reShownDate.MatchString(strings.ToLower(s)) {
		return nil
	}
	return problem("date_not_number",
		"Giá trị %q là ngày tháng, không phải số liệu: ô được định dạng ngày tháng (hoặc giờ) nên bảng tính đã đổi số gõ vào (như 12/5 hay 8:30) thành ngày, giờ.",
		"Value %q is a date, not a figure: the cell is formatted as a date (or a time), so the spreadsheet turned what was typed (such as 12/5 or 8:30) into a date or a time.", s)
}

// yearProblem is the refusal of a figure in a cell shown as a year alone
// ("yyyy", as a template's year column is formatted): a count typed there
// shows as the year of its serial day (45 as "1900"), which reads as a
// number; nil for a text that is no four-digit year.
func yearProblem(s string) *Problem {
	if len(s) != 4 || !plainChars(s) || strings.ContainsAny(s, ".-+eE") {
		return nil
	}
	return &Problem{"date_not_number",
		fmt.Sprintf("Giá trị %q là một năm, không phải số liệu: ô được định dạng năm (như yyyy) nên bảng tính hiện số gõ vào (như 45) thành năm.", s),
		fmt.Sprintf("Value %q is a year, not a figure: the cell is formatted as a year (such as yyyy), so the spreadsheet shows what was typed (such as 45) as a year.", s)}
}

// reTwoNumbers is two numbers parted by a slash ("12/15": 12 of 15).
var reTwoNumbers = regexp.MustCompile(`^\d[\d.,]*\s*/\s*\d[\d.,]*$`)

// reShownDate is a date or a time as a spreadsheet shows one, lower case,
// beyond what ParseDate reads: a month (06/2024), a time (08:30, 8:30:00),
// a day and month in English (12-may, 12-may-24, may-24).
var reShownDate = regexp.MustCompile(`^(?:\d{1,2}/\d{4}|\d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?|\d{1,2}-(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:-\d{2,4})?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-\d{2,4})$`)

// inColumnUnit gives a number written without a unit the unit of measure
// of its column (RawRow.ColumnUnit, from a form's header), as if written
// after it: "350,5" under "triệu đồng" is 350,500,000 đồng.
func inColumnUnit(n *Number, raw *RawRow) {
	if raw.ColumnUnit == "" || n.Unit != "" {
		return
	}
	if m, err := ParseNumber("1 " + raw.ColumnUnit); err == nil {
		n.Value *= m.Value
		n.Unit, n.UnitText = m.Unit, m.UnitText
	}
}

// plainFloat reads a machine-form decimal ("1234.5", "-3", "1e6"), refusing
// NaN and infinities, which strconv would accept. A text of those
// characters alone that strconv reads whole is read by it (what fmt.Sscan
// reads then too: the same token, through strconv); any other goes through
// fmt.Sscan, which reads a leading token and ignores the rest: each of the
// 972 values of the 27-sheet workbook went through it twice (Sscan's
// scanner state, ~0.9 ms of CPU a run of ~55 ms in perf at load ~15).
func plainFloat(s string) (float64, bool) {
	if !plainChars(s) {
		return 0, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, true
	}
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// plainChars reports whether s holds only digits, '.', signs and exponents.
func plainChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// withFix adds to the problem of a row without its province or period where
// to write it: in the table's column for it, or, for a form without one,
// in a line above the table.
func withFix(raw *RawRow, f Field, p *Problem) *Problem {
	if p.Code != "missing_province" && p.Code != "missing_period" {
		return p
	}
	what, whatEN, line := "tên tỉnh", "the province", "Tỉnh: Nghệ An"
	if f == FieldPeriod {
		what, whatEN, line = "kỳ báo cáo", "the reporting period", "Kỳ báo cáo: Năm 2023"
	}
	if col, ok := raw.Columns[f]; ok {
		return &Problem{p.Code, p.Reason + fmt.Sprintf(" Ghi %s vào cột %q.", what, col),
			p.ReasonEN + fmt.Sprintf(" Write %s in the column %q.", whatEN, col)}
	}
	return &Problem{p.Code, p.Reason + fmt.Sprintf(" Thêm dòng %q (%s của báo cáo) phía trên bảng.", line, what),
		p.ReasonEN + fmt.Sprintf(" Add a line such as %q (%s of the report) above the table.", line, whatEN)}
}

// bracketed reports whether the text after a value's number, unit, is
// all in brackets at its end: "12 (đã sửa)".
func bracketed(value, unit string) bool {
	t := strings.TrimSpace(value)
	i := strings.LastIndexByte(t, '(')
	return i > 0 && strings.HasSuffix(t, ")") && strings.TrimSpace(t[i+1:len(t)-1]) == unit
}
