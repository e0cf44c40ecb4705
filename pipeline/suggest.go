package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Suggestions for unknown names ("Có phải: Cẩm Xuyên?"): the candidates
// near the name by edit distance of their folded forms, at most three,
// nearer first. Near means a distance of at most a third of the name's
// length (one for a name of up to five letters): a typo of a unit gets the
// unit, a name that is nothing like any (a signature line, a column number,
// a party committee) gets none, rather than three at random. A file can
// name an unknown unit on every one of its million rows, each name
// different, so what they cost is bounded three ways:
//
//   - each distinct name is answered once per list of candidates (the units
//     of a province on a day; days with the same units share one list), and
//     the answer kept;
//   - an answer costs at most one edit distance per candidate, over at most
//     maxSuggestRunes of the name, cut short once a candidate cannot be
//     near enough or among the three nearest;
//   - a Resolver computes at most maxSuggestions answers. Past that, the
//     message names no candidate: a file with thousands of different unknown
//     names is not a few typos, and its clerk is better served by the first
//     messages than by the ten-thousandth. The Validator lives for one run,
//     so this bound is met only by a run whose files name more than
//     maxSuggestions different unknown units.
const (
	maxSuggestions  = 4096
	maxSuggestRunes = 64
)

// nearest holds the candidate lists and the answers given.
type nearest struct {
	lists    map[string]*candidates // province code|day, or "indicators" -> list
	byNames  map[string]*candidates // the list's names joined -> list
	answers  map[answerKey]answer
	computed int // answers computed, not taken from answers
}

func newNearest() nearest {
	return nearest{lists: map[string]*candidates{}, byNames: map[string]*candidates{}, answers: map[answerKey]answer{}}
}

// suggestion is one candidate: the names it may be written as, and how a
// message shows it in each language.
type suggestion struct {
	names  []string
	vi, en string
}

// candidates are suggestions, sorted by how they show, with the folded
// forms of their names.
type candidates struct {
	list   []suggestion
	folded [][][]rune
}

type answerKey struct {
	list *candidates
	name string // folded, at most maxSuggestRunes
}

// answer is what a message says: the candidates shown in each language,
// empty when none is near.
type answer struct{ vi, en string }

// list returns the candidate list stored under key, building it from cands
// (called only when there is none yet) and sharing it with an equal list.
func (n *nearest) list(key string, cands func() []suggestion) *candidates {
	if l, ok := n.lists[key]; ok {
		return l
	}
	cs := cands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].vi < cs[j].vi })
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.vi + "\x01" + strings.Join(c.names, "\x02") + "\x00")
	}
	joined := b.String()
	l, ok := n.byNames[joined]
	if !ok {
		l = &candidates{list: cs, folded: make([][][]rune, len(cs))}
		for i, c := range cs {
			for _, name := range c.names {
				l.folded[i] = append(l.folded[i], []rune(Fold(name)))
			}
		}
		n.byNames[joined] = l
	}
	n.lists[key] = l
	return l
}

// suggest names the candidates of l near s (see the top of this file),
// in Vietnamese and English, "" when none is; ok is false when the bound on
// answers is reached and s has not been answered before.
func (n *nearest) suggest(l *candidates, s string) (vi, en string, ok bool) {
	return n.suggestFolded(l, Fold(s))
}

// suggestFolded is suggest for a text already folded.
func (n *nearest) suggestFolded(l *candidates, folded string) (vi, en string, ok bool) {
	f := []rune(folded)
	if len(f) > maxSuggestRunes {
		f = f[:maxSuggestRunes]
	}
	k := answerKey{l, string(f)}
	if a, ok := n.answers[k]; ok {
		return a.vi, a.en, true
	}
	if n.computed >= maxSuggestions {
		return "", "", false
	}
	n.computed++
	a := l.closest(f)
	n.answers[k] = a
	return a.vi, a.en, true
}

// near is how far a name of n letters may be from a candidate to have it
// suggested: a third of its length, at least one.
func near(n int) int { return max(1, n/3) }

// closest is the (at most) three candidates near f, nearer first, ties in
// the order they show: each candidate's distance is computed once (the
// least over its names), and not at all when the difference in length
// alone puts it too far or behind the third.
func (l *candidates) closest(f []rune) answer {
	type hit struct{ d, i int }
	var best [3]hit
	n := 0
	for i, names := range l.folded {
		limit := near(len(f)) + 1 // a distance must be below it
		if n == len(best) {
			limit = min(limit, best[n-1].d)
		}
		d, found := -1, false
		for _, c := range names {
			if abs(len(c)-len(f)) >= limit {
				continue
			}
			if x, ok := editDistance(f, c, limit); ok {
				d, found, limit = x, true, x
			}
		}
		if !found {
			continue
		}
		j := min(n, len(best)-1)
		for j > 0 && best[j-1].d > d {
			best[j] = best[j-1]
			j--
		}
		best[j] = hit{d, i}
		n = min(n+1, len(best))
	}
	vi, en := make([]string, n), make([]string, n)
	for j := range n {
		vi[j], en[j] = l.list[best[j].i].vi, l.list[best[j].i].en
	}
	return answer{strings.Join(vi, ", "), strings.Join(en, ", ")}
}

// editDistance is the Levenshtein distance of a and b. With limit ≥ 0 it
// gives up (ok false) as soon as the distance cannot be below limit.
func editDistance(a, b []rune, limit int) (int, bool) {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if limit >= 0 && low >= limit {
			return 0, false
		}
		prev, cur = cur, prev
	}
	d := prev[len(b)]
	return d, limit < 0 || d < limit
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// suggestUnits names the reporting units of the province valid at the end
// of p near name, in Vietnamese and English ("" when none is).
func (r *Resolver) suggestUnits(province *Unit, name string, p Period) (vi, en string) {
	return r.suggestUnitsFolded(province, Fold(name), p)
}

// suggestUnitsFolded is suggestUnits for a name already folded.
func (r *Resolver) suggestUnitsFolded(province *Unit, folded string, p Period) (vi, en string) {
	l := r.near.list(province.ProvinceCode+"|"+p.End.Format(time.DateOnly), func() []suggestion {
		var cs []suggestion
		seen := map[string]bool{}
		for _, list := range r.codes {
			for _, u := range list {
				if u.ProvinceCode != province.ProvinceCode || !u.ValidOn(p.End) || seen[u.Name] {
					continue
				}
				seen[u.Name] = true
				cs = append(cs, suggestion{[]string{u.Name}, u.Name, u.Name})
			}
		}
		return cs
	})
	vi, en, _ = r.near.suggestFolded(l, folded)
	return vi, en
}

// suggestIndicators names the indicators whose label, code or one of whose
// aliases is near s.
func (r *Resolver) suggestIndicators(s string) (vi, en string) {
	l := r.near.list("indicators", func() []suggestion {
		var cs []suggestion
		for _, ind := range r.ref.Indicators {
			names := append([]string{ind.LabelVI, ind.Code}, ind.Aliases...)
			cs = append(cs, suggestion{names, ind.LabelVI + " (" + ind.Code + ")", fmt.Sprintf("%s (%q)", ind.Code, ind.LabelVI)})
		}
		return cs
	})
	vi, en, _ = r.near.suggest(l, s)
	return vi, en
}
