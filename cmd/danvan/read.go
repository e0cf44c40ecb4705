package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/ingest"
)

// readOptions are the settings of how ingest reads files, from flags: the
// limits of what one file may cost, the time one file may take and the
// poison rule.
type readOptions struct {
	limits      ingest.Limits
	poisonAfter int
	fileTimeout time.Duration
	problems    int // a file's problems the summary prints; 0: as many as refresh prints
}

// readFlagsInto registers the read options of o on fs.
func readFlagsInto(fs interface {
	Var(flag.Value, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}, o *readOptions) {
	def := ingest.DefaultOptions()
	fs.IntVar(&o.poisonAfter, "poison-after", def.PoisonAfter, "quarantine a file as poison once this many runs in a row failed, timed out or died on it (0: never)")
	fs.DurationVar(&o.fileTimeout, "file-timeout", def.FileTimeout, "leave a file that takes longer than this for the next run, and read the others")
	limitFlagsInto(fs, &o.limits)
}

// limitFlagsInto registers the limits of what one file may cost to read
// on fs: ingest, run, serve and validate take the same (validate has no
// poison rule, since it stores nothing).
func limitFlagsInto(fs interface {
	Var(flag.Value, string, string)
	IntVar(*int, string, int, string)
}, l *ingest.Limits) {
	*l = ingest.DefaultLimits()
	fs.Var(sizeFlag{&l.FileBytes}, "max-file-size", "quarantine a file larger than this (e.g. 512MiB, 2GiB)")
	fs.IntVar(&l.Rows, "max-rows", l.Rows, "quarantine a file of more than this many rows of figures")
	fs.Var(intSizeFlag{&l.LineBytes}, "max-line", "quarantine a CSV or JSON Lines file with a line longer than this, or a workbook with a longer cell (e.g. 1MiB)")
	fs.Var(sizeFlag{&l.WholeBytes}, "max-read-whole", "quarantine a file read at once (a JSON report, a text, a form sheet) larger than this; larger workbooks' long tables stream (e.g. 32MiB)")
	fs.Var(sizeFlag{&l.UnzippedBytes}, "max-unzipped", "quarantine a workbook or Word document whose parts unzip to more than this (e.g. 1GiB)")
	fs.IntVar(&l.SharedStrings, "max-shared-strings", l.SharedStrings, "quarantine a workbook with more shared strings (Excel's table of texts) than this")
	fs.Var(sizeFlag{&l.SharedStringBytes}, "max-shared-strings-size", "quarantine a workbook whose shared strings unzip to more than this (e.g. 256MiB)")
}

// apply sets o on ingest options.
func (o readOptions) apply(opts *ingest.Options) {
	opts.Limits, opts.PoisonAfter, opts.FileTimeout = o.limits, o.poisonAfter, o.fileTimeout
	switch {
	case o.problems < 0:
		opts.Problems = -1 // all
	case o.problems > 0:
		opts.Problems = o.problems
	default:
		opts.Problems = refreshProblems
	}
}

// intSizeFlag is a sizeFlag held in an int.
type intSizeFlag struct{ v *int }

func (f intSizeFlag) String() string {
	if f.v == nil {
		return ""
	}
	return formatSize(int64(*f.v))
}

func (f intSizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	if n > 1<<31-1 {
		return fmt.Errorf("size %q: at most 2GiB", s)
	}
	*f.v = int(n)
	return nil
}

// sizeFlag is a size in bytes written "512MiB", "2GiB", "64KiB", "1500000"
// (bytes) or with decimal units ("500MB").
type sizeFlag struct{ v *int64 }

func (f sizeFlag) String() string {
	if f.v == nil {
		return ""
	}
	return formatSize(*f.v)
}

// formatSize writes n as a size flag is written, in the largest binary
// unit that divides it (512MiB, not 536870912), so `-h` shows each default
// as the help text's examples and the README write it.
func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n > 0 && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.v = n
	return nil
}

var sizeUnits = []struct {
	suffix string
	n      int64
}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"b", 1}}

func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.n
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("size %q: write a positive number of bytes, or with a unit: 64KiB, 512MiB, 2GiB", s)
	}
	return int64(n * float64(mult)), nil
}
