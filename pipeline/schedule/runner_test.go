package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// logBuf collects a runner's log lines; tests assert on what operators see.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newRunner(t *testing.T, dir string, job Job, opts Options) (*Runner, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	if opts.Schedule == "" {
		opts.Schedule = Off
	}
	r, err := New(dir, job, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
	return r, logs
}

func ok(ctx context.Context) (Result, error) { return Result{}, nil }

// onDisk returns the recorded run with that id.
func onDisk(t *testing.T, r *Runner, id string) Run {
	t.Helper()
	runs, err := r.History(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		if run.ID == id {
			return run
		}
	}
	t.Fatalf("run %s not in history %+v", id, runs)
	return Run{}
}

func TestRunRecordsResult(t *testing.T) {
	dir := t.TempDir()
	var seenID string
	r, logs := newRunner(t, dir, func(ctx context.Context) (Result, error) {
		seenID = RunID(ctx)
		if _, err := os.Stat(LockPath(dir)); err != nil {
			t.Errorf("lock not held during the job: %v", err)
		}
		return Result{FilesIngested: 3, RowsAccepted: 120, RowsRejected: 4, TestsPassed: 9, TestsFailed: 0, Snapshot: RunID(ctx), Detail: "ok"}, nil
	}, Options{})
	run, err := r.RunNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Run{ID: seenID, Trigger: TriggerManual, Start: run.Start, End: run.End, Status: StatusSucceeded, Attempts: 1,
		FilesIngested: 3, RowsAccepted: 120, RowsRejected: 4, TestsPassed: 9, Snapshot: seenID, Detail: "ok", PID: os.Getpid(), Host: hostname()}
	if !reflect.DeepEqual(run, want) {
		t.Errorf("run = %+v\nwant %+v", run, want)
	}
	if got := onDisk(t, r, run.ID); !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
		t.Errorf("recorded times %v..%v, want %v..%v", got.Start, got.End, want.Start, want.End)
	} else if got.Start, got.End = want.Start, want.End; !reflect.DeepEqual(got, want) {
		t.Errorf("recorded %+v\nwant %+v", got, want)
	}
	if _, err := os.Stat(LockPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after the run: %v", err)
	}
	if !strings.Contains(logs.String(), `msg="refresh succeeded"`) || !strings.Contains(logs.String(), "run_id="+run.ID) {
		t.Errorf("no success log line:\n%s", logs)
	}
	ents, _ := os.ReadDir(r.hist.dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.HasPrefix(e.Name(), legacyTmpPrefix) {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}

func TestRetriesWithBackoff(t *testing.T) {
	var times []time.Time
	r, logs := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		times = append(times, time.Now())
		if len(times) < 3 {
			return Result{}, &os.PathError{Op: "open", Path: "warehouse.duckdb", Err: syscall.EAGAIN}
		}
		return Result{RowsAccepted: 5}, nil
	}, Options{Retries: 2, Backoff: 20 * time.Millisecond})
	run, err := r.RunNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if run.Attempts != 3 || run.Status != StatusSucceeded || run.RowsAccepted != 5 || run.Error != "" {
		t.Errorf("run = %+v, want succeeded on attempt 3", run)
	}
	for i, want := range []time.Duration{20 * time.Millisecond, 40 * time.Millisecond} {
		if gap := times[i+1].Sub(times[i]); gap < want {
			t.Errorf("wait before retry %d = %v, want at least %v", i+1, gap, want)
		}
	}
	if n := strings.Count(logs.String(), "refresh attempt failed; retrying"); n != 2 {
		t.Errorf("%d retry log lines, want 2:\n%s", n, logs)
	}
}

func TestRetryLimits(t *testing.T) {
	errTransient := Transient(errors.New("database locked by another process"))
	errBad := errors.New("bad config")
	errDenied := &os.PathError{Op: "open", Path: "inbox/a.csv", Err: syscall.EACCES}
	errFull := fmt.Errorf("write: %w", &os.PathError{Op: "write", Path: "tmp/x", Err: syscall.ENOSPC})
	// DuckDB reports the system's error as its own text.
	errDuckFull := fmt.Errorf("refresh models: %w", errors.New(`TransactionContext Error: Failed to commit: Could not write file "data/warehouse/warehouse.duckdb.wal": No space left on device`))
	tests := []struct {
		name      string
		opts      Options
		err       error
		attempts  int
		permanent bool
	}{
		{"transient exhausts retries", Options{Retries: 2}, errTransient, 3, false},
		{"a full disk is retried", Options{Retries: 2}, errFull, 3, false},
		{"a full disk DuckDB met is retried", Options{Retries: 2}, errDuckFull, 3, false},
		{"an error not known to pass is not retried", Options{Retries: 2}, errBad, 1, false},
		{"permission denied is not retried", Options{Retries: 2}, errDenied, 1, false},
		{"permanent wins over transient", Options{Retries: 2}, Permanent(errTransient), 1, true},
		{"permanent is not retried", Options{Retries: 2}, Permanent(errBad), 1, true},
		{"wrapped permanent is not retried", Options{Retries: 2}, errors.Join(errors.New("publish"), Permanent(errBad)), 1, true},
		{"no retries", Options{Retries: -1}, errTransient, 1, false},
		{"custom retryable", Options{Retries: 3, Retryable: func(err error) bool { return !errors.Is(err, errTransient) }}, errTransient, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls int
			tt.opts.Backoff = time.Millisecond
			r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
				calls++
				return Result{FilesIngested: calls}, tt.err
			}, tt.opts)
			run, err := r.RunNow(context.Background())
			if !errors.Is(err, tt.err) || IsPermanent(err) != tt.permanent {
				t.Errorf("err = %v, want one wrapping %v (permanent %v)", err, tt.err, tt.permanent)
			}
			if calls != tt.attempts || run.Attempts != tt.attempts || run.Status != StatusFailed || run.FilesIngested != tt.attempts {
				t.Errorf("calls %d, run %+v; want %d attempts, failed, result of the last", calls, run, tt.attempts)
			}
			if got := onDisk(t, r, run.ID); got.Status != StatusFailed || got.Error != tt.err.Error() || got.Attempts != tt.attempts {
				t.Errorf("recorded %+v", got)
			}
		})
	}
	if Permanent(nil) != nil || Transient(nil) != nil {
		t.Error("Permanent(nil) or Transient(nil) != nil")
	}
}

func TestTimeoutCancelsJob(t *testing.T) {
	var calls atomic.Int32
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		calls.Add(1)
		select {
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-time.After(10 * time.Second):
			return Result{}, nil
		}
	}, Options{Timeout: 100 * time.Millisecond, Retries: 3, Backoff: time.Millisecond})
	start := time.Now()
	run, err := r.RunNow(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("job not cancelled at the timeout")
	}
	if run.Status != StatusFailed || calls.Load() != 1 || !strings.Contains(run.Error, "timed out after 100ms") || !strings.Contains(run.Error, "quá thời gian") {
		t.Errorf("run = %+v (calls %d), want one attempt failed by timeout", run, calls.Load())
	}
}

func TestPanicIsFailedRun(t *testing.T) {
	calls := 0
	r, logs := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		calls++
		var m map[string]int
		//lint:ignore SA5000 the test needs a real runtime panic
		m["x"] = 1
		return Result{}, nil
	}, Options{Retries: 2, Backoff: time.Millisecond})
	run, err := r.RunNow(context.Background())
	if err == nil || run.Status != StatusFailed || calls != 1 {
		t.Fatalf("run = %+v, err %v, calls %d; want one failed attempt", run, err, calls)
	}
	if !strings.Contains(run.Error, "refresh panicked") || !strings.Contains(run.Error, "assignment to entry in nil map") {
		t.Errorf("error %q lacks the panic message", run.Error)
	}
	for _, s := range []string{run.Error, err.Error(), logs.String()} {
		if strings.Contains(s, "goroutine") || strings.Contains(s, ".go:") {
			t.Errorf("stack trace shown to users: %s", s)
		}
	}
	if got := onDisk(t, r, run.ID); got.Status != StatusFailed || got.Error != run.Error {
		t.Errorf("recorded %+v", got)
	}
	// The runner is usable afterwards: no lock or busy state left behind.
	r.job = ok
	if _, err := r.RunNow(context.Background()); err != nil {
		t.Errorf("run after panic: %v", err)
	}
}

func TestBusyInProcess(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		close(started)
		<-release
		return Result{}, nil
	}, Options{})
	done := make(chan Run)
	go func() {
		run, _ := r.RunBy(context.Background(), TriggerAPI)
		done <- run
	}()
	<-started
	run, err := r.RunNow(context.Background())
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) || !busy.InProcess || busy.Holder.PID != os.Getpid() {
		t.Fatalf("err = %v, want in-process busy", err)
	}
	if run.Status != StatusSkipped {
		t.Errorf("busy run status %q, want skipped", run.Status)
	}
	if !strings.Contains(err.Error(), "một lần làm mới khác đang chạy (pid ") || !strings.Contains(err.Error(), "try again later") {
		t.Errorf("busy message %q", err)
	}
	// A refused manual run is the caller's to report; a refused tick is history.
	tick, err := r.RunBy(context.Background(), TriggerSchedule)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("scheduled run while busy: %v", err)
	}
	close(release)
	first := <-done
	if first.Status != StatusSucceeded || first.Trigger != TriggerAPI {
		t.Errorf("first run %+v", first)
	}
	runs, _ := r.History(0)
	if len(runs) != 2 || runs[0].ID != tick.ID && runs[1].ID != tick.ID {
		t.Fatalf("history %+v, want the api run and the skipped tick", runs)
	}
	if got := onDisk(t, r, tick.ID); got.Status != StatusSkipped || got.Trigger != TriggerSchedule || !strings.Contains(got.Error, "another refresh is running") {
		t.Errorf("skipped tick recorded as %+v", got)
	}
}

func TestHistoryPrunedNewestFirst(t *testing.T) {
	r, _ := newRunner(t, t.TempDir(), ok, Options{History: 3})
	var ids []string
	for range 5 {
		run, err := r.RunNow(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
	}
	runs, err := r.History(0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, run := range runs {
		got = append(got, run.ID)
	}
	want := []string{ids[4], ids[3], ids[2]}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("history ids %v, want %v", got, want)
	}
	if two, _ := r.History(2); len(two) != 2 || two[0].ID != ids[4] {
		t.Errorf("History(2) = %+v", two)
	}
}

func TestStopWaitsForRunningRefresh(t *testing.T) {
	started := make(chan struct{})
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		close(started)
		select {
		case <-time.After(300 * time.Millisecond):
			return Result{RowsAccepted: 1}, nil
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}, Options{Schedule: "@every 1h"})
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan Run, 1)
	go func() {
		run, _ := r.RunNow(context.Background())
		done <- run
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	// By the time Stop returns the run is over: recorded, lock released.
	runs, _ := r.History(0)
	if len(runs) != 1 || runs[0].Status != StatusSucceeded {
		t.Fatalf("history when Stop returned: %+v, want the run succeeded", runs)
	}
	if _, err := os.Stat(LockPath(r.dataDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock still there when Stop returned: %v", err)
	}
	if run := <-done; run.Status != StatusSucceeded || run.ID != runs[0].ID {
		t.Errorf("run ended %+v, want succeeded", run)
	}
	if _, err := r.RunNow(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("RunNow after Stop: %v, want ErrStopped", err)
	}
	if err := r.Start(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("Start after Stop: %v, want ErrStopped", err)
	}
	if !r.Next().IsZero() {
		t.Errorf("Next after Stop = %v, want zero", r.Next())
	}
}

func TestStopCancelsAfterGrace(t *testing.T) {
	dir := t.TempDir()
	started := make(chan struct{})
	r, _ := newRunner(t, dir, func(ctx context.Context) (Result, error) {
		close(started)
		<-ctx.Done()
		return Result{}, ctx.Err()
	}, Options{Retries: 2, Backoff: time.Millisecond})
	done := make(chan Run, 1)
	go func() {
		run, _ := r.RunNow(context.Background())
		done <- run
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want the grace deadline", err)
	}
	run := <-done
	if run.Status != StatusFailed || run.Attempts != 1 || !strings.Contains(run.Error, "cancelled because the program is stopping") {
		t.Errorf("run %+v, want failed by shutdown", run)
	}
	if got := onDisk(t, r, run.ID); got.Status != StatusFailed {
		t.Errorf("recorded %+v", got)
	}
	if _, err := os.Stat(LockPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock not released: %v", err)
	}
}

// TestCronNeverOverlaps runs the real cron every second with a job that
// takes longer than a tick.
func TestCronNeverOverlaps(t *testing.T) {
	var running, most, calls atomic.Int32
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		calls.Add(1)
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
		return Result{FilesIngested: 1, RowsAccepted: 10, RowsRejected: 1, Snapshot: RunID(ctx)}, nil
	}, Options{Schedule: "* * * * * *"})
	if next := r.Next(); next.IsZero() || time.Until(next) > time.Second {
		t.Errorf("Next before Start = %v", next)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err == nil {
		t.Error("second Start: no error")
	}
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// A manual trigger during a scheduled run is refused at once.
	t0 := time.Now()
	if _, err := r.RunBy(context.Background(), TriggerAPI); !errors.Is(err, ErrBusy) {
		t.Errorf("api trigger during scheduled run: %v, want busy", err)
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("busy answer took %v", d)
	}
	for calls.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	if most.Load() != 1 {
		t.Errorf("%d refreshes ran at once", most.Load())
	}
	runs, err := r.History(0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[Status]int{}
	for _, run := range runs {
		count[run.Status]++
		if run.Trigger != TriggerSchedule {
			t.Errorf("run %+v not triggered by the schedule", run)
		}
	}
	if count[StatusSucceeded] != int(calls.Load()) || count[StatusSucceeded] < 2 || count[StatusSkipped] < 1 || count[StatusRunning]+count[StatusFailed] != 0 {
		t.Errorf("history %v for %d job calls; want every call succeeded and skipped ticks recorded", count, calls.Load())
	}
	// Succeeded runs do not overlap in time either.
	var prevStart time.Time
	for _, run := range runs { // newest first
		if run.Status != StatusSucceeded {
			continue
		}
		if !prevStart.IsZero() && run.End.After(prevStart) {
			t.Errorf("run %s ended %v after the next one started %v", run.ID, run.End, prevStart)
		}
		prevStart = run.Start
	}

	m := scrape(t, r)
	for status, want := range map[string]int{"succeeded": count[StatusSucceeded], "failed": 0, "skipped": count[StatusSkipped]} {
		if got := m[`danvan_runs_total{status="`+status+`"}`]; got != float64(want) {
			t.Errorf("danvan_runs_total{%s} = %v, want %d", status, got, want)
		}
	}
	for name, want := range map[string]float64{
		"danvan_rows_ingested_total":        float64(10 * count[StatusSucceeded]),
		"danvan_rows_rejected_total":        float64(count[StatusSucceeded]),
		"danvan_run_duration_seconds_count": float64(count[StatusSucceeded]),
		"danvan_run_in_progress":            0,
	} {
		if m[name] != want {
			t.Errorf("%s = %v, want %v", name, m[name], want)
		}
	}
	if sum := m["danvan_run_duration_seconds_sum"]; sum < 1.5*float64(count[StatusSucceeded]) {
		t.Errorf("duration sum %v for %d runs of 1.5s", sum, count[StatusSucceeded])
	}
	if _, ok := m["danvan_next_run_timestamp_seconds"]; ok {
		t.Error("next run reported after Stop")
	}
}
