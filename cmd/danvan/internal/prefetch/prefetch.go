// Package prefetch starts making the embedded reference data (units and
// indicators, copied from Go tables, and their index of names: ~1-2 ms of
// CPU, most of it the index) on another goroutine as soon as package
// pipeline is initialised, for the commands that read reports (ingest,
// run, validate), so that it overlaps the
// initialisation of the packages after it (excelize's tables, arrow's
// kernel registry, the narrative reader's: ~4-5 ms on one core) instead of
// following it. A per-unit workbook's whole ingest takes ~30 ms, so the
// few milliseconds are a tenth of it.
//
// Go initialises, of the packages whose imports are initialised, the first
// by import path: this package follows package pipeline (and pace, which
// sets the collector's pacing first) and comes before github.com/xuri and
// the rest of the module's packages.
package prefetch

import (
	"os"
	"sync"

	_ "github.com/danvan/danvan/cmd/danvan/internal/pace" // the collector's pacing before the reference's allocations
	"github.com/danvan/danvan/pipeline"
)

// readers are the commands that read reports with the embedded reference.
var readers = map[string]bool{"ingest": true, "run": true, "validate": true}

func init() {
	if len(os.Args) > 1 && readers[os.Args[1]] {
		start()
	}
}

type loaded struct {
	ref *pipeline.Reference
	err error
}

var (
	mu      sync.Mutex
	pending chan loaded // the reference being read in advance, until taken
)

// start reads the reference in advance, with its index of names.
func start() {
	c := read()
	mu.Lock()
	pending = c
	mu.Unlock()
}

// read reads the reference, with its index of names, on another goroutine.
func read() chan loaded {
	c := make(chan loaded, 1)
	go func() {
		ref, err := pipeline.DefaultReference()
		if err == nil {
			pipeline.NewResolver(ref) // builds the index of names its readers share
		}
		c <- loaded{ref, err}
	}()
	return c
}

// Start hands out the reference read in advance the first time, and starts
// reading one now after that (each refresh of a long-running server reads
// its own, as it always did), on another goroutine either way; the function
// it returns waits for it.
func Start() func() (*pipeline.Reference, error) {
	mu.Lock()
	c := pending
	pending = nil
	mu.Unlock()
	if c == nil {
		c = read()
	}
	return sync.OnceValues(func() (*pipeline.Reference, error) {
		r := <-c
		return r.ref, r.err
	})
}

// Reference is the embedded reference with its index of names (Start, then
// wait for it).
func Reference() (*pipeline.Reference, error) {
	return Start()()
}
