// Package narrative reads indicator figures out of Vietnamese prose: press
// articles and committee reports on mass-mobilisation work ("Dân vận khéo",
// hiến đất, Quỹ Vì người nghèo), as plain UTF-8 text or Word .docx.
//
// It is rule-based so every figure can be explained (Options.Explain says
// why each other number was left out). A number is a measurement only when
// a unit or classifier noun follows it ("392 cuộc", "2.000 mô hình", "4,3 tỷ
// đồng", "307,3ha") or it is the value of a "số …" subject; its indicator
// comes from that noun and the cue words around it: the verb that governs
// it and the verbs chained to that one (đăng ký và thực hiện; vận động …
// hỗ trợ), the words after the noun, the verb of the list it is an item of.
// Dates, document numbers, ordinals, proposals, plans, deltas, rates,
// prices, money given out, walls and sheds are refused by exclusion cues;
// the parts of a total are kept or refused by what they are (a category or
// a tier, or a breakdown by sector or level); a named household or firm
// inside a stated total is an example, not a figure. The Vietnamese words
// are data in lexicon/*.tsv, embedded, so the rules grow without code.
//
// Periods come from the time adverbials of the figure's own clause, then of
// its sentence, then from the document: the adverbial opening an earlier
// sentence of its section, a heading, the period the report announces, the
// report's date. A figure nothing dates is kept with UnknownPeriod. Places
// come from the subject of the clause or of the paragraph, then from what
// the whole text is about. Repeats (title, caption, body) are taken once.
//
// Score and Extractor.EvaluateDir measure the extraction against an answer key in
// the format of the project's sample texts.
package narrative

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

// MaxTextBytes bounds the text of one report (after reading a .docx).
const MaxTextBytes = 8 << 20

// Options gives what the text may not say.
type Options struct {
	// ReportDate is the day "đến nay" refers to when the text names no date
	// of its own (no dateline, no "ngày … tháng … năm …").
	ReportDate time.Time
	// Province and District are used when the text names no place.
	Province, District string
	// Explain, if set, receives one line for each number of the text that
	// was not taken as a figure, saying why: what an analyst needs to
	// grow the lexicon.
	Explain io.Writer
}

// Figure is one indicator value read from a sentence.
type Figure struct {
	Indicator string // catalogue code
	Value     float64
	Qualifier pipeline.Qualifier
	Unit      string // the unit noun as reports write it: mô hình, cá nhân, cuộc, đồng, m²
	Period    string // canonical code: 2020, 2023-H1, 2016..2020, to-date@2020-10
	Province  string // canonical name, "" when neither the text nor Options say
	District  string // district or commune, canonical name; "" for the province itself
	// DistrictType is the type of District (huyen, thi_xa, thanh_pho, xa,
	// phuong, thi_tran) when known, so "Kỳ Anh" resolves to the right unit.
	DistrictType  string
	Quote         string // exact substring of Sentence holding the figure
	Sentence      string
	SentenceIndex int // 1-based; Rows writes it as "câu N"
}

// Extractor reads figures. It is safe for concurrent use.
type Extractor struct {
	ref  *pipeline.Reference
	opts Options
	// with and without diacritics
	lx, lxFold   *lexicon
	gaz, gazFold *gazetteer
}

// New builds an extractor over the reference (for the indicator catalogue and
// the names of districts and communes) and the embedded lexicon.
func New(ref *pipeline.Reference, opts Options) (*Extractor, error) {
	if ref == nil {
		return nil, errors.New("narrative: nil reference")
	}
	raw, err := readLexicon(lexiconFS)
	if err != nil {
		return nil, fmt.Errorf("narrative: %w", err)
	}
	return newWith(ref, opts, raw)
}

// newWith builds an extractor over a lexicon already read (the tests'
// leave-one-out check removes one line at a time).
func newWith(ref *pipeline.Reference, opts Options, raw rawLexicon) (*Extractor, error) {
	var err error
	inds := map[string]bool{}
	for _, ind := range ref.Indicators {
		inds[ind.Code] = true
	}
	var fields []string
	for _, d := range ref.Disaggregations {
		// Only names of two words or more: "tỉnh" or "KT" alone are not
		// breakdown labels in prose.
		for _, n := range append([]string{d.LabelVI}, d.Aliases...) {
			if d.Dimension == "field" && len(strings.Fields(n)) >= 2 {
				fields = append(fields, n)
			}
		}
	}
	e := &Extractor{ref: ref, opts: opts}
	if e.lx, err = buildLexicon(raw, false, fields, inds); err != nil {
		return nil, fmt.Errorf("narrative: %w", err)
	}
	if e.lxFold, err = buildLexicon(raw, true, fields, inds); err != nil {
		return nil, fmt.Errorf("narrative: %w", err)
	}
	e.gaz = newGazetteer(e.lx.k, ref, raw)
	e.gazFold = newGazetteer(e.lxFold.k, ref, raw)
	return e, nil
}

// Extract reads the figures of one report. name is used in errors and to
// recognise .docx files (also recognised by their zip signature). A text
// that cannot be read is a *pipeline.FileError.
func (e *Extractor) Extract(name string, data []byte) ([]Figure, error) {
	text, err := readText(name, data)
	if err != nil {
		return nil, err
	}
	x := e.newExtraction(text)
	return x.run(), nil
}

// Rows converts the figures of one report to raw rows for validation: values
// in plain machine form in the indicator's unit, the sentence as the quote.
func (e *Extractor) Rows(name string, data []byte) ([]pipeline.RawRow, error) {
	figs, err := e.Extract(name, data)
	if err != nil {
		return nil, err
	}
	rows := make([]pipeline.RawRow, 0, len(figs))
	for _, f := range figs {
		unit := f.District
		if unit != "" && f.DistrictType != "" {
			unit = typeWords[f.DistrictType] + " " + unit
		}
		period := f.Period
		if period == UnknownPeriod {
			// Nothing in the report dates it: validation says the period is
			// missing and keeps the row, quote and all, for a person to date.
			period = ""
		}
		rows = append(rows, pipeline.RawRow{
			Ref:       fmt.Sprintf("câu %d", f.SentenceIndex),
			Province:  f.Province,
			Unit:      unit,
			Period:    period,
			Indicator: f.Indicator,
			Value:     strconv.FormatFloat(f.Value, 'f', -1, 64),
			Plain:     true,
			Qualifier: string(f.Qualifier),
			Origin:    pipeline.FromExtracted,
			Quote:     f.Sentence,
		})
	}
	return rows, nil
}

var typeWords = map[string]string{"huyen": "huyện", "thi_xa": "thị xã", "thanh_pho": "thành phố", "xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}

// readText turns the file into NFC UTF-8 text.
func readText(name string, data []byte) (string, error) {
	if isDocx(name, data) {
		t, err := docxText(data)
		if err != nil {
			return "", &pipeline.FileError{File: name, Code: "unreadable_docx",
				Reason:   "Không đọc được tệp Word (.docx): " + err.Error() + ".",
				ReasonEN: "Cannot read the Word (.docx) file: " + err.Error() + "."}
		}
		data = []byte(t)
	}
	if len(data) > MaxTextBytes {
		return "", &pipeline.FileError{File: name, Code: "too_large",
			Reason:   fmt.Sprintf("Văn bản quá dài (%d byte; tối đa %d).", len(data), MaxTextBytes),
			ReasonEN: fmt.Sprintf("The text is too long (%d bytes; at most %d).", len(data), MaxTextBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return "", &pipeline.FileError{File: name, Code: "not_utf8",
			Reason:   "Văn bản không phải UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258); lưu lại dưới dạng UTF-8 rồi gửi lại.",
			ReasonEN: "The text is not UTF-8 (maybe TCVN3, VNI or Windows-1258); save it as UTF-8 and send it again."}
	}
	return norm.NFC.String(string(data)), nil
}

// extraction is the state of reading one text.
type extraction struct {
	e       *Extractor
	lx      *lexicon
	gaz     *gazetteer
	opts    Options
	text    string
	sents   []sentence
	date    time.Time
	hasDate bool
	docP    pipeline.Period
	hasDocP bool
	// the period the report is of: docP, else the one its title names
	// (ownPeriod); figures of earlier ones set beside it are comparisons
	ownP    pipeline.Period
	hasOwnP bool
	// the report's own place
	province, unit, utype string
	// per sentence: places named, time adverbials (computed when needed)
	mentionsOf  [][]mention
	times       [][]timeExpr
	context     []sentContext
	paraSubject []subjectAt
	// provinces the text names (not only through a commune's name)
	confirmed map[string]bool
	// the paragraph after the header lines (URL:, DATE:), whose first
	// sentences are the lead
	leadPara, leadFirst int
	// the congress term the report is about (nhiệm kỳ 2020-2025)
	term    pipeline.Period
	hasTerm bool
	// the first span of years the report names in its title or lead
	// the text is about the whole country, not a province (docPlace)
	national    bool
	docRange    pipeline.Period
	hasDocRange bool
	// tables' total rows (tableRows), left out when their rows are units
	// of their own (totalsOfUnits)
	tableTotals []tableTotal
	// lines giving the unit of what follows ("ĐVT kinh phí: triệu đồng"),
	// by sentence, in order (declarations)
	decls []declared
	// the figures taken from the sentence before the one being read: a
	// sentence opening with "Trong đó" or "Riêng" may list their parts
	// (sentenceFigures)
	prevCands []*cand
	// normSums: what the sentence before refused as a plan, proposal or
	// rate, by unit class and value.
	normSums map[normKey]bool
	// by indicator, the largest total refused as another scope's (a
	// national total): named donors smaller than it are its examples
	otherTotals map[string]float64
	// the figures the body states as plans or targets: a title giving
	// one of them restates the plan (run)
	planned map[planKey]bool
}

// planKey is an indicator and a value.
type planKey struct {
	ind string
	v   float64
}

func (e *Extractor) newExtraction(text string) *extraction {
	text = cellLines(text)
	x := &extraction{e: e, lx: e.lx, gaz: e.gaz, opts: e.opts, text: text}
	if !hasDiacritics(text) {
		x.lx, x.gaz = e.lxFold, e.gazFold
	}
	toks := tokenize(text)
	for i := range toks {
		if toks[i].kind != tPunct {
			toks[i].key = x.lx.k.of(toks[i].text)
		}
	}
	toks = x.joinSpacedGroups(text, toks)
	x.loneMultipliers(toks)
	toks = mergeNumerals(toks, x.lx.numerals, x.lx.k.of("thứ"), func(toks []token, i int) counting {
		if es, _ := x.lx.mult.at(toks, i); len(es) > 0 {
			return byMultiplier
		}
		if es, _ := x.lx.units.at(toks, i); len(es) > 0 || x.congClosing(toks, i) {
			return byUnit
		}
		return notCounted
	}, func(toks []token, i int) bool {
		for j := max(i-3, 0); j < i; j++ {
			if es, end := x.lx.quals.at(toks, j); len(es) > 0 && end == i {
				return true
			}
		}
		return false
	})
	x.sents = splitSentences(text, toks)
	x.relatedHeadlines()
	x.declarations()
	x.tableRows()
	x.listItems()
	x.respectively()
	return x
}

// relatedHeadlines drops the headlines a news page lists under a line of
// its own naming other articles ("Tin liên quan", exclusions.tsv related):
// the lines after it to the next blank line, or the block after a blank line
// when it stands alone. Their figures are the other pages'.
func (x *extraction) relatedHeadlines() {
	// blank: a blank line stands between sentence m-1 and m
	blank := func(m int) bool {
		gap := x.text[x.sents[m-1].end:x.sents[m].start]
		return strings.Count(gap, "\n") >= 2
	}
	for n := 0; n < len(x.sents); n++ {
		s := &x.sents[n]
		i := 0
		for i < len(s.toks) && s.toks[i].kind == tPunct {
			i++ // a bullet
		}
		sp, ok := spanAt(x.lx.excl.spans(s.toks), i)
		if !ok || !sp.has("related") {
			continue
		}
		end := sp.end
		if isPunct(s.toks, end, ":") {
			end++
		}
		if end < len(s.toks) && !s.toks[end].nl {
			continue // words after it on its line: prose, not a heading
		}
		heading := x.text[s.toks[i].start:s.toks[sp.end-1].end]
		rest := end < len(s.toks) // headlines on the lines after it, in its sentence
		if rest {
			x.logf("câu %d: headlines of other articles, under «%s»", s.index, heading)
			s.toks = s.toks[:end]
		}
		m := n + 1
		if !rest && m < len(x.sents) && blank(m) {
			x.logf("câu %d: a headline of another article, under «%s»", x.sents[m].index, heading)
			x.sents[m].toks = nil
			m++
		}
		for ; m < len(x.sents) && !blank(m); m++ {
			x.logf("câu %d: a headline of another article, under «%s»", x.sents[m].index, heading)
			x.sents[m].toks = nil
		}
		n = m - 1
	}
}

func (x *extraction) logf(format string, args ...any) {
	if x.opts.Explain != nil {
		fmt.Fprintf(x.opts.Explain, format+"\n", args...)
	}
}

func (x *extraction) run() []Figure {
	x.times = make([][]timeExpr, len(x.sents))
	x.leadPara = -1
	// The lead is the first paragraph of the text, under its title.
	for _, s := range x.sents {
		if !isHeader(s.toks) && !s.heading {
			x.leadPara, x.leadFirst = s.para, s.index-1
			break
		}
	}
	x.date, x.hasDate = x.reportDate(x.sents)
	x.totalsOfUnits()
	x.docP, x.hasDocP = x.docPeriod()
	x.ownP, x.hasOwnP = x.ownPeriod()
	x.term, x.hasTerm = x.congressTerm()
	x.docRange, x.hasDocRange = x.leadRange()
	x.context = x.contexts()
	all := make([][]mention, len(x.sents))
	for n := range x.sents {
		all[n] = x.mentions(x.sents[n].toks)
	}
	x.mentionsOf = all
	x.paraSubject = x.paraSubjects()
	x.province, x.unit, x.utype = x.docPlace(all)
	var figs []fig
	x.planned = map[planKey]bool{}
	x.normSums = nil
	for n := range x.sents {
		figs = append(figs, x.sentenceFigures(&x.sents[n], all[n])...)
	}
	// A title or caption giving the figure the body states as a plan
	// ("Vận động 10 tỷ đồng …", "… phấn đấu đến cuối năm đạt 10 tỷ
	// đồng") restates the plan.
	kept := figs[:0]
	for _, f := range figs {
		if !(f.heading && x.planned[planKey{f.Indicator, math.Round(f.Value)}]) {
			kept = append(kept, f)
		}
	}
	return dedupe(kept, x.otherTotals)
}

// isHeader tells the "URL: …" and "DATE: …" lines of a saved page.
func isHeader(toks []token) bool {
	return len(toks) >= 2 && toks[0].kind == tWord && toks[0].caps && (toks[0].text == "URL" || toks[0].text == "DATE") && isPunct(toks, 1, ":")
}

// dedupe keeps one figure of each that the text repeats: a title, a caption
// and the body saying the same thing. Figures with the same indicator, value
// and qualifier in different sentences are one unless their own sentences
// give them different periods or places; in one sentence they are two
// (two bodies each awarding 60 people). The body's first statement is kept.
// A heading's or lead's rounded figure ("hơn 8 triệu m2") gives way to the
// body's exact one.
//
// A named person's, household's or firm's figure is dropped when the text
// gives a larger total of the same indicator before it: it is an example of
// that total, not a figure of its own. other holds totals the text gives
// that are no figure of their own (a national total), by indicator.
//
// Work is kept near linear in the number of figures, as a long report may
// have thousands: repeats are compared within groups of equal value.
func dedupe(figs []fig, other map[string]float64) []Figure {
	drop := make([]bool, len(figs))
	// Examples: a named donor's figure smaller than a total the text
	// gives, before or after it ("… Công ty X góp 300 triệu đồng … Cả
	// năm, Quỹ của huyện nhận được 1,6 tỷ đồng").
	largest := map[string]float64{}
	for ind, v := range other {
		largest[ind] = v
	}
	for i := range figs {
		if f := &figs[i]; !f.example {
			largest[f.Indicator] = max(largest[f.Indicator], f.Value)
		}
	}
	for i := range figs {
		if f := &figs[i]; f.example {
			drop[i] = f.Value < largest[f.Indicator]
		}
	}
	// A title's, caption's or lead's rounding of a figure the body gives
	// (for a title or caption, the lead is body too).
	body := map[string][]int{}
	for i := range figs {
		if !figs[i].heading {
			body[kind(figs[i].Indicator)] = append(body[kind(figs[i].Indicator)], i)
		}
	}
	for i := range figs {
		if !figs[i].lead || drop[i] {
			continue
		}
		for _, j := range body[kind(figs[i].Indicator)] {
			if !drop[j] && rounds(&figs[i], &figs[j]) {
				drop[i] = true
				break
			}
		}
	}
	// A title's or caption's count that says less than a sentence of the
	// text giving the same number ("12.846 mô hình" in a caption, "12.846
	// mô hình được công nhận" in the lead) restates it. One that says
	// something else of it (recognised in the title, effective in the
	// body) is a figure of its own.
	said := map[float64]bool{}
	for i := range figs {
		if !figs[i].heading && !drop[i] && family(figs[i].Indicator) != "" {
			said[math.Round(figs[i].Value)] = true
		}
	}
	for i := range figs {
		if figs[i].heading && !drop[i] && figs[i].Indicator == family(figs[i].Indicator) && said[math.Round(figs[i].Value)] {
			drop[i] = true
		}
	}
	// A title's count of collectives and individuals together ("Bằng khen
	// cho 30 tập thể và cá nhân") that the text splits (18 tập thể, 12 cá
	// nhân) restates the split: its sum, not a figure of its own.
	collectives := map[float64]bool{}
	for i := range figs {
		if !figs[i].heading && strings.HasSuffix(figs[i].Indicator, "_collective") {
			collectives[figs[i].Value] = true
		}
	}
	for i := range figs {
		if !figs[i].heading || figs[i].class != "both" || drop[i] {
			continue
		}
		for j := range figs {
			if !figs[j].heading && strings.HasSuffix(figs[j].Indicator, "_individual") && collectives[figs[i].Value-figs[j].Value] {
				drop[i] = true
				break
			}
		}
	}
	// Repeats: the same value, grouped, whatever its qualifier ("hiến
	// 12.000m2 đất", later "hiến tổng cộng hơn 12.000m2"); the best
	// statement of each group first.
	type key struct {
		kind string
		v    float64
	}
	groups := map[key][]int{}
	for i := range figs {
		if drop[i] {
			continue
		}
		f := &figs[i]
		k := key{f.Indicator, math.Round(f.Value)}
		if exemplarOrModel[f.Indicator] {
			k.kind = "models or exemplars"
		}
		groups[k] = append(groups[k], i)
	}
	for _, g := range groups {
		sort.SliceStable(g, func(a, b int) bool { return better(&figs[g[a]], &figs[g[b]]) })
		var kept []int
		for _, i := range g {
			for _, k := range kept {
				if figs[k].SentenceIndex != figs[i].SentenceIndex && sameMeaning(&figs[k], &figs[i]) {
					drop[i] = true
					break
				}
			}
			if !drop[i] {
				kept = append(kept, i)
			}
		}
	}
	out := make([]Figure, 0, len(figs))
	for i, f := range figs {
		if !drop[i] {
			out = append(out, f.Figure)
		}
	}
	return out
}

// kind is the family of an indicator for rounding: any count of models is
// one kind.
func kind(ind string) string {
	if f := family(ind); f != "" {
		return f
	}
	return ind
}

// sameMeaning: the two could be one figure told twice. Counts of "mô hình,
// điển hình" are models to one sentence and exemplars to another.
func sameMeaning(a, b *fig) bool {
	same := a.Indicator == b.Indicator ||
		(a.class == "model_exemplar" || b.class == "model_exemplar") && exemplarOrModel[a.Indicator] && exemplarOrModel[b.Indicator]
	if !same {
		return false
	}
	if a.dated && b.dated && a.Period != b.Period && !yearToDate(a, b) && !yearToDate(b, a) {
		return false
	}
	if a.placed && b.placed && (a.Province != b.Province || a.District != b.District) {
		// A title naming the province restates what the body says of
		// one of its districts ("… ở Hà Tĩnh hiến gần 400m2 đất").
		title := a.heading != b.heading && a.Province == b.Province && (a.District == "" || b.District == "")
		if !title {
			return false
		}
	}
	return true
}

// yearToDate: a title's or caption's year ("Năm 2023, Quỹ … vận động được
// hơn 2,5 tỷ đồng") and the body's sum to a date of that year ("Tính đến
// ngày 30-12-2023, Quỹ … đã vận động được …") date one sum.
func yearToDate(title, body *fig) bool {
	return title.heading && !body.heading && len(title.Period) == 4 &&
		strings.HasPrefix(body.Period, "to-date@") && periodYear(body.Period) == title.Period
}

var exemplarOrModel = map[string]bool{"models_total": true, "exemplars_total": true}

// better tells whether a is the statement to keep over b.
func better(a, b *fig) bool {
	if a.heading != b.heading {
		return !a.heading
	}
	return a.start < b.start
}

// rounds: a is a title's, a caption's or a lead's round figure ("hơn 300
// mô hình") that the body gives exactly (312 mô hình được đăng ký): same kind of count,
// within 10%, on the side the qualifier says.
//
// The body may itself say "hơn" or "gần" ("hơn 24,5 tỷ đồng" under a title's
// "hơn 24 tỷ đồng"): then the rounding says the same, on the same side.
func rounds(a, b *fig) bool {
	if !a.lead || b.heading || !a.heading && b.lead || a.Value == b.Value || !roughly(a.Value, b.Value) {
		return false
	}
	if b.Qualifier != pipeline.Exact && (b.Qualifier != a.Qualifier || b.Qualifier == pipeline.AtLeast && a.Value > b.Value || b.Qualifier == pipeline.AtMost && a.Value < b.Value) {
		return false
	}
	// A heading may round without saying so ("8 triệu m2"); a lead says
	// "hơn", "gần".
	if !a.heading && (a.Qualifier == pipeline.Exact || !round(a.Value)) {
		return false
	}
	if a.Qualifier == pipeline.AtLeast && b.Value < a.Value || a.Qualifier == pipeline.AtMost && b.Value > a.Value {
		return false
	}
	// A lead's "năm 2023" and the body's "tính đến 20/11/2023" date one sum.
	if a.dated && b.dated && a.Period != b.Period && periodYear(a.Period) != periodYear(b.Period) || a.placed && b.placed && a.District != b.District {
		return false
	}
	return a.Indicator == b.Indicator || family(a.Indicator) != "" && family(a.Indicator) == family(b.Indicator)
}

// round: a value written to the hundred (500, 2.000, 8 triệu).
func round(v float64) bool { return v >= 100 && math.Mod(v, 100) == 0 }

// roughly: within the rounding of a headline (10%).
func roughly(a, b float64) bool {
	return math.Abs(a-b) <= 0.1*math.Max(math.Abs(a), math.Abs(b))
}

// periodYear is the last year a period code reaches ("2023", "to-date@2023-11",
// "2016..2020" → 2020), "" when it names none.
func periodYear(code string) string {
	if i := strings.LastIndex(code, ".."); i >= 0 {
		code = code[i+2:]
	}
	code = strings.TrimPrefix(code, "to-date@")
	if len(code) >= 4 {
		return code[:4]
	}
	return ""
}
