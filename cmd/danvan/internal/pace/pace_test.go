package pace

import (
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
// binary's small heap (far below 64 MiB live): above GOGC's 100; once
// collectAsUsual has turned it off, a collection leaves GOGC's 100.
func TestKeepHeapRoom(t *testing.T) {
	collectAsUsual() // the package's init turned the tuner on (GOGC unset)
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	defer collectAsUsual()
	keepHeapRoom()
	if p := percent(); p != 1600 {
		t.Errorf("first goal: GC percentage %d, want 1600 (4 MiB + 1600 %% = 68 MiB)", p)
	}
	debug.SetGCPercent(100)
	if !collectUntil(func(p int) bool { return p > 100 }) {
		t.Fatal("after 1000 collections the GC percentage is still 100: the tuner is not armed")
	}
	collectAsUsual()
	if p := percent(); p != 100 {
		t.Fatalf("collectAsUsual: GC percentage %d, want 100", p)
	}
	for range 10 {
		runtime.GC()
		runtime.Gosched()
	}
	if p := percent(); p != 100 {
		t.Fatalf("a collection after collectAsUsual set the GC percentage to %d, want 100", p)
	}
}

func percent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// collectUntil collects garbage until ok holds for the GC percentage (the
// tuner's finalizer runs on its own goroutine, after the collection).
func collectUntil(ok func(int) bool) bool {
	for range 1000 {
		runtime.GC()
		runtime.Gosched()
		if ok(percent()) {
			return true
		}
	}
	return false
}

// danvan serve keeps ServeRoom of room between refreshes; a refresh inside
// it collects with heapRoom, as `danvan run` does, and the server's room
// comes back when the refresh ends. With the tuner off (GOGC or GOMEMLIMIT
// set), neither changes the percentage the user asked for.
func TestServingAndRefreshing(t *testing.T) {
	collectAsUsual()
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	defer collectAsUsual()
	defer SetRoom(heapRoom)
	// 8 MiB live, so that the two rooms make two percentages (this test
	// binary's own heap is small enough for both to be the highest).
	ballast := make([]byte, 8<<20)
	defer runtime.KeepAlive(ballast)
	keepHeapRoom()

	Serving()
	if r := Room(); r != ServeRoom {
		t.Fatalf("Serving: room %d MiB, want %d MiB", r>>20, ServeRoom>>20)
	}
	if !collectUntil(func(p int) bool { return p == gcPercent(liveHeap(), ServeRoom) && p > gcPercent(liveHeap(), heapRoom) }) {
		t.Fatalf("serving: GC percentage %d after 1000 collections, want %d (live %d kB)", percent(), gcPercent(liveHeap(), ServeRoom), liveHeap()>>10)
	}

	done := Refreshing()
	if r := Room(); r != heapRoom {
		t.Errorf("Refreshing: room %d MiB, want %d MiB", r>>20, heapRoom>>20)
	}
	if p, want := percent(), gcPercent(liveHeap(), heapRoom); p != want {
		t.Errorf("refreshing: GC percentage %d, want %d at once (live %d kB)", p, want, liveHeap()>>10)
	}
	runtime.GC()
	runtime.Gosched()
	if p, want := percent(), gcPercent(liveHeap(), heapRoom); p != want && !collectUntil(func(p int) bool { return p == gcPercent(liveHeap(), heapRoom) }) {
		t.Errorf("refreshing, after a collection: GC percentage %d, want %d", p, want)
	}
	done()
	if r := Room(); r != ServeRoom {
		t.Errorf("after the refresh: room %d MiB, want %d MiB", r>>20, ServeRoom>>20)
	}
	if p, want := percent(), gcPercent(liveHeap(), ServeRoom); p != want {
		t.Errorf("after the refresh: GC percentage %d, want %d at once", p, want)
	}

	// The user's GOGC (the tuner off) stays as it is.
	collectAsUsual()
	debug.SetGCPercent(300)
	Serving()
	if p := percent(); p != 300 {
		t.Errorf("tuner off, Serving: GC percentage %d, want the user's 300", p)
	}
	Refreshing()()
	if p := percent(); p != 300 {
		t.Errorf("tuner off, Refreshing: GC percentage %d, want the user's 300", p)
	}
}
