// Package narrative reads indicator figures out of Vietnamese prose: press
// articles and committee reports on mass-mobilisation work ("Dân vận khéo"),
// as plain UTF-8 text or Word .docx.
//
// It is rule-based so every figure can be explained. A number is a figure
// only when a unit or classifier noun follows it ("392 cuộc", "2.000 mô
// hình", "4,3 tỷ đồng"); the indicator comes from that noun and the cue words
// around it (the verb that governs it: đăng ký, công nhận, khen thưởng, tổ
// chức, hiến, huy động; the words after the noun: "được công nhận", "tiếp
// xúc, đối thoại"). Dates, document numbers, ordinals, proposals, targets,
// deltas, prices and breakdowns are refused by exclusion cues. The Vietnamese
// words are data in lexicon/*.tsv, embedded, so the rules grow without code.
//
// Periods come from the time adverbials nearest the figure (năm 2022, 6 tháng
// đầu năm 2023, giai đoạn 2016-2020, đến nay), then from the period the
// report announces (tổng kết … năm 2022), then from the report's year.
// Places come from the subject of the clause (toàn tỉnh, huyện X), then from
// what the whole text is about.
package narrative

import (
	"bytes"
	"errors"
	"fmt"
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
		rows = append(rows, pipeline.RawRow{
			Ref:       fmt.Sprintf("câu %d", f.SentenceIndex),
			Province:  f.Province,
			Unit:      unit,
			Period:    f.Period,
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
	// the report's own place
	province, unit, utype string
	debug                 func(format string, args ...any)
}

func (e *Extractor) newExtraction(text string) *extraction {
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
	x.sents = splitSentences(text, toks)
	return x
}

func (x *extraction) logf(format string, args ...any) {
	if x.debug != nil {
		x.debug(format, args...)
	}
}

func (x *extraction) run() []Figure {
	x.date, x.hasDate = x.reportDate(x.sents)
	x.docP, x.hasDocP = x.docPeriod(x.sents)
	all := make([][]mention, len(x.sents))
	for n := range x.sents {
		all[n] = x.mentions(x.sents[n].toks)
	}
	x.province, x.unit, x.utype = x.docPlace(all)
	var figs []Figure
	for n := range x.sents {
		figs = append(figs, x.sentenceFigures(&x.sents[n], all[n])...)
	}
	return dedupe(figs)
}

// dedupe drops a figure repeated with the same meaning (a title and its
// body, a caption): the occurrence in the longest sentence stays.
func dedupe(figs []Figure) []Figure {
	type key struct {
		ind, period, prov, dist string
		v                       float64
		q                       pipeline.Qualifier
	}
	best := map[key]int{}
	var order []key
	for i, f := range figs {
		k := key{f.Indicator, f.Period, f.Province, f.District, f.Value, f.Qualifier}
		j, ok := best[k]
		if !ok {
			best[k] = i
			order = append(order, k)
			continue
		}
		if utf8.RuneCountInString(f.Sentence) > utf8.RuneCountInString(figs[j].Sentence) && !strings.EqualFold(f.Sentence, figs[j].Sentence) {
			best[k] = i
		}
	}
	out := make([]Figure, 0, len(order))
	for _, k := range order {
		out = append(out, figs[best[k]])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SentenceIndex < out[j].SentenceIndex })
	return out
}
