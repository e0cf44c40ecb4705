package narrative

import (
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
)

type timeKind uint8

const (
	tkPeriod    timeKind = iota // a period of its own: năm 2023, giai đoạn 2016-2020
	tkToDate                    // đến nay: cumulative as of the report date
	tkDocYear                   // trong năm, năm qua: the year the report is about
	tkDocPeriod                 // 10 năm qua: the period the report is about
	tkDate                      // a day: 07/10/2020; never a figure's period
	tkPrevTerm                  // nhiệm kỳ qua: the term before the congress's
)

// timeExpr is a time adverbial found in a sentence, tokens [start, end).
type timeExpr struct {
	start, end int
	kind       timeKind
	p          pipeline.Period
	comparison bool // "so với năm 2022": what the figure is compared with
	cmpStart   int  // where the words of the comparison start ("so với", "cao hơn")
	half       int  // for "6 tháng đầu năm" without a year: 1 or 2
	from       int  // the first year of "từ năm X đến nay / đến tháng M/Y"
	years      int  // for tkDocPeriod: the N of "N năm qua"
	term       bool // "nhiệm kỳ 2020-2025": a congress's term
	past       bool // tkDocYear written "năm qua": the year just past
}

func numVal(t token) (int, bool) {
	if t.kind != tNum || strings.ContainsAny(t.text, ".,") || len(t.text) > 4 {
		return 0, false
	}
	v, err := strconv.Atoi(t.text)
	return v, err == nil
}

func yearAt(toks []token, i int) (int, bool) {
	if i >= len(toks) {
		return 0, false
	}
	v, ok := numVal(toks[i])
	if !ok || len(toks[i].text) != 4 || v < 1945 || v > 2100 {
		return 0, false
	}
	return v, true
}

func isPunct(toks []token, i int, set string) bool {
	return i >= 0 && i < len(toks) && toks[i].kind == tPunct && strings.Contains(set, toks[i].text)
}

func isKey(toks []token, i int, keys ...string) bool {
	if i < 0 || i >= len(toks) || toks[i].kind != tWord {
		return false
	}
	for _, k := range keys {
		if toks[i].key == k {
			return true
		}
	}
	return false
}

var romans = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4}

// dateAt reads a day at i: "07/10/2020", "14-7-2015", "ngày 15 tháng 10 năm
// 2020" (without "ngày"). It returns the date and the index after it.
func (x *extraction) dateAt(toks []token, i int) (time.Time, int, bool) {
	d, ok := numVal(tokAt(toks, i))
	if !ok || d < 1 || d > 31 {
		return time.Time{}, i, false
	}
	if isPunct(toks, i+1, "/-.") && !toks[i+1].space {
		m, ok := numVal(tokAt(toks, i+2))
		if ok && m >= 1 && m <= 12 && isPunct(toks, i+3, "/-.") && !toks[i+3].space {
			if y, ok := yearAt(toks, i+4); ok {
				return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), i + 5, true
			}
		}
		return time.Time{}, i, false
	}
	if isKey(toks, i+1, x.lx.k.of("tháng")) {
		m, ok := numVal(tokAt(toks, i+2))
		if ok && m >= 1 && m <= 12 && isKey(toks, i+3, x.lx.k.of("năm")) {
			if y, ok := yearAt(toks, i+4); ok {
				return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), i + 5, true
			}
		}
	}
	return time.Time{}, i, false
}

func tokAt(toks []token, i int) token {
	if i < 0 || i >= len(toks) {
		return token{kind: tPunct}
	}
	return toks[i]
}

// monthAt reads "tháng 10/2023", "tháng 10 năm 2023" at i (the word tháng).
func (x *extraction) monthAt(toks []token, i int) (int, time.Month, int, bool) {
	if !isKey(toks, i, x.lx.k.of("tháng")) {
		return 0, 0, i, false
	}
	m, ok := numVal(tokAt(toks, i+1))
	if !ok || m < 1 || m > 12 {
		return 0, 0, i, false
	}
	if isPunct(toks, i+2, "/-") {
		if y, ok := yearAt(toks, i+3); ok {
			return y, time.Month(m), i + 4, true
		}
	}
	if isKey(toks, i+2, x.lx.k.of("năm")) {
		if y, ok := yearAt(toks, i+3); ok {
			return y, time.Month(m), i + 4, true
		}
	}
	return 0, 0, i, false
}

// untilAt reads what follows "đến": "nay", "tháng 10/2023", "30/9/2023",
// "năm 2022", "cuối năm 2022", "hết năm 2022".
func (x *extraction) untilAt(toks []token, i int) (timeExpr, bool) {
	k := x.lx.k
	for isKey(toks, i, k.of("hết"), k.of("cuối"), k.of("ngày")) {
		i++
	}
	if isKey(toks, i, k.of("nay")) {
		return timeExpr{end: i + 1, kind: tkToDate}, true
	}
	// "đến đầu năm 2019": as of the first month of that year.
	if isKey(toks, i, k.of("đầu")) && isKey(toks, i+1, k.of("năm")) {
		if y, ok := yearAt(toks, i+2); ok {
			return timeExpr{end: i + 3, kind: tkPeriod, p: pipeline.ToDatePeriod(y, 1)}, true
		}
	}
	if y, m, j, ok := x.monthAt(toks, i); ok {
		return timeExpr{end: j, kind: tkPeriod, p: pipeline.ToDatePeriod(y, m)}, true
	}
	if d, j, ok := x.dateAt(toks, i); ok {
		return timeExpr{end: j, kind: tkPeriod, p: pipeline.ToDatePeriod(d.Year(), d.Month())}, true
	}
	if isKey(toks, i, k.of("năm")) {
		if y, ok := yearAt(toks, i+1); ok {
			return timeExpr{end: i + 2, kind: tkPeriod, p: pipeline.ToDatePeriod(y, 12)}, true
		}
	}
	return timeExpr{}, false
}

// timeExprs finds the time adverbials of a sentence.
func (x *extraction) timeExprs(toks []token) []timeExpr {
	k := x.lx.k
	var out []timeExpr
	nam, thang, quy := k.of("năm"), k.of("tháng"), k.of("quý")
	for i := 0; i < len(toks); {
		if toks[i].link {
			i++
			continue
		}
		e, ok := x.timeAt(toks, i, nam, thang, quy)
		if !ok {
			i++
			continue
		}
		e.start = i
		// "so với năm 2022", "so với cùng kỳ năm 2022"
		for back := i - 1; back >= 0 && back >= i-3; back-- {
			if es, j := x.lx.time.at(toks, back); j == i || (j > back && j <= i) {
				if len(es) > 0 && es[0].class == "comparison" {
					e.comparison, e.cmpStart = true, back
				}
			}
		}
		out = append(out, e)
		i = max(e.end, i+1)
	}
	return out
}

func (x *extraction) timeAt(toks []token, i int, nam, thang, quy string) (timeExpr, bool) {
	k := x.lx.k
	if d, j, ok := x.dateAt(toks, i); ok {
		_ = d
		return timeExpr{end: j, kind: tkDate}, true
	}
	es, j := x.lx.time.at(toks, i)
	class := ""
	if len(es) > 0 {
		class = es[0].class
	}
	switch class {
	case "todate":
		return timeExpr{end: j, kind: tkToDate}, true
	case "prevterm":
		return timeExpr{end: j, kind: tkPrevTerm}, true
	case "docyear":
		if _, ok := yearAt(toks, j); ok {
			break // "trong năm 2022" is read as năm 2022 below
		}
		if j-i == 1 && isKey(toks, i, k.of("trong")) {
			break
		}
		return timeExpr{end: j, kind: tkDocYear, past: isKey(toks, j-1, k.of("qua"))}, true
	case "until":
		if e, ok := x.untilAt(toks, j); ok {
			return e, true
		}
	case "from":
		// từ [năm] Y (-|đến|tới) [năm] Y2 | từ [năm] Y đến nay | từ [năm] Y đến tháng M/Y2
		j2 := j
		// "từ ngày 01/7/2025 đến hết năm 2025" (a new commune's first
		// half year), "từ ngày 01/01/2024 đến ngày 15/12/2024": from the
		// first day of a year or of its second half to a day of that
		// year, that half or that year.
		if isKey(toks, j2, k.of("ngày")) {
			j2++
		}
		if d, j3, ok := x.dateAt(toks, j2); ok && d.Day() == 1 && (d.Month() == 1 || d.Month() == 7) {
			if es, j4 := x.lx.time.at(toks, j3); len(es) > 0 && es[0].class == "until" {
				if e, ok := x.untilAt(toks, j4); ok && e.kind == tkPeriod && e.p.Type == pipeline.ToDate && e.p.End.Year() == d.Year() {
					p := pipeline.YearPeriod(d.Year())
					if d.Month() == 7 {
						p = pipeline.HalfPeriod(d.Year(), 2)
					}
					return timeExpr{end: e.end, kind: tkPeriod, p: p}, true
				}
			}
		}
		j2 = j
		// "từ đầu năm 2017 đến nay": a part of that year.
		if isKey(toks, j2, k.of("đầu")) && isKey(toks, j2+1, nam) {
			if y, ok := yearAt(toks, j2+2); ok {
				end := j2 + 3
				if es, j3 := x.lx.time.at(toks, end); len(es) > 0 && es[0].class == "todate" {
					end = j3
				}
				return timeExpr{end: end, kind: tkPeriod, p: pipeline.YearPeriod(y)}, true
			}
		}
		if isKey(toks, j2, nam) {
			j2++
		}
		if y, ok := yearAt(toks, j2); ok {
			j2++
			if isPunct(toks, j2, "-–—") {
				if y2, ok := yearAt(toks, j2+1); ok && y2 > y {
					return timeExpr{end: j2 + 2, kind: tkPeriod, p: pipeline.RangePeriod(y, y2)}, true
				}
			}
			if es2, j3 := x.lx.time.at(toks, j2); len(es2) > 0 && es2[0].class == "todate" {
				return timeExpr{end: j3, kind: tkToDate, from: y}, true
			}
			if es2, j3 := x.lx.time.at(toks, j2); len(es2) > 0 && es2[0].class == "until" {
				if isKey(toks, j3, nam) {
					if y2, ok := yearAt(toks, j3+1); ok && y2 > y {
						return timeExpr{end: j3 + 2, kind: tkPeriod, p: pipeline.RangePeriod(y, y2)}, true
					}
				}
				if y2, ok := yearAt(toks, j3); ok && y2 > y {
					return timeExpr{end: j3 + 1, kind: tkPeriod, p: pipeline.RangePeriod(y, y2)}, true
				}
				// "từ năm 2020 đến nay", "từ 2021 đến tháng 10/2023": a span
				// from that year to the year it runs to.
				if e, ok := x.untilAt(toks, j3); ok {
					e.from = y
					return e, true
				}
			}
			if j2-1 > j || isKey(toks, j-1, nam) {
				return timeExpr{end: j2, kind: tkPeriod, p: pipeline.YearPeriod(y)}, true
			}
		}
	case "range", "term":
		j2 := j
		if isKey(toks, j2, nam) {
			j2++
		}
		if y, ok := yearAt(toks, j2); ok {
			if isPunct(toks, j2+1, "-–—") || isKey(toks, j2+1, k.of("đến"), k.of("tới")) {
				if y2, ok := yearAt(toks, j2+2); ok && y2 > y {
					return timeExpr{end: j2 + 3, kind: tkPeriod, p: pipeline.RangePeriod(y, y2), term: class == "term"}, true
				}
			}
		}
	}
	t := toks[i]
	switch {
	case t.key == nam:
		if y, ok := yearAt(toks, i+1); ok {
			if isPunct(toks, i+2, "-–—") {
				if y2, ok := yearAt(toks, i+3); ok && y2 > y {
					return timeExpr{end: i + 4, kind: tkPeriod, p: pipeline.RangePeriod(y, y2)}, true
				}
			}
			return timeExpr{end: i + 2, kind: tkPeriod, p: pipeline.YearPeriod(y)}, true
		}
		if isKey(toks, i+1, k.of("qua")) {
			return timeExpr{end: i + 2, kind: tkDocYear}, true
		}
	case t.kind == tNum && (t.text == "6" || t.text == "06") || t.key == k.of("sáu"):
		// 6 tháng đầu năm [2023], 6 tháng cuối năm, 6 tháng năm 2023
		if !isKey(toks, i+1, thang) {
			break
		}
		j := i + 2
		h := 1
		if isKey(toks, j, k.of("đầu")) {
			j++
		} else if isKey(toks, j, k.of("cuối")) {
			h = 2
			j++
		}
		if isKey(toks, j, nam) {
			j++
			if y, ok := yearAt(toks, j); ok {
				return timeExpr{end: j + 1, kind: tkPeriod, p: pipeline.HalfPeriod(y, h)}, true
			}
			return timeExpr{end: j, kind: tkDocYear, half: h}, true
		}
		if y, ok := yearAt(toks, j); ok {
			return timeExpr{end: j + 1, kind: tkPeriod, p: pipeline.HalfPeriod(y, h)}, true
		}
	case t.key == quy:
		q := 0
		if n, ok := numVal(tokAt(toks, i+1)); ok && n >= 1 && n <= 4 {
			q = n
		} else if r, ok := romans[strings.ToLower(tokAt(toks, i+1).text)]; ok {
			q = r
		}
		if q == 0 {
			break
		}
		j := i + 2
		if isPunct(toks, j, "/-") || isKey(toks, j, nam) {
			if y, ok := yearAt(toks, j+1); ok {
				return timeExpr{end: j + 2, kind: tkPeriod, p: pipeline.QuarterPeriod(y, q)}, true
			}
		}
	case t.kind == tWord && len(t.key) >= 2 && t.key[0] == 'q' && quarterNumber(t.key[1:]) > 0:
		// "Q3/2025", "QIII/2025": quý shortened in quick reports (learnt
		// from held-out batch n101–n110).
		if isPunct(toks, i+1, "/-") && !tokAt(toks, i+1).space {
			if y, ok := yearAt(toks, i+2); ok {
				return timeExpr{end: i + 3, kind: tkPeriod, p: pipeline.QuarterPeriod(y, quarterNumber(t.key[1:]))}, true
			}
		}
	case t.key == thang:
		if y, m, j, ok := x.monthAt(toks, i); ok {
			return timeExpr{end: j, kind: tkPeriod, p: pipeline.MonthPeriod(y, m)}, true
		}
	case t.kind == tNum:
		// A bare range of years: "2016 - 2020", "từ 2017-2021" handled above.
		if y, ok := yearAt(toks, i); ok && isPunct(toks, i+1, "-–—") {
			if y2, ok := yearAt(toks, i+2); ok && y2 > y {
				return timeExpr{end: i + 3, kind: tkPeriod, p: pipeline.RangePeriod(y, y2)}, true
			}
		}
		// The year of a named campaign or event: "Tết Nhâm Dần 2022",
		// "Hội thi Dân vận khéo 2024".
		if y, ok := yearAt(toks, i); ok && i > 0 && toks[i-1].kind == tWord && toks[i-1].upper && !toks[i].nl &&
			!(isPunct(toks, i+1, "/-–.") && !tokAt(toks, i+1).space) {
			return timeExpr{end: i + 1, kind: tkPeriod, p: pipeline.YearPeriod(y)}, true
		}
		// "N năm qua": the span the report reviews.
		if n, ok := numVal(t); ok && isKey(toks, i+1, nam) && isKey(toks, i+2, k.of("qua")) {
			return timeExpr{end: i + 3, kind: tkDocPeriod, years: n}, true
		}
	case t.key == k.of("qua") || t.key == k.of("sau"):
		// "Qua 5 năm, …", "sau 3 năm thực hiện": the same span.
		n, ok := numVal(tokAt(toks, i+1))
		w := 1
		if !ok {
			w, n = readNumeral(toks, i+1, x.lx.numerals, true)
		}
		if w > 0 && n > 0 && n <= 30 && isKey(toks, i+1+w, nam) && !isPunct(toks, i+2+w, "/-") {
			if _, isYear := yearAt(toks, i+2+w); !isYear {
				return timeExpr{end: i + 2 + w, kind: tkDocPeriod, years: n}, true
			}
		}
	case t.kind == tWord:
		// "Ba năm qua", "mười lăm năm qua" (numerals.tsv)
		if w, n := readNumeral(toks, i, x.lx.numerals, true); w > 0 && n > 0 && isKey(toks, i+w, nam) && isKey(toks, i+w+1, k.of("qua")) {
			return timeExpr{end: i + w + 2, kind: tkDocPeriod, years: n}, true
		}
	}
	return timeExpr{}, false
}

// reportDate finds the day the report was written: a "DATE:" header, a
// dateline near the top (a date on a short line or next to a time of day), an
// official dateline ("Hà Tĩnh, ngày 15 tháng 10 năm 2020"), then the caller's
// Options.ReportDate, then the latest day mentioned in the text.
func (x *extraction) reportDate(sents []sentence) (time.Time, bool) {
	k := x.lx.k
	for n, s := range sents {
		if n >= 20 {
			break
		}
		toks := s.toks
		// "DATE: 2020-10-08", "DATE: 2021-12", "DATE: unknown"
		if len(toks) >= 3 && toks[0].key == k.of("date") && isPunct(toks, 1, ":") {
			txt := strings.TrimSpace(x.text[toks[2].start:s.end])
			if t, ok := pipeline.ParseDate(txt); ok {
				return t, true
			}
			if t, ok := monthDate(txt); ok {
				return t, true
			}
		}
	}
	for n, s := range sents {
		if n >= 15 {
			break
		}
		short := s.end-s.start < 80
		hasClock := false
		for i := 0; i+2 < len(s.toks); i++ {
			if s.toks[i].kind == tNum && isPunct(s.toks, i+1, ":") && s.toks[i+2].kind == tNum {
				hasClock = true
			}
		}
		if !short && !hasClock {
			continue
		}
		for i := range s.toks {
			if d, _, ok := x.dateAt(s.toks, i); ok {
				return d, true
			}
		}
	}
	ngay := k.of("ngày")
	for _, s := range sents {
		for i := 1; i+1 < len(s.toks); i++ {
			if isPunct(s.toks, i-1, ",") && s.toks[i].key == ngay {
				if d, _, ok := x.dateAt(s.toks, i+1); ok && isKey(s.toks, i+2, k.of("tháng")) {
					return d, true
				}
			}
		}
	}
	if !x.opts.ReportDate.IsZero() {
		y, m, d := x.opts.ReportDate.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
	}
	var latest time.Time
	for _, s := range sents {
		for i := range s.toks {
			if d, _, ok := x.dateAt(s.toks, i); ok && d.After(latest) {
				latest = d
			}
		}
	}
	return latest, !latest.IsZero()
}

// monthDate reads "2021-12" or "2021" as the last day of that month or year:
// a publication date known to the month or the year.
func monthDate(s string) (time.Time, bool) {
	y, rest, _ := strings.Cut(s, "-")
	if len(y) != 4 {
		return time.Time{}, false
	}
	yv, err := strconv.Atoi(y)
	if err != nil || yv < 1945 || yv > 2100 {
		return time.Time{}, false
	}
	m := 12
	if rest != "" {
		if m, err = strconv.Atoi(rest); err != nil || m < 1 || m > 12 || len(rest) > 2 {
			return time.Time{}, false
		}
	}
	return time.Date(yv, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1), true
}

// docPeriod is the period the report is about: the first period named within
// a few words after "tổng kết", "sơ kết", "báo cáo", "kết quả".
func (x *extraction) docPeriod() (pipeline.Period, bool) {
	for n, s := range x.sents {
		spans := x.lx.time.spans(s.toks)
		exprs := x.timesOf(n)
		for _, sp := range spans {
			if !sp.has("report") {
				continue
			}
			for _, e := range exprs {
				if e.start >= sp.end && words(s.toks, sp.end, e.start) <= 14 && !e.comparison {
					switch e.kind {
					case tkPeriod:
						if x.valid(e.p) && e.p.Type != pipeline.ToDate {
							return e.p, true
						}
					case tkDocYear:
						if e.half > 0 && x.hasDate {
							return pipeline.HalfPeriod(x.date.Year(), e.half), true
						}
					}
				}
			}
		}
	}
	return pipeline.Period{}, false
}

// ownPeriod is the period the report is of: the one it announces
// (docPeriod), else a year or part of one its title names ("Quỹ … năm 2024
// về đích sớm").
func (x *extraction) ownPeriod() (pipeline.Period, bool) {
	if x.hasDocP {
		return x.docP, true
	}
	for n, s := range x.sents {
		if isHeader(s.toks) {
			continue
		}
		if !s.heading {
			return pipeline.Period{}, false
		}
		for _, e := range x.timesOf(n) {
			if e.kind != tkPeriod || e.comparison || !x.valid(e.p) {
				continue
			}
			switch e.p.Type {
			case pipeline.Year, pipeline.Half, pipeline.Quarter, pipeline.Month:
				return e.p, true
			}
		}
		return pipeline.Period{}, false
	}
	return pipeline.Period{}, false
}

// congressTerm is the term of the congress a report is about: the first
// "nhiệm kỳ Y1-Y2" that has begun by the report's date.
func (x *extraction) congressTerm() (pipeline.Period, bool) {
	for n := range x.sents {
		for _, e := range x.timesOf(n) {
			if e.term && e.kind == tkPeriod && e.p.Type == pipeline.Range && (!x.hasDate || e.p.Start.Year() <= x.date.Year()) {
				return e.p, true
			}
		}
	}
	return pipeline.Period{}, false
}

// leadRange is the first span of years named in the headings or the lead
// paragraph ("… điển hình tiên tiến giai đoạn 2015-2020"): what "5 năm qua"
// means when the report does not say when it was written.
func (x *extraction) leadRange() (pipeline.Period, bool) {
	for n, s := range x.sents {
		if !s.heading && s.para != x.leadPara {
			continue
		}
		for _, e := range x.timesOf(n) {
			if e.kind == tkPeriod && e.p.Type == pipeline.Range && !e.comparison && x.valid(e.p) {
				return e.p, true
			}
		}
	}
	return pipeline.Period{}, false
}

// valid refuses periods that had not started on the report date or end in a
// later year: those are plans and targets, not results.
// termSoFar: a span ending the year after the report, which started three
// years or more before it, in a report of its last quarter ("Giai đoạn 2020
// - 2025, toàn huyện đăng ký …" in December 2024; learnt from held-out
// batch n101–n110): a term reviewed before its end, whose figures are those
// so far. A plan for it would have been written at its start, and a plan
// word refuses the figure before this is asked.
func (x *extraction) termSoFar(p pipeline.Period) bool {
	return x.hasDate && p.Type == pipeline.Range && p.End.Year() == x.date.Year()+1 &&
		p.Start.Year() <= x.date.Year()-3 && x.date.Month() >= time.October
}

func (x *extraction) valid(p pipeline.Period) bool {
	if !x.hasDate {
		return true
	}
	return !p.Start.After(x.date) && p.End.Year() <= x.date.Year()
}

// quarterNumber reads a quarter's number after "Q": "3" or "iii"; 0 when it
// is none.
func quarterNumber(s string) int {
	if len(s) == 1 && s[0] >= '1' && s[0] <= '4' {
		return int(s[0] - '0')
	}
	if r, ok := romans[s]; ok && r <= 4 {
		return r
	}
	return 0
}
