package store

import (
	"bytes"
	"testing"
)

// Buffers the pool hands out again must look fresh: the right length,
// cleared, and their contents kept when they grow.
func TestPooledAllocatorReuse(t *testing.T) {
	a := &pooledAllocator{}
	for _, size := range []int{10, minPooled, minPooled + 1, 100_000} {
		for round := 0; round < 3; round++ {
			b := a.Allocate(size)
			if len(b) != size || !bytes.Equal(b, make([]byte, size)) {
				t.Fatalf("size %d, round %d: got %d bytes, cleared %v", size, round, len(b), bytes.Equal(b, make([]byte, size)))
			}
			for i := range b {
				b[i] = 0xAB
			}
			grown := a.Reallocate(2*size+3, b)
			if len(grown) != 2*size+3 || !bytes.Equal(grown[:size], bytes.Repeat([]byte{0xAB}, size)) ||
				!bytes.Equal(grown[size:], make([]byte, size+3)) {
				t.Fatalf("size %d, round %d: Reallocate lost the contents or left garbage", size, round)
			}
			for i := range grown {
				grown[i] = 0xCD
			}
			shrunk := a.Reallocate(size/2, grown)
			regrown := a.Reallocate(2*size, shrunk)
			if !bytes.Equal(regrown[size/2:], make([]byte, 2*size-size/2)) {
				t.Fatalf("size %d, round %d: growing within capacity left garbage", size, round)
			}
			a.Free(regrown)
		}
	}
}
