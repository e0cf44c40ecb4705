// Package pace sets the Go garbage collector's pacing of danvan: one
// policy for every command, set when this package is initialised, before
// the packages that allocate most at their initialisation (excelize's
// tables, arrow's kernel registry, the narrative reader's): with Go's first
// goal of 4 MiB, the ~3.3 MB those allocate ran a collection before main
// started, ~5 ms of the ~50 ms of CPU of `danvan ingest` of one workbook
// (its mark workers on both cores, scanning the binary's globals). The
// package imports only the standard library, so it is initialised as soon
// as its imports are (Go initialises, of the packages whose imports are
// done, the first by import path), ahead of github.com/xuri, golang.org
// and google.golang.org.
package pace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

func init() { paceCollector() }

// defaultMemoryLimit is the Go heap's soft limit when GOMEMLIMIT is not
// set: a large ingest then collects garbage before its peak RSS passes
// 1 GiB, at no measured cost in speed (DuckDB's memory is bounded apart,
// by its memory_limit).
const defaultMemoryLimit = 900 << 20

// heapRoom is how much the Go heap may grow past what the last garbage
// collection found live before the next one starts, at the least. With
// GOGC's default of 100 the next goal is twice the live heap, and Go starts
// at a 4 MiB heap: the ingest of one workbook ran five collections (~15 %
// of its CPU) for a heap it drops at exit, and `danvan run` over a drop of
// 365 commune forms, 3-9 MB live, collected 138 times (~0.3 s of its
// ~3.5 s of CPU). With 64 MiB of room the first collects none and the
// second a handful of times. A large ingest (hundreds of MB live) keeps
// GOGC's 100, and defaultMemoryLimit holds the heap below 1 GiB as before.
const heapRoom = 64 << 20

// ServeRoom is the room of `danvan serve` between refreshes (Serving). Its
// live heap is ~5 MB, and under 100 keep-alive connections net/http
// allocates ~2.3 KB a request (the bare handler of the bench as much):
// with 64 MiB of room it collected about every 2 s at 30,000 requests a
// second, each collection marking for several milliseconds with its
// assists on the requests then in flight, a few per cent of the requests
// of a 20 s run, which put the collections in its p99. With 256 MiB, a
// quarter as many; the cost is ~250 MiB more RSS while it serves, and
// none during a refresh (Refreshing).
const ServeRoom = 256 << 20

// room is keepHeapRoom's room: heapRoom, or what SetRoom set last. Set by
// its initialiser, which runs before any init function (paceCollector).
var room = func() *atomic.Uint64 {
	var r atomic.Uint64
	r.Store(heapRoom)
	return &r
}()

// paceCollector sets the collector from the environment: with neither GOGC
// nor GOMEMLIMIT set, the soft limit and heapRoom; with GOGC alone, the
// soft limit and the user's GOGC; with GOMEMLIMIT (the query worker sets
// it), Go's own pacing.
func paceCollector() {
	memLimitSet := os.Getenv("GOMEMLIMIT") != ""
	if !memLimitSet {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if !memLimitSet && os.Getenv("GOGC") == "" {
		keepHeapRoom()
	}
}

// tuning is whether keepHeapRoom's tuner is on.
var tuning atomic.Bool

// settingPercent keeps the tuner's finalizer and collectAsUsual from
// crossing: a finalizer that found the tuner on could otherwise set its
// percentage after collectAsUsual had put back 100 (TestKeepHeapRoom saw
// 10,000 once, under load).
var settingPercent sync.Mutex

// keepHeapRoom sets the collector's percentage so the first goal is
// heapRoom (Go's first goal is 4 MiB times GOGC/100), then after each
// collection so the next goal is at least heapRoom above the live heap,
// never below GOGC's default.
func keepHeapRoom() {
	if tuning.Swap(true) {
		return
	}
	debug.SetGCPercent(gcPercent(4<<20, room.Load()))
	t := &heapTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.arm()
}

// collectAsUsual turns keepHeapRoom's tuner off and puts back GOGC's
// default (the tests' way back to a known state).
//
// serve keeps a room too (it used to collect as usual, to keep its peak
// memory low): under 100 keep-alive connections sending requests back to
// back, its ~6 MB live heap and GOGC's 100 ran ~10 collections a second,
// each stopping every request twice (sweep termination, mark termination),
// and its p99 latency was above a bare net/http handler's; with 64 MiB of
// room, ~1 a second, and since ServeRoom a quarter of that.
func collectAsUsual() {
	settingPercent.Lock()
	defer settingPercent.Unlock()
	if tuning.Swap(false) {
		debug.SetGCPercent(100)
	}
}

// heapTuner adjusts the percentage from a finalizer, which the runtime
// runs after the collection that found its object unreachable: once per
// collection, since each run arms the next while tuning is on.
type heapTuner struct {
	sample []metrics.Sample
}

// gcTick is the object whose finalizer marks a collection. It holds a
// pointer: the runtime may batch pointer-free objects of under 16 bytes
// into one block, whose finalizer would then wait for its neighbours.
type gcTick struct{ _ *heapTuner }

func (t *heapTuner) arm() {
	runtime.SetFinalizer(&gcTick{}, func(*gcTick) {
		settingPercent.Lock()
		defer settingPercent.Unlock()
		if !tuning.Load() {
			return
		}
		metrics.Read(t.sample)
		if s := t.sample[0]; s.Value.Kind() == metrics.KindUint64 {
			debug.SetGCPercent(gcPercent(s.Value.Uint64(), room.Load()))
		}
		t.arm()
	})
}

// gcPercent is the percentage that sets the next goal room bytes above a
// live heap of live bytes: at least 100 (GOGC's default) and at most 10,000
// (the goal of an almost empty heap), in steps of 25 so small changes of the
// live heap leave it as it is.
func gcPercent(live, room uint64) int {
	if live == 0 {
		return 10_000
	}
	p := room * 100 / live
	p -= p % 25
	return int(min(max(p, 100), 10_000))
}

// SetRoom makes r the heap room from now on: at once (from the live heap
// the last collection found) and after every collection. With the tuner
// off (GOGC or GOMEMLIMIT set), the percentage stays the user's.
func SetRoom(r uint64) {
	settingPercent.Lock()
	defer settingPercent.Unlock()
	room.Store(r)
	if tuning.Load() {
		live := liveHeap()
		if live == 0 {
			live = 4 << 20 // no collection yet: Go's first goal is 4 MiB times GOGC/100
		}
		debug.SetGCPercent(gcPercent(live, r))
	}
}

// Room is the heap room now.
func Room() uint64 { return room.Load() }

// Serving gives `danvan serve` ServeRoom of room.
func Serving() { SetRoom(ServeRoom) }

// Refreshing is for a refresh inside `danvan serve`: it collects with
// heapRoom, as `danvan run` does, after the server's garbage is collected
// and its pages returned to the system (debug.FreeOSMemory: one collection
// and a few milliseconds a refresh), so the refresh peaks no higher than it
// did with heapRoom throughout. done puts the room back as it was.
func Refreshing() (done func()) {
	before := Room()
	SetRoom(heapRoom)
	if tuning.Load() {
		debug.FreeOSMemory()
	}
	return func() { SetRoom(before) }
}

// liveHeap is the live heap the last collection found, 0 before the first.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
