package pipeline

import (
	"sort"
	"strings"
	"time"
)

// Suggestions for unknown names ("Gần nhất: Cẩm Xuyên, ..."): the three
// candidates nearest by edit distance of their folded forms. A file can name
// an unknown unit on every one of its million rows, each name different, so
// what they cost is bounded three ways:
//
//   - each distinct name is answered once per list of candidates (the units
//     of a province on a day; days with the same units share one list), and
//     the answer kept;
//   - an answer costs at most one edit distance per candidate, over at most
//     maxSuggestRunes of the name, cut short once a candidate cannot be
//     among the three nearest;
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
	answers  map[answerKey]string
	computed int // answers computed, not taken from answers
}

func newNearest() nearest {
	return nearest{lists: map[string]*candidates{}, byNames: map[string]*candidates{}, answers: map[answerKey]string{}}
}

// candidates are names to suggest, sorted, with their folded forms.
type candidates struct {
	names  []string
	folded [][]rune
}

type answerKey struct {
	list *candidates
	name string // folded, at most maxSuggestRunes
}

// list returns the candidate list stored under key, building it from names
// (called only when there is none yet) and sharing it with an equal list.
func (n *nearest) list(key string, names func() []string) *candidates {
	if l, ok := n.lists[key]; ok {
		return l
	}
	ns := names()
	sort.Strings(ns)
	joined := strings.Join(ns, "\x00")
	l, ok := n.byNames[joined]
	if !ok {
		l = &candidates{names: ns, folded: make([][]rune, len(ns))}
		for i, s := range ns {
			l.folded[i] = []rune(Fold(s))
		}
		n.byNames[joined] = l
	}
	n.lists[key] = l
	return l
}

// suggest names the three candidates of l nearest to s, in a stable order
// ("(không có)" when l is empty); ok is false when the bound on answers is
// reached and s has not been answered before.
func (n *nearest) suggest(l *candidates, s string) (string, bool) {
	f := []rune(Fold(s))
	if len(f) > maxSuggestRunes {
		f = f[:maxSuggestRunes]
	}
	k := answerKey{l, string(f)}
	if a, ok := n.answers[k]; ok {
		return a, true
	}
	if n.computed >= maxSuggestions {
		return "", false
	}
	n.computed++
	a := l.closest(f)
	n.answers[k] = a
	return a, true
}

// closest is the three names nearest to f, nearer first, ties in name
// order: each candidate's distance is computed once, and not at all when
// the difference in length alone puts it behind the third.
func (l *candidates) closest(f []rune) string {
	type hit struct{ d, i int }
	var best [3]hit
	n := 0
	for i, c := range l.folded {
		limit := -1 // none: fewer than three so far
		if n == len(best) {
			limit = best[n-1].d
			if abs(len(c)-len(f)) >= limit {
				continue
			}
		}
		d, ok := editDistance(f, c, limit)
		if !ok {
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
	if n == 0 {
		return "(không có)"
	}
	out := make([]string, n)
	for j := range out {
		out[j] = l.names[best[j].i]
	}
	return strings.Join(out, ", ")
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

// suggestUnits names the three reporting units of the province valid at the
// end of p whose folded names are closest to name.
func (r *Resolver) suggestUnits(province *Unit, name string, p Period) (string, bool) {
	l := r.near.list(province.ProvinceCode+"|"+p.End.Format(time.DateOnly), func() []string {
		var names []string
		seen := map[string]bool{}
		for _, list := range r.codes {
			for _, u := range list {
				if u.ProvinceCode != province.ProvinceCode || !u.ValidOn(p.End) || seen[u.Name] {
					continue
				}
				seen[u.Name] = true
				names = append(names, u.Name)
			}
		}
		return names
	})
	return r.near.suggest(l, name)
}

// suggestIndicators names the three indicators whose labels are closest to
// s.
func (r *Resolver) suggestIndicators(s string) (string, bool) {
	l := r.near.list("indicators", func() []string {
		var names []string
		for _, ind := range r.ref.Indicators {
			names = append(names, ind.LabelVI+" ("+ind.Code+")")
		}
		return names
	})
	return r.near.suggest(l, s)
}
