package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// refreshOptions are the settings of one refresh, from flags.
type refreshOptions struct {
	data         string
	deadlineDays int
	keep         int
	out          io.Writer // per-file ingest lines; io.Discard when serving
}

func refreshFlags(fs interface {
	IntVar(*int, string, int, string)
}, o *refreshOptions) {
	fs.IntVar(&o.deadlineDays, "deadline-days", warehouse.DefaultOptions().DeadlineDays, "a report is on time until this many days after its period ends")
	fs.IntVar(&o.keep, "keep", export.DefaultOptions().Keep, "published snapshots to keep")
}

// refresh is the job cron runs: ingest the inbox, rebuild the models, run
// the data tests, publish a snapshot. Any failure leaves the previous
// snapshot published.
func refresh(ctx context.Context, o refreshOptions) (schedule.Result, error) {
	var res schedule.Result
	trace := func(string, time.Duration) {}
	if os.Getenv("DANVAN_TRACE") != "" {
		trace = func(what string, d time.Duration) {
			fmt.Fprintf(os.Stderr, "trace %-40s %s\n", what, d.Round(time.Millisecond))
		}
	}
	if err := os.MkdirAll(inboxDir(o.data), 0o755); err != nil {
		return res, schedule.Permanent(err)
	}
	t0 := time.Now()
	sum, err := ingestPaths(ctx, o.data, []string{inboxDir(o.data)})
	trace("ingest", time.Since(t0))
	printSummary(o.out, sum, 3)
	for _, f := range sum.Files {
		if f.Status != ingest.Skipped {
			res.FilesIngested++
		}
	}
	res.RowsAccepted, res.RowsRejected, _ = sum.Totals()
	if err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	opts := warehouse.DefaultOptions()
	opts.DeadlineDays = o.deadlineDays
	opts.Trace = trace
	t0 = time.Now()
	wh, err := warehouse.Open(ctx, o.data, opts)
	trace("open warehouse", time.Since(t0))
	if err != nil {
		return res, fmt.Errorf("open warehouse: %w", err)
	}
	defer func() {
		t0 := time.Now()
		wh.Close()
		trace("close warehouse", time.Since(t0))
	}()
	t0 = time.Now()
	rr, err := wh.Refresh(ctx)
	trace("refresh", time.Since(t0))
	for _, t := range rr.Tests {
		if t.Failed == 0 {
			res.TestsPassed++
		} else {
			res.TestsFailed++
		}
	}
	var dte *warehouse.DataTestError
	if errors.As(err, &dte) {
		// The data, not the machine, is wrong: retrying cannot help.
		return res, schedule.Permanent(fmt.Errorf("data tests failed, previous snapshot kept: %w", err))
	}
	if err != nil {
		return res, fmt.Errorf("refresh models: %w", err)
	}
	t0 = time.Now()
	snap, err := export.Publish(ctx, wh.DB(), o.data, export.Options{Keep: o.keep, Demo: isDemo(o.data), Trace: trace})
	trace("publish", time.Since(t0))
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	res.Snapshot = snap.RunID
	res.Detail = fmt.Sprintf("%s; %s", rr.Summary(), snap)
	return res, nil
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
	logger, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
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
	if r.Status != schedule.StatusSucceeded {
		return fmt.Errorf("refresh %s failed after %d attempt(s): %s", r.ID, r.Attempts, r.Error)
	}
	fmt.Fprintf(stdout, "làm mới xong (refresh done) trong %s: %s\nsnapshot %s đã công bố tại %s\n",
		time.Since(start).Round(time.Millisecond), r.Detail, r.Snapshot, exportsCurrent(o.data))
	return nil
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
