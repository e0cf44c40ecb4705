package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/store"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// refresh is the job the runner runs for `danvan run`, the schedule and the
// API trigger: the pipeline.Refresher over this binary's stages. Any failure
// leaves the previous snapshot published.
func refresh(ctx context.Context, o refreshOptions) (schedule.Result, error) {
	var res schedule.Result
	if err := os.MkdirAll(inboxDir(o.data), 0o755); err != nil {
		return res, schedule.Permanent(err)
	}
	rep, err := newRefresher(o).Run(ctx)
	res = schedule.Result{
		FilesIngested: rep.Files, RowsAccepted: rep.Accepted, RowsRejected: rep.Rejected,
		TestsPassed: rep.TestsPassed, TestsFailed: rep.TestsFailed, Faults: inData(o.data, rep.Ingested.Faults),
	}
	var dte *warehouse.DataTestError
	if errors.As(err, &dte) {
		// The data, not the machine, is wrong: retrying cannot help.
		return res, schedule.Permanent(fmt.Errorf("data tests failed, previous snapshot kept: %w", err))
	}
	if err != nil {
		return res, err
	}
	res.Snapshot, res.Detail = rep.Snapshot, rep.Detail()
	return res, nil
}

// newRefresher wires the stages: ingest into the store, the warehouse,
// export.
func newRefresher(o refreshOptions) *pipeline.Refresher {
	trace := func(string, time.Duration) {}
	if os.Getenv("DANVAN_TRACE") != "" {
		// Beside each step's time, the process's CPU time so far (all
		// threads, DuckDB's included): the difference between two lines is
		// what the steps between them cost, whatever else the machine ran.
		trace = func(what string, d time.Duration) {
			fmt.Fprintf(os.Stderr, "trace %-40s %-10s cpu %s\n", what, d.Round(time.Millisecond), processCPU().Round(time.Millisecond))
		}
	}
	return &pipeline.Refresher{Inbox: inboxStage{o}, Warehouse: &warehouseStage{o: o, trace: trace}, Store: storeStage{o}, Trace: trace}
}

// inboxStage ingests the inbox into the store and prints a line per file.
type inboxStage struct{ o refreshOptions }

func (s inboxStage) Ingest(ctx context.Context) (pipeline.Ingested, error) {
	sum, err := ingestPaths(ctx, s.o.data, s.o.read, []string{inboxDir(s.o.data)})
	printSummary(s.o.out, sum, refreshProblems)
	var in pipeline.Ingested
	for _, f := range sum.Files {
		if f.Status != ingest.Skipped {
			in.Files++
		}
	}
	in.Accepted, in.Rejected, _ = sum.Totals()
	in.Faults = sum.Faults()
	return in, err
}

// warehouseStage opens the warehouse; the warehouse refreshes the models
// and export publishes them.
type warehouseStage struct {
	o       refreshOptions
	trace   func(string, time.Duration)
	started *warehouse.Starting // begun while the ingest runs, not yet opened
}

func (s *warehouseStage) options() warehouse.Options {
	opts := warehouse.DefaultOptions()
	opts.DeadlineDays = s.o.deadlineDays
	opts.Trace = s.trace
	return opts
}

// StartWarehouse begins opening the warehouse while the ingest runs.
func (s *warehouseStage) StartWarehouse(ctx context.Context) {
	s.started = warehouse.Start(ctx, s.o.data, s.options())
}

// StopWarehouse closes what StartWarehouse began, unless it was opened.
func (s *warehouseStage) StopWarehouse() error {
	if s.started == nil {
		return nil
	}
	err := s.started.Close()
	s.started = nil
	return err
}

func (s *warehouseStage) OpenWarehouse(ctx context.Context) (pipeline.Warehouse, error) {
	var wh *warehouse.Warehouse
	var err error
	if s.started != nil {
		wh, err = s.started.Open(ctx)
		s.started = nil
	} else {
		wh, err = warehouse.Open(ctx, s.o.data, s.options())
	}
	if err != nil {
		return nil, err
	}
	w := &openWarehouse{Warehouse: wh, s: s}
	w.logRebuilt()
	return w, nil
}

type openWarehouse struct {
	*warehouse.Warehouse
	s         *warehouseStage
	logged    int  // of Rebuilt
	published bool // Publish made its snapshot current
}

// Close closes the warehouse; after a publication in a process about to
// exit, by CloseForExit. A failed run closes it whole: the schedule may
// try again in this process, and DuckDB would hand a file left open to
// that attempt's open.
func (w *openWarehouse) Close() error {
	if w.s.o.exits && w.published {
		return w.CloseForExit()
	}
	return w.Warehouse.Close()
}

// logRebuilt says, once each, which damaged database files the warehouse
// moved aside and rebuilt.
func (w *openWarehouse) logRebuilt() {
	for _, r := range w.Rebuilt()[w.logged:] {
		w.s.o.logger().Warn("warehouse.duckdb was damaged: moved aside and rebuilt from the Parquet store",
			"moved_to", r.MovedTo, "damage", r.Cause)
	}
	w.logged = len(w.Rebuilt())
}

func (w *openWarehouse) Refresh(ctx context.Context) (pipeline.Refreshed, error) {
	rr, err := w.Warehouse.Refresh(ctx)
	w.logRebuilt()
	var r pipeline.Refreshed
	for _, t := range rr.Tests {
		if t.Failed == 0 {
			r.TestsPassed++
		} else {
			r.TestsFailed++
		}
	}
	r.Summary = rr.Summary()
	return r, err
}

func (w *openWarehouse) Publish(ctx context.Context) (pipeline.Published, error) {
	publish := func() (export.Snapshot, error) {
		return export.Publish(ctx, w.DB(), w.s.o.data, export.Options{Keep: w.s.o.keep, Demo: isDemo(w.s.o.data), Trace: w.s.trace})
	}
	snap, err := publish()
	if w.Damaged(err) {
		// A damaged block only the export reads (a partition's staging):
		// rebuild the database, refresh it in full and publish again.
		if err = w.Rebuild(ctx, err); err == nil {
			_, err = w.Warehouse.Refresh(ctx)
		}
		w.logRebuilt()
		if err == nil {
			snap, err = publish()
		}
	}
	if w.s.o.switched != nil {
		w.s.o.switched()
	}
	for _, d := range snap.Repaired {
		w.s.o.logger().Warn("damaged snapshot file written afresh, not carried forward",
			"file", filepath.Join(layout.Dir(w.s.o.data).Snapshots(), d.Path), "damage", d.Err.Error())
	}
	w.published = err == nil
	return pipeline.Published{Snapshot: snap.RunID, Summary: snap.String()}, err
}

func (o refreshOptions) logger() *slog.Logger {
	if o.log == nil {
		return slog.Default()
	}
	return o.log
}

// storeStage repairs and checks the Parquet store for the chain.
type storeStage struct{ o refreshOptions }

func (s storeStage) open() (*store.Store, error) { return store.Open(s.o.data, store.DefaultOptions()) }

func (s storeStage) Repair(ctx context.Context) ([]pipeline.Fault, error) {
	st, err := s.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	set, err := st.Repair(ctx)
	s.setAside(set) // the check after the ingest reports those still set aside
	return nil, err
}

func (s storeStage) Check(ctx context.Context) ([]pipeline.Fault, error) {
	st, err := s.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Check(ctx, false)
}

func (s storeStage) SetAside(ctx context.Context, damaged []pipeline.DamagedFile) ([]pipeline.Fault, error) {
	st, err := s.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	set, err := st.SetAside(ctx, damaged)
	return s.setAside(set), err
}

// setAside logs every batch set aside; those whose file is not at hand to
// load again are faults, with the fix: send it again.
func (s storeStage) setAside(set []store.SetAsideBatch) []pipeline.Fault {
	var faults []pipeline.Fault
	for _, b := range set {
		var files []string
		for _, d := range b.Damaged {
			files = append(files, fmt.Sprintf("%s (%v)", d.Path, d.Err))
		}
		s.o.logger().Warn("stored values damaged: batch set aside", "file", printable(b.Entry.SourceFile), "batch", b.Entry.Batch,
			"damaged", strings.Join(files, "; "), "reloaded_from_inbox", b.Reload)
		if !b.Reload {
			faults = append(faults, b.Fault())
		}
	}
	return faults
}

// refreshProblems is how many problems of each file a refresh prints.
const refreshProblems = 3
