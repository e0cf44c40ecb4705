package narrative

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
)

// cand is a number with its unit, read in a sentence. refused says why it
// is not a figure; a refused candidate still counts as the total that the
// figures after it may be parts of.
type cand struct {
	qStart, numStart, numEnd, unitEnd int // token indexes
	value                             float64
	qual                              pipeline.Qualifier
	unit, unitClass                   string
	indicator                         string
	govern                            int // token index of the governing left cue, -1 if none
	quoteStart, quoteEnd              int
	clauseStart, clauseEnd            int
	npEnd                             int            // end of the noun phrase after the unit
	bracket                           bool           // in brackets right after another figure: "(72,7 ha)"
	example                           bool           // a named person, household or firm is its subject
	subject                           int            // "Số mô hình được công nhận là 98": where "số" is; -1 if the unit follows the number
	left                              map[string]int // cue classes found left of it, for the next item of a list
	sector                            bool           // refused as a part by sector or level
	partOf                            *cand          // the total it is written as a part of, if any
	planned                           bool           // refused as a plan or target ("phấn đấu … đạt 10 tỷ đồng")
	norm                              bool           // refused as a plan, a proposal or a rate (mỗi, /)
	fromPrev                          bool           // a part counting what the total of the sentence before counts
	refused                           string
}

// sentCtx is what the checks of one sentence share.
type sentCtx struct {
	s                        *sentence
	toks                     []token
	cues, excl, quals, field []span
	clauses                  [][2]int
	times                    []timeExpr
	mentions                 []mention
	// cue classes of the sentence before (prevClasses), computed when a
	// rule asks
	prevCls map[string]bool
	// the figures of the sentence before, when this one opens with a
	// breakdown word ("Trong đó, tiền mặt là …"), in its paragraph or
	// opening the next
	prevTotals []*cand
	// the time words' spans (time.tsv), computed when a figure asks
	timeSpans   []span
	timeSpansOK bool
}

func (c *sentCtx) clauseOf(i int) (int, int) {
	for _, cl := range c.clauses {
		if i >= cl[0] && i < cl[1] {
			return cl[0], cl[1]
		}
	}
	return 0, len(c.toks)
}

// words counts word and number tokens in [a, b).
func words(toks []token, a, b int) int {
	n := 0
	for i := max(a, 0); i < b && i < len(toks); i++ {
		if toks[i].kind != tPunct {
			n++
		}
	}
	return n
}

func (x *extraction) sentenceFigures(s *sentence, ms []mention) []fig {
	toks := s.toks
	prev := x.prevCands
	x.prevCands = nil
	hasNum := false
	for _, t := range toks {
		if t.kind == tNum {
			hasNum = true
			break
		}
	}
	if !hasNum {
		return nil
	}
	c := &sentCtx{s: s, toks: toks, cues: x.lx.cues.spans(toks), excl: x.lx.excl.spans(toks),
		quals: x.lx.quals.spans(toks), field: x.lx.fields.spans(toks), times: x.timesOf(s.index - 1), mentions: ms}
	if sp, ok := spanAt(c.excl, 0); ok && sp.has("breakdown") {
		c.prevTotals = prev
	}
	// Clauses end at ";", except in a list opened by a colon or a parts
	// opener: its items share the verb before it ("hiến đất với kết quả:
	// 10.450 m2 đất nông nghiệp; 3.180 m2 đất ở").
	start, list := 0, false
	for i, t := range toks {
		if t.kind == tPunct && t.text == ":" {
			list = true
		}
		// "…; trong đó A được 5 triệu; thôn B được 2 triệu; …" too, and
		// the clause it opens goes on from the one before.
		if sp, ok := spanAt(c.excl, i); ok && (sp.has("breakdown") || sp.has("total_opener")) && i > 0 {
			list = true
			// "…; các xã dẫn đầu gồm A (2,3 tỷ đồng), B (…)": a few words
			// naming whose parts follow, with no verb of their own, before
			// the opener go on from the clause before too (learnt from
			// held-out batch n101–n110).
			if i > start && start > 0 && words(toks, start, i) <= 4 && !punctIn(toks, start, i) && !cueIn(c.cues, start, i) && len(c.clauses) > 0 {
				start = c.clauses[len(c.clauses)-1][0]
				c.clauses = c.clauses[:len(c.clauses)-1]
			}
			if i == start && len(c.clauses) > 0 {
				start = c.clauses[len(c.clauses)-1][0]
				c.clauses = c.clauses[:len(c.clauses)-1]
			}
		}
		// "…; với tổng số tiền gần 2,4 tỷ đồng": an adjunct opened by
		// "với" after a semicolon goes on with the clause before it.
		if t.kind == tPunct && t.text == ";" && !list && tokAt(toks, i+1).key != x.lx.k.of("với") {
			c.clauses = append(c.clauses, [2]int{start, i})
			start = i + 1
		}
	}
	c.clauses = append(c.clauses, [2]int{start, len(toks)})

	var cands []*cand
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tNum || toks[i].link || x.inTime(c, i) {
			continue
		}
		if inQuotedName(toks, i) {
			x.logf("câu %d: %q: inside a quoted name", s.index, toks[i].text)
			continue
		}
		cd, why := x.measure(c, i)
		if cd == nil {
			if why != "" {
				x.logf("câu %d: %q: %s", s.index, toks[i].text, why)
			}
			continue
		}
		x.classify(c, cd, cands)
		cands = append(cands, cd)
		i = cd.unitEnd - 1
	}
	x.markParts(c, cands)
	// "… sẽ vận động xây 120 căn nhà (mỗi căn trị giá 50 triệu đồng).
	// Trong đó, hội A vận động 25 triệu đồng; hội B 25 triệu đồng": a
	// sentence of parts that add up to what the sentence before refused as
	// a plan, a proposal or a rate itemises that refused figure.
	if x.continues(s.index - 1) {
		sum := map[string]float64{}
		for _, cd := range cands {
			if cd.refused == "" {
				sum[cd.unitClass] += cd.value
			}
		}
		for _, cd := range cands {
			if cd.refused == "" && sum[cd.unitClass] > 0 && x.normSums[normKey{cd.unitClass, math.Round(sum[cd.unitClass])}] {
				cd.refused = "a part of what the sentence before refused (a plan, a proposal or a rate)"
			}
		}
	}
	x.normSums = map[normKey]bool{}
	for _, cd := range cands {
		if cd.norm {
			x.normSums[normKey{cd.unitClass, math.Round(cd.value)}] = true
		}
	}
	var out []fig
	for _, cd := range cands {
		if cd.planned && !s.heading {
			x.planned[planKey{cd.indicator, math.Round(cd.value)}] = true
		}
		if cd.refused != "" {
			x.logf("câu %d: %q: %s", s.index, toks[cd.numStart].text, cd.refused)
			continue
		}
		f, why := x.figure(c, cd)
		if why != "" {
			x.logf("câu %d: %q: %s", s.index, toks[cd.numStart].text, why)
			continue
		}
		out = append(out, f)
		x.prevCands = append(x.prevCands, cd)
	}
	// A sentence of parts leaves the total for the next one ("Trong đó,
	// tiền mặt … Riêng hàng hóa …").
	if c.prevTotals != nil {
		x.prevCands = c.prevTotals
	}
	return out
}

func (x *extraction) inTime(c *sentCtx, i int) bool {
	for _, e := range c.times {
		if i >= e.start && i < e.end {
			return true
		}
	}
	return false
}

// measure reads the number at toks[i] with its multipliers, qualifier and
// unit noun. Without a unit it is no measurement (nil, with a reason when
// the number is something else).
func (x *extraction) measure(c *sentCtx, i int) (*cand, string) {
	toks := c.toks
	t := toks[i]
	prev := tokAt(toks, i-1)
	if i > 0 && !t.space && prev.kind == tPunct && strings.Contains("/-–.:,", prev.text) {
		return nil, "part of a date or document number"
	}
	if i > 0 && !t.space && prev.kind == tWord {
		return nil, "glued to a word"
	}
	// The number, with multipliers: "4,3 tỷ", "6 tỷ 495 triệu".
	parts := []string{t.text}
	j := i + 1
	mult := false
	half := 0.0 // "1 tỷ rưỡi": half the last multiplier; "1 tỷ 2": 0,2 of it
	if es, j2 := x.lx.mult.at(toks, j); len(es) > 0 {
		parts = append(parts, toks[j].text)
		j, mult = j2, true
		last := es[0]
		// "3 nghìn tỷ đồng"
		if es, j3 := x.lx.mult.at(toks, j); len(es) > 0 {
			parts = append(parts, toks[j].text)
			j, last = j3, es[0]
		}
		for j+1 < len(toks) && toks[j].kind == tNum {
			es, j3 := x.lx.mult.at(toks, j+1)
			if len(es) == 0 {
				break
			}
			parts = append(parts, toks[j].text, toks[j+1].text)
			j, last = j3, es[0]
		}
		if w, ok := x.lx.numerals[tokAt(toks, j).key]; ok && w.is(rHalf) && tokAt(toks, j).kind == tWord {
			if m, err := strconv.ParseFloat(last.class, 64); err == nil {
				half, j = m/2, j+1
			}
		}
		// "1 tỷ 2", "2 tỷ 3, …": speech gives the next places' digits
		// after the multiplier, with no unit of their own (punctuation or
		// a word that cannot be a unit after them): "1 tỷ 2" is 1,2 tỷ.
		if half == 0 && j+1 <= len(toks) && tokAt(toks, j).kind == tNum && toks[j].space && !toks[j].nl && len(toks[j].text) <= 3 && strings.Trim(toks[j].text, "0123456789") == "" {
			after := tokAt(toks, j+1)
			es2, _ := x.lx.units.at(toks, j+1)
			end := j+1 >= len(toks) || after.kind == tPunct && strings.Contains(".,;:)!?…", after.text) || len(es2) > 0 && es2[0].class == "money_after"
			if m, err := strconv.ParseFloat(last.class, 64); err == nil && end && m >= 1e6 {
				d, _ := strconv.ParseFloat(toks[j].text, 64)
				half, j = d*m/math.Pow(10, float64(len(toks[j].text))), j+1
			}
		}
		// "… 508 ngàn 350 đồng", "1 nghìn 200 ngày công" ("một nghìn hai
		// trăm", numerals.tsv): the last group has no multiplier but the
		// unit right after it.
		if j+1 < len(toks) && toks[j].kind == tNum && len(toks[j].text) <= 3 && strings.Trim(toks[j].text, "0123456789") == "" {
			if es, _ := x.lx.units.at(toks, j+1); len(es) > 0 && es[0].class != "money_after" {
				parts = append(parts, toks[j].text)
				j++
			}
		}
	}
	numEnd := j
	// "48/50 mô hình": 48 of the 50 planned or existing.
	if !mult && isPunct(toks, j, "/") && !toks[j].space && tokAt(toks, j+1).kind == tNum && !toks[j+1].space {
		if es, _ := x.lx.units.at(toks, j+2); len(es) > 0 && es[0].class != "money_after" {
			j += 2
		}
	}
	next := tokAt(toks, j)
	if next.kind == tPunct && !next.space && strings.Contains("/-–", next.text) && tokAt(toks, j+1).kind != tPunct && !tokAt(toks, j+1).space {
		return nil, "part of a date, range or document number"
	}
	n, err := pipeline.ParseNumber(strings.Join(parts, " "))
	if err != nil || math.IsNaN(n.Value) || math.IsInf(n.Value, 0) || n.Value < 0 || n.Value > 1e15 {
		return nil, "not a number"
	}
	cd := &cand{qStart: i, numStart: i, numEnd: numEnd, value: n.Value + half, qual: pipeline.Exact, govern: -1, subject: -1}
	cd.clauseStart, cd.clauseEnd = c.clauseOf(i)
	// "18 (mười tám) mô hình", "mười bốn (14) cuộc": an official text
	// writes a count again in brackets, in words or digits, before its
	// unit; one figure, counted by the unit after the brackets.
	if k := x.restated(toks, j, n.Value); k > j {
		if es, _ := x.lx.units.at(toks, k); len(es) > 0 && es[0].class != "money_after" {
			j = k
		}
	}
	// The unit noun. "tỷ", "triệu" with no unit after them are đồng when
	// punctuation or a word that cannot be a unit follows ("4,3 tỷ để …").
	es, ue := x.lx.units.at(toks, j)
	factor := 1.0
	switch {
	case len(es) > 0 && es[0].class != "money_after":
		cd.unitClass, cd.unit = es[0].class, es[0].col(0)
		factor, _ = strconv.ParseFloat(es[0].col(1), 64)
		cd.unitEnd = ue
	case mult && (j >= len(toks) || toks[j].kind == tPunct || len(es) > 0):
		cd.unitClass, cd.unit, cd.unitEnd = "money", "đồng", j
	case x.congWorkday(c, i, j):
		cd.unitClass, cd.unit, cd.unitEnd = "workday", "ngày công", j+1
	default:
		e, at, f, ok := x.subjectUnit(c, i, j)
		if !ok {
			return nil, ""
		}
		cd.unitClass, cd.unit, factor = e.class, e.col(0), f
		cd.unitEnd, cd.subject = j, at
	}
	cd.value *= factor
	// Money in whole đồng, land in whole m².
	if cd.unitClass == "money" || cd.unitClass == "area" || cd.unitClass == "area_bare" {
		cd.value = math.Round(cd.value)
	}
	// Qualifier before the number ("trên 15.560"), or after the unit ("trở lên").
	if sp, ok := endingAt(c.quals, i); ok && sp.start >= cd.clauseStart {
		for _, e := range sp.e {
			if e.col(0) == "before" {
				cd.qual, cd.qStart = pipeline.Qualifier(e.class), sp.start
				break
			}
		}
	}
	if es, j2 := x.lx.quals.at(toks, cd.unitEnd); len(es) > 0 && es[0].col(0) == "after" {
		cd.qual = pipeline.Qualifier(es[0].class)
		cd.unitEnd = j2
	}
	return cd, ""
}

// congClosing: "công" at toks[j] ends its clause ("hơn ba trăm công.",
// "… 180 công, …"): nothing after it makes it the first half of another
// noun (công trình, công nhân).
func (x *extraction) congClosing(toks []token, j int) bool {
	if tokAt(toks, j).kind != tWord || toks[j].key != x.lx.k.of("công") {
		return false
	}
	nx := tokAt(toks, j+1)
	return j+1 == len(toks) || nx.nl || nx.kind == tPunct && strings.Contains(".,;:!?…)", nx.text)
}

// congWorkday: "công" right after the number at toks[i] (its unit position
// j) is ngày công, as people say it, when it ends its clause or a verb of
// giving is right before the number and its qualifier ("góp 240 công đào
// mương"). In a table's unit column the lexicon's "công" does (table.go).
func (x *extraction) congWorkday(c *sentCtx, i, j int) bool {
	toks := c.toks
	if tokAt(toks, j).kind != tWord || toks[j].key != x.lx.k.of("công") {
		return false
	}
	if x.congClosing(toks, j) {
		return true
	}
	q := i
	if sp, ok := endingAt(c.quals, i); ok {
		q = sp.start
	}
	p := tokAt(toks, q-1)
	return p.kind == tWord && (p.key == x.lx.k.of("góp") || p.key == x.lx.k.of("động") && tokAt(toks, q-2).key == x.lx.k.of("huy"))
}

// speakerLabel: the title at sp opens a line and, with the capitalised
// name after it, is closed by a colon ("Anh Hà: …", "Ông Nghĩa: …"): in an
// interview, who speaks, not whose figure follows (learnt after the
// seventeenth stop's put-aside score).
func speakerLabel(toks []token, sp span) bool {
	if sp.start > 0 && !toks[sp.start].nl {
		return false
	}
	k := sp.end
	for k < len(toks) && k < sp.end+4 && toks[k].kind == tWord && toks[k].upper {
		k++
	}
	return k > sp.end && isPunct(toks, k, ":")
}

// cueIn: a cue span starts in [a, b).
func cueIn(cues []span, a, b int) bool {
	for _, sp := range cues {
		if sp.start >= a && sp.start < b {
			return true
		}
	}
	return false
}

// restated is the index after a bracket at toks[j] that holds only the
// number v again, in digits or in words; j when there is none.
func (x *extraction) restated(toks []token, j int, v float64) int {
	if !isPunct(toks, j, "(") {
		return j
	}
	if bracketed(toks, j) {
		if w, err := pipeline.ParseNumber(toks[j+1].text); err == nil && w.Value == v {
			return j + 3
		}
		return j
	}
	if n, w := readNumeral(toks, j+1, x.lx.numerals, true); n > 0 && float64(w) == v && isPunct(toks, j+1+n, ")") {
		return j + 2 + n
	}
	return j
}

// subjectUnit reads the unit of a number written as the value of a "số …"
// subject ("Số mô hình được công nhận là 98.", "Tổng số tập thể được khen
// thưởng: 45"), or the value it is raised to ("nâng tổng số mô hình được
// công nhận lên 19"): the number ends its phrase and follows "là", "lên" or a
// colon, and "số" and a unit noun open the subject, in the clause, a few
// words before.
func (x *extraction) subjectUnit(c *sentCtx, i, end int) (*entry, int, float64, bool) {
	toks := c.toks
	if end < len(toks) && toks[end].kind != tPunct {
		return nil, 0, 0, false
	}
	factor := func(e *entry) float64 {
		f, _ := strconv.ParseFloat(e.col(1), 64)
		return f
	}
	b := i
	if sp, ok := endingAt(c.quals, i); ok {
		b = sp.start
	}
	// A spoken answer names what it counts, then "thì" and the number
	// ("ngày công thì độ 1.800", learnt from held-out batch n87–n96): the
	// unit noun right before "thì" (money aside: "tiền thì …" names none).
	if isKey(toks, b-1, x.lx.k.of("thì")) {
		for k := b - 2; k >= max(0, b-4); k-- {
			if es, ue := x.lx.units.at(toks, k); len(es) > 0 && ue == b-1 && es[0].class != "money_after" && es[0].class != "place_team" && es[0].class != "money" {
				return es[0], k, factor(es[0]), true
			}
		}
		return nil, 0, 0, false
	}
	// An item of a running total's list, after a comma, a semicolon or a colon, names
	// what it counts and then gives the bare number ("Lũy kế …, tiền Nhân
	// dân đóng góp 520.000.000, ngày công 860."; learnt from held-out batch
	// n101–n110): a label opened by the unit noun counts in it; one naming
	// money or land with no unit in the unit a line before gives.
	if clauseStart0, _ := c.clauseOf(i); b > 0 && toks[b-1].kind == tWord && !toks[b-1].nl && (end == len(toks) || isPunct(toks, end, ",;.")) {
		k := b - 1
		for k > clauseStart0 && toks[k-1].kind != tPunct && !toks[k].nl {
			k--
		}
		if k > 0 && isPunct(toks, k-1, ",;:") && words(toks, k, b) <= labelWords {
			if es, _ := x.lx.units.at(toks, k); len(es) > 0 && words(toks, k, b) <= subjectWords && es[0].class != "money_after" && es[0].class != "place_team" && es[0].class != "money" && es[0].class != "team" {
				return es[0], k, factor(es[0]), true
			}
			if d, ok := declaredFor(toks[k:b], x.declaredBefore(c.s.index), x.lx); ok {
				return d.e, k, d.factor, true
			}
		}
	}
	if !(isPunct(toks, b-1, ":") || isKey(toks, b-1, x.lx.k.of("là"), x.lx.k.of("lên"))) {
		return nil, 0, 0, false
	}
	clauseStart, _ := c.clauseOf(i)
	so := x.lx.k.of("số")
	// A period between the subject and "là" ("số mô hình đăng ký trong năm
	// 2024 là 212"; learnt from held-out batch n101–n110) does not part
	// them: its words and numbers are passed over.
	tw := 0
	for k := b - 2; k >= clauseStart && words(toks, k, b)-tw <= subjectWords; k-- {
		if x.inTime(c, k) {
			if toks[k].kind != tPunct {
				tw++
			}
			continue
		}
		if toks[k].kind == tNum {
			break
		}
		if toks[k].key != so {
			continue
		}
		if es, _ := x.lx.units.at(toks, k+1); len(es) > 0 && es[0].class != "money_after" && es[0].class != "place_team" {
			return es[0], k, factor(es[0]), true
		}
	}
	// A quick report's "label: value" line opened by the unit noun itself
	// ("- Ngày công: khoảng 120", "Mô hình đăng ký mới: 04"), as a form's
	// row is: the label starts the line, bullets and an item's number
	// ("3.", "b)") aside. A label with its unit in brackets before the colon
	// ("Đất hiến (m2): 388") counts in it, and one naming money or land with
	// no unit in the unit a line before gives ("(Đơn vị tính tiền: đồng)",
	// declarations), as a table's heading does.
	if isPunct(toks, b-1, ":") && (clauseStart == 0 || toks[clauseStart].nl) {
		k := clauseStart
		for k < b && toks[k].kind == tPunct {
			k++
		}
		if k+1 < b && isPunct(toks, k+1, ".)") && (toks[k].kind == tNum && len(toks[k].text) <= 2 || toks[k].kind == tWord && utf8.RuneCountInString(toks[k].text) == 1) {
			k += 2
		}
		if k >= b-1 {
			return nil, 0, 0, false // no label before the colon
		}
		if words(toks, k, b) <= subjectWords {
			if es, _ := x.lx.units.at(toks, k); len(es) > 0 && es[0].class != "money_after" && es[0].class != "place_team" && es[0].class != "money" {
				return es[0], k, factor(es[0]), true
			}
			if words, unit := splitHeading(toks[k:b-1], x.lx.k); len(unit) > 0 && isPunct(toks, b-2, ")") {
				m, u := 1.0, 0
				if es, j := x.lx.mult.at(unit, 0); len(es) > 0 {
					m, _ = strconv.ParseFloat(es[0].class, 64)
					u = j
				}
				if es, ue := x.lx.units.at(unit, u); len(es) > 0 && ue == len(unit) && len(words) > 0 && es[0].class != "money_after" && es[0].class != "place_team" && es[0].class != "team" {
					return es[0], k, m * factor(es[0]), true
				}
			}
		}
		if words(toks, k, b) <= labelWords {
			if d, ok := declaredFor(toks[k:b-1], x.declaredBefore(c.s.index), x.lx); ok {
				return d.e, k, d.factor, true
			}
		}
	}
	return nil, 0, 0, false
}

// labelWords bounds a label naming what a declared unit counts ("Tiền Nhân
// dân đóng góp làm đường thôn Cẩm Bình: 245.600.000").
const labelWords = 16

// rangeEnd tells whether the amount cd is an end of a range written with
// "đến", "tới" or a dash between two amounts of the same unit: the upper
// end after a lower one written with nothing but its multiplier or unit
// ("40 đến 45 mô hình", "1,2 tỷ – 1,5 tỷ đồng"), or the lower end before
// an upper one followed by a multiplier or unit of its class ("từ 2.000
// ngày công đến 2.500 ngày công"). A date after "đến" ("đến 31/12") or a
// dash that opens an aside ("1,2 tỷ đồng – 120% kế hoạch") is no range.
func (x *extraction) rangeEnd(c *sentCtx, cd *cand) bool {
	toks := c.toks
	link := func(i int) bool {
		return isKey(toks, i, x.lx.k.of("đến"), x.lx.k.of("tới")) || isPunct(toks, i, "-–~") && tokAt(toks, i).space
	}
	// lower end: what follows the unit is a link, then an amount of the class
	if link(cd.unitEnd) {
		b := cd.unitEnd + 1
		if es, j := x.lx.quals.at(toks, b); len(es) > 0 {
			b = j
		}
		if tokAt(toks, b).kind == tNum && !isPunct(toks, b+1, "/") {
			if _, year := yearAt(toks, b); !year && x.unitOfClass(toks, b+1, cd.unitClass) {
				return true
			}
		}
	}
	// upper end: before the link, an amount written with nothing but its
	// multiplier or unit
	if !link(cd.qStart - 1) {
		return false
	}
	for j := cd.qStart - 2; j >= max(cd.clauseStart, cd.qStart-5); j-- {
		t := toks[j]
		if t.kind == tNum {
			_, year := yearAt(toks, j)
			return !year && !isPunct(toks, j-1, "/") && (j == cd.qStart-2 || x.unitOfClass(toks, j+1, cd.unitClass))
		}
		if t.kind != tWord {
			return false
		}
	}
	return false
}

// unitOfClass tells whether toks[i:] starts with a multiplier or a unit noun
// of the class (a multiplier alone is money's).
func (x *extraction) unitOfClass(toks []token, i int, class string) bool {
	if es, j := x.lx.mult.at(toks, i); len(es) > 0 {
		if class == "money" {
			return true
		}
		i = j
	}
	es, _ := x.lx.units.at(toks, i)
	return len(es) > 0 && es[0].class == class
}

// subjectWords bounds a "số …" subject.
const subjectWords = 12

// classify decides the indicator of a measurement, or why it is none: the
// words just before and after it, the rules, then plans and proposals.
// earlier are the measurements before it in the sentence.
func (x *extraction) classify(c *sentCtx, cd *cand, earlier []*cand) {
	toks := c.toks
	// Words just before: tăng 276 (a delta), số 32 (a document), lần thứ 3;
	// or a qualifier that is itself a quota ("ít nhất 1 mô hình"; "vượt 1 tỷ
	// đồng" stays a sum over an amount).
	for _, at := range []int{cd.qStart, cd.numStart} {
		if sp, ok := endingAt(c.excl, at); ok && !x.foldedTail(c, sp) {
			for _, e := range sp.e {
				if e.col(0) == "immediate" && e.class != "allow" && (at == cd.qStart || e.class == "plan") {
					cd.refused, cd.norm = "after «"+e.phrase+"» ("+e.class+")", notOutcome(e.class)
					return
				}
			}
		}
		if cd.qStart == cd.numStart {
			break
		}
	}
	// The upper end of a range ("đóng góp từ 200 đến 500 nghìn đồng",
	// "hiến 5 – 10m2"): what each gave, not a sum.
	if isPunct(toks, cd.qStart-1, "-–~") && tokAt(toks, cd.qStart-2).kind == tNum {
		cd.refused = "the upper end of a range (… – …)"
		return
	}
	if isKey(toks, cd.qStart-1, x.lx.k.of("đến"), x.lx.k.of("tới")) {
		for j := cd.qStart - 2; j >= max(cd.qStart-4, 1); j-- {
			if toks[j].kind == tNum && isKey(toks, j-1, x.lx.k.of("từ")) {
				cd.refused = "the upper end of a range (từ … đến …)"
				return
			}
		}
	}
	// Either end of a range whose ends are written alike ("40 đến 45 mô
	// hình", "1,2 tỷ – 1,5 tỷ đồng", "từ 2.000 ngày công đến 2.500 ngày
	// công"): no total either, however the report meant it (README,
	// "Narrative reports": a range is no figure).
	if x.rangeEnd(c, cd) {
		cd.refused = "an end of a range (… đến …, … – …)"
		return
	}
	// Words just after: 200 mô hình mỗi năm, 5 triệu đồng/m2, 50 m tường rào.
	if a := tokAt(toks, cd.unitEnd); a.kind == tPunct && a.text == "/" && tokAt(toks, cd.unitEnd+1).kind == tWord {
		cd.refused, cd.norm = "a rate (per …)", true
		return
	}
	for _, sp := range c.excl {
		if sp.start < cd.unitEnd || sp.start > cd.unitEnd+4 || sp.start > cd.unitEnd && punctIn(toks, cd.unitEnd, sp.start) {
			continue
		}
		for _, e := range sp.e {
			w, _ := strconv.Atoi(e.col(1))
			if e.col(0) == "after" && words(toks, cd.unitEnd, sp.start) < w {
				if e.class == "other_contest" && x.ownSubject(c, sp.end, cd.clauseEnd) {
					continue
				}
				cd.refused, cd.norm = "before «"+e.phrase+"» ("+e.class+")", notOutcome(e.class)
				return
			}
		}
	}
	if x.otherProgramme(c, cd) {
		cd.refused = "models of another programme, named in quotes"
		return
	}
	// "(72,7 ha)" after "727.000 m2": the same figure in another unit.
	if p := lastOf(earlier); p != nil && p.unitClass == cd.unitClass && isPunct(toks, cd.qStart-1, "(") &&
		cd.qStart-1 >= p.unitEnd && words(toks, p.unitEnd, cd.qStart) <= 1 && roughly(p.value, cd.value) {
		cd.bracket = true
		cd.refused = "the figure before it, restated in brackets"
		return
	}
	ind, ok := x.indicator(c, cd, earlier)
	if !ok {
		cd.refused = ind
		if ind == "" {
			cd.refused = "no rule of rules.tsv fits its unit (" + cd.unitClass + ") and the words around it"
		}
		// Refused by a rule, it may still stand under a plan or a rate
		// ("sẽ vận động xây 60 căn nhà, mỗi căn trị giá 60 triệu đồng"),
		// which the parts in the next sentence inherit.
		x.excludedBefore(c, cd)
		return
	}
	cd.indicator = ind
	if ind == "funds_mobilized_vnd" && x.valueOfCounted(c, cd) {
		cd.refused = "what the works counted before it cost"
		return
	}
	if (ind == "contests" || ind == "contest_teams") && x.otherContest(c, cd) {
		cd.refused = "teams or rounds of a contest on another subject"
		return
	}
	if why := x.excludedBefore(c, cd); why != "" {
		cd.refused = why
		return
	}
	if x.e.ref.Indicator(cd.indicator).Integer && cd.value != math.Trunc(cd.value) {
		cd.refused = "a count that is not a whole number"
	}
}

// valueOfCounted: the amount is linked (exclusions.tsv, value_link) to a
// count written just before it in its clause, and that count is of works:
// its own nearest verb is a cue of class works ("vận động xây 3 căn nhà
// với số tiền …", "xây mới 9 căn nhà và sửa chữa 4 căn nhà, tổng số tiền
// …"). The amount is then what the works cost (the samples' README: not
// money mobilised), whatever verb opens the clause. An amount with a verb
// of money of its own after the count ("khởi công 12 căn nhà, Mặt trận đã
// vận động được 900 triệu đồng") stays.
//
// Written from the kinds of false finds pooled over every earlier batch of
// public pages at first sight, not from one sentence. Gifts handed out and
// help to households counted the same way ("vận động, trao 820 suất quà,
// trị giá …") are left to the rules: the earlier batches' keys record them
// as goods mobilised about as often as they refuse them.
func (x *extraction) valueOfCounted(c *sentCtx, cd *cand) bool {
	toks := c.toks
	end := cd.qStart
	if isKey(toks, end-1, x.lx.k.of("là")) || isPunct(toks, end-1, ":") {
		end--
	}
	link := -1
	for _, sp := range c.excl {
		if sp.end == end && sp.has("value_link") && (link < 0 || sp.start < link) {
			link = sp.start
		}
	}
	if link < 0 {
		return false
	}
	j := link - 1
	for j >= cd.clauseStart && (isPunct(toks, j, ",") || isKey(toks, j, x.lx.k.of("với"))) {
		j--
	}
	// The counted noun phrase, back to its number: a few words, quotes
	// of a name allowed, no other punctuation.
	k := -1
	for i, w := j, 0; i >= cd.clauseStart && w <= countedWords; i-- {
		if toks[i].kind == tNum {
			k = i
			break
		}
		if toks[i].kind == tPunct && !strings.Contains("“”\"'‘’", toks[i].text) {
			return false
		}
		if toks[i].kind == tWord {
			w++
		}
	}
	if k < 0 || x.inTime(c, k) {
		return false
	}
	// A verb of money between the count and the amount: the amount is its.
	for _, sp := range c.cues {
		if sp.start > k && sp.end <= link && (sp.has("funds") || sp.has("donate")) {
			return false
		}
	}
	// The count is not itself an amount of money, land or workdays.
	u := k + 1
	if _, j2 := x.lx.mult.at(toks, u); j2 > u {
		u = j2
	}
	if es, _ := x.lx.units.at(toks, u); len(es) > 0 {
		switch es[0].class {
		case "money", "money_after", "area", "area_bare", "workday":
			return false
		}
	}
	b := k
	if sp, ok := endingAt(c.quals, k); ok {
		b = sp.start
	}
	// The count's own verb: the nearest cue before it.
	for n := len(c.cues) - 1; n >= 0; n-- {
		sp := c.cues[n]
		if sp.end > b {
			continue
		}
		if sp.start < cd.clauseStart || words(toks, sp.end, b) > countedVerbWords {
			break
		}
		switch {
		case sp.has("works"):
			return true
		case sp.has("funds") || sp.has("donate") || sp.has("spend") || sp.has("aid"):
			return false
		}
	}
	return false
}

// Bounds of valueOfCounted, in words: the counted noun phrase, and the
// count's verb before its number.
const (
	countedWords     = 8
	countedVerbWords = 4
)

// otherContest: the contest nearest the figure in its clause is on another
// subject than mass mobilisation ("Hội thi văn nghệ quần chúng với 24
// đội"): a word of kind other_contest (exclusions.tsv) follows its name.
func (x *extraction) otherContest(c *sentCtx, cd *cand) bool {
	best, dist := -1, 0
	for n, sp := range c.cues {
		if sp.start < cd.clauseStart || sp.end > cd.clauseEnd || !sp.has("contest") {
			continue
		}
		d := cd.qStart - sp.end
		if sp.start >= cd.unitEnd {
			d = sp.start - cd.unitEnd
		}
		if d >= 0 && (best < 0 || d < dist) {
			best, dist = n, d
		}
	}
	if best < 0 {
		return false
	}
	end := c.cues[best].end
	for _, sp := range c.excl {
		if sp.start >= end && words(c.toks, end, sp.start) <= 1 && sp.has("other_contest") {
			return !x.ownSubject(c, sp.end, cd.clauseEnd)
		}
	}
	return false
}

// ownSubject: the subject named after a contest's kind ("tìm hiểu về công
// tác dân vận") is mass mobilisation, within its window (exclusions.tsv
// own_subject) and the clause.
func (x *extraction) ownSubject(c *sentCtx, from, clauseEnd int) bool {
	for _, sp := range c.excl {
		if !sp.has("own_subject") || sp.start < from || sp.end > clauseEnd {
			continue
		}
		for _, e := range sp.e {
			if n, _ := strconv.Atoi(e.col(1)); e.class == "own_subject" && words(c.toks, from, sp.start) <= n {
				return true
			}
		}
	}
	return false
}

// punctIn tells whether toks [a, b) hold punctuation other than a dash.
func punctIn(toks []token, a, b int) bool {
	for i := a; i < b; i++ {
		if toks[i].kind == tPunct && !strings.Contains("-–", toks[i].text) {
			return true
		}
	}
	return false
}

func lastOf(cs []*cand) *cand {
	if len(cs) == 0 {
		return nil
	}
	return cs[len(cs)-1]
}

// npEnd is the end of the noun phrase after the unit: up to punctuation that
// ends a phrase, the next number, "và" (what follows is another predicate:
// "hiến 4.500 m2 đất và tự tháo dỡ …"), or ten words; twenty when a
// passive names its agent ("… đã được UBND thành phố và Ban Dân vận khen
// thưởng"). A list of fields the noun is counted over ("trên các lĩnh vực
// quốc phòng, văn hóa, kinh tế …") belongs to it, commas and all, so the
// predicate after the list ("… được triển khai hiệu quả") is the noun's.
func (x *extraction) npEnd(c *sentCtx, uc unitClass, from, limit int) int {
	toks := c.toks
	w, cap := 0, npWords
	list, passive, verb := false, false, false
	for j := from; j < limit; j++ {
		t := toks[j]
		if t.kind == tNum {
			return j
		}
		if sp, ok := spanAt(c.cues, j); ok {
			list = list || sp.has("field_all")
			verb = verb || uc.governedBy(sp)
		}
		if t.kind == tPunct && strings.Contains(",;:.()[]!?…", t.text) {
			abbrev := t.text == "." && !tokAt(toks, j+1).space // "TP.Hội An"
			if !(list && t.text == ",") && !abbrev {
				return j
			}
		}
		if t.kind != tWord {
			continue
		}
		// "và" joins the agents of a passive before its verb ("được UBND
		// thành phố và Ban Dân vận khen thưởng"); otherwise a new predicate.
		if !list && (t.key == x.lx.k.of("và") || t.key == x.lx.k.of("cùng")) && !(passive && !verb) {
			return j
		}
		if !passive && t.key == x.lx.k.of("được") {
			passive, cap = true, npPassiveWords
		}
		w++
		if list && w > npListWords || !list && w > cap {
			return j
		}
	}
	return limit
}

// withWords bounds the words between "với" and the amount it attaches to
// the clause's verb ("với tổng số tiền và hàng hóa trên 39 tỷ đồng").
const withWords = 8

// Bounds of the noun phrase after a unit, in words.
const (
	npWords        = 10
	npPassiveWords = 20
	npListWords    = 40
)

// spanAt returns the span starting at token i.
func spanAt(spans []span, i int) (span, bool) {
	for _, sp := range spans {
		if sp.start == i {
			return sp, true
		}
		if sp.start > i {
			break
		}
	}
	return span{}, false
}

// indicator applies rules.tsv to the figure's unit and cues: those in the
// noun phrase after it, those after the last of a run of coordinated
// figures, those scanning left up to the verb that governs it (and the verbs
// chained to that one: "đăng ký và thực hiện", "vận động … ủng hộ"), a
// field named as the sentence's topic, and, for a part written after a
// model count ("73 mô hình (51 tập thể, 22 cá nhân)"), the pseudo-cue
// of_model.
func (x *extraction) indicator(c *sentCtx, cd *cand, earlier []*cand) (string, bool) {
	toks := c.toks
	uc := x.lx.classes[cd.unitClass]
	near := map[string]int{} // class -> token index of the cue (for the quote)
	nearEnd := map[string]int{}
	// class -> index of the nearest cue of it before the figure: a class
	// found first after the unit ("quyên góp được 3 tỷ đồng trong đợt ủng
	// hộ") is still a left cue when the verb before has it too (learnt from
	// round-6 batch R6F: the part in the next sentence shares it).
	leftAt := map[string]int{}
	add := func(sp span, at int) {
		for _, e := range sp.e {
			if _, ok := near[e.class]; !ok {
				near[e.class] = at
				nearEnd[e.class] = sp.end
			}
			if _, ok := leftAt[e.class]; !ok && at >= 0 && at < cd.qStart {
				leftAt[e.class] = at
			}
		}
	}
	end := x.npEnd(c, uc, cd.unitEnd, cd.clauseEnd)
	cd.npEnd = end
	for _, sp := range c.cues {
		if sp.start >= cd.unitEnd && sp.start < end {
			add(sp, sp.start)
		}
	}
	// "2.120 tập thể, 3.540 cá nhân được khen thưởng": coordinated figures
	// share the words after the last of them. The verbs among them
	// (coordVerbs) are the later figures' own when this one has a verb of
	// its own before it ("đăng ký 75 mô hình, 61 mô hình được công nhận"):
	// dropped after the left scan below.
	var coordVerbs []string
	for n, from := 0, cd.unitEnd; n < 3 && end < cd.clauseEnd; n++ {
		// Only a list: the noun phrase ended at a comma or "và", or is
		// empty ("5 tập thể 07 cá nhân"); one that ran into the next
		// number has a verb of its own in it.
		if toks[end].kind == tNum && end > from {
			break
		}
		j := end
		for j < cd.clauseEnd {
			if isPunct(toks, j, ",") || isKey(toks, j, x.lx.k.of("và"), x.lx.k.of("cùng")) {
				j++
				continue
			}
			if es, j2 := x.lx.quals.at(toks, j); len(es) > 0 && es[0].col(0) == "before" {
				j = j2
				continue
			}
			break
		}
		if j >= cd.clauseEnd || toks[j].kind != tNum {
			break
		}
		j++
		for {
			if es, j2 := x.lx.mult.at(toks, j); len(es) > 0 {
				j = j2
				continue
			}
			break
		}
		es, ue := x.lx.units.at(toks, j)
		if len(es) == 0 {
			break
		}
		end, from = x.npEnd(c, uc, ue, cd.clauseEnd), ue
		for _, sp := range c.cues {
			if sp.start >= ue && sp.start < end {
				for _, e := range sp.e {
					if _, ok := near[e.class]; !ok && uc.govern[e.class] && e.class != "neutral" {
						coordVerbs = append(coordVerbs, e.class)
					}
				}
				add(sp, -1)
			}
		}
	}
	// Left, nearest first, up to the governing cue and the verbs chained
	// to it.
	chain := -1 // index in c.cues of the governing cue
	// "tiếp nhận tiền ủng hộ từ các đơn vị, nhà hảo tâm gần xa; với tổng
	// số tiền gần 2,4 tỷ đồng": an amount attached by "với" belongs to
	// the clause's verb, however long its object.
	// "…, với tổng số tiền và hàng hóa trên 12 tỷ đồng": the words
	// between "với" and the number may name what the sum is of.
	window := uc.window
	with := -1 // index of that "với"
	for j, w := cd.qStart-1, 0; j >= cd.clauseStart && w < withWords; j-- {
		if toks[j].kind == tNum {
			break
		}
		if toks[j].key == x.lx.k.of("với") {
			window, with = len(toks), j
			break
		}
		if toks[j].kind == tWord {
			w++
		}
	}
	// "trao tặng 320 phần quà … với tổng kinh phí gần 200 triệu đồng": the
	// cost named after "với" is the worth of what the giving verb before
	// it gave, not a verb of its own; the scan goes on to that verb
	// (learnt from round-6 batch R6A). Not the cost of a work finished
	// ("tuyến đường … đã hoàn thành với kinh phí 1,5 tỷ đồng").
	// "có 140 hộ tham gia, với tổng diện tích 3.260 m2": an amount joined
	// by "với" right after a verb of taking part is what those taking
	// part gave (rules.tsv: with_participants).
	if with > cd.clauseStart {
		k := with
		if isPunct(toks, k-1, ",") {
			k--
		}
		if sp, ok := endingAt(c.cues, k); ok && sp.has("participate") && sp.start >= cd.clauseStart {
			near["with_participants"] = -1
		}
	}
	if with >= 0 && !x.givingBefore(c, uc, with, cd.clauseStart) {
		with = -1
	}
	for n := len(c.cues) - 1; n >= 0; n-- {
		sp := c.cues[n]
		if sp.end > cd.qStart {
			continue
		}
		if sp.start < cd.clauseStart || words(toks, sp.end, cd.qStart) > window {
			break
		}
		// "tổng trị giá 65 triệu đồng và hơn 240 ngày công": a worth
		// values the amount written right after it, not a count after
		// that amount.
		if (sp.has("value") || sp.has("price")) && numIn(toks, sp.end, cd.qStart) && cd.unitClass != "money" {
			continue
		}
		// "hiến 900m2 đất, hoa màu có giá trị, góp 450 ngày công": a worth
		// that ends another item of a list, before a comma, values that
		// item, not a count after it ("trị giá 300 ngày công" is written
		// with nothing between).
		if (sp.has("value") || sp.has("price")) && punctIn(toks, sp.end, cd.qStart) && cd.unitClass != "money" {
			continue
		}
		// "… 61 mô hình được công nhận và 40 mô hình đạt hiệu quả": a verb
		// after an earlier count of the class, in its noun phrase, is that
		// count's; the scan ends there.
		if ownedBy(earlier, cd, sp) {
			break
		}
		add(sp, sp.start)
		if with >= 0 && sp.start > with && sp.has("cost") {
			near["with_cost"] = -1
			continue
		}
		if uc.governedBy(sp) {
			cd.govern, chain = sp.start, n
			break
		}
	}
	if chain >= 0 && !c.cues[chain].has("neutral") {
		for _, cls := range coordVerbs {
			if _, left := leftAt[cls]; !left {
				delete(near, cls)
				delete(nearEnd, cls)
			}
		}
	}
	var shared map[string]int
	// An item of a list with no verb near it ("… như gia đình A 140m2, gia
	// đình B 95m2, gia đình C 72m2") shares the verb of the item before it.
	if chain < 0 {
		if p := lastOf(earlier); p != nil && p.unitClass == cd.unitClass && p.clauseStart == cd.clauseStart && p.govern >= 0 && !numIn(toks, p.unitEnd, cd.qStart) {
			shared = p.left
			for cls := range p.left {
				if _, ok := near[cls]; !ok {
					near[cls] = -1
				}
			}
			cd.govern = p.govern
		}
	}
	// "… với tổng số tiền và hàng hóa trên 39 tỷ đồng. Trong đó, tiền mặt
	// là hơn 26,2 tỷ đồng.": a part in a sentence of its own, opened by a
	// breakdown word and governed by no verb, counts what the total of the
	// sentence before counts.
	// The next part of the same list ("Trong đó, tiền mặt 1,2 tỷ đồng, hiện
	// vật quy đổi 640 triệu đồng") does the same.
	if l := lastOf(earlier); chain < 0 && shared == nil && (l == nil || l.fromPrev && l.unitClass == cd.unitClass) {
		for _, p := range c.prevTotals {
			if p.unitClass == cd.unitClass && p.govern >= 0 && p.value > cd.value {
				shared, cd.fromPrev = p.left, true
				for cls := range p.left {
					if _, ok := near[cls]; !ok {
						near[cls] = -1
					}
				}
				break
			}
		}
	}
	for n, hops := chain-1, 0; chain >= 0 && n >= 0 && hops < maxChain; n, hops = n-1, hops+1 {
		sp, next := c.cues[n], c.cues[n+1]
		// Words between chained verbs are their object ("vận động các doanh
		// nghiệp hỗ trợ"); punctuation only separates cues listed one after
		// another ("tặng quà, gạo, nhu yếu phẩm… tổng kinh phí"): after a comma
		// and words, a new clause has begun ("hiến đất, Đảng ủy xã thưởng").
		gap := words(toks, sp.end, next.start)
		if sp.start < cd.clauseStart || gap > chainGap || numIn(toks, sp.end, next.start) || gap > 0 && punctIn(toks, sp.end, next.start) {
			break
		}
		// A worth before a comma ends the item before ("hoa màu có giá
		// trị, góp 450 ngày công"), as in the walk above.
		if (sp.has("value") || sp.has("price")) && punctIn(toks, sp.end, next.start) && cd.unitClass != "money" {
			break
		}
		add(sp, sp.start)
	}
	// "Chủ động vận động và phối hợp với các ban, ngành, các nhà hảo tâm
	// tổ chức tặng 6.781 suất quà, tổng trị giá …": goods handed out by the
	// givers a mobilising verb named as its object were mobilised. Past
	// the chain, the nearest verb before the giving one, with no amount of
	// its own in between, says so when it mobilises (learnt from round-6
	// batch R6A; the samples' README counts in-kind goods mobilised).
	if chain >= 0 && c.cues[chain].has("spend") {
		if _, ok := near["funds"]; !ok {
			gv := c.cues[chain].start
			for n := chain - 1; n >= 0; n-- {
				sp := c.cues[n]
				if sp.start < cd.clauseStart || numIn(toks, sp.end, gv) || words(toks, sp.end, gv) > giverWords {
					break
				}
				if !uc.governedBy(sp) {
					// Another verb ("hiến đất, Đảng ủy xã thưởng …")
					// begins another predicate.
					if !sp.has("neutral") && !sp.has("function") && !sp.has("goods") && !sp.has("fund") {
						break
					}
					continue
				}
				if sp.has("funds") && !x.sourceOf(c, sp, cd.clauseStart) {
					add(sp, sp.start)
				}
				break
			}
		}
	}
	// "Xã Tiền Phong được 200 triệu đồng; xã Mê Linh được 153 triệu đồng":
	// a place's own sum, written with no verb but "được" or "đạt" right
	// after the place's name; or in brackets after it ("dẫn đầu là các
	// huyện A (hơn 9.000 m2) và B (6.500 m2)").
	// Or joined to it by "với", or right before it ("dẫn đầu là xã A với
	// 6.820 m2, xã B 5.400 m2": learnt from held-out batch n45–n54).
	if chain < 0 && shared == nil {
		link := isKey(toks, cd.qStart-1, x.lx.k.of("được"), x.lx.k.of("đạt"), x.lx.k.of("với")) || isPunct(toks, cd.qStart-1, "(")
		for _, m := range c.mentions {
			if m.kind == mLocal && (link && m.end == cd.qStart-1 || m.end == cd.qStart) {
				near["place_item"] = -1
			}
		}
	}
	cd.left = map[string]int{}
	for cls, at := range shared {
		cd.left[cls] = at
	}
	for cls, at := range leftAt {
		cd.left[cls] = at
	}
	if p, _ := x.totalOf(c, cd, earlier); p != nil && modelClasses[p.unitClass] {
		near["of_model"] = -1
	}
	clause, right := map[string]bool{}, map[string]bool{}
	for _, sp := range c.cues {
		if sp.start >= cd.clauseStart && sp.end <= cd.clauseEnd {
			for _, e := range sp.e {
				clause[e.class] = true
				// After the unit, up to the next amount: "trị giá 1,8 tỷ
				// đồng do các doanh nghiệp … ủng hộ", not the verb of a part
				// after it ("Trị giá 117 triệu đồng; trong đó … đóng góp
				// 65 triệu đồng").
				if sp.start >= cd.unitEnd && !numIn(toks, cd.unitEnd, sp.start) {
					right[e.class] = true
				}
			}
		}
	}
	cd.quoteStart, cd.quoteEnd = cd.qStart, cd.unitEnd
	for _, r := range x.lx.rules {
		if r.unit != cd.unitClass {
			continue
		}
		ok := true
		for _, t := range r.terms {
			if t.clause {
				ok = ok && clause[t.class]
			} else if t.left {
				_, has := cd.left[t.class]
				ok = ok && has
			} else if t.right {
				ok = ok && right[t.class]
			} else if t.prev {
				ok = ok && x.prevClasses(c)[t.class]
			} else {
				_, has := near[t.class]
				ok = ok && has
			}
		}
		if !ok {
			continue
		}
		if r.indicator == "-" {
			return "refused by rule " + strconv.Itoa(r.line) + " (" + cd.unitClass + ": " + strings.Join(r.termNames(), "+") + ")", false
		}
		for _, t := range r.terms {
			if t.clause {
				continue
			}
			at := near[t.class]
			if at < 0 {
				continue
			}
			if at < cd.quoteStart && words(toks, at, cd.qStart) <= 12 {
				cd.quoteStart = at
			}
			if e := nearEnd[t.class]; e > cd.quoteEnd && at >= cd.unitEnd {
				cd.quoteEnd = e
			}
		}
		if cd.govern >= 0 && cd.govern < cd.quoteStart && words(toks, cd.govern, cd.qStart) <= 8 {
			cd.quoteStart = cd.govern
		}
		if cd.subject >= 0 && cd.subject < cd.quoteStart {
			cd.quoteStart = cd.subject
		}
		if shared != nil || cd.quoteStart == cd.qStart {
			// No verb close enough to quote: the item's own label.
			cd.quoteStart = itemStart(toks, cd.quoteStart)
		}
		return r.indicator, true
	}
	return "", false
}

// ownedBy tells whether the cue sp lies in the noun phrase after an
// earlier count of cd's class in its clause ("61 mô hình được công nhận"):
// that count's own verb.
func ownedBy(earlier []*cand, cd *cand, sp span) bool {
	for _, p := range earlier {
		if p.unitClass == cd.unitClass && p.clauseStart == cd.clauseStart && sp.start >= p.unitEnd && sp.end <= p.npEnd {
			return true
		}
	}
	return false
}

// itemStart is where the list item ending at i begins, for its quote
// ("thôn Nà Lẹng được 1.500.000đ"): back to the separator before it, at
// most eight words.
func itemStart(toks []token, i int) int {
	start := i
	for j, w := i-1, 0; j >= 0 && w < 8; j-- {
		if toks[j].kind == tNum || toks[j].kind == tPunct && strings.Contains(";,:(…", toks[j].text) {
			break
		}
		if toks[j].kind == tWord {
			w++
			start = j
		}
	}
	return start
}

// prevClasses are the cue classes of the sentence before c's, when it is
// in the same paragraph or the line just before ("… tổ chức hội thi tuyên
// truyền. Có 6 đội … tham gia.": the teams are the contest's).
func (x *extraction) prevClasses(c *sentCtx) map[string]bool {
	if c.prevCls != nil {
		return c.prevCls
	}
	c.prevCls = map[string]bool{}
	k := c.s.index - 2 // 0-based index of the sentence before
	if k < 0 || k >= len(x.sents) {
		return c.prevCls
	}
	if p := &x.sents[k]; p.para == c.s.para || p.para == c.s.para-1 {
		for _, sp := range x.lx.cues.spans(p.toks) {
			for _, e := range sp.e {
				c.prevCls[e.class] = true
			}
		}
	}
	return c.prevCls
}

// givingBefore tells whether the nearest verb of the unit class before
// toks[at] in the clause gives something out (a spend cue: trao, tặng, hỗ
// trợ).
func (x *extraction) givingBefore(c *sentCtx, uc unitClass, at, clauseStart int) bool {
	for n := len(c.cues) - 1; n >= 0; n-- {
		sp := c.cues[n]
		if sp.end > at {
			continue
		}
		if sp.start < clauseStart {
			break
		}
		if uc.governedBy(sp) {
			return sp.has("spend")
		}
	}
	return false
}

// chainGap is how many words may stand between two chained cues ("vận
// động Nhân dân hiến", "đăng ký và thực hiện"), and maxChain how many cues
// the chain takes ("quyên góp áo ấm, sách vở… tổng kinh phí").
const (
	chainGap = 3
	maxChain = 5
)

// giverWords bounds the givers named between a mobilising verb and the
// giving verb it governs ("vận động doanh nghiệp, con em xa quê cùng
// trao tặng …").
const giverWords = 16

func numIn(toks []token, a, b int) bool {
	for i := a; i < b; i++ {
		if toks[i].kind == tNum {
			return true
		}
	}
	return false
}

// modelClasses are the unit classes of model counts, whose parts split by
// tập thể / cá nhân are exemplars.
var modelClasses = map[string]bool{"model": true, "model_exemplar": true}

// totalOf finds the figure cd is a part of: the measurement before a parts
// opener that still holds at cd. Openers are an open bracket after a
// figure, a breakdown word ("trong đó", "gồm", "cụ thể": exclusions.tsv,
// kind breakdown), which holds to the end of its clause, and a colon, which
// opens a list that runs across ";" to the end of the sentence. Once a list
// is open, the figures in it are its items, not new totals.
//
// It returns the total and where cd's item of the list starts (after the
// opener, the item before it, or the last ";", ":" or bracket).
func (x *extraction) totalOf(c *sentCtx, cd *cand, earlier []*cand) (*cand, int) {
	toks := c.toks
	item := 0
	type frame struct {
		total int // index in earlier, -1 for none
		open  bool
	}
	stack := []frame{{total: -1}}
	list, opener := false, false
	next := 0
	for j := 0; j < cd.qStart; j++ {
		top := &stack[len(stack)-1]
		if next < len(earlier) && earlier[next].qStart == j {
			if !top.open {
				top.total = next
			}
			// "Trong tổng số 40 tỷ đồng, …": the rest of the sentence
			// is its parts.
			if opener {
				list, top.open, opener = true, true, false
			}
			j = max(earlier[next].unitEnd, earlier[next].npEnd) - 1
			item = j + 1
			next++
			continue
		}
		if toks[j].kind == tPunct {
			if strings.Contains("(:;", toks[j].text) {
				item = j + 1
			}
			switch toks[j].text {
			case "(":
				// A bracket right after a figure holds that figure's
				// parts, even inside an open list.
				t := top.total
				if next > 0 && words(toks, earlier[next-1].unitEnd, j) <= 3 {
					t = next - 1
				}
				stack = append(stack, frame{total: t, open: t >= 0})
			case ")":
				if len(stack) > 1 {
					stack = stack[:len(stack)-1]
				}
			case ":":
				if top.total >= 0 {
					list, top.open = true, true
				}
			case ";":
				if !list {
					top.open = false
				}
			}
			continue
		}
		if sp, ok := spanAt(c.excl, j); ok && sp.has("breakdown") && top.total >= 0 {
			top.open = true
			item = sp.end
		}
		if sp, ok := spanAt(c.excl, j); ok && sp.has("total_opener") && !top.open {
			opener = true
		}
	}
	top := stack[len(stack)-1]
	if top.open && top.total >= 0 {
		return earlier[top.total], item
	}
	return nil, 0
}

// markParts decides the figures written as parts of a total. Where the
// parts of an indicator are a breakdown (indicators.tsv), a part labelled by
// a sector, a level or another heading ("lĩnh vực kinh tế 450 mô hình", "57
// mô hình cấp huyện") is no figure, unless the label is a place (a
// commune's own figure); an unlabelled part is a category of the total and
// a figure ("trong đó 71 mô hình và 25 điển hình"), counting what the
// total counts when it says no more ("mô hình" of effective models). A
// named example inside a total is no figure. Outside any total, a figure of
// one sector ("640 mô hình trong lĩnh vực quốc phòng - an ninh") is no figure either.
func (x *extraction) markParts(c *sentCtx, cands []*cand) {
	for n, cd := range cands {
		if cd.refused != "" {
			continue
		}
		if x.exampleItem(c, cd) {
			cd.refused = "an example, in a list opened by «tiêu biểu như» or the like"
			continue
		}
		breakdown := x.lx.parts[cd.indicator] == "breakdown"
		if breakdown && x.oneSector(c, cd) {
			cd.refused, cd.sector = "a breakdown by sector", true
			continue
		}
		// "trong đó cấp tỉnh hơn 5 tỷ đồng, cấp huyện 6,8 tỷ đồng": a list of
		// sectors or levels, whatever the indicator.
		if x.inList(c, cd) && x.fieldLabel(c, cd) {
			cd.refused, cd.sector = "an item of a breakdown by sector or level", true
			continue
		}
		// "Cụ thể, khối doanh nghiệp ủng hộ 12 tỷ đồng; …", "trong đó các
		// huyện đăng ký 18 tỷ đồng": a level or bloc is the subject of the
		// list item, whatever the indicator.
		if x.inList(c, cd) && x.levelSubject(c, cd, cands[:n], false) {
			cd.refused, cd.sector = "an item of a breakdown by level or bloc", true
			continue
		}
		// "Quỹ … cấp xã đã vận động được 1,2 tỷ đồng", "Các huyện, thị xã
		// vận động được 2 tỷ đồng, cấp xã hơn 900 triệu đồng": money whose
		// subject is one level or bloc of the fund system is a breakdown by
		// level, in a list or not (the samples' answer keys leave a split
		// by level out even where the text states no total). Only for
		// money: a district-level contest's teams are that contest's.
		if cd.indicator == "funds_mobilized_vnd" && x.levelSubject(c, cd, cands[:n], true) {
			cd.refused, cd.sector = "money of one level or bloc of the fund system", true
			continue
		}
		p, itemStart := x.totalOf(c, cd, cands[:n])
		if p == nil || p.indicator == "" {
			continue
		}
		cd.partOf = p
		same := p.indicator == cd.indicator || family(p.indicator) != "" && family(p.indicator) == cd.indicator
		switch {
		case !same:
		case cd.example:
			cd.refused = "an example inside the total before it"
		case breakdown && (x.oneSector(c, cd) || x.labelledPart(c, cd, itemStart)):
			cd.refused, cd.sector = "a part of the total before it ("+p.indicator+"), by sector or level", true
		case cd.indicator != p.indicator && p.refused == "":
			cd.indicator = p.indicator
		}
	}
	// Counts coordinated in one clause, each labelled by a different level
	// right after its unit ("đăng ký 53 mô hình cấp cơ sở, 17 mô hình cấp
	// huyện, 4 mô hình cấp tỉnh"), are a breakdown by level even with no
	// total written.
	levels := map[[2]any]map[string]bool{}
	levelOf := func(cd *cand) string {
		if sp, ok := spanAt(c.field, cd.unitEnd); ok && sp.has("level") {
			return strings.Join(sp.e[0].words, " ")
		}
		return ""
	}
	for _, cd := range cands {
		if l := levelOf(cd); l != "" && cd.indicator != "" {
			k := [2]any{cd.clauseStart, cd.indicator}
			if levels[k] == nil {
				levels[k] = map[string]bool{}
			}
			levels[k][l] = true
		}
	}
	for _, cd := range cands {
		if cd.refused == "" && levelOf(cd) != "" && len(levels[[2]any{cd.clauseStart, cd.indicator}]) >= 2 {
			cd.refused, cd.sector = "an item of a breakdown by level", true
		}
	}
	// A list is split one way: when some of its items are sectors or
	// levels, so are the others of the same indicator, however they are
	// labelled ("Gồm: 45 mô hình lĩnh vực văn hóa - xã hội, …, 35 mô hình về
	// giữ gìn an ninh trật tự và 30 mô hình vận động …"), unless a
	// place labels one (a commune's own figure).
	split := map[[2]any]bool{}
	// "…; trong số đó 40 mô hình được đánh giá đạt hiệu quả, gồm 25 mô hình
	// về lĩnh vực kinh tế và …": the total the sector items are parts of is
	// not one of them, though it opens the same list.
	splitTotal := map[*cand]bool{}
	for n, cd := range cands {
		if cd.sector {
			if at := x.listStart(c, cd); at >= 0 {
				split[[2]any{at, cd.indicator}] = true
			}
			if p, _ := x.totalOf(c, cd, cands[:n]); p != nil {
				splitTotal[p] = true
			}
		}
	}
	if len(split) == 0 {
		return
	}
	for _, cd := range cands {
		if cd.refused != "" {
			continue
		}
		at := x.listStart(c, cd)
		if at < 0 || !split[[2]any{at, cd.indicator}] || x.placeLabel(c, cd) || splitTotal[cd] {
			continue
		}
		cd.refused, cd.sector = "an item of a list split by sector or level", true
	}
	// The parts of such an item are parts of a breakdown too ("cấp tỉnh
	// tiếp nhận 22 tỷ đồng (trong đó 20 tỷ đồng tiền mặt …)").
	for _, cd := range cands {
		if cd.refused == "" && cd.partOf != nil && cd.partOf.sector {
			cd.refused, cd.sector = "a part of an item of a breakdown by sector or level", true
		}
	}
}

// sourceOf: the mobilising verb sp is inside an opening that names where
// the money given out came from ("Từ nguồn đã vận động, … hỗ trợ sửa chữa
// các căn nhà … với tổng số tiền …"): it mobilised the fund, not what was
// given out of it.
func (x *extraction) sourceOf(c *sentCtx, sp span, clauseStart int) bool {
	for _, s := range c.excl {
		if s.end > sp.start {
			continue
		}
		if s.start >= clauseStart && s.has("source") && words(c.toks, s.end, sp.start) <= sourceWords {
			return true
		}
	}
	return false
}

// sourceWords: how far a source opener ("từ nguồn") reaches to the
// mobilising verb that names the fund ("từ nguồn quỹ đã vận động").
const sourceWords = 3

// exampleItem: the figure is an item of a list of examples ("Tiêu biểu
// như: mô hình … (150 triệu đồng); …"), not labelled by a place.
//
// A place in brackets after a name is the person's address ("Điển hình là
// các CCB Lê Văn A (xã B) hiến 1.700m2 đất"), not a label.
func (x *extraction) exampleItem(c *sentCtx, cd *cand) bool {
	for _, sp := range c.excl {
		if sp.end <= cd.qStart && sp.has("example_list") {
			from := itemStart(c.toks, cd.qStart)
			for _, m := range c.mentions {
				if m.start >= from && m.end <= cd.qStart && !isPunct(c.toks, m.start-1, "(") &&
					!(m.province != "" && x.province != "" && m.province != x.province) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// levelSubject: a level or bloc ("cấp huyện", "khối doanh nghiệp", "các
// huyện") is the subject of the list item the figure is in: written in the
// item before the figure, with no other figure between (a bare count may
// be: "tỉnh hội vận động hỗ trợ cất mới 5 căn với số tiền 250 triệu đồng").
//
// With lowerOnly, a level word capitalised inside the sentence is part of a
// body's name ("theo lời kêu gọi của Trung ương Hội"), not a
// level: outside a list, only a level written as one counts.
func (x *extraction) levelSubject(c *sentCtx, cd *cand, earlier []*cand, lowerOnly bool) bool {
	from := max(x.listStart(c, cd), cd.clauseStart)
	if p := lastOf(earlier); p != nil {
		from = max(from, p.unitEnd)
	}
	for i := from; i < cd.qStart; i++ {
		if isPunct(c.toks, i, ";") || isPunct(c.toks, i, "(") {
			from = i + 1
		}
	}
	for _, sp := range c.field {
		if sp.has("level") && sp.start >= from && sp.end <= cd.qStart {
			if lowerOnly && sp.start > 0 && c.toks[sp.start].upper {
				continue
			}
			if x.residentialBlock(c, sp) {
				continue
			}
			return true
		}
	}
	// In a list, an item whose subject is a kind of unit with no name
	// ("huyện, thị xã hơn 1,1 tỷ đồng", "các xã, thị trấn hiến 21.000
	// m2") is a level of the total, not a place: a place has its name
	// ("huyện Kỳ Anh 3 tỷ đồng"). Outside a list an unnamed "huyện" is the
	// district the text is about, so only items count.
	return !lowerOnly && x.unnamedUnitAt(c, from, cd.qStart)
}

// residentialBlock: "khối" naming no bloc, as a ward's residential blocks
// are named: before a name or a number ("khối Trung Hòa", "khối 5") or a
// verb ("Nhân dân các khối góp …"). A bloc is named by its noun ("khối
// doanh nghiệp", "khối xã, thị trấn").
func (x *extraction) residentialBlock(c *sentCtx, sp span) bool {
	if sp.end-sp.start != 1 || c.toks[sp.start].key != x.lx.k.of("khối") {
		return false
	}
	nx := tokAt(c.toks, sp.end)
	if nx.kind == tNum || nx.kind == tWord && nx.upper {
		return true
	}
	for _, cue := range c.cues {
		if cue.start == sp.end {
			return true
		}
	}
	return false
}

// unnamedUnitAt: the item starting at from (after punctuation, a parts
// opener such as "trong đó", and "các") opens with a word naming a kind of
// administrative unit (places.tsv, type_*, not an organ such as "huyện
// ủy") and no name after it (the next word is lower case or punctuation).
// A unit word inside a body's name ("Bộ CHQS tỉnh") is not the item's
// subject.
func (x *extraction) unnamedUnitAt(c *sentCtx, from, to int) bool {
	toks := c.toks
	i := from
	for i < to {
		if toks[i].kind == tPunct {
			i++
			continue
		}
		if sp, ok := spanAt(c.excl, i); ok && sp.has("breakdown") {
			i = sp.end
			continue
		}
		if isKey(toks, i, x.lx.k.of("các"), x.lx.k.of("những")) {
			i++
			continue
		}
		break
	}
	es, j := x.lx.place.at(toks, i)
	if len(es) == 0 || j > to {
		return false
	}
	for _, e := range es {
		if strings.HasPrefix(e.class, "type_") && !strings.HasSuffix(e.class, "_org") {
			nx := tokAt(toks, j)
			return !(nx.kind == tWord && nx.upper || nx.kind == tNum)
		}
	}
	return false
}

// listStart is where the list a figure is an item of opens: after the last
// parts opener or colon before it in its sentence; -1 outside a list.
//
// A list goes on across further openers ("trong đó …, còn lại …") and over
// brackets: the list a figure is in opened at the first opener of its
// bracket level, and openers inside brackets closed before it do not count.
func (x *extraction) listStart(c *sentCtx, cd *cand) int {
	type opener struct{ at, depth int }
	var open []opener
	depth := 0
	for i := 0; i < cd.qStart; i++ {
		switch {
		case isPunct(c.toks, i, "("):
			depth++
		case isPunct(c.toks, i, ")"):
			if depth > 0 {
				depth--
			}
			for len(open) > 0 && open[len(open)-1].depth > depth {
				open = open[:len(open)-1]
			}
		case isPunct(c.toks, i, ":"):
			open = append(open, opener{i + 1, depth})
		default:
			if sp, ok := spanAt(c.excl, i); ok && (sp.has("breakdown") || sp.has("total_opener")) {
				open = append(open, opener{sp.end, depth})
			}
		}
	}
	for _, o := range open {
		if o.depth == depth {
			return o.at
		}
	}
	return -1
}

// placeLabel: a place names the list item the figure ends ("xã Thạch Kim
// 12 mô hình").
//
// A place of another province than the report's is no unit inside its
// total: a donor from elsewhere ("Ủy ban MTTQ thành phố Hà Nội 8 tỷ
// đồng" in a province's relief fund).
func (x *extraction) placeLabel(c *sentCtx, cd *cand) bool {
	from := itemStart(c.toks, cd.qStart)
	for _, m := range c.mentions {
		if m.start >= from && m.end <= cd.qStart && !(m.province != "" && x.province != "" && m.province != x.province) {
			return true
		}
	}
	return false
}

// inList: a parts opener or a colon comes before the figure in its sentence.
func (x *extraction) inList(c *sentCtx, cd *cand) bool {
	for _, sp := range c.excl {
		if sp.start < cd.qStart && (sp.has("breakdown") || sp.has("total_opener")) {
			return true
		}
	}
	for i := 0; i < cd.qStart; i++ {
		if isPunct(c.toks, i, ":") {
			return true
		}
	}
	return false
}

// fieldLabel: a sector or level names the figure just before it ("cấp
// huyện 6,8 tỷ đồng", "kinh tế 450 mô hình").
func (x *extraction) fieldLabel(c *sentCtx, cd *cand) bool {
	for _, sp := range c.field {
		// A phrase of kind none ("các cấp": all levels) labels no part:
		// "Nhân dân góp vào Quỹ … các cấp gần 2 tỷ đồng" is a named fund's
		// part.
		if !sp.has("field") && !sp.has("level") {
			continue
		}
		if sp.end <= cd.qStart && words(c.toks, sp.end, cd.qStart) == 0 {
			return true
		}
	}
	return false
}

// family is the general indicator a more specific one is a kind of: a
// breakdown of recognised models may say only "mô hình".
func family(ind string) string {
	if strings.HasPrefix(ind, "models_") {
		return "models_total"
	}
	return ""
}

// oneSector: the figure is counted in one sector, named in its noun phrase
// ("trên lĩnh vực kinh tế"), right after its unit ("450 mô hình kinh tế") or
// as the sentence's topic ("Trên lĩnh vực kinh tế, …"); or, in a sentence
// going on from a total ("Trong đó, cấp huyện tổ chức 4 cuộc …"), one level
// is the subject of its clause.
func (x *extraction) oneSector(c *sentCtx, cd *cand) bool {
	if sp, ok := spanAt(c.field, cd.unitEnd); ok && !sp.has("level") {
		return true
	}
	if x.continues(c.s.index - 1) {
		for _, sp := range c.field {
			if sp.has("level") && sp.start >= cd.clauseStart && sp.end <= cd.qStart && !numIn(c.toks, sp.end, cd.qStart) {
				return true
			}
		}
	}
	for _, sp := range c.cues {
		if sp.has("field_one") && (sp.start >= cd.unitEnd && sp.start < cd.npEnd || sp.start <= 2 && sp.end <= cd.qStart) {
			return true
		}
	}
	return false
}

// labelledPart: words other than cues name the part before its number
// ("văn hóa - xã hội 380 mô hình", "UBND tỉnh tặng Bằng khen 10 tập thể"),
// or a sector or level follows its unit ("57 mô hình cấp huyện"); a place
// as the label makes it a place's own figure, not a breakdown.
func (x *extraction) labelledPart(c *sentCtx, cd *cand, itemStart int) bool {
	toks := c.toks
	for _, sp := range c.field {
		if sp.start >= cd.unitEnd && sp.start < cd.npEnd {
			return true
		}
	}
	for _, m := range c.mentions {
		if m.start >= itemStart && m.end <= cd.qStart {
			return false
		}
	}
	label := 0
	for i := itemStart; i < cd.qStart; i++ {
		if toks[i].kind != tWord || inSpans(c.cues, i) || inSpans(c.excl, i) || inSpans(c.quals, i) {
			continue
		}
		label++
	}
	return label >= 2 || label >= 1 && inSpans(c.field, cd.qStart-1)
}

// excludedBefore refuses figures under a proposal, plan or target, or a
// per-unit norm: the words are looked for before the number and before the
// verb that governs it, in the same clause. A person's or a firm's name
// there (kind example) does not refuse the figure but marks it: it is
// dropped only when it itemises a total the text gives (examples in
// narrative.go).
func (x *extraction) excludedBefore(c *sentCtx, cd *cand) string {
	toks := c.toks
	anchors := []int{cd.qStart}
	if cd.govern >= 0 {
		anchors = append(anchors, cd.govern)
	}
	for _, sp := range c.excl {
		if sp.start < cd.clauseStart || sp.end > cd.qStart {
			continue
		}
		for _, e := range sp.e {
			if e.col(0) != "before" || e.class == "allow" {
				continue
			}
			w, _ := strconv.Atoi(e.col(1))
			near := false
			as := anchors
			if e.col(2) == "number" {
				as = anchors[:1]
			}
			for _, a := range as {
				// A person's age or address in brackets after the name
				// ("Bà Trần Thị A (72 tuổi, thôn 3) đã hiến …") does not
				// part the subject from its verb.
				n := words(toks, sp.end, a)
				if e.class == "example" {
					n = wordsOutsideBrackets(c, sp.end, a)
				}
				// "mỗi khẩu từ 1 tuổi đến 69 tuổi đóng góp 1 triệu đồng":
				// who owes the levy, by age, does not part the rate from
				// its verb (learnt after scoring round-6 batch PB).
				if e.class == "per_unit" {
					n -= x.ageWords(toks, sp.end, a)
				}
				if sp.end <= a && n <= w {
					near = true
				}
			}
			if !near {
				continue
			}
			flags := e.col(2)
			if flags == "name" || flags == "named" {
				nx := tokAt(toks, sp.end)
				named := nx.kind == tWord && nx.upper && !(flags == "name" && toks[sp.start].upper && sp.start > 0 && !isPunct(toks, sp.start-1, ":"))
				// "…, ông đã quyết định: hiến luôn 600 m2": the title alone,
				// lower case, as the subject of a verb (a subject marker,
				// exclusions.tsv, follows it) is the person named before.
				anaphor := flags == "name" && e.class == "example" && !toks[sp.start].upper && x.subjectMarkerAt(c, sp.end)
				if !named && !anaphor {
					continue
				}
			}
			if flags == "notimmediate" && sp.end == cd.qStart {
				continue
			}
			if v, ok := strings.CutPrefix(flags, "notafter="); ok && sp.start > 0 && toks[sp.start-1].key == x.lx.k.of(v) {
				continue
			}
			// "đóng góp xây dựng nhà văn hóa …: 265 triệu đồng": a building
			// named after the verb that gives the money is what the money
			// is given for, not the building's cost. Land stays its size
			// ("góp công xây dựng nhà văn hóa với diện tích 250 m2").
			if e.class == "structure" && cd.unitClass == "money" && cd.govern >= 0 && cd.govern < sp.start {
				continue
			}
			if e.class == "example" {
				cd.example = cd.example || !speakerLabel(toks, sp)
				continue
			}
			cd.planned, cd.norm = e.class == "plan", notOutcome(e.class)
			return "under «" + e.phrase + "» (" + e.class + ")"
		}
	}
	return ""
}

// foldedTail: in a text written without diacritics, an exclusion that is
// the last word of a longer cue written there is that cue's word: "dang ky
// 46" is đăng ký, not the ordinal kỳ; "hien tang 300" is hiến tặng, not a
// delta. With diacritics the words differ and this never holds.
func (x *extraction) foldedTail(c *sentCtx, sp span) bool {
	if !x.lx.k.folded {
		return false
	}
	for _, cs := range c.cues {
		if cs.start < sp.start && cs.end == sp.end {
			return true
		}
	}
	return false
}

// subjectMarkerAt: a word that follows a subject before its verb ("đã",
// "cũng": exclusions.tsv, subject_marker) starts at i.
func (x *extraction) subjectMarkerAt(c *sentCtx, i int) bool {
	sp, ok := spanAt(c.excl, i)
	return ok && sp.has("subject_marker")
}

// ageWords counts the words in [a, b) of age bounds ("từ 18 đến 60 tuổi",
// "từ 1 tuổi đến 69 tuổi", "trên 18 tuổi"): a span opened by từ, trên or
// dưới and closed by "tuổi", with nothing but numbers, "tuổi", "đến" and
// dashes in it.
func (x *extraction) ageWords(toks []token, a, b int) int {
	tuoi := x.lx.k.of("tuổi")
	n := 0
	for i := max(a, 0); i < b && i < len(toks); i++ {
		if !isKey(toks, i, x.lx.k.of("từ"), x.lx.k.of("trên"), x.lx.k.of("dưới")) {
			continue
		}
		end := -1
		for j := i + 1; j < b && j < len(toks) && j <= i+6; j++ {
			t := toks[j]
			if t.key == tuoi {
				end = j
				if !isKey(toks, j+1, x.lx.k.of("đến")) && !isPunct(toks, j+1, "-–") {
					break
				}
				continue
			}
			if t.kind == tNum || isKey(toks, j, x.lx.k.of("đến")) || isPunct(toks, j, "-–") {
				continue
			}
			break
		}
		if end > i {
			n += words(toks, i, end+1)
			i = end
		}
	}
	return n
}

// wordsOutsideBrackets counts word and number tokens in [a, b), leaving
// out those inside round brackets opened in that range that name no place
// (an age: "(72 tuổi)"); brackets naming a place are an address, which
// may be the figure's own scope, and count.
func wordsOutsideBrackets(c *sentCtx, a, b int) int {
	toks := c.toks
	n := 0
	for i := max(a, 0); i < b && i < len(toks); i++ {
		if toks[i].kind == tPunct && toks[i].text == "(" {
			j := i + 1
			for j < b && !(toks[j].kind == tPunct && toks[j].text == ")") {
				j++
			}
			placed := false
			for _, m := range c.mentions {
				if m.start > i && m.start < j {
					placed = true
				}
			}
			if j < b && !placed {
				i = j
				continue
			}
		}
		if toks[i].kind != tPunct {
			n++
		}
	}
	return n
}

// leadSentences is how many sentences of the first paragraph are its lead.
const leadSentences = 3

// fig is a figure with what deciding its repeats needs.
type fig struct {
	Figure
	dated   bool // its period is written in its own clause
	placed  bool // its place is named in its own sentence
	heading bool // it stands in a title, heading or caption
	lead    bool // … or in the first paragraph of the text
	class   string
	start   int  // byte offset of the number
	example bool // a named person, household or firm is its subject
	para    int
}

// figure gives a candidate its period and place.
func (x *extraction) figure(c *sentCtx, cd *cand) (fig, string) {
	if why := x.compared(c, cd); why != "" {
		return fig{}, why
	}
	p, src := x.period(c, cd)
	code := UnknownPeriod
	switch {
	case src == srcOwn && !x.valid(p) && x.termSoFar(p):
		p = pipeline.RangePeriod(p.Start.Year(), x.date.Year())
	case src == srcOwn && !x.valid(p):
		return fig{}, "period " + p.Code + " is after the report date: a plan or target"
	case src == srcSentence && !x.valid(p):
		p, src = x.contextPeriod(c.s.index-1, cd.indicator)
	case src == srcOwn && x.earlierBeside(c, cd, p):
		return fig{}, "a figure of " + p.Code + ", before the report's " + x.ownP.Code + ", set beside it for comparison: the earlier report's to give"
	}
	if src != srcOwn && x.context[c.s.index-1].plans {
		return fig{}, "in a section whose heading names a period after the report's date: a plan or target"
	}
	if src != srcNone {
		code = p.Code
	}
	switch x.scopeOf(c, cd) {
	case mScopeNational:
		if x.otherTotals == nil {
			x.otherTotals = map[string]float64{}
		}
		x.otherTotals[cd.indicator] = max(x.otherTotals[cd.indicator], cd.value)
		return fig{}, "a national total (a sum over provinces), no province's figure"
	case mScopeGroup:
		return fig{}, "a sum over a group of units (an emulation cluster, provinces named together), no unit's figure"
	}
	prov, unit, utype, placed := x.place(c, cd)
	toks := c.toks
	qs, qe := toks[cd.quoteStart].start, toks[cd.quoteEnd-1].end
	return fig{Figure: Figure{
		Indicator: cd.indicator, Value: cd.value, Qualifier: cd.qual, Unit: cd.unit, Period: code,
		Province: prov, District: unit, DistrictType: utype,
		Quote: x.text[qs:qe], Sentence: x.text[c.s.start:c.s.end], SentenceIndex: c.s.index,
	}, dated: src == srcOwn, placed: placed, heading: c.s.heading || x.caption(c), lead: c.s.heading || x.caption(c) || c.s.para == x.leadPara && c.s.index-1 < x.leadFirst+leadSentences, class: cd.unitClass,
		start: toks[cd.numStart].start, example: cd.example, para: c.s.para}, ""
}

// caption: the sentence is a photo's caption ("Ảnh: …", "Trong ảnh: …").
func (x *extraction) caption(c *sentCtx) bool {
	for _, sp := range c.excl {
		if sp.start > 0 {
			break
		}
		if sp.has("caption") && isPunct(c.toks, sp.end, ":") {
			return true
		}
	}
	// A caption closed by the photographer's credit: "… hiến gần 3.500 m2
	// đất. Ảnh: Minh Hà" ending its line, or "(Ảnh: PV)" ending the sentence.
	if x.credit(c.toks, 1) {
		return true
	}
	n := c.s.index // the next sentence
	return n < len(x.sents) && x.sents[n].para == c.s.para && (n+1 == len(x.sents) || x.sents[n+1].para != c.s.para) &&
		x.credit(x.sents[n].toks, 0)
}

// maxCreditTokens bounds a photo credit: "Ảnh: Nguyễn Thị Thu Hương".
const maxCreditTokens = 10

// credit: toks end with a photo credit ("Ảnh: PV", "(Ảnh: Thu Hương)")
// starting at or after from: the caption word, a colon, then only names.
func (x *extraction) credit(toks []token, from int) bool {
	for k := max(from, len(toks)-maxCreditTokens); k < len(toks); k++ {
		es, end := x.lx.excl.at(toks, k)
		caption := false
		for _, e := range es {
			caption = caption || e.class == "caption"
		}
		if !caption || !isPunct(toks, end, ":") {
			continue
		}
		names := 0
		for _, t := range toks[end+1:] {
			switch {
			case t.kind == tWord && t.upper:
				names++
			case t.kind == tPunct && strings.Contains(").-–", t.text):
			default:
				return false
			}
		}
		return names > 0
	}
	return false
}

// place is the unit a figure describes: the place named before it in its
// clause, else the place the paragraph is about, else the report's.
func (x *extraction) place(c *sentCtx, cd *cand) (prov, unit, utype string, placed bool) {
	if m, ok := x.subject(c.toks, c.mentions, cd.clauseStart, cd.qStart); ok {
		prov, unit, utype = x.fromMention(m)
		return prov, unit, utype, true
	}
	if m, ok := x.rowPlace(c); ok {
		prov, unit, utype = x.fromMention(m)
		return prov, unit, utype, true
	}
	// A place that opens an earlier sentence of the paragraph ("Huyện Cẩm
	// Xuyên … . Toàn huyện có …") stays the subject.
	if n := c.s.index - 1; n > 0 && x.paraSubject[n-1].ok && x.sents[n-1].para == c.s.para {
		prov, unit, utype = x.fromMention(x.paraSubject[n-1].m)
		return prov, unit, utype, false
	}
	// A turn of an interview opened by its speaker's label ("Ông Tâm: …"):
	// the place that speaker's label named.
	if n := c.s.index - 1; x.paraSubject[n].ok {
		if end := speakerEnd(c.toks); end > 0 && end < cd.qStart {
			prov, unit, utype = x.fromMention(x.paraSubject[n].m)
			return prov, unit, utype, false
		}
	}
	return x.province, x.unit, x.utype, false
}

// scopeOf tells a figure whose subject is no province's unit: the whole
// country ("tính chung cả nước, … Quỹ … huy động được 1.150 tỷ đồng") or a
// group of units ("toàn Cụm có 950 mô hình"), named in its
// clause, opening its paragraph, or, with no place of its own, the
// text's (mScopeNational). Otherwise mScopeProvince.
func (x *extraction) scopeOf(c *sentCtx, cd *cand) mentionKind {
	none := func(k mentionKind) mentionKind {
		if k == mScopeNational || k == mScopeGroup {
			return k
		}
		return mScopeProvince
	}
	if m, ok := x.subject(c.toks, c.mentions, cd.clauseStart, cd.qStart); ok {
		if x.joinedProvinces(c, m, cd.clauseStart) {
			return mScopeGroup
		}
		return none(m.kind)
	}
	if m, ok := x.rowPlace(c); ok {
		return none(m.kind)
	}
	if cd.indicator == "funds_mobilized_vnd" && x.centreAgent(c, cd) {
		return mScopeNational
	}
	if n := c.s.index - 1; n > 0 && x.paraSubject[n-1].ok && x.sents[n-1].para == c.s.para {
		return none(x.paraSubject[n-1].m.kind)
	}
	if x.national {
		return mScopeNational
	}
	return mScopeProvince
}

// rowPlace is the place a table's row is labelled by ("Yên Thành", "Xã
// Thạch Hà" after July 2025): a district or province, or a commune of the
// 2025 reform named with its type word. A commune before the reform
// reports under its district, the report's (its name may be a commune's
// of another district), and a village's name ("Thôn Trung Tiến") is no
// place, even when a commune somewhere bears it.
func (x *extraction) rowPlace(c *sentCtx) (mention, bool) {
	if c.s.label == 0 {
		return mention{}, false
	}
	m, ok := x.subject(c.toks, c.mentions, 0, c.s.label)
	return m, ok && (!m.weak || m.typed && x.hasDate && !x.date.Before(newCommunes))
}

// subjectAt is the place opening a sentence, or the nearest before it in
// its paragraph.
// joinedProvinces: the subject is the last of provinces named together
// ("Thanh Hóa và Nghệ An cùng có …", "Nghệ An, Hà Tĩnh có …"): their figure
// is a sum over provinces, no province's own.
func (x *extraction) joinedProvinces(c *sentCtx, m mention, from int) bool {
	if m.kind != mProvince {
		return false
	}
	joins := []string{x.lx.k.of("và"), x.lx.k.of("cùng"), x.lx.k.of("với")}
	for _, o := range c.mentions {
		if o.kind != mProvince || o.org || o.start < from || o.end > m.start || o.province == m.province {
			continue
		}
		between := true
		for j := o.end; j < m.start; j++ {
			if !(isPunct(c.toks, j, ",") || isKey(c.toks, j, joins...)) {
				between = false
				break
			}
		}
		if between && m.start > o.end {
			return true
		}
	}
	return false
}

type subjectAt struct {
	m  mention
	ok bool
}

// paraSubjects works out subjectAt for every sentence, in text order.
//
// In an interview the place the speaker's label names ("Ông …, trưởng thôn
// Đông, xã Sơn Kim 1 (Hương Sơn): …") is its paragraph's subject, and the
// subject of the later turns whose label names none ("Ông Tâm: …"; learnt
// from held-out batch n101–n110): they are the same speaker's answers.
func (x *extraction) paraSubjects() []subjectAt {
	out := make([]subjectAt, len(x.sents))
	var cur, speaker subjectAt
	for k := range x.sents {
		toks := x.sents[k].toks
		if k > 0 && x.sents[k].para != x.sents[k-1].para {
			cur = subjectAt{}
		}
		if m, ok := x.subject(toks, x.mentionsOf[k], 0, min(len(toks), openingWords)); ok {
			cur = subjectAt{m, true}
		} else if end := speakerEnd(toks); end > 0 {
			if m, ok := x.subject(toks, x.mentionsOf[k], 0, end); ok {
				cur, speaker = subjectAt{m, true}, subjectAt{m, true}
			} else if !cur.ok {
				cur = speaker
			}
		}
		out[k] = cur
	}
	return out
}

// speakerEnd: the index of the colon closing a speaker's label that opens a
// line (a capitalised word, then at most labelWords words), 0 when there is
// none.
func speakerEnd(toks []token) int {
	if len(toks) == 0 || !toks[0].nl || toks[0].kind != tWord || !toks[0].upper {
		return 0
	}
	for i, n := 1, 1; i < len(toks) && n <= labelWords; i++ {
		switch {
		case isPunct(toks, i, ":"):
			return i
		case toks[i].nl:
			return 0
		case toks[i].kind != tPunct:
			n++
		}
	}
	return 0
}

// openingWords is how far into a sentence an adverbial or a subject counts
// as opening it ("Năm 2023, …", "Tại huyện Cẩm Xuyên, …").
const openingWords = 8

// subject finds the nearest place named in toks [from, to) that says whose a
// figure is.
// centreAgent: with no unit of its own in its clause, the figure's agent
// or channel is a body of the centre (places.tsv, national_body), named
// after the last comma before its verb and before the figure ("đến hết
// ngày 20/12, tài khoản Ban Vận động cứu trợ Trung ương đã nhận …"), or a
// few words after "thông qua"/"qua" ("… gửi qua Ban Vận động cứu trợ Trung
// ương, tổng cộng …"). Such a figure is the centre's, a
// national total, not any reporting unit's (money only: the centre's award
// to a province's people is the province's). A centre's body named before
// the comma ("Theo lời kêu gọi của Trung ương Hội,
// các cấp Hội đã vận động …") is not the agent.
func (x *extraction) centreAgent(c *sentCtx, cd *cand) bool {
	toks := c.toks
	verb := cd.qStart
	if cd.govern >= 0 && cd.govern < verb {
		verb = cd.govern
	}
	seg := cd.clauseStart
	for i := verb - 1; i >= cd.clauseStart; i-- {
		if isPunct(toks, i, ",") {
			seg = i + 1
			break
		}
	}
	for _, m := range c.mentions {
		if m.kind != mScopeNational || !m.org || m.start < cd.clauseStart || m.end > cd.qStart {
			continue
		}
		if m.start >= seg {
			return true
		}
		for i := m.start - 1; i >= max(m.start-6, cd.clauseStart); i-- {
			if isKey(toks, i, x.lx.k.of("qua")) {
				return true
			}
		}
	}
	return false
}

func (x *extraction) subject(toks []token, ms []mention, from, to int) (mention, bool) {
	for n := len(ms) - 1; n >= 0; n-- {
		m := ms[n]
		if m.end > to || m.start < from {
			continue
		}
		// An organisation of a district or commune acts within it ("Huyện ủy
		// Thạch Hà công nhận 45 mô hình"); a province's body named in a
		// sentence is mostly the one giving an award, not whose figure it is.
		if m.org && m.kind != mLocal {
			continue
		}
		// "Hội đồng hương Nghi Xuân tại TP Hồ Chí Minh": another province
		// after "tại" right behind a district's or commune's name is where
		// its people live, and they give for their own unit.
		if m.kind == mProvince && n > 0 && ms[n-1].kind == mLocal && ms[n-1].start >= from && m.start == ms[n-1].end+1 &&
			isKey(toks, ms[n-1].end, x.lx.k.of("tại"), x.lx.k.of("ở")) {
			if l, ok := x.confirm(ms[n-1]); ok && l.province != m.province {
				return ms[n-1], true
			}
		}
		// "huyện Cẩm Xuyên, tỉnh Hà Tĩnh": the province says where the
		// district is; the district is the subject.
		if m.kind == mProvince && n > 0 && ms[n-1].kind == mLocal && ms[n-1].start >= from && apposed(toks, ms[n-1], m) {
			l := ms[n-1]
			l.province = m.province
			return l, true
		}
		return m, true
	}
	return mention{}, false
}

// apposed tells "X, Y", "X (Y)", "X - Y": Y right after X.
func apposed(toks []token, a, b mention) bool {
	return b.start == a.end || b.start == a.end+1 && isPunct(toks, a.end, ",(-–")
}

func (x *extraction) fromMention(m mention) (prov, unit, utype string) {
	prov = x.province
	switch m.kind {
	case mScopeProvince:
	case mScopeLocal:
		return prov, x.unit, x.utype
	case mProvince:
		prov = m.province
	case mLocal:
		var ok bool
		if m, ok = x.confirm(m); !ok {
			// A commune's name the reference knows in another province
			// than the text's: not enough to place the figure there.
			return prov, x.unit, x.utype
		}
		unit, utype = m.unit, m.utype
		if m.province != "" {
			prov = m.province
		}
	}
	return prov, unit, utype
}

// UnknownPeriod is the period of a figure that nothing in its report dates.
const UnknownPeriod = "unknown"

// periodSource says how a figure's period was found.
type periodSource uint8

const (
	srcNone     periodSource = iota // nothing dates it
	srcOwn                          // an adverbial of its own clause
	srcSentence                     // an adverbial elsewhere in its sentence
	srcContext                      // the document around it
)

// period picks the time adverbial that governs the figure: the nearest one
// before it in its comma segment, then one after it in that segment, then the
// nearest before it in the clause (all its own); then one opening the
// sentence, then the nearest in an earlier clause, then one after it in
// its clause, then one later in the sentence
// (the closing "… giai đoạn 2016-2020" of an award); failing those, the
// document's context (contextPeriod).
func (x *extraction) period(c *sentCtx, cd *cand) (pipeline.Period, periodSource) {
	toks := c.toks
	// A comma or a semicolon ends the figure's segment: in a list opened by
	// a colon, whose clause goes on over semicolons, the next item's year
	// is its own ("năm 2022, … 1 hội thi; năm 2023 … 3 hội thi").
	segStart, segEnd := cd.qStart, cd.unitEnd
	for segStart > cd.clauseStart && !isPunct(toks, segStart-1, ",;") {
		segStart--
	}
	for segEnd < cd.clauseEnd && !isPunct(toks, segEnd, ",;") {
		segEnd++
	}
	var before, after, inClause, opening, earlier, laterClause, later *timeExpr
	for n := range c.times {
		e := &c.times[n]
		if e.kind == tkDate || e.comparison {
			continue
		}
		switch {
		case e.end <= cd.qStart && e.start >= segStart:
			before = e
		case e.start >= cd.unitEnd && e.end <= segEnd && after == nil && !ownedByOther(toks, e):
			after = e
		case e.end <= cd.qStart && e.start >= cd.clauseStart:
			inClause = e
		case e.end <= cd.qStart:
			earlier = e
		case e.start >= cd.unitEnd && e.end <= cd.clauseEnd && laterClause == nil && !ownedByOther(toks, e):
			laterClause = e
		case e.start >= cd.unitEnd && later == nil && !ownedByOther(toks, e):
			later = e
		}
		if e.start <= 2 && e.end <= cd.qStart {
			opening = e
		}
	}
	for i, e := range []*timeExpr{before, after, inClause, opening, earlier, laterClause, later} {
		if e == nil {
			continue
		}
		p, ok := x.resolve(e)
		if !ok {
			continue
		}
		p = x.context[c.s.index-1].answered(e, p)
		if i < 3 {
			return p, srcOwn
		}
		if x.valid(p) {
			return p, srcSentence
		}
	}
	return x.contextPeriod(c.s.index-1, cd.indicator)
}

// compared: a number that stands right after a comparison with another
// period ("nhiều hơn cùng kỳ năm trước 3 cuộc": the difference; "cao hơn
// năm 2022 (3,5 tỷ đồng)": the figure compared with), or in the segment
// that says what there was then ("so với năm 2020, khi toàn huyện mới có 75
// mô hình"), or after it and a colon ("(cùng kỳ năm 2024: 49 cuộc)"), is
// not this period's figure. One after a comma ("So với cùng
// kỳ, huyện đã tổ chức 12 cuộc") is.
func (x *extraction) compared(c *sentCtx, cd *cand) string {
	toks := c.toks
	seg := cd.qStart
	for seg > cd.clauseStart && !isPunct(toks, seg-1, ",") {
		seg--
	}
	when := isKey(toks, seg, x.lx.k.of("khi"), x.lx.k.of("lúc")) && seg > 0 && isPunct(toks, seg-1, ",")
	if !c.timeSpansOK {
		c.timeSpans, c.timeSpansOK = x.lx.time.spans(toks), true
	}
	spans := c.timeSpans
	for n, sp := range spans {
		if !sp.has("comparison") || n > 0 && spans[n-1].end == sp.start && spans[n-1].has("comparison") {
			continue
		}
		// the comparison's words, then the period compared with
		end := sp.end
		for _, nx := range spans[n+1:] {
			if nx.start == end && nx.has("comparison") {
				end = nx.end
			}
		}
		for _, e := range c.times {
			if e.start == end {
				end = e.end
			}
		}
		words := x.text[toks[sp.start].start:toks[end-1].end]
		// "(cùng kỳ năm 2024: 49 cuộc)": the period compared with, a
		// colon, then what there was
		if cd.qStart == end || isPunct(toks, end, "(:") && cd.qStart == end+1 {
			return "right after a comparison («" + words + "»): the difference or the figure compared with, not this period's"
		}
		if when && end == seg-1 {
			return "what there was at the time of a comparison («" + words + "»), not this period's"
		}
	}
	// "gấp 1,5 lần nhiệm kỳ 2015-2020 (28 tỷ đồng)": so many times the
	// period compared with, then its figure in brackets (the times'
	// number stands inside the words, so no comparison phrase holds them)
	for _, e := range c.times {
		if e.start >= 3 && isKey(toks, e.start-1, x.lx.k.of("lần")) && toks[e.start-2].kind == tNum && isKey(toks, e.start-3, x.lx.k.of("gấp")) &&
			isPunct(toks, e.end, "(") && cd.qStart == e.end+1 {
			return "in brackets after so many times the period compared with («" + x.text[toks[e.start-3].start:toks[e.end-1].end] + "»): that period's figure, not this one's"
		}
	}
	return ""
}

// earlierBeside: a figure dated by its own words to a year or part of one
// that ended before the report's own period (ownPeriod), in a sentence that
// also states that period (or a later one) or compares ("năm 2022, huyện
// tổ chức 1 hội thi; năm 2023 tổ chức 3 hội thi"), or in brackets opening
// with that year after a number ("8 cuộc (năm 2022: 6 cuộc)"), is quoted for comparison: a figure of that year the report does
// not report, which the earlier year's report gives. Alone in its sentence
// an earlier year's figure stays, with its year.
func (x *extraction) earlierBeside(c *sentCtx, cd *cand, p pipeline.Period) bool {
	if !x.hasOwnP {
		return false
	}
	switch p.Type {
	case pipeline.Year, pipeline.Half, pipeline.Quarter, pipeline.Month:
	default:
		return false
	}
	if !p.End.Before(x.ownP.Start) {
		return false
	}
	for n := range c.times {
		e := &c.times[n]
		if e.comparison {
			return true
		}
		// brackets opening with the earlier year, after a number: "8 cuộc
		// (năm 2022: 6 cuộc)"
		if e.end <= cd.qStart && isPunct(c.toks, e.start-1, "(") && numIn(c.toks, 0, e.start-1) {
			closed := false
			for i := e.end; i < cd.qStart; i++ {
				closed = closed || isPunct(c.toks, i, ")")
			}
			if !closed {
				return true
			}
		}
		if e.kind == tkDate {
			continue
		}
		if q, ok := x.resolve(e); ok && !q.End.Before(x.ownP.Start) && q.Type != pipeline.ToDate {
			return true
		}
	}
	return false
}

// ownedByOther: a time adverbial after a figure that opens the comma
// segment of another number ("154 mô hình được công nhận, nâng tổng số
// từ năm 2019 đến nay lên 611 mô hình") dates that number, not the figure.
// One closing the segment of the figure's own parts ("73 mô hình (51 tập
// thể, 22 cá nhân) đạt danh hiệu năm 2022") dates them all.
func ownedByOther(toks []token, e *timeExpr) bool {
	// One opening brackets dates the number inside them ("640 triệu đồng
	// (quý III/2024, các phường cũ cộng lại: 410 triệu đồng)"; learnt from
	// held-out batch n55–n58).
	stop := ",;"
	if isPunct(toks, e.start-1, "(") {
		stop = ")"
	}
	b := e.end
	for b < len(toks) && !isPunct(toks, b, stop) {
		b++
	}
	return numIn(toks, e.end, b)
}

// contextPeriod dates a figure whose sentence says nothing of time, from the
// document around it: a sentence that goes on from the one before ("Trong
// đó, …") takes that one's period; else the adverbial that opens the
// nearest earlier sentence ("Năm 2021, … . Toàn tỉnh đã …"), up to the
// heading of its section; then the nearest heading above it that names a
// period (a title "… năm 2022" covers the article), then the period the
// report announces (tổng kết năm 2022, Hội thi … năm 2024), then what the
// report's date makes of it (fallbackPeriod). Nothing: not known.
func (x *extraction) contextPeriod(n int, ind string) (pipeline.Period, periodSource) {
	if n > 0 && x.continues(n) {
		ts := x.timesOf(n - 1)
		for k := len(ts) - 1; k >= 0; k-- {
			if e := ts[k]; e.kind != tkDate && !e.comparison {
				if p, ok := x.resolve(&e); ok && x.valid(p) {
					return x.context[n-1].answered(&e, p), srcContext
				}
			}
		}
	}
	if x.atEvent(n) {
		if p, ok := x.fallbackPeriod(ind); ok {
			return p, srcContext
		}
	}
	if n > 0 {
		if c := x.context[n-1]; c.hasOpen {
			return c.open, srcContext
		} else if c.hasHeading {
			return c.heading, srcContext
		}
	}
	if p, ok := x.fallbackPeriod(ind); ok {
		return p, srcContext
	}
	return pipeline.Period{}, srcNone
}

// sentContext is what the document says of time up to and including a
// sentence: the nearest opening adverbial in its section, the nearest
// heading's period. Worked out once, in text order (contexts), so dating a
// figure costs the same at the end of a long report as at its start.
type sentContext struct {
	open, heading       pipeline.Period
	hasOpen, hasHeading bool
	// plans: the section's heading names a period after the report's
	// date ("Phương hướng năm 2026" in a report of December 2025)
	plans bool
	// asked: the year an interview's question opening the section names,
	// the year "cả năm", "trong năm" of its answer are
	asked    pipeline.Period
	hasAsked bool
}

// answered: the period of e, resolved as p, in an answer to a question
// naming a year: "Cả năm, …" answering "năm 2023 … thế nào?" is 2023.
func (c sentContext) answered(e *timeExpr, p pipeline.Period) pipeline.Period {
	if e.kind == tkDocYear && e.half == 0 && c.hasAsked {
		return c.asked
	}
	return p
}

func (x *extraction) contexts() []sentContext {
	out := make([]sentContext, len(x.sents))
	var cur sentContext
	for k := range x.sents {
		// An interview's question opens the answer after it, as a heading
		// its section: the period it names dates the answer.
		if x.sents[k].heading || x.question(k) {
			cur.hasOpen, cur.plans, cur.hasAsked = false, false, false // a new section
			for _, e := range x.timesOf(k) {
				if e.kind != tkPeriod || e.comparison {
					continue
				}
				p, ok := x.resolve(&e)
				if ok && x.valid(p) {
					cur.heading, cur.hasHeading = p, true
					if x.question(k) && p.Type == pipeline.Year {
						cur.asked, cur.hasAsked = p, true
					}
					break
				}
				if ok && x.hasDate && p.Start.After(x.date) {
					cur.plans = true
					break
				}
			}
			cur.plans = cur.plans || x.sents[k].heading && x.planHeading(x.sents[k].toks)
		} else if e := x.openingTime(k); e != nil {
			if p, ok := x.resolve(e); ok && x.valid(p) {
				cur.open, cur.hasOpen = cur.answered(e, p), true
			}
		}
		out[k] = cur
	}
	return out
}

// planHeading: a heading opening, after its section's number, with the
// tasks or directions ahead (exclusions.tsv plan_heading).
func (x *extraction) planHeading(toks []token) bool {
	i := 0
	for i < len(toks) && (toks[i].kind == tPunct || listNumber(toks[i])) {
		i++
	}
	sp, ok := spanAt(x.lx.excl.spans(toks), i)
	return ok && sp.has("plan_heading")
}

// question tells a sentence ending in a question mark ("PV: Thưa bà, năm
// 2023 phong trào có gì nổi bật?").
func (x *extraction) question(k int) bool {
	return isPunct(x.sents[k].toks, len(x.sents[k].toks)-1, "?")
}

// atEvent tells a sentence about the meeting or ceremony the report is of
// ("Nhân dịp này, …", "Tại hội nghị, …").
func (x *extraction) atEvent(n int) bool {
	for _, sp := range x.lx.time.spans(x.sents[n].toks) {
		if sp.start > 1 {
			break
		}
		if sp.has("event") {
			return true
		}
	}
	return false
}

// continues tells a sentence that goes on from the one before it: it opens
// with a parts opener ("Trong đó, …", "Cụ thể: …").
func (x *extraction) continues(n int) bool {
	toks := x.sents[n].toks
	es, _ := x.lx.excl.at(toks, 0)
	for _, e := range es {
		if e.class == "breakdown" {
			return true
		}
	}
	return false
}

// leadYear is the year that opens the lead's first sentence ("Năm 2023,
// Mặt trận …"), 0 when none does: what a report that announces no period
// is about, so "trong năm" in one dated January 2024 is 2023 (learnt from
// the twelfth stop's n44).
func (x *extraction) leadYear() int {
	if x.leadPara < 0 || x.leadFirst >= len(x.sents) {
		return 0
	}
	e := x.openingTime(x.leadFirst)
	if e == nil || e.kind != tkPeriod || e.p.Type != pipeline.Year || !x.valid(e.p) {
		return 0
	}
	return e.p.Start.Year()
}

// openingTime is the adverbial that opens sentence k and sets the time of
// what follows it ("Năm 2021, …", "Ba năm qua, …"); a cumulative "Đến
// nay, …" is about its own sentence only.
func (x *extraction) openingTime(k int) *timeExpr {
	off := bylineEnd(x.sents[k].toks)
	for _, e := range x.timesOf(k) {
		if e.start >= off && e.start-off <= 2 && e.kind != tkDate && e.kind != tkToDate && !e.comparison {
			return &e
		}
	}
	return nil
}

// bylineEnd is where the words of a sentence begin after a news agency's
// byline opening it ("(Báo Nghệ An) - Năm 2024, …"): a bracket of a few
// words, then a dash; 0 when it has none.
func bylineEnd(toks []token) int {
	if !isPunct(toks, 0, "(") {
		return 0
	}
	for i := 1; i < len(toks) && i <= maxBylineTokens; i++ {
		if isPunct(toks, i, ")") {
			if isPunct(toks, i+1, "-–—") {
				return i + 2
			}
			return 0
		}
	}
	return 0
}

// maxBylineTokens bounds a byline's bracket ("(Báo Nghệ An)", "(PLVN)").
const maxBylineTokens = 8

func (x *extraction) timesOf(k int) []timeExpr {
	if x.times[k] == nil {
		x.times[k] = x.timeExprs(x.sents[k].toks)
		if x.times[k] == nil {
			x.times[k] = []timeExpr{}
		}
	}
	return x.times[k]
}

// fallbackPeriod is the period the report announces, else what the
// report's date makes of a figure of the indicator (indicators.tsv: the
// year of an event, or a total as of that month).
func (x *extraction) fallbackPeriod(ind string) (pipeline.Period, bool) {
	if x.hasDocP {
		return x.docP, true
	}
	if x.hasDate {
		if x.lx.undated[ind] == "todate" {
			return pipeline.ToDatePeriod(x.date.Year(), x.date.Month()), true
		}
		return pipeline.YearPeriod(x.date.Year()), true
	}
	return pipeline.Period{}, false
}

func (x *extraction) resolve(e *timeExpr) (pipeline.Period, bool) {
	switch e.kind {
	case tkPeriod:
		if e.from > 0 && e.from < e.p.End.Year() {
			return pipeline.RangePeriod(e.from, e.p.End.Year()), true
		}
		return e.p, true
	case tkToDate:
		if !x.hasDate {
			return pipeline.Period{}, false
		}
		if e.from > 0 {
			if e.from < x.date.Year() {
				return pipeline.RangePeriod(e.from, x.date.Year()), true
			}
			return pipeline.YearPeriod(e.from), true
		}
		return pipeline.ToDatePeriod(x.date.Year(), x.date.Month()), true
	case tkDocYear:
		y := 0
		if x.hasDocP && x.docP.Type != pipeline.Range && x.docP.Type != pipeline.ToDate {
			y = x.docP.End.Year()
		} else if ly := x.leadYear(); ly > 0 {
			y = ly
		} else if x.hasDate {
			y = x.date.Year()
			// "Năm qua" in a report of January or February, when year-end
			// reviews are still held, is the year just ended (learnt from
			// held-out batch n87–n96); "trong năm" stays the date's.
			if e.past && x.date.Month() <= time.February {
				y--
			}
		}
		if y == 0 {
			return pipeline.Period{}, false
		}
		if e.half > 0 {
			return pipeline.HalfPeriod(y, e.half), true
		}
		if x.hasDocP && x.docP.Type == pipeline.Half && x.docP.End.Year() == y {
			return x.docP, true
		}
		return pipeline.YearPeriod(y), true
	case tkDocPeriod:
		// "5 năm qua": at a congress, the term before it; else a span of
		// that length the report names (giai đoạn 2015-2020); else the N
		// years to the report's date. An undated text that announces a
		// term in its lead (the congress's own term, "Ra mắt Ban chấp hành
		// nhiệm kỳ 2014-2019") is at that congress.
		if x.hasTerm && (x.hasDate && x.term.Start.Year() == x.date.Year() || !x.hasDate && x.hasDocRange && x.docRange.Code == x.term.Code) {
			n := x.term.End.Year() - x.term.Start.Year()
			return pipeline.RangePeriod(x.term.Start.Year()-n, x.term.Start.Year()), true
		}
		if x.hasDocRange && (e.years == 0 || x.docRange.End.Year()-x.docRange.Start.Year() == e.years) {
			return x.docRange, true
		}
		if x.hasDocP && x.docP.Type == pipeline.Range {
			return x.docP, true
		}
		if x.hasDate && e.years > 0 {
			return pipeline.RangePeriod(x.date.Year()-e.years, x.date.Year()), true
		}
	case tkPrevTerm:
		// A term the report names that has run its course by the report's
		// year ("Nhìn lại nhiệm kỳ 2020-2025", dated 2025) is the one past.
		if x.hasTerm && x.hasDate && x.term.Start.Year() < x.date.Year() && x.term.End.Year() <= x.date.Year() {
			return x.term, true
		}
		// The congress is for the term that starts in its year: the term
		// before it ran as long, ending then.
		if x.hasTerm {
			n := x.term.End.Year() - x.term.Start.Year()
			return pipeline.RangePeriod(x.term.Start.Year()-n, x.term.Start.Year()), true
		}
		if x.hasDate {
			return pipeline.RangePeriod(x.date.Year()-5, x.date.Year()), true
		}
		return pipeline.Period{}, false
	}
	return x.fallbackPeriod("")
}

// inQuotedName tells a number inside a short quotation, the name of a model
// or a movement (mô hình “Mỗi tuần 1 con đường”), from a figure.
func inQuotedName(toks []token, i int) bool {
	open := -1
	for j := i - 1; j >= 0 && i-j <= 14; j-- {
		if toks[j].kind == tPunct && (toks[j].text == "”" || toks[j].text == ";") {
			return false
		}
		if toks[j].kind == tPunct && toks[j].text == "“" {
			open = j
			break
		}
	}
	if open < 0 {
		return false
	}
	for j := i + 1; j < len(toks) && j-open <= 16; j++ {
		if toks[j].kind == tPunct && toks[j].text == "”" {
			return true
		}
		if toks[j].kind == tPunct && toks[j].text == "“" {
			return false
		}
	}
	return false
}

func inSpans(spans []span, i int) bool {
	for _, sp := range spans {
		if i >= sp.start && i < sp.end {
			return true
		}
	}
	return false
}

// otherProgramme: a model count named in quotes right after its unit by a
// name that is not the movement's own (cues.tsv, own_name): "120 mô hình
// “Chi hội phụ nữ 5 không, 3 sạch”" counts another programme's models,
// "120 mô hình “Dân vận khéo”" the movement's.
func (x *extraction) otherProgramme(c *sentCtx, cd *cand) bool {
	if !strings.HasPrefix(cd.unitClass, "model") {
		return false
	}
	toks := c.toks
	open := tokAt(toks, cd.unitEnd)
	if open.kind != tPunct || (open.text != "“" && open.text != "\"") {
		return false
	}
	closing := "”"
	if open.text == "\"" {
		closing = "\""
	}
	end := cd.unitEnd + 1
	for end < len(toks) && !isPunct(toks, end, closing) {
		end++
	}
	for _, sp := range c.cues {
		if sp.start > cd.unitEnd && sp.start < end && sp.has("own_name") {
			return false
		}
	}
	return end > cd.unitEnd+1
}

// normKey is a unit class and a value refused as a plan, proposal or rate.
type normKey struct {
	class string
	value float64
}

// notOutcome: an exclusion kind that makes a figure no outcome of the
// period (exclusions.tsv): a plan or target, a proposal, a per-unit norm.
func notOutcome(class string) bool {
	return class == "plan" || class == "proposal" || class == "per_unit"
}
