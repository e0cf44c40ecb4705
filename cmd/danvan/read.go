package main

import (
	"time"

	"github.com/danvan/danvan/pipeline/ingest"
)

// readOptions are the settings of how ingest reads files, from flags: the
// time one file may take and the poison rule.
type readOptions struct {
	poisonAfter int
	fileTimeout time.Duration
}

// readFlagsInto registers the read options of o on fs.
func readFlagsInto(fs interface {
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}, o *readOptions) {
	def := ingest.DefaultOptions()
	fs.IntVar(&o.poisonAfter, "poison-after", def.PoisonAfter, "quarantine a file as poison once this many runs in a row failed, timed out or died on it (0: never)")
	fs.DurationVar(&o.fileTimeout, "file-timeout", def.FileTimeout, "leave a file that takes longer than this for the next run, and read the others")
}

// apply sets o on ingest options.
func (o readOptions) apply(opts *ingest.Options) {
	opts.PoisonAfter, opts.FileTimeout = o.poisonAfter, o.fileTimeout
}
