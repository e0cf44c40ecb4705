package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	const room = 64 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 10_000},
		{1 << 10, 10_000}, // an empty heap: the most room
		{4 << 20, 1600},   // the drop's heap: 4 + 64 MiB
		{3 << 20, 2125},   // 2133 in steps of 25
		{32 << 20, 200},   // 32 + 64 MiB
		{64 << 20, 100},   // from here on, GOGC's default
		{600 << 20, 100},  // a large ingest: unchanged
		{1 << 40, 100},
	} {
		if got := gcPercent(c.live, room); got != c.want {
			t.Errorf("gcPercent(%d MiB live) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// After a collection, the tuner has set the percentage for this test
// binary's small heap (far below 64 MiB live): above GOGC's 100.
func TestKeepHeapRoom(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: the tuner stays off")
	}
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	keepHeapRoom()
	for i := 0; i < 1000; i++ {
		runtime.GC()
		runtime.Gosched()
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		if p > 100 {
			return
		}
	}
	t.Fatal("after 1000 collections the GC percentage is still 100")
}
