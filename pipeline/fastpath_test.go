package pipeline

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The fast paths of ParseNumber and ParseDate must answer exactly as the
// general paths they skip.
func TestFastPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789.,"
	for i := 0; i < 200000; i++ {
		b := make([]byte, 1+rng.IntN(12))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		fast, ferr := ParseNumber(s)
		slow, serr := parseNumber(s)
		if (ferr == nil) != (serr == nil) || fast != slow {
			t.Fatalf("ParseNumber(%q) = %+v, %v; general path %+v, %v", s, fast, ferr, slow, serr)
		}
	}
	for i := 0; i < 200000; i++ {
		s := []byte("2006-01-02")
		for j := range s {
			if rng.IntN(4) == 0 {
				s[j] = "0123456789-/x"[rng.IntN(13)]
			}
		}
		if rng.IntN(2) == 0 {
			copy(s[5:], []byte{'0' + byte(rng.IntN(2)), '0' + byte(rng.IntN(10)), '-', '0' + byte(rng.IntN(4)), '0' + byte(rng.IntN(10))})
		}
		got, gok := isoDate(string(s))
		want, err := time.Parse("2006-01-02", string(s))
		if gok && (err != nil || got != want) {
			t.Fatalf("isoDate(%q) = %v; time.Parse says %v, %v", s, got, want, err)
		}
		if !gok && err == nil {
			t.Fatalf("isoDate(%q) refused what time.Parse reads as %v", s, want)
		}
	}
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for j := 0; j < 1+rng.IntN(11); j++ {
			b.WriteByte("0123456789//0123456789x- "[rng.IntN(25)])
		}
		s := b.String()
		if rng.IntN(2) == 0 {
			s = fmt.Sprintf("%0*d/%0*d/%04d", 1+rng.IntN(2), rng.IntN(35), 1+rng.IntN(2), rng.IntN(14), rng.IntN(10000))
		}
		got, gok := dmyDate(s)
		want, err := time.Parse("2/1/2006", s)
		if gok && (err != nil || got != want) {
			t.Fatalf("dmyDate(%q) = %v; time.Parse says %v, %v", s, got, want, err)
		}
		if !gok && err == nil {
			t.Fatalf("dmyDate(%q) refused what time.Parse reads as %v", s, want)
		}
	}
	// Every day of years that matter, leap days and all, and the first years.
	for d := date(0, 1, 1); d.Year() < 2200; d = d.AddDate(0, 0, 1) {
		if y := d.Year(); y > 3 && y < 1800 {
			d = date(1800, 1, 1)
		}
		s := d.Format("2006-01-02")
		if got, ok := isoDate(s); !ok || got != d {
			t.Fatalf("isoDate(%q) = %v, %v; want %v", s, got, ok, d)
		}
		for _, s := range []string{d.Format("02/01/2006"), d.Format("2/1/2006")} {
			if got, ok := dmyDate(s); !ok || got != d {
				t.Fatalf("dmyDate(%q) = %v, %v; want %v", s, got, ok, d)
			}
		}
	}
}

// FileCheck sorts its entries once at the end; it must refuse exactly what
// checking the records one by one against a map of keys refuses, with the
// same reasons, on files full of repeats, conflicts and limited values.
func TestFileCheckAgreesWithSequential(t *testing.T) {
	// Large files sort packed keys, or the entries when their keys are too
	// wide to pack with an index.
	for _, bits := range []uint{packedBits, 0} {
		t.Run(fmt.Sprintf("packed %d bits", bits), func(t *testing.T) {
			defer func(old uint) { packedBits = old }(packedBits)
			packedBits = bits
			fileCheckAgreesWithSequential(t)
		})
	}
}

func fileCheckAgreesWithSequential(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	v := NewValidator(ref, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	var units []*Unit
	for _, u := range ref.Units {
		if u.Level == LevelDistrict && len(units) < 3 {
			units = append(units, u)
		}
	}
	inds := []*Indicator{ref.Indicator("models_registered"), ref.Indicator("models_effective"),
		ref.Indicator("models_recognized"), ref.Indicator("dialogues")}
	rng := rand.New(rand.NewPCG(3, 4))
	refusals, passed := 0, 0
	for trial := 0; trial < 300; trial++ {
		// Small files take the comparison sort, large ones the radix sort.
		n := rng.IntN(40)
		if trial%10 == 0 {
			n = 2000 + rng.IntN(2000)
		}
		var recs []Record
		// Submission dates: none in a third of the trials, one of two
		// days or none in another, one of 200 days in the last, so keys a
		// later submission wins sit beside keys whose dates cannot tell.
		for i := n; i >= 0; i-- {
			var sent time.Time
			switch trial % 3 {
			case 1:
				if d := rng.IntN(3); d > 0 {
					sent = date(2024, 1, 10*d)
				}
			case 2:
				sent = date(2024, 1, 1+rng.IntN(200))
			}
			recs = append(recs, Record{Unit: units[rng.IntN(len(units))], Period: YearPeriod(2020 + rng.IntN(2)),
				Indicator: inds[rng.IntN(len(inds))], Disaggregation: []string{Total, "kinh_te"}[rng.IntN(2)],
				Value: float64(rng.IntN(4)), SubmittedAt: sent})
		}
		refOf := func(seq int) string { return "row " + strconvItoa(seq) }
		c := v.NewFileCheck("f.csv", refOf)
		for i := range recs {
			c.Add(i, &recs[i])
		}
		got := c.Finish()
		want, wantPassed := sequentialCheck(ref, recs, refOf)
		refusals += len(want)
		passed += len(wantPassed)
		var gotPassed []int
		for _, p := range c.PassedOver() {
			gotPassed = append(gotPassed, p.Seq)
		}
		if !slices.Equal(gotPassed, wantPassed) {
			t.Fatalf("trial %d: passed over %v, sequential check %v", trial, gotPassed, wantPassed)
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d refusals, sequential check %d:\n%v\n%v", trial, len(got), len(want), got, want)
		}
		for i := range want {
			if got[i].Seq != want[i].seq || got[i].Err.Code != want[i].code || !strings.Contains(got[i].Err.Reason, want[i].other) {
				t.Fatalf("trial %d, refusal %d: got seq %d %s %q, want seq %d %s naming %s",
					trial, i, got[i].Seq, got[i].Err.Code, got[i].Err.Reason, want[i].seq, want[i].code, want[i].other)
			}
		}
	}
	if refusals < 300 || passed < 300 {
		t.Fatalf("only %d refusals and %d passed over in all trials: the test data exercises too little", refusals, passed)
	}
}

type seqRefusal struct {
	seq         int
	code, other string
}

// sequentialCheck is the definition FileCheck implements: a key whose
// records all state their submission date, one of them the latest, keeps
// that one and passes over the others (passed); else records in order, the
// first of a key kept, a later equal value a duplicate, a different one
// refusing both; then each kept value above its limit's kept value.
func sequentialCheck(ref *Reference, recs []Record, refOf func(int) string) (refused []seqRefusal, passed []int) {
	type state struct {
		first    int
		conflict bool
	}
	byKey := map[ValueKey][]int{}
	for i, r := range recs {
		byKey[r.ValueKey()] = append(byKey[r.ValueKey()], i)
	}
	winner := func(k ValueKey) (int, bool) {
		is := byKey[k]
		if len(is) < 2 {
			return 0, false
		}
		best, ties := is[0], 0
		for _, i := range is {
			if recs[i].SubmittedAt.IsZero() {
				return 0, false
			}
		}
		for _, i := range is[1:] {
			switch d := recs[i].SubmittedAt.Compare(recs[best].SubmittedAt); {
			case d > 0:
				best, ties = i, 0
			case d == 0:
				ties++
			}
		}
		return best, ties == 0
	}
	seen := map[ValueKey]*state{}
	var dups []seqRefusal
	var firsts []int
	for i, r := range recs {
		if w, ok := winner(r.ValueKey()); ok {
			if i != w {
				passed = append(passed, i)
				continue
			}
			seen[r.ValueKey()] = &state{first: i}
			firsts = append(firsts, i)
			continue
		}
		st, ok := seen[r.ValueKey()]
		if !ok {
			seen[r.ValueKey()] = &state{first: i}
			firsts = append(firsts, i)
			continue
		}
		if r.Value == recs[st.first].Value {
			dups = append(dups, seqRefusal{i, "duplicate", refOf(st.first)})
			continue
		}
		dups = append(dups, seqRefusal{i, "conflicting_duplicate", refOf(st.first)})
		if !st.conflict {
			st.conflict = true
			dups = append(dups, seqRefusal{st.first, "conflicting_duplicate", refOf(i)})
		}
	}
	sort.Slice(dups, func(a, b int) bool { return dups[a].seq < dups[b].seq })
	for _, i := range firsts {
		r := recs[i]
		if r.Indicator.MaxOf == "" || seen[r.ValueKey()].conflict {
			continue
		}
		lk := r.ValueKey()
		lk.Indicator = r.Indicator.MaxOf
		lim, ok := seen[lk]
		if !ok || lim.conflict || r.Value <= recs[lim.first].Value {
			continue
		}
		dups = append(dups, seqRefusal{i, "rule_violated", refOf(lim.first)})
	}
	return dups, passed
}

func strconvItoa(i int) string { return fmt.Sprint(i) }

// IndicatorNamed answers from what it remembers, shared by the Resolvers
// of a Reference, exactly as it computes: by the Key first, else by the
// Fold, for every spelling of every indicator and for texts that name none.
func TestIndicatorNamedRemembersExactly(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	// byDefinition is IndicatorNamed as defined: the Key's indicator, else
	// the Fold's.
	byDefinition := func(r *Resolver, s string) *Indicator {
		if ind := r.indicators["k:"+Key(s)]; ind != nil {
			return ind
		}
		return r.indicators["f:"+Fold(s)]
	}
	var texts []string
	for _, ind := range ref.Indicators {
		for _, n := range append([]string{ind.Code, ind.LabelVI, ind.LabelEN}, ind.Aliases...) {
			texts = append(texts, n, strings.ToUpper(n), Fold(n), n+" (mô hình)", "  "+n+"\u0301", n[:len(n)/2])
		}
	}
	texts = append(texts, "Đơn vị", "Tổng cộng", "", "x\xffy", strings.Repeat("Số mô hình ", 40))
	named := 0
	for round := range 2 {
		r := NewResolver(ref) // a Resolver of each round: the second answers from the first's
		for _, s := range texts {
			got, want := r.IndicatorNamed(s), byDefinition(r, s)
			if got != want {
				t.Fatalf("round %d: IndicatorNamed(%q) = %v, by definition %v", round, s, got, want)
			}
			if got != nil {
				named++
			}
		}
	}
	if named < len(ref.Indicators)*4 {
		t.Errorf("only %d texts named an indicator", named)
	}
	r := NewResolver(ref)
	if n := r.namedCount.Load(); n == 0 || n > maxNamed {
		t.Errorf("%d texts remembered", n)
	}
	if _, ok := r.named.Load(strings.Repeat("Số mô hình ", 40)); ok {
		t.Error("a text longer than maxNamedLen was remembered")
	}
}

// A Validator's FileChecks take the period keys' slots of the file before
// (Validator.recentKeys) instead of zeroing new ones for each file; what
// the slots hold stays true for the next file (the trials above run on one
// Validator).
func TestFileCheckTakesSlotsOfFileBefore(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	v := NewValidator(ref, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	var u *Unit
	for _, x := range ref.Units {
		if x.Level == LevelDistrict {
			u = x
			break
		}
	}
	check := func(p Period) *[keySlots]recentKey {
		rec := Record{Unit: u, Period: p, Indicator: ref.Indicator("dialogues"), Disaggregation: Total, Value: 1}
		c := v.NewFileCheck("f.csv", func(int) string { return "" })
		c.Add(0, &rec)
		slots := c.recentKeys
		if got := c.Finish(); len(got) != 0 {
			t.Fatalf("one record refused: %v", got)
		}
		return slots
	}
	first := check(YearPeriod(2020))
	if second := check(HalfPeriod(2021, 1)); second != first {
		t.Error("the second file's check zeroed slots of its own")
	}
}
