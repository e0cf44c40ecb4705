package store

import (
	"math/rand/v2"
	"testing"
)

// reportIndex answers as a map would, in its table and past its limit.
func TestReportIndex(t *testing.T) {
	for _, limit := range []int{0, 50, 5000} {
		ix := reportIndex{limit: limit}
		want := map[[2]int32]int32{}
		rng := rand.New(rand.NewPCG(7, uint64(limit)))
		for i := 0; i < 20000; i++ {
			k := [2]int32{int32(rng.IntN(60)), int32(rng.IntN(300))}
			got, ok := ix.get(k)
			w, wok := want[k]
			if ok != wok || got != w {
				t.Fatalf("limit %d: get(%v) = %d, %v; want %d, %v", limit, k, got, ok, w, wok)
			}
			if !ok {
				ix.set(k, int32(len(want)))
				want[k] = int32(len(want))
			}
		}
		if limit > 0 && (ix.sparse == nil || ix.cells > limit) {
			t.Errorf("limit %d: %d cells, sparse %v", limit, ix.cells, ix.sparse != nil)
		}
		if limit == 0 && ix.sparse != nil {
			t.Errorf("no limit: %d pairs went to the map", len(ix.sparse))
		}
	}
}
