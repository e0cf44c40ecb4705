package dense

import (
	"math/rand/v2"
	"testing"
)

// A Table answers as a map would, in its rows and past its limit.
func TestTableAgreesWithMap(t *testing.T) {
	for _, limit := range []int{0, 50, 5000} {
		tb := Table[int]{Limit: limit}
		want := map[[2]uint32]int{}
		rng := rand.New(rand.NewPCG(7, uint64(limit)))
		for i := 0; i < 20000; i++ {
			a, b := uint32(rng.IntN(60)), uint32(rng.IntN(300))
			got, ok := tb.Get(a, b)
			w, wok := want[[2]uint32{a, b}]
			if ok != wok || got != w {
				t.Fatalf("limit %d: Get(%d, %d) = %d, %v; want %d, %v", limit, a, b, got, ok, w, wok)
			}
			if !ok || rng.IntN(10) == 0 { // set new pairs, and overwrite some
				tb.Set(a, b, i)
				want[[2]uint32{a, b}] = i
			}
		}
		if limit > 0 && (tb.sparse == nil || tb.cells > limit) {
			t.Errorf("limit %d: %d cells, sparse %v", limit, tb.cells, tb.sparse != nil)
		}
		if limit == 0 && tb.sparse != nil {
			t.Errorf("default limit: %d pairs went to the map", len(tb.sparse))
		}
	}
}

// An Index answers as a map would, in its rows and past its limit, index 0
// included.
func TestIndexAgreesWithMap(t *testing.T) {
	for _, limit := range []int{0, 50, 5000} {
		tb := Index{Limit: limit}
		want := map[[2]uint32]int32{}
		rng := rand.New(rand.NewPCG(7, uint64(limit)))
		for i := 0; i < 20000; i++ {
			a, b := uint32(rng.IntN(60)), uint32(rng.IntN(300))
			got, ok := tb.Get(a, b)
			w, wok := want[[2]uint32{a, b}]
			if ok != wok || got != w {
				t.Fatalf("limit %d: Get(%d, %d) = %d, %v; want %d, %v", limit, a, b, got, ok, w, wok)
			}
			if !ok || rng.IntN(10) == 0 { // set new pairs, and overwrite some (with 0 now and then)
				v := int32(i)
				if rng.IntN(8) == 0 {
					v = 0
				}
				tb.Set(a, b, v)
				want[[2]uint32{a, b}] = v
			}
		}
		if limit > 0 && (tb.sparse == nil || tb.cells > limit) {
			t.Errorf("limit %d: %d cells, sparse %v", limit, tb.cells, tb.sparse != nil)
		}
		if limit == 0 && tb.sparse != nil {
			t.Errorf("default limit: %d pairs went to the map", len(tb.sparse))
		}
	}
}
