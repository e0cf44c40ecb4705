package narrative

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
)

type tokKind uint8

const (
	tWord tokKind = iota
	tNum
	tPunct
)

// token is a word, a number or one punctuation rune of the text, with its byte
// span. A number written in words (numerals.tsv) is one number token whose
// text is its value in digits; its span is the words. key is the form
// lexicon phrases are matched against: pipeline.Key
// (lower case, tone position normalised, diacritics kept) or, for a text
// written without diacritics, pipeline.Fold.
type token struct {
	kind       tokKind
	text       string
	start, end int
	key        string
	space      bool // whitespace before it
	nl         bool // a line break before it
	upper      bool // starts with an upper-case letter
	caps       bool // all letters upper case (titles)
	// link marks a token inside a web address or a file name ("…/123-mo-hinh",
	// "DSC_8825.jpg"): the numbers there are never figures.
	link bool
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '²'
}

// tokenize splits text into tokens. Numbers are digits with "." or "," between
// digits ("15.560", "4,3"); a number glued to letters ("500m2") is split.
func tokenize(text string) []token {
	var toks []token
	space, nl := false, true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			nl, space = true, true
			i += size
			continue
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\ufeff' || r == '\u200b':
			space = true
			i += size
			continue
		}
		t := token{start: i, space: space, nl: nl}
		space, nl = false, false
		switch {
		case r >= '0' && r <= '9':
			j := i
			for j < len(text) {
				c := text[j]
				if c >= '0' && c <= '9' {
					j++
					continue
				}
				if (c == '.' || c == ',') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			t.kind, t.end = tNum, j
		case isWordRune(r):
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
			t.kind, t.end = tWord, j
		default:
			t.kind, t.end = tPunct, i+size
		}
		t.text = text[t.start:t.end]
		if t.kind == tWord {
			first, _ := utf8.DecodeRuneInString(t.text)
			t.upper = unicode.IsUpper(first)
			t.caps = strings.ToUpper(t.text) == t.text && strings.ToLower(t.text) != t.text
		}
		toks = append(toks, t)
		i = t.end
	}
	markLinks(text, toks)
	markStamps(toks)
	return toks
}

// markStamps starts a new line after a page's time stamp ("12/05/2023
// 08:15") followed by a capitalised word: on a saved page it ends the title
// or a teaser, and the body starts after it.
func markStamps(toks []token) {
	digits := func(i, lo, hi int) bool {
		return i < len(toks) && toks[i].kind == tNum && len(toks[i].text) >= lo && len(toks[i].text) <= hi
	}
	punct := func(i int, p string) bool {
		return i < len(toks) && toks[i].kind == tPunct && toks[i].text == p && !toks[i].space
	}
	for i := 0; i+8 < len(toks); i++ {
		if digits(i, 1, 2) && punct(i+1, "/") && digits(i+2, 1, 2) && punct(i+3, "/") && digits(i+4, 4, 4) &&
			digits(i+5, 1, 2) && toks[i+5].space && punct(i+6, ":") && digits(i+7, 2, 2) &&
			toks[i+8].kind == tWord && toks[i+8].upper {
			toks[i+8].nl = true
		}
	}
}

// markLinks flags the tokens of whitespace-delimited chunks that are web
// addresses or file names, and of short lines that end in a file name
// ("DSC_8825 copy.jpg").
func markLinks(text string, toks []token) {
	defer markFileLines(text, toks)
	for i := 0; i < len(toks); {
		j := i + 1
		for j < len(toks) && !toks[j].space {
			j++
		}
		chunk := strings.ToLower(text[toks[i].start:toks[j-1].end])
		if isLink(chunk) {
			for k := i; k < j; k++ {
				toks[k].link = true
			}
		}
		i = j
	}
}

// maxFileLineTokens bounds a line taken whole as a file name.
const maxFileLineTokens = 12

func markFileLines(text string, toks []token) {
	for i := 0; i < len(toks); {
		j := i + 1
		for j < len(toks) && !toks[j].nl {
			j++
		}
		if j-i <= maxFileLineTokens && toks[j-1].link {
			for k := i; k < j; k++ {
				toks[k].link = true
			}
		}
		i = j
	}
}

var fileExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".htm", ".html", ".aspx", ".php", ".pdf"}

func isLink(chunk string) bool {
	if strings.Contains(chunk, "://") || strings.HasPrefix(chunk, "www.") {
		return true
	}
	chunk = strings.TrimRight(chunk, ".,;:)]\"'”’")
	for _, e := range fileExts {
		if strings.HasSuffix(chunk, e) && len(chunk) > len(e) {
			return true
		}
	}
	return false
}

// keyer computes match keys, cached: reports repeat their words a lot.
type keyer struct {
	folded bool
	// The cache is shared by every extraction of one Extractor, which
	// goroutines use at once (ingest keeps one per reference): guarded.
	mu    sync.Mutex
	cache map[string]string
}

func newKeyer(folded bool) *keyer { return &keyer{folded: folded, cache: map[string]string{}} }

func (k *keyer) of(s string) string {
	k.mu.Lock()
	v, ok := k.cache[s]
	k.mu.Unlock()
	if ok {
		return v
	}
	in := strings.ReplaceAll(s, "²", "2")
	if k.folded {
		v = pipeline.Fold(in)
	} else {
		v = pipeline.Key(in)
	}
	k.mu.Lock()
	if len(k.cache) < 1<<16 {
		k.cache[s] = v
	}
	k.mu.Unlock()
	return v
}

// phraseKeys splits a lexicon phrase into the keys of its words.
func (k *keyer) phraseKeys(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		if t.kind == tPunct {
			continue
		}
		out = append(out, k.of(t.text))
	}
	return out
}

// hasDiacritics tells a normal Vietnamese text from one typed without marks
// ("Ha Tinh"), which is matched on folded forms instead.
func hasDiacritics(text string) bool {
	letters, marked := 0, 0
	for _, r := range text {
		if r < 128 {
			if unicode.IsLetter(r) {
				letters++
			}
			continue
		}
		if unicode.IsLetter(r) {
			letters++
			if pipeline.Fold(string(r)) != strings.ToLower(string(r)) {
				marked++
			}
		}
		if letters > 20000 {
			break
		}
	}
	return letters == 0 || marked*50 >= letters
}

// sentence is a run of tokens ending at a full stop or a line break.
type sentence struct {
	index      int // 1-based, in the whole text
	para       int
	start, end int // byte span in the text
	toks       []token
	// heading: a line of its own without a full stop (a title, a section
	// heading, a caption): its period may date what follows.
	heading bool
	// label: for a table's row (tableRows), how many of its tokens are the
	// row's label, the place its figures are of; 0 for prose
	label int
}

// abbreviations end with a dot that does not end a sentence (TP. Vinh, H. Kỳ Anh).
var abbreviations = map[string]bool{"tp": true, "h": true, "tx": true, "tt": true, "ths": true, "ts": true,
	"pgs": true, "gs": true, "bs": true, "ks": true, "th": true, "q": true, "p": true, "x": true, "đ/c": true, "st": true}

const maxSentenceTokens = 600

func splitSentences(text string, toks []token) []sentence {
	var out []sentence
	para := 0
	begin := 0
	flush := func(end int) {
		if end > begin {
			s := sentence{index: len(out) + 1, para: para, toks: toks[begin:end]}
			s.start, s.end = s.toks[0].start, s.toks[len(s.toks)-1].end
			out = append(out, s)
		}
		begin = end
	}
	for i := range toks {
		// A "sentence" without stops (a table pasted as text, garbage) is cut,
		// so the work per sentence stays bounded.
		if i-begin >= maxSentenceTokens {
			flush(i)
		}
		if i > begin && toks[i].nl && !wrapped(text, toks, i) {
			flush(i)
			para++
		}
		t := toks[i]
		if t.kind != tPunct || !strings.ContainsAny(t.text, ".!?…") {
			continue
		}
		if i+1 >= len(toks) {
			continue
		}
		next := toks[i+1]
		if next.nl || !next.space {
			continue
		}
		if !(next.upper || next.kind == tNum || strings.ContainsAny(next.text, "\"“‘'([")) {
			continue
		}
		// "4. Phương hướng năm 2026", "II. Nhiệm vụ": a section's number
		// opening its line is no sentence of its own; the heading goes on.
		if t.text == "." && !t.space && i > begin && (toks[i-1].nl || i-1 == 0) && listNumber(toks[i-1]) {
			continue
		}
		if t.text == "." && i > begin && toks[i-1].kind == tWord && !toks[i].space {
			w := strings.ToLower(toks[i-1].text)
			if abbreviations[w] || (utf8.RuneCountInString(w) == 1 && toks[i-1].upper) {
				continue
			}
		}
		flush(i + 1)
	}
	flush(len(toks))
	for n := range out {
		s := &out[n]
		alone := (n == 0 || out[n-1].para != s.para) && (n+1 == len(out) || out[n+1].para != s.para)
		last := s.toks[len(s.toks)-1]
		s.heading = alone && len(s.toks) <= maxHeadingTokens && !(last.kind == tPunct && strings.ContainsAny(last.text, ".!?…;"))
	}
	return out
}

// listNumber: a section's or item's number, "4" or "II".
func listNumber(t token) bool {
	if t.kind == tNum {
		return len(t.text) <= 2
	}
	return t.kind == tWord && t.caps && romans[strings.ToLower(t.text)] > 0
}

// wrapped: the line break before toks[i] only wraps a paragraph (a page
// printed to text, a flipbook: "… được trên 120 triệu⏎ đồng."): the
// line before ends inside a sentence, on a word, a number or a comma, and
// the next goes on in lower case.
func wrapped(text string, toks []token, i int) bool {
	t, prev := toks[i], toks[i-1]
	if t.kind == tNum {
		return wrappedBeforeNumber(text, toks, i)
	}
	if t.kind != tWord || t.upper {
		return false
	}
	return prev.kind == tWord || prev.kind == tNum || prev.kind == tPunct && prev.text == ","
}

// wrappedBeforeNumber: a line of prose (wrapLine words or more, no cells)
// ends on a word in lower case inside its sentence, with no blank line
// after it ("… tự nguyện hiến⏎3.450 m2 đất"), and the next starts with a
// number that is no item's number ("1.", "2)"), no date or time
// ("15/03/2024 04:01", a saved page's stamp) and no table cell. A heading
// or a table's line is shorter or has cells.
func wrappedBeforeNumber(text string, toks []token, i int) bool {
	prev := toks[i-1]
	if prev.kind != tWord || prev.upper || strings.Count(text[prev.end:toks[i].start], "\n") != 1 {
		return false
	}
	if next := tokAt(toks, i+1); next.kind == tPunct && !next.space && strings.Contains(".):/-–", next.text) || i+1 < len(toks) && cellGap(text[toks[i].end:toks[i+1].start]) {
		return false
	}
	n := 0
	for k := i - 1; k >= 0; k-- {
		n++
		if k > 0 && cellGap(text[toks[k-1].end:toks[k].start]) {
			return false
		}
		if toks[k].nl {
			break
		}
	}
	return n >= wrapLine
}

// wrapLine is the fewest tokens of a line of prose wrapped before a number.
const wrapLine = 8

// maxHeadingTokens bounds a heading: a longer line is a paragraph that lost
// its full stop.
const maxHeadingTokens = 40

// skippable punctuation may sit between the words of a phrase: "tiếp xúc,
// đối thoại", "mô hình, điển hình", "Bà Rịa - Vũng Tàu", quotes.
func skippable(t token) bool {
	if t.kind != tPunct {
		return false
	}
	switch t.text {
	case ",", "-", "–", "—", "\"", "“", "”", "'", "‘", "’", "«", "»":
		return true
	}
	return false
}

// spacedBefore are the words after which a number is a name's or a date's
// ("tháng 11 125 mô hình", "thôn 3 120 hộ"), so the groups after it are not
// its thousands.
var spacedBefore = []string{"tháng", "ngày", "năm", "quý", "tuần", "số", "lần", "đợt", "khóa", "thứ", "thôn", "xóm", "tổ", "khối", "khu", "đội", "bản"}

// joinSpacedGroups joins a number printed with spaces grouping its
// thousands ("12 450 m2", "3 250 000 000 đồng", as PDF exports print them)
// into one number token: a lead of one to three digits, then groups of
// exactly three digits each after one space. A lead right after another
// number (a telephone number's groups) or after a word that numbers a
// month or a place is no lead.
func (x *extraction) joinSpacedGroups(text string, toks []token) []token {
	plain := func(t token) bool {
		if t.kind != tNum || len(t.text) < 1 || len(t.text) > 3 {
			return false
		}
		return strings.Trim(t.text, "0123456789") == ""
	}
	gap := func(a, b token) bool {
		g := text[a.end:b.start]
		return g == " " || g == "\u00a0" || g == "\u202f"
	}
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		j := i + 1
		if plain(t) && t.text[0] != '0' && (i == 0 || toks[i-1].kind != tNum) {
			for j < len(toks) && len(toks[j].text) == 3 && plain(toks[j]) && gap(toks[j-1], toks[j]) {
				j++
			}
			// A further number right after the groups makes them something
			// else (a code, a list of numbers).
			if j < len(toks) && toks[j].kind == tNum && gap(toks[j-1], toks[j]) {
				j = i + 1
			}
			if j > i+1 && i > 0 && toks[i-1].kind == tWord {
				prev := toks[i-1].key
				if slices.ContainsFunc(spacedBefore, func(w string) bool { return x.lx.k.of(w) == prev }) {
					j = i + 1
				}
			}
		}
		if j > i+1 {
			parts := make([]string, 0, j-i)
			for _, g := range toks[i:j] {
				parts = append(parts, g.text)
			}
			t.text = strings.Join(parts, ".")
			t.key = t.text
			t.end = toks[j-1].end
			out = append(out, t)
			i = j - 1
			continue
		}
		out = append(out, t)
	}
	return out
}

// loneMultipliers reads a multiplier alone, after a qualifier and before a
// unit noun, as one of it: "hơn nghìn mét vuông" is more than 1.000 m²,
// "gần nghìn ngày công" about 1.000 (learnt after the seventeenth stop's
// put-aside score). Its token becomes that number, its span the word.
func (x *extraction) loneMultipliers(toks []token) {
	for i := 1; i < len(toks); i++ {
		if toks[i].kind != tWord {
			continue
		}
		es, j := x.lx.mult.at(toks, i)
		if len(es) == 0 || j != i+1 {
			continue
		}
		if us, _ := x.lx.units.at(toks, j); len(us) == 0 || us[0].class == "money_after" {
			continue
		}
		qualified := false
		for k := max(i-3, 0); k < i; k++ {
			if qs, end := x.lx.quals.at(toks, k); len(qs) > 0 && end == i && qs[0].col(0) == "before" {
				qualified = true
			}
		}
		if !qualified {
			continue
		}
		toks[i].kind, toks[i].text = tNum, es[0].class
		toks[i].key, toks[i].upper, toks[i].caps = toks[i].text, false, false
	}
}
