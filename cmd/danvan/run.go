package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// refreshOptions are the settings of one refresh, from flags.
type refreshOptions struct {
	data         string
	deadlineDays int
	keep         int
	read         readOptions
	out          io.Writer    // per-file ingest lines; io.Discard when serving
	log          *slog.Logger // what the refresh repaired on its own; nil: slog.Default()
	// switched, when set, is called once a publication may have switched
	// exports/current (danvan serve: the server's Switched, so a request
	// after the run sees the new snapshot whatever its watch's delay).
	switched func()
	// exits: the process exits once the refresh returns (`danvan run`
	// from main): a warehouse whose snapshot was published is left by
	// CloseForExit, its shutdown's freeing left to the exit.
	exits bool
}

// refreshFlags registers the settings of a refresh.
func refreshFlags(fs interface {
	Var(flag.Value, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}, o *refreshOptions) {
	fs.IntVar(&o.deadlineDays, "deadline-days", warehouse.DefaultOptions().DeadlineDays, "a report is on time until this many days after its period ends")
	fs.IntVar(&o.keep, "keep", export.DefaultOptions().Keep, "published snapshots to keep")
	readFlagsInto(fs, &o.read)
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	o := refreshOptions{out: stdout}
	data := dataFlag(fs)
	refreshFlags(fs, &o)
	wait := fs.Duration("wait", 0, "wait this long for a refresh already running elsewhere, instead of exiting")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.data = *data
	o.exits = exitsAfterCommand
	logger, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	o.log = logger
	if *wait > 0 {
		unlock, err := schedule.Lock(ctx, o.data, *wait, logger)
		if err != nil {
			return err
		}
		// Only waited for our turn; the runner takes the lock itself.
		if err := unlock(); err != nil {
			return err
		}
	}
	sopts := schedule.DefaultOptions()
	sopts.Schedule = schedule.Off
	sopts.Logger = logger
	runner, err := schedule.New(o.data, func(ctx context.Context) (schedule.Result, error) { return refresh(ctx, o) }, sopts)
	if err != nil {
		return err
	}
	start := time.Now()
	r, err := runner.RunNow(ctx)
	if err != nil {
		return err
	}
	if !r.Status.Published() {
		return fmt.Errorf("refresh %s failed after %d attempt(s): %s", r.ID, r.Attempts, r.Error)
	}
	fmt.Fprintf(stdout, "làm mới xong (refresh done) trong %s: %s\nsnapshot %s đã công bố tại %s\n",
		time.Since(start).Round(time.Millisecond), r.Detail, r.Snapshot, exportsCurrent(o.data))
	if len(r.Problems) > 0 {
		printFaults(stdout, fmt.Sprintf("nhưng có %d vấn đề cần xem (but %d problem(s) to look at):", len(r.Problems), len(r.Problems)), r.Problems)
		return errProblems
	}
	return nil
}

// inData makes the paths of faults inside the data directory relative to
// it: "inbox/a.csv" says where to look, wherever the directory is.
func inData(data string, faults []pipeline.Fault) []pipeline.Fault {
	abs, err := filepath.Abs(data)
	for i, f := range faults {
		p, err2 := filepath.Abs(f.Path)
		rel, err3 := filepath.Rel(abs, p)
		if err == nil && err2 == nil && err3 == nil && filepath.IsLocal(rel) {
			faults[i].Path = filepath.ToSlash(rel)
		}
	}
	return faults
}

// printFaults prints faults under a heading, each with its fix.
func printFaults(w io.Writer, heading string, faults []pipeline.Fault) {
	fmt.Fprintln(w, heading)
	for _, f := range faults {
		fmt.Fprintf(w, "  - [%s] %s: %s\n", f.Code, printable(f.Path), f.Reason)
		if f.Fix != "" {
			fmt.Fprintf(w, "    cách sửa: %s\n", f.Fix)
		}
		fmt.Fprintf(w, "    (%s", f.ReasonEN)
		if f.FixEN != "" {
			fmt.Fprintf(w, " Fix: %s", f.FixEN)
		}
		fmt.Fprintln(w, ")")
	}
}

func exportsCurrent(data string) string { return layout.Dir(data).Current() }

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("%w: --log-format must be text or json, not %q", errUsage, format)
}
