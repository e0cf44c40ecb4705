package narrative

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// lexiconFS is the Vietnamese word lists the rules read, as data: unit nouns,
// cue words, rules, exclusions, time words and places (the qualifiers and
// multipliers are pipeline's, shared with cells and columns).
//
//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// entry is one line of a lexicon table: a phrase (as match keys) and the
// other columns.
type entry struct {
	phrase string
	words  []string
	class  string
	cols   []string // the columns after phrase and class
}

func (e *entry) col(i int) string {
	if i < len(e.cols) {
		return e.cols[i]
	}
	return ""
}

// table finds lexicon phrases in token runs.
type table struct {
	byFirst map[string][]*entry // longest first
}

func newTable(k *keyer, rows [][]string) *table {
	t := &table{byFirst: map[string][]*entry{}}
	for _, r := range rows {
		e := &entry{phrase: r[0], words: k.phraseKeys(r[0])}
		if len(r) > 1 {
			e.class = r[1]
		}
		if len(r) > 2 {
			e.cols = r[2:]
		}
		if len(e.words) == 0 {
			continue
		}
		t.byFirst[e.words[0]] = append(t.byFirst[e.words[0]], e)
	}
	for _, list := range t.byFirst {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].words) > len(list[j].words) })
	}
	return t
}

// at returns the entries of the longest phrase starting at toks[i] (several
// when the phrase has several classes) and the index after it.
func (t *table) at(toks []token, i int) ([]*entry, int) {
	if i >= len(toks) || toks[i].kind == tPunct {
		return nil, i
	}
	var found []*entry
	end := i
	for _, e := range t.byFirst[toks[i].key] {
		if len(found) > 0 && len(e.words) < len(found[0].words) {
			break
		}
		if j, ok := matchWords(toks, i, e.words); ok {
			found = append(found, e)
			end = j
		}
	}
	return found, end
}

func matchWords(toks []token, i int, words []string) (int, bool) {
	j := i
	for n, w := range words {
		if n > 0 {
			for j < len(toks) && (skippable(toks[j]) || abbrevDot(toks, j)) {
				j++
			}
		}
		if j >= len(toks) || toks[j].kind == tPunct || toks[j].key != w {
			return i, false
		}
		j++
	}
	return j, true
}

// span is a phrase found in a sentence: tokens [start, end).
type span struct {
	start, end int
	e          []*entry
}

func (s span) has(class string) bool {
	for _, e := range s.e {
		if e.class == class {
			return true
		}
	}
	return false
}

// spans segments toks greedily, longest phrase first, left to right.
func (t *table) spans(toks []token) []span {
	var out []span
	for i := 0; i < len(toks); {
		if es, j := t.at(toks, i); len(es) > 0 {
			out = append(out, span{i, j, es})
			i = j
			continue
		}
		i++
	}
	return out
}

// endingAt returns the span that ends exactly at token index end.
func endingAt(spans []span, end int) (span, bool) {
	for _, s := range spans {
		if s.end == end {
			return s, true
		}
	}
	return span{}, false
}

// lexicon holds the tables for one way of matching (with or without diacritics).
type lexicon struct {
	k                                           *keyer
	units, mult, quals, cues, excl, time, place *table
	fields                                      *table // disaggregation names: parts, not totals
	rules                                       []rule
	classes                                     map[string]unitClass
	// by indicator (indicators.tsv): what a figure with no date of its own
	// counts (year: an event of the report's year; todate: a total as of
	// the report's month), and what its parts after "trong đó" are
	// (breakdown: by sector or level, not figures; tier: figures too).
	undated, parts map[string]string
	// numbers written in words (numerals.tsv), the one list of them: the
	// figures' and the periods' ("ba năm qua")
	numerals map[string]numeral
}

type rule struct {
	unit      string
	terms     []ruleTerm // all must hold; none means always
	indicator string     // "-" drops the figure
	line      int
}

type ruleTerm struct {
	class  string
	clause bool // look in the whole clause, not only near the figure
	left   bool // only before the figure, in its clause
	right  bool // only after its unit, before the next amount, in its clause
	prev   bool // in the sentence before it
}

func (r rule) termNames() []string {
	if len(r.terms) == 0 {
		return []string{"*"}
	}
	out := make([]string, len(r.terms))
	for i, t := range r.terms {
		out[i] = t.class
		if t.clause {
			out[i] = "clause:" + t.class
		}
		if t.left {
			out[i] = "left:" + t.class
		}
		if t.right {
			out[i] = "right:" + t.class
		}
		if t.prev {
			out[i] = "prev:" + t.class
		}
	}
	return out
}

type unitClass struct {
	govern map[string]bool
	window int
}

// governedBy tells whether the cue is a verb that governs figures of the
// class: the left scan stops there.
func (u unitClass) governedBy(sp span) bool {
	for _, e := range sp.e {
		if u.govern[e.class] {
			return true
		}
	}
	return false
}

// rawLexicon is the parsed TSV files, shared by both matching modes.
type rawLexicon map[string][][]string

func readLexicon(fsys fs.FS) (rawLexicon, error) {
	// The qualifier and multiplier words are every reader's, cells' and
	// columns' too: their one home is pipeline's words/*.tsv.
	raw := rawLexicon{"qualifiers": pipeline.QualifierRows(), "multipliers": pipeline.MultiplierRows()}
	for _, name := range []string{"units", "cues", "exclusions", "time", "places", "rules", "classes", "indicators", "fields", "numerals"} {
		rows, err := pipeline.ReadWordRows(fsys, "lexicon/"+name+".tsv")
		if err != nil {
			return nil, fmt.Errorf("read lexicon %s: %w", name, err)
		}
		raw[name] = rows
	}
	return raw, nil
}

func buildLexicon(raw rawLexicon, folded bool, fieldNames []string, indicators map[string]bool) (*lexicon, error) {
	k := newKeyer(folded)
	lx := &lexicon{
		k: k, units: newTable(k, raw["units"]), mult: newTable(k, raw["multipliers"]),
		quals: newTable(k, raw["qualifiers"]), cues: newTable(k, raw["cues"]), excl: newTable(k, raw["exclusions"]),
		time: newTable(k, raw["time"]), place: newTable(k, raw["places"]), classes: map[string]unitClass{},
	}
	nums, err := buildNumerals(k, raw["numerals"])
	if err != nil {
		return nil, err
	}
	lx.numerals = nums
	var fr [][]string
	for _, n := range fieldNames {
		fr = append(fr, []string{n, "field"})
	}
	fr = append(fr, raw["fields"]...)
	lx.fields = newTable(k, fr)
	for _, r := range raw["units"] {
		if len(r) < 4 {
			return nil, fmt.Errorf("lexicon units: %q: want phrase, class, unit, factor", r[0])
		}
		if _, err := strconv.ParseFloat(r[3], 64); err != nil {
			return nil, fmt.Errorf("lexicon units: %q: bad factor %q", r[0], r[3])
		}
	}
	for _, r := range raw["classes"] {
		if len(r) < 3 {
			return nil, fmt.Errorf("lexicon classes: %q: want class, governing cues, window", r[0])
		}
		w, err := strconv.Atoi(r[2])
		if err != nil {
			return nil, fmt.Errorf("lexicon classes: %q: bad window %q", r[0], r[2])
		}
		uc := unitClass{govern: map[string]bool{}, window: w}
		for _, c := range strings.Split(r[1], ",") {
			uc.govern[strings.TrimSpace(c)] = true
		}
		lx.classes[r[0]] = uc
	}
	lx.undated, lx.parts = map[string]string{}, map[string]string{}
	for _, r := range raw["indicators"] {
		if len(r) < 3 || !indicators[r[0]] {
			return nil, fmt.Errorf("lexicon indicators: %q: want a known indicator, undated, parts", r[0])
		}
		if r[1] != "year" && r[1] != "todate" {
			return nil, fmt.Errorf("lexicon indicators: %s: undated must be year or todate, not %q", r[0], r[1])
		}
		if r[2] != "breakdown" && r[2] != "tier" {
			return nil, fmt.Errorf("lexicon indicators: %s: parts must be breakdown or tier, not %q", r[0], r[2])
		}
		lx.undated[r[0]], lx.parts[r[0]] = r[1], r[2]
	}
	for i, r := range raw["rules"] {
		if len(r) < 3 {
			return nil, fmt.Errorf("lexicon rules line %d: want unit class, cues, indicator", i+1)
		}
		if r[2] != "-" && !indicators[r[2]] {
			return nil, fmt.Errorf("lexicon rules line %d: unknown indicator %q", i+1, r[2])
		}
		if _, ok := lx.classes[r[0]]; !ok {
			return nil, fmt.Errorf("lexicon rules line %d: unit class %q not in classes.tsv", i+1, r[0])
		}
		ru := rule{unit: r[0], indicator: r[2], line: i + 1}
		if r[1] != "*" {
			for _, t := range strings.Split(r[1], "+") {
				term := ruleTerm{class: t}
				if c, ok := strings.CutPrefix(t, "clause:"); ok {
					term = ruleTerm{class: c, clause: true}
				}
				if c, ok := strings.CutPrefix(t, "left:"); ok {
					term = ruleTerm{class: c, left: true}
				}
				if c, ok := strings.CutPrefix(t, "right:"); ok {
					term = ruleTerm{class: c, right: true}
				}
				if c, ok := strings.CutPrefix(t, "prev:"); ok {
					term = ruleTerm{class: c, prev: true}
				}
				ru.terms = append(ru.terms, term)
			}
		}
		lx.rules = append(lx.rules, ru)
	}
	return lx, nil
}

// abbrevDot: toks[j] is a dot glued to the words on both sides, as a
// shortened phrase writes it ("ng.công" for ngày công): the words still
// make the phrase.
func abbrevDot(toks []token, j int) bool {
	return toks[j].kind == tPunct && toks[j].text == "." && !toks[j].space && j+1 < len(toks) && toks[j+1].kind == tWord && !toks[j+1].space
}
