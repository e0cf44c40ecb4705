package dense

import (
	"math/rand/v2"
	"testing"
)

// pairTable is what Table and Index share: values by pair.
type pairTable[V comparable] interface {
	Get(a, b uint32) (V, bool)
	Set(a, b uint32, v V)
}

// agreesWithMap sets and gets 20,000 random pairs in tb and in a map, and
// fails when they answer differently; value gives the value set at step i.
func agreesWithMap[V comparable](t *testing.T, limit int, tb pairTable[V], value func(i int, rng *rand.Rand) V) {
	t.Helper()
	want := map[[2]uint32]V{}
	rng := rand.New(rand.NewPCG(7, uint64(limit)))
	for i := 0; i < 20000; i++ {
		a, b := uint32(rng.IntN(60)), uint32(rng.IntN(300))
		got, ok := tb.Get(a, b)
		w, wok := want[[2]uint32{a, b}]
		if ok != wok || got != w {
			t.Fatalf("limit %d: Get(%d, %d) = %v, %v; want %v, %v", limit, a, b, got, ok, w, wok)
		}
		if !ok || rng.IntN(10) == 0 { // set new pairs, and overwrite some
			v := value(i, rng)
			tb.Set(a, b, v)
			want[[2]uint32{a, b}] = v
		}
	}
}

// checkLimit fails when a table with a limit kept more cells than it, or
// sent nothing to its map, or one with the default limit sent pairs there.
func checkLimit(t *testing.T, limit, cells, sparse int, hasSparse bool) {
	t.Helper()
	if limit > 0 && (!hasSparse || cells > limit) {
		t.Errorf("limit %d: %d cells, sparse %v", limit, cells, hasSparse)
	}
	if limit == 0 && hasSparse {
		t.Errorf("default limit: %d pairs went to the map", sparse)
	}
}

// A Table answers as a map would, in its rows and past its limit.
func TestTableAgreesWithMap(t *testing.T) {
	for _, limit := range []int{0, 50, 5000} {
		tb := &Table[int]{Limit: limit}
		agreesWithMap(t, limit, tb, func(i int, _ *rand.Rand) int { return i })
		checkLimit(t, limit, tb.cells, len(tb.sparse), tb.sparse != nil)
	}
}

// An Index answers as a map would, in its rows and past its limit, index 0
// included.
func TestIndexAgreesWithMap(t *testing.T) {
	for _, limit := range []int{0, 50, 5000} {
		tb := &Index{Limit: limit}
		agreesWithMap(t, limit, tb, func(i int, rng *rand.Rand) int32 {
			if rng.IntN(8) == 0 { // 0 now and then: an Index's unset cell is 0 inside
				return 0
			}
			return int32(i)
		})
		checkLimit(t, limit, tb.cells, len(tb.sparse), tb.sparse != nil)
	}
}
