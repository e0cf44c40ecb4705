package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapRoom is how much the Go heap may grow past what the last garbage
// collection found live before the next one starts, at the least. With
// GOGC's default of 100 the next goal is twice the live heap; `danvan run`
// on a half-year's drop of 365 commune forms keeps 3-9 MB live, so it
// collected 138 times in 13 s (each form's reader, validator and Parquet
// writer allocate a few MB and let go of them), ~0.3 s of its ~3.5 s of
// CPU. With 64 MiB of room it collects a handful of times. A large ingest
// (hundreds of MB live) keeps GOGC's 100, and the soft memory limit
// (defaultMemoryLimit) holds the heap below 1 GiB as before.
const heapRoom = 64 << 20

// keepHeapRoom sets the garbage collector's percentage after each
// collection so the next goal is at least heapRoom above the live heap,
// never below GOGC's default. It does nothing when GOGC is set. It is
// called once, by the commands that read many files in one process (run,
// ingest); not by the query worker, whose memory the kernel limits.
func keepHeapRoom() {
	if os.Getenv("GOGC") != "" {
		return
	}
	heapRoomOnce.Do(func() {
		t := &heapTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
		t.arm()
	})
}

var heapRoomOnce sync.Once

// heapTuner adjusts the percentage from a finalizer, which the runtime
// runs after the collection that found its object unreachable: once per
// collection, since each run arms the next.
type heapTuner struct {
	sample []metrics.Sample
}

// gcTick is the object whose finalizer marks a collection. It holds a
// pointer: the runtime may batch pointer-free objects of under 16 bytes
// into one block, whose finalizer would then wait for its neighbours.
type gcTick struct{ _ *heapTuner }

func (t *heapTuner) arm() {
	runtime.SetFinalizer(&gcTick{}, func(*gcTick) {
		metrics.Read(t.sample)
		if s := t.sample[0]; s.Value.Kind() == metrics.KindUint64 {
			// Set even when unchanged: the first collection also ends
			// deferFirstCollection (main.go), which may have set 100.
			debug.SetGCPercent(gcPercent(s.Value.Uint64(), heapRoom))
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
