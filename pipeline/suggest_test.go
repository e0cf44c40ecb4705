package pipeline

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// periodTexts are the months, quarters, halves and years of 1990-2024.
func periodTexts() []string {
	var ps []string
	for y := 1990; y <= 2024; y++ {
		for m := 1; m <= 12; m++ {
			ps = append(ps, fmt.Sprintf("tháng %d/%d", m, y))
		}
		for q := 1; q <= 4; q++ {
			ps = append(ps, fmt.Sprintf("%d-Q%d", y, q))
		}
		ps = append(ps, fmt.Sprintf("%d-H1", y), fmt.Sprintf("%d-H2", y), fmt.Sprint(y))
	}
	return ps
}

// typo is the i-th of many distinct misspellings of a name: the name with
// up to four letters after it, near enough to it to be suggested.
func typo(name string, i int) string {
	suffix := []byte{}
	for n := i; ; n /= 26 {
		suffix = append(suffix, byte('a'+n%26))
		if n < 26 {
			break
		}
	}
	return name + string(suffix)
}

// TestUnknownUnitSuggestionsOncePerName: 100,000 rows naming 50 unknown
// units over 665 periods compute a suggestion once per name and list of
// units, not once per name and period (33,250 times before).
func TestUnknownUnitSuggestionsOncePerName(t *testing.T) {
	v := newTestValidator(t)
	periods := periodTexts()
	const rows, names = 100_000, 50
	for i := range rows {
		raw := RawRow{Ref: fmt.Sprint(i), Province: "Hà Tĩnh", Unit: typo("Cẩm Xuyên", i%names),
			Period: periods[(i/names)%len(periods)], Indicator: "dialogues", Value: "3"}
		_, err := v.Row("f.csv", raw)
		if err == nil || err.Code != "unknown_unit" || !strings.Contains(err.Reason, "Có phải: Cẩm Xuyên") || !strings.Contains(err.ReasonEN, "Did you mean: Cẩm Xuyên") {
			t.Fatalf("row %d: %+v, want unknown_unit with suggestions", i, err)
		}
	}
	lists := len(v.Resolver.near.byNames)
	if got := v.Resolver.near.computed; got < names || got > names*lists {
		t.Errorf("%d suggestions computed for %d names and %d lists of units, want between %d and %d", got, names, lists, names, names*lists)
	}
	if lists > 10 {
		t.Errorf("%d lists of units for one province over 35 years, want the days with the same units to share one", lists)
	}
}

// TestUnknownUnitSuggestionsBounded: 100,000 rows each naming a different
// unknown unit cost at most maxSuggestions suggestions; the rows past that
// are refused with the same code and no candidates.
func TestUnknownUnitSuggestionsBounded(t *testing.T) {
	v := newTestValidator(t)
	without := 0
	for i := range 100_000 {
		raw := RawRow{Ref: fmt.Sprint(i), Province: "Hà Tĩnh", Unit: typo("Cẩm Xuyên", i), Period: "2023", Indicator: "dialogues", Value: "3"}
		_, err := v.Row("f.csv", raw)
		if err == nil || err.Code != "unknown_unit" || !strings.Contains(err.Reason, fmt.Sprintf("%q", raw.Unit)) {
			t.Fatalf("row %d: %+v, want unknown_unit naming the unit", i, err)
		}
		if !strings.Contains(err.Reason, "Có phải: ") {
			without++
			if strings.Contains(err.ReasonEN, "Did you mean") || !strings.HasSuffix(err.Reason, "trong tỉnh Hà Tĩnh.") {
				t.Fatalf("row %d: %+v, want no candidates in either language", i, err)
			}
		}
	}
	if got := v.Resolver.near.computed; got != maxSuggestions {
		t.Errorf("%d suggestions computed, want the bound %d", got, maxSuggestions)
	}
	if want := 100_000 - maxSuggestions; without != want {
		t.Errorf("%d rows without candidates, want %d", without, want)
	}
	// A name answered before the bound is still answered after it.
	_, err := v.Row("f.csv", RawRow{Province: "Hà Tĩnh", Unit: typo("Cẩm Xuyên", 7), Period: "2022", Indicator: "dialogues", Value: "3"})
	if err == nil || !strings.Contains(err.Reason, "Có phải: ") {
		t.Errorf("a name answered before: %+v", err)
	}
}

// TestUnknownIndicatorSuggestionsBounded: the same bound for indicators.
func TestUnknownIndicatorSuggestionsBounded(t *testing.T) {
	r := newTestValidator(t).Resolver
	for i := range 3 * maxSuggestions {
		_, p := r.Indicator(fmt.Sprintf("Số hội nghị %d", i%(2*maxSuggestions)))
		if p == nil || p.Code != "unknown_indicator" {
			t.Fatalf("indicator %d: %+v", i, p)
		}
	}
	if r.near.computed != maxSuggestions {
		t.Errorf("%d suggestions computed, want %d", r.near.computed, maxSuggestions)
	}
}

// TestClosestAsSorted holds closest to its plain meaning: every
// candidate's distance, those near enough (near), a stable sort, the first
// three.
func TestClosestAsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	letters := []rune("aăâbcdđeêghiklmnoôơpqrstuưvxy ")
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	plain := func(a, b []rune) int { d, _ := editDistance(a, b, -1); return d }
	for trial := range 4000 {
		var names []string
		for range rng.IntN(12) {
			names = append(names, word(1+rng.IntN(10)))
		}
		n := newNearest()
		l := n.list("k", func() []suggestion {
			var cs []suggestion
			for _, name := range names {
				cs = append(cs, suggestion{[]string{name}, name, name})
			}
			return cs
		})
		s := word(rng.IntN(12))
		got, _, _ := n.suggest(l, s)

		f := []rune(Fold(s))
		var want []string
		for _, name := range names {
			if plain(f, []rune(Fold(name))) <= near(len(f)) {
				want = append(want, name)
			}
		}
		sort.Strings(want)
		sort.SliceStable(want, func(i, j int) bool { return plain(f, []rune(Fold(want[i]))) < plain(f, []rune(Fold(want[j]))) })
		want = want[:min(3, len(want))]
		if w := strings.Join(want, ", "); got != w {
			t.Fatalf("trial %d: near %q among %q = %q, want %q", trial, s, names, got, w)
		}
	}
}

// TestResolversShareTheIndex: a reader takes a Resolver per file, so the
// index of names must be built once per Reference, not once per Resolver.
func TestResolversShareTheIndex(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	a, b := NewResolver(ref), NewResolver(ref)
	if a.nameIndex != b.nameIndex {
		t.Error("two Resolvers of one Reference built the index of names twice")
	}
	a.near.answers[answerKey{}] = answer{"x", "x"}
	if len(b.near.answers) != 0 {
		t.Error("the Resolvers share their suggestion caches (not safe across goroutines)")
	}
	// Both find what one Resolver alone finds.
	prov, pr := b.Province("Nghệ An")
	if pr != nil {
		t.Fatal(pr.ReasonEN)
	}
	if u, pr := a.Unit(prov, "H. Quỳnh Lưu", YearPeriod(2023)); pr != nil || u.Name != "Quỳnh Lưu" {
		t.Errorf("Quỳnh Lưu: %v %v", u, pr)
	}
}

// TestSuggestionsOnlyNear: a typo gets its unit, a name like nothing gets
// nothing, a short name is held to one letter.
func TestSuggestionsOnlyNear(t *testing.T) {
	r := newTestValidator(t).Resolver
	p, _ := ParsePeriod("2023")
	ht, _ := r.Province("Hà Tĩnh")
	for name, want := range map[string]string{
		"Cẩm Xuân": "Cẩm Xuyên", "Thach Ha": "Thạch Hà", "Người lập biểu": "", "PHÓ TRƯỞNG BAN": "", "(2)": "", "Khối huyện": "",
	} {
		if got, _ := r.suggestUnits(ht, name, p); got != want {
			t.Errorf("suggestions for %q: %q, want %q", name, got, want)
		}
	}
	if vi, en := r.suggestIndicators("Số cuộc tiếp xúc đối thọai"); !strings.HasPrefix(vi, "Cuộc tiếp xúc") && !strings.Contains(vi, "(dialogues)") || !strings.HasPrefix(en, "dialogues") {
		t.Errorf("indicator suggestions: %q / %q", vi, en)
	}
	if vi, _ := r.suggestIndicators("Số người tham gia tập huấn"); vi != "" {
		t.Errorf("suggestions for an indicator like none: %q", vi)
	}
}

// TestValidatorRemembersBoundedly: 200,000 rows each with a different
// unknown unit and a different unreadable period keep at most
// maxRemembered answers of each kind, and the rows past the bound are
// still answered, as a new Validator answers them.
func TestValidatorRemembersBoundedly(t *testing.T) {
	v := newTestValidator(t)
	fresh := newTestValidator(t)
	for i := range 200_000 {
		raw := RawRow{Ref: fmt.Sprint(i), Province: "Hà Tĩnh", Unit: fmt.Sprintf("Xã Không Có %d", i), Period: "2023", Indicator: "dialogues", Value: "3"}
		bad := raw
		bad.Period = fmt.Sprintf("quý %d/2023", 5+i)
		if i < 5 || i > 199_995 {
			_, got := v.Row("f.csv", raw)
			_, want := fresh.Row("f.csv", raw)
			fresh = newTestValidator(t)
			if got == nil || want == nil || got.Code != want.Code || got.Column != want.Column || !strings.Contains(got.Reason, fmt.Sprintf("%q", raw.Unit)) {
				t.Fatalf("row %d: %+v, a new Validator says %+v", i, got, want)
			}
		} else if _, err := v.Row("f.csv", raw); err == nil || err.Code != "unknown_unit" {
			t.Fatalf("row %d: %+v", i, err)
		}
		if _, err := v.Row("f.csv", bad); err == nil || err.Code != "bad_period" || !strings.Contains(err.Reason, bad.Period) {
			t.Fatalf("row %d: %+v, want bad_period", i, err)
		}
	}
	if n := len(v.unitNames); n > maxRemembered {
		t.Errorf("%d unit names kept, want at most %d", n, maxRemembered)
	}
	if n := len(v.unitResults); n > maxRemembered+len(v.Ref.Units) {
		t.Errorf("%d unit answers kept, want at most %d", n, maxRemembered)
	}
	if n := len(v.periods); n > maxRemembered {
		t.Errorf("%d periods kept, want at most %d", n, maxRemembered)
	}
	// What was kept still answers, the same as before.
	_, err := v.Row("f.csv", RawRow{Province: "Hà Tĩnh", Unit: "Can Lộc", Period: "2023", Indicator: "dialogues", Value: "3"})
	if err != nil {
		t.Errorf("a valid row: %+v", err)
	}
}
