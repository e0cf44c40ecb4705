package store

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// pool is the allocator of the Parquet writers. Every partition file of
// every ingested file has a writer whose encoders grow their buffers from
// nothing; with Go's allocator each of those buffers was zeroed and faulted
// in afresh, about a second of a 10M-row ingest. pool hands the buffers a
// writer frees to the next one.
var pool = &pooledAllocator{}

// pooledAllocator keeps freed buffers of 4 KiB and more by power-of-two
// capacity. Buffers come back cleared, as Go's allocator gives them.
type pooledAllocator struct{ classes [64]sync.Pool }

const minPooled = 4 << 10

var goAlloc = memory.NewGoAllocator()

func (a *pooledAllocator) Allocate(size int) []byte {
	if size < minPooled {
		return goAlloc.Allocate(size)
	}
	c := bits.Len(uint(size - 1))
	if p, ok := a.classes[c].Get().(*[]byte); ok {
		b := (*p)[:size]
		clear(b)
		return b
	}
	return goAlloc.Allocate(1 << c)[:size]
}

func (a *pooledAllocator) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		n := len(b)
		b = b[:size]
		if size > n {
			clear(b[n:])
		}
		return b
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

func (a *pooledAllocator) Free(b []byte) {
	c := cap(b)
	if c < minPooled || c&(c-1) != 0 {
		return // small, or not from Allocate: left to the collector
	}
	b = b[:c]
	a.classes[bits.Len(uint(c))-1].Put(&b)
}

var _ memory.Allocator = (*pooledAllocator)(nil)
