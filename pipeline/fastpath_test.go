package pipeline

import (
	"fmt"
	"math/rand/v2"
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
		if gok && (err != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Fatalf("isoDate(%q) = %v; time.Parse says %v, %v", s, got, want, err)
		}
		if !gok && err == nil {
			t.Fatalf("isoDate(%q) refused what time.Parse reads as %v", s, want)
		}
	}
}

// FileCheck packs keys in 64 bits until an id outgrows its bits, then
// carries on with wide keys: duplicates and conflicts are found either way.
func TestFileCheckWidens(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	v := NewValidator(ref, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	c := v.NewFileCheck("f.csv", func(seq int) string { return "row" })
	ind, unit := ref.Indicators[0], ref.Units[0]
	rec := func(dis string, value float64) *Record {
		return &Record{Unit: unit, Period: YearPeriod(2020), Indicator: ind, Disaggregation: dis, Value: value}
	}
	const n = 1<<disBits + 10
	for i := 0; i < n; i++ {
		if !c.Add(i, rec("d"+strconvItoa(i), 1)) {
			t.Fatalf("record %d refused", i)
		}
		if i == 5 && c.wide != nil {
			t.Fatal("widened too early")
		}
	}
	if c.wide == nil {
		t.Fatal("did not widen")
	}
	if c.Add(n, rec("d3", 1)) || c.Add(n+1, rec("d7", 2)) || !c.Add(n+2, rec("new", 1)) {
		t.Fatal("duplicate or conflict missed after widening")
	}
	got := map[string]int{}
	for _, r := range c.Finish() {
		got[r.Err.Code]++
	}
	if got["duplicate"] != 1 || got["conflicting_duplicate"] != 2 {
		t.Fatalf("refusals %v", got)
	}
}

func strconvItoa(i int) string { return fmt.Sprint(i) }
