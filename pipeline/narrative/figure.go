package narrative

import (
	"math"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// cand is a number that passed the checks of its own words, before the
// sentence-level checks (breakdowns) and the period and place.
type cand struct {
	qStart, numStart, numEnd, unitEnd int // token indexes
	value                             float64
	qual                              pipeline.Qualifier
	unit, unitClass                   string
	indicator                         string
	govern                            int // token index of the governing left cue, -1 if none
	quoteStart, quoteEnd              int
	clauseStart, clauseEnd            int
}

// sentCtx is what the checks of one sentence share.
type sentCtx struct {
	s                        *sentence
	toks                     []token
	cues, excl, quals, field []span
	clauses                  [][2]int
	times                    []timeExpr
	mentions                 []mention
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

func (x *extraction) sentenceFigures(s *sentence, ms []mention) []Figure {
	toks := s.toks
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
		quals: x.lx.quals.spans(toks), field: x.lx.fields.spans(toks), times: x.timeExprs(toks), mentions: ms}
	start := 0
	for i, t := range toks {
		if t.kind == tPunct && t.text == ";" {
			c.clauses = append(c.clauses, [2]int{start, i})
			start = i + 1
		}
	}
	c.clauses = append(c.clauses, [2]int{start, len(toks)})

	var cands []*cand
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tNum || x.inTime(c, i) {
			continue
		}
		if inQuotedName(toks, i) {
			x.logf("câu %d: %q: inside a quoted name", s.index, toks[i].text)
			continue
		}
		cd, why := x.candidate(c, i)
		if cd == nil {
			if why != "" {
				x.logf("câu %d: %q: %s", s.index, toks[i].text, why)
			}
			continue
		}
		cands = append(cands, cd)
		i = cd.unitEnd - 1
	}
	cands = x.dropParts(c, cands)
	var out []Figure
	for _, cd := range cands {
		f, why := x.figure(c, cd)
		if why != "" {
			x.logf("câu %d: %q: %s", s.index, toks[cd.numStart].text, why)
			continue
		}
		out = append(out, f)
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

// candidate reads the number at toks[i] with its qualifier and unit, and
// decides its indicator, or says why it is not a figure.
func (x *extraction) candidate(c *sentCtx, i int) (*cand, string) {
	toks := c.toks
	t := toks[i]
	prev := tokAt(toks, i-1)
	if i > 0 && !t.space && prev.kind == tPunct && strings.Contains("/-–.:,", prev.text) {
		return nil, "part of a date or document number"
	}
	if i > 0 && !t.space && prev.kind == tWord {
		return nil, "glued to a word"
	}
	// The number, with multipliers: "4,3 tỷ", "1 tỷ 250 triệu".
	parts := []string{t.text}
	j := i + 1
	mult := false
	if es, j2 := x.lx.mult.at(toks, j); len(es) > 0 {
		parts = append(parts, toks[j].text)
		j, mult = j2, true
		for j+1 < len(toks) && toks[j].kind == tNum {
			es, j3 := x.lx.mult.at(toks, j+1)
			if len(es) == 0 {
				break
			}
			parts = append(parts, toks[j].text, toks[j+1].text)
			j = j3
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
	cd := &cand{qStart: i, numStart: i, numEnd: j, value: n.Value, qual: pipeline.Exact, govern: -1}
	cd.clauseStart, cd.clauseEnd = c.clauseOf(i)
	// The unit noun.
	es, ue := x.lx.units.at(toks, j)
	factor := 1.0
	switch {
	case len(es) > 0:
		cd.unitClass, cd.unit = es[0].class, es[0].col(0)
		factor, _ = strconv.ParseFloat(es[0].col(1), 64)
		cd.unitEnd = ue
	case mult && (j >= len(toks) || toks[j].kind == tPunct):
		cd.unitClass, cd.unit, cd.unitEnd = "money", "đồng", j
	default:
		return nil, ""
	}
	cd.value *= factor
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
	// Words just before: tăng 276 (a delta), số 32 (a document), lần thứ 3.
	if sp, ok := endingAt(c.excl, cd.qStart); ok {
		for _, e := range sp.e {
			if e.col(0) == "immediate" && e.class != "allow" {
				return nil, "after «" + e.phrase + "» (" + e.class + ")"
			}
		}
	}
	// Words just after: 200 mô hình mỗi năm, 5 triệu đồng/m2.
	if a := tokAt(toks, cd.unitEnd); a.kind == tPunct && a.text == "/" && tokAt(toks, cd.unitEnd+1).kind == tWord {
		return nil, "a rate (per …)"
	}
	for _, sp := range c.excl {
		if sp.start < cd.unitEnd || sp.start > cd.unitEnd+3 {
			continue
		}
		for _, e := range sp.e {
			w, _ := strconv.Atoi(e.col(1))
			if e.col(0) == "after" && words(toks, cd.unitEnd, sp.start) < w {
				return nil, "before «" + e.phrase + "» (" + e.class + ")"
			}
		}
	}
	if ind, ok := x.indicator(c, cd); !ok {
		return nil, ind
	} else {
		cd.indicator = ind
	}
	if why := x.excludedBefore(c, cd); why != "" {
		return nil, why
	}
	if x.e.ref.Indicator(cd.indicator).Integer && cd.value != math.Trunc(cd.value) {
		return nil, "a count that is not a whole number"
	}
	return cd, ""
}

// npEnd is the end of the noun phrase after the unit: up to punctuation that
// ends a phrase, the next number, or ten words.
func npEnd(toks []token, from, limit int) int {
	w := 0
	for j := from; j < limit; j++ {
		t := toks[j]
		if t.kind == tNum {
			return j
		}
		if t.kind == tPunct && strings.Contains(",;:.()[]!?…", t.text) {
			return j
		}
		if t.kind == tWord {
			w++
			if w > 10 {
				return j
			}
		}
	}
	return limit
}

// indicator applies rules.tsv to the figure's unit and cues.
func (x *extraction) indicator(c *sentCtx, cd *cand) (string, bool) {
	toks := c.toks
	uc := x.lx.classes[cd.unitClass]
	near := map[string]int{} // class -> token index of the cue (for the quote)
	nearEnd := map[string]int{}
	end := npEnd(toks, cd.unitEnd, cd.clauseEnd)
	for _, sp := range c.cues {
		if sp.start >= cd.unitEnd && sp.start < end {
			for _, e := range sp.e {
				if _, ok := near[e.class]; !ok {
					near[e.class] = sp.start
				}
				nearEnd[e.class] = sp.end
			}
		}
	}
	// "2.120 tập thể, 3.540 cá nhân được khen thưởng": coordinated figures
	// share the words after the last of them.
	for n := 0; n < 3 && end < cd.clauseEnd; n++ {
		j := end
		for j < cd.clauseEnd && (isPunct(toks, j, ",") || isKey(toks, j, x.lx.k.of("và"))) {
			j++
		}
		if j == end || j >= cd.clauseEnd || toks[j].kind != tNum {
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
		end = npEnd(toks, ue, cd.clauseEnd)
		for _, sp := range c.cues {
			if sp.start >= ue && sp.start < end {
				for _, e := range sp.e {
					if _, ok := near[e.class]; !ok {
						near[e.class] = -1
					}
				}
			}
		}
	}
	// Left, nearest first, up to the governing cue.
	for n := len(c.cues) - 1; n >= 0; n-- {
		sp := c.cues[n]
		if sp.end > cd.qStart {
			continue
		}
		if sp.start < cd.clauseStart || words(toks, sp.end, cd.qStart) > uc.window {
			break
		}
		stop := false
		for _, e := range sp.e {
			if _, ok := near[e.class]; !ok {
				near[e.class] = sp.start
				nearEnd[e.class] = sp.end
			}
			if uc.govern[e.class] {
				stop = true
			}
		}
		if stop {
			cd.govern = sp.start
			break
		}
	}
	clause := map[string]bool{}
	for _, sp := range c.cues {
		if sp.start >= cd.clauseStart && sp.end <= cd.clauseEnd {
			for _, e := range sp.e {
				clause[e.class] = true
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
			} else {
				_, has := near[t.class]
				ok = ok && has
			}
		}
		if !ok {
			continue
		}
		if r.indicator == "-" {
			return "refused by rule " + strconv.Itoa(r.line) + " (" + cd.unitClass + ")", false
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
		return r.indicator, true
	}
	return "", false
}

// excludedBefore refuses figures under a proposal, plan or target, a per-unit
// norm, or a person's name: the words are looked for before the number and
// before the verb that governs it, in the same clause.
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
			for _, a := range anchors {
				if sp.end <= a && words(toks, sp.end, a) <= w {
					near = true
				}
			}
			if !near {
				continue
			}
			flags := e.col(2)
			if strings.Contains(flags, "name") {
				nx := tokAt(toks, sp.end)
				if toks[sp.start].upper || nx.kind != tWord || !nx.upper {
					continue
				}
			}
			if v, ok := strings.CutPrefix(flags, "notafter="); ok && sp.start > 0 && toks[sp.start-1].key == x.lx.k.of(v) {
				continue
			}
			return "under «" + e.phrase + "» (" + e.class + ")"
		}
	}
	return ""
}

// dropParts refuses the parts of a total given in the same clause: after
// "trong đó", "gồm", in brackets, or named by a field (kinh tế 400 mô hình)
// after an unlabelled total of the same indicator.
func (x *extraction) dropParts(c *sentCtx, cands []*cand) []*cand {
	toks := c.toks
	labelled := func(cd *cand, from int) bool {
		for _, sp := range c.field {
			if sp.start >= from && sp.end <= cd.qStart && words(toks, sp.end, cd.qStart) <= 3 {
				return true
			}
		}
		return false
	}
	var kept []*cand
	prevEnd := map[*cand]int{}
	last := 0
	for _, cd := range cands {
		prevEnd[cd] = last
		last = cd.unitEnd
	}
	for _, cd := range cands {
		part := false
		for _, p := range kept {
			if p.clauseStart != cd.clauseStart {
				continue
			}
			opener := -1
			for j := p.unitEnd; j < cd.qStart; j++ {
				if toks[j].kind == tPunct && (toks[j].text == "(" || toks[j].text == ":") {
					opener = j
				}
				if toks[j].kind == tPunct && toks[j].text == ")" {
					opener = -1
				}
			}
			for _, sp := range c.excl {
				if sp.start >= p.unitEnd && sp.end <= cd.qStart {
					for _, e := range sp.e {
						if e.class == "breakdown" && sp.start > opener {
							opener = sp.start
						}
					}
				}
			}
			if opener >= 0 && (cd.indicator == p.indicator || cd.govern < opener) {
				part = true
			}
		}
		// A labelled figure after an unlabelled one of the sentence is a part,
		// also across ";" when the list runs on ("trong đó: kinh tế 400 mô
		// hình; văn hóa - xã hội 300 mô hình").
		for _, p := range kept {
			if labelled(cd, prevEnd[cd]) && !labelled(p, prevEnd[p]) &&
				(cd.indicator == p.indicator || cd.govern < cd.clauseStart || inSpans(c.field, cd.govern)) {
				part = true
			}
		}
		if part {
			x.logf("câu %d: %q: part of a total given before it", c.s.index, toks[cd.numStart].text)
			continue
		}
		kept = append(kept, cd)
	}
	return kept
}

// figure gives a candidate its period and place.
func (x *extraction) figure(c *sentCtx, cd *cand) (Figure, string) {
	p, ok := x.period(c, cd)
	if !ok {
		return Figure{}, "no period (a cumulative total and no report date)"
	}
	if !x.valid(p) {
		return Figure{}, "period " + p.Code + " is after the report date: a plan or target"
	}
	prov, unit, utype := x.province, x.unit, x.utype
	for n := len(c.mentions) - 1; n >= 0; n-- {
		m := c.mentions[n]
		if m.end > cd.qStart || m.start < cd.clauseStart {
			continue
		}
		// An organisation of a district or commune acts within it ("Huyện ủy
		// Thạch Hà công nhận 45 mô hình"); a province's body named in a
		// sentence is mostly the one giving an award, not whose figure it is.
		if m.org && m.kind != mLocal {
			continue
		}
		switch m.kind {
		case mScopeProvince:
			unit, utype = "", ""
		case mScopeLocal:
		case mProvince:
			prov, unit, utype = m.province, "", ""
		case mLocal:
			unit, utype = m.unit, m.utype
			if m.province != "" {
				prov = m.province
			}
		}
		break
	}
	toks := c.toks
	qs, qe := toks[cd.quoteStart].start, toks[cd.quoteEnd-1].end
	return Figure{
		Indicator: cd.indicator, Value: cd.value, Qualifier: cd.qual, Unit: cd.unit, Period: p.Code,
		Province: prov, District: unit, DistrictType: utype,
		Quote: x.text[qs:qe], Sentence: x.text[c.s.start:c.s.end], SentenceIndex: c.s.index,
	}, ""
}

// period picks the time adverbial that governs the figure: the nearest one
// before it in its comma segment, then one after it in that segment, then the
// nearest before it in the clause, then one opening the sentence, then the
// report's period, then the report's year.
func (x *extraction) period(c *sentCtx, cd *cand) (pipeline.Period, bool) {
	toks := c.toks
	segStart, segEnd := cd.qStart, cd.unitEnd
	for segStart > cd.clauseStart && !(toks[segStart-1].kind == tPunct && toks[segStart-1].text == ",") {
		segStart--
	}
	for segEnd < cd.clauseEnd && !(toks[segEnd].kind == tPunct && toks[segEnd].text == ",") {
		segEnd++
	}
	var before, after, inClause, opening *timeExpr
	for n := range c.times {
		e := &c.times[n]
		if e.kind == tkDate || e.comparison {
			continue
		}
		switch {
		case e.end <= cd.qStart && e.start >= segStart:
			before = e
		case e.start >= cd.unitEnd && e.end <= segEnd && after == nil:
			after = e
		case e.end <= cd.qStart && e.start >= cd.clauseStart:
			inClause = e
		}
		if e.start <= 2 && e.end <= cd.qStart {
			opening = e
		}
	}
	for _, e := range []*timeExpr{before, after, inClause, opening} {
		if e != nil {
			return x.resolve(e)
		}
	}
	return x.fallbackPeriod()
}

func (x *extraction) fallbackPeriod() (pipeline.Period, bool) {
	if x.hasDocP {
		return x.docP, true
	}
	if x.hasDate {
		return pipeline.YearPeriod(x.date.Year()), true
	}
	return pipeline.Period{}, false
}

func (x *extraction) resolve(e *timeExpr) (pipeline.Period, bool) {
	switch e.kind {
	case tkPeriod:
		return e.p, true
	case tkToDate:
		if !x.hasDate {
			return pipeline.Period{}, false
		}
		return pipeline.ToDatePeriod(x.date.Year(), x.date.Month()), true
	case tkDocYear:
		y := 0
		if x.hasDocP && x.docP.Type != pipeline.Range && x.docP.Type != pipeline.ToDate {
			y = x.docP.End.Year()
		} else if x.hasDate {
			y = x.date.Year()
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
	}
	return x.fallbackPeriod()
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
