// Package dense keeps values by a pair of small dense ids (a unit and a
// period, say) in a table of rows rather than a hash map. Rows of a large
// file come in any order, and a map of a few hundred thousand pairs misses
// the cache on nearly every lookup; a table row is a couple of memory reads.
package dense

// DefaultLimit is the cells a Table holds when its Limit is zero.
const DefaultLimit = 1 << 22

// Table maps (a, b) to a V. Cells are allocated row by row up to the
// largest b seen in that row; past Limit cells new pairs go to a map, so a
// file of very many pairs costs what a map would.
type Table[V any] struct {
	Limit  int // cells at most; DefaultLimit when zero
	rows   [][]cell[V]
	cells  int
	sparse map[[2]uint32]V
}

type cell[V any] struct {
	v  V
	ok bool
}

// Get returns the value of (a, b) and whether it was set.
func (t *Table[V]) Get(a, b uint32) (V, bool) {
	if int(a) < len(t.rows) && int(b) < len(t.rows[a]) {
		if c := &t.rows[a][b]; c.ok {
			return c.v, true
		}
	}
	v, ok := t.sparse[[2]uint32{a, b}]
	return v, ok
}

// Set sets the value of (a, b).
func (t *Table[V]) Set(a, b uint32, v V) {
	if !fits(t.rows, a, b) && !grow(&t.rows, &t.cells, t.Limit, a, b) {
		if t.sparse == nil {
			t.sparse = map[[2]uint32]V{}
		}
		t.sparse[[2]uint32{a, b}] = v
		return
	}
	t.rows[a][b] = cell[V]{v, true}
}

// fits reports whether rows has a cell for (a, b).
func fits[C any](rows [][]C, a, b uint32) bool {
	return int(a) < len(rows) && int(b) < len(rows[a])
}

// grow makes a cell for (a, b) in rows, row a up to b, if the cells
// counted in *cells stay within limit (DefaultLimit when zero); false when
// they would not, and the pair goes to the sparse map instead.
func grow[C any](rows *[][]C, cells *int, limit int, a, b uint32) bool {
	if limit == 0 {
		limit = DefaultLimit
	}
	newRows := max(int(a)+1-len(*rows), 0)
	var row int
	if int(a) < len(*rows) {
		row = len((*rows)[a])
	}
	more := int(b) + 1 - row
	if *cells+newRows+more > limit {
		return false
	}
	for len(*rows) <= int(a) {
		*rows = append(*rows, nil)
	}
	*cells += newRows + more
	(*rows)[a] = append((*rows)[a], make([]C, more)...)
	return true
}

// Index is a Table of indices (int32 values from 0 to MaxInt32-1) in half
// the memory: a cell is the index plus one, 0 when unset, where a Table's
// cell pairs its value with a flag. The Validator's units and the store's
// reports are such tables, looked up once a row in rows of any order: at
// 4 bytes a cell, twice as many of them stay in a core's cache.
type Index struct {
	Limit  int // cells at most; DefaultLimit when zero
	rows   [][]uint32
	cells  int
	sparse map[[2]uint32]int32
}

// Get returns the index of (a, b) and whether it was set.
func (t *Index) Get(a, b uint32) (int32, bool) {
	if int(a) < len(t.rows) && int(b) < len(t.rows[a]) {
		if c := t.rows[a][b]; c != 0 {
			return int32(c - 1), true
		}
	}
	v, ok := t.sparse[[2]uint32{a, b}]
	return v, ok
}

// Set sets the index of (a, b); v must be at least 0 and below MaxInt32.
func (t *Index) Set(a, b uint32, v int32) {
	if v < 0 || v == 1<<31-1 {
		panic("dense: an Index holds indices from 0 to MaxInt32-1")
	}
	if !fits(t.rows, a, b) && !grow(&t.rows, &t.cells, t.Limit, a, b) {
		if t.sparse == nil {
			t.sparse = map[[2]uint32]int32{}
		}
		t.sparse[[2]uint32{a, b}] = v
		return
	}
	t.rows[a][b] = uint32(v) + 1
}
