package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/robfig/cron/v3"
)

// Job is one full refresh: ingest, transform, test, publish. It must honour
// ctx: the run's timeout and a shutdown's cancellation arrive through it.
type Job func(ctx context.Context) (Result, error)

// Options of a Runner. Zero fields take the defaults of DefaultOptions.
type Options struct {
	// Schedule is a ParseSchedule spec; "off" disables scheduled runs.
	Schedule string
	// Timeout bounds a whole run, retries and their waits included, so that
	// a nightly refresh cannot spill into the working day. Negative: none.
	Timeout time.Duration
	// Retries after a failed first attempt. Negative: no retry.
	Retries int
	// Backoff is the wait before the first retry; it doubles for each next
	// one, up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Retryable decides whether a failed attempt is tried again. Default:
	// IsTransient, so a failure that would fail the same way again (a
	// permission, a damaged file, a failed data test, a panic) fails the
	// run at once instead of after every retry's wait.
	Retryable func(error) bool
	// History is how many run records DIR/runs keeps. Negative: all.
	History int
	Logger  *slog.Logger // default slog.Default()
	Now     func() time.Time
}

// DefaultOptions: 02:00 nightly, 2h timeout, 2 retries 30s then 60s apart,
// 100 runs of history.
func DefaultOptions() Options {
	return Options{
		Schedule:   DefaultSchedule,
		Timeout:    2 * time.Hour,
		Retries:    2,
		Backoff:    30 * time.Second,
		MaxBackoff: 30 * time.Minute,
		Retryable:  IsTransient,
		History:    100,
		Logger:     slog.Default(),
		Now:        time.Now,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Schedule == "" {
		o.Schedule = d.Schedule
	}
	if o.Timeout == 0 {
		o.Timeout = d.Timeout
	}
	if o.Retries == 0 {
		o.Retries = d.Retries
	}
	if o.Backoff <= 0 {
		o.Backoff = d.Backoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = max(d.MaxBackoff, o.Backoff)
	}
	if o.Retryable == nil {
		o.Retryable = d.Retryable
	}
	if o.History == 0 {
		o.History = d.History
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	if o.Now == nil {
		o.Now = d.Now
	}
	return o
}

// ErrStopped is returned by RunNow and Start after Stop.
var ErrStopped = errors.New("scheduler stopped")

// Permanent marks err as not worth retrying (bad configuration, a failed data
// test): the run fails at once. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Transient marks err as worth retrying: what failed may pass (another
// process holding a lock, memory short for a while). Transient(nil) is nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &transientError{err}
}

// IsTransient reports whether a failed attempt may succeed if tried again:
// err is not marked Permanent, and it is marked Transient or carries a
// system error that says so (interrupted call, resource temporarily
// unavailable, too many open files, timed out, no memory), or says the
// disk is full (pipeline.DiskFull: the system's error or DuckDB's, which
// a retry meets alike).
func IsTransient(err error) bool {
	if err == nil || IsPermanent(err) {
		return false
	}
	var t *transientError
	if errors.As(err, &t) || pipeline.DiskFull(err) {
		return true
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Temporary() || errno == syscall.ENOMEM || errno == syscall.ENOSPC
	}
	var tmp interface{ Temporary() bool }
	return errors.As(err, &tmp) && tmp.Temporary()
}

type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("quá thời gian %s (timed out after %s)", e.d, e.d)
}
func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

var errShutdown = errors.New("bị hủy vì chương trình dừng (cancelled because the program is stopping)")

// cancelWait is how long Stop waits, after cancelling a refresh, for it to
// record its end and release the lock.
const cancelWait = 10 * time.Second

// Runner runs the refresh on schedule and on demand, one at a time.
type Runner struct {
	dataDir string
	hist    history
	job     Job
	opts    Options
	sched   Schedule
	log     *slog.Logger
	created time.Time

	mu       sync.Mutex
	cur      *active // the refresh running in this process
	closed   bool
	cron     *cron.Cron
	entry    cron.EntryID
	unwatch  func() bool
	startCtx context.Context // Start's; when done, nothing more is scheduled

	metrics tally
}

type active struct {
	run    Run
	cancel context.CancelCauseFunc
	done   chan struct{}
}

type ctxKey struct{}

// RunID returns the id of the run a Job is called for ("" outside a run), so
// that the refresh can name what it publishes after it.
func RunID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// New prepares a Runner over dataDir. It parses the schedule, and marks runs
// that a dead process left "running" as failed (interrupted). Nothing is
// scheduled until Start.
func New(dataDir string, job Job, opts Options) (*Runner, error) {
	if job == nil {
		return nil, errors.New("schedule: nil job")
	}
	opts = opts.withDefaults()
	sched, err := ParseSchedule(opts.Schedule)
	if err != nil {
		return nil, err
	}
	r := &Runner{
		dataDir: dataDir,
		hist:    history{dir: layout.Dir(dataDir).Runs()},
		job:     job,
		opts:    opts,
		sched:   sched,
		log:     opts.Logger,
		created: opts.Now(),
	}
	if err := os.MkdirAll(r.hist.dir, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	// Recover under the lock when free; when busy, the holder's own run is
	// spared and only the others are interrupted.
	l, err := acquire(LockPath(dataDir), Holder{Started: opts.Now()}, r.log)
	var busy *BusyError
	switch {
	case err == nil:
		r.recoverInterrupted("")
		if err := l.release(); err != nil {
			return nil, err
		}
	case errors.As(err, &busy):
		r.recoverInterrupted(busy.Holder.RunID)
	default:
		return nil, err
	}
	runs, err := r.hist.read(0)
	if err != nil {
		return nil, err
	}
	r.metrics.observe(runs, true)
	return r, nil
}

// recoverInterrupted marks as failed the "running" records of runs that
// cannot be running: the caller holds the run lock (or it is held by run
// spare), and a running record is only written under the lock.
func (r *Runner) recoverInterrupted(spare string) {
	runs, err := r.hist.read(0)
	if err != nil {
		r.log.Warn("read run history", "err", err)
		return
	}
	for _, run := range runs {
		if run.Status != StatusRunning || run.ID == spare {
			continue
		}
		if end := r.hist.modTime(run); end.After(run.Start) {
			run.End = end
		} else {
			run.End = run.Start
		}
		run.Status = StatusFailed
		run.Error = fmt.Sprintf("bị gián đoạn: tiến trình %d đã dừng giữa chừng (interrupted: process %d ended during the refresh)", run.PID, run.PID)
		if err := r.hist.write(run); err != nil {
			r.log.Warn("mark run interrupted", "run_id", run.ID, "err", err)
			continue
		}
		r.log.Warn("run marked interrupted", "run_id", run.ID, "pid", run.PID, "start", run.Start)
	}
}

// Schedule returns the parsed schedule.
func (r *Runner) Schedule() Schedule { return r.sched }

// Start starts the cron schedule (a no-op when it is off). Scheduled runs
// carry ctx's values but not its cancellation: when ctx is done the schedule
// stops taking new runs, while a running refresh is left to Stop, which
// gives it a grace period.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return ErrStopped
	case r.cron != nil:
		return errors.New("schedule: already started")
	case r.sched.Off():
		r.log.Info("schedule off: refreshes run only on demand")
		return nil
	}
	base := context.WithoutCancel(ctx)
	cl := cronLogger{r.log}
	c := cron.New(
		cron.WithLocation(Zone),
		cron.WithLogger(cl),
		cron.WithChain(cron.SkipIfStillRunning(skipLogger{r}), cron.Recover(cl)),
	)
	r.entry = c.Schedule(r.sched, cron.FuncJob(func() { _, _ = r.RunBy(base, TriggerSchedule) }))
	c.Start()
	r.cron, r.startCtx = c, ctx
	r.unwatch = context.AfterFunc(ctx, func() { c.Stop() })
	r.log.Info("schedule started", "schedule", r.sched.String(), "next", r.sched.Next(time.Now()))
	return nil
}

// Stop stops scheduling and refuses new runs, then waits for the refresh
// running in this process to finish until ctx is done (the grace period). If
// ctx ends first the refresh is cancelled, recorded as failed, and Stop
// returns ctx's error once the refresh has let go of the lock.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	c := r.cron
	if r.unwatch != nil {
		r.unwatch()
	}
	a := r.cur
	r.mu.Unlock()

	cronDone := context.Background()
	if c != nil {
		cronDone = c.Stop()
	}
	if a != nil {
		select {
		case <-a.done:
		case <-ctx.Done():
			r.log.Warn("grace period over: cancelling refresh", "run_id", a.run.ID)
			a.cancel(errShutdown)
			t := time.NewTimer(cancelWait)
			defer t.Stop()
			select {
			case <-a.done:
				return fmt.Errorf("stop: refresh %s cancelled: %w", a.run.ID, context.Cause(ctx))
			case <-t.C:
				return fmt.Errorf("stop: refresh %s still running %s after cancel: %w", a.run.ID, cancelWait, context.Cause(ctx))
			}
		}
	}
	if c != nil {
		select {
		case <-cronDone.Done():
		case <-ctx.Done():
			return fmt.Errorf("stop scheduler: %w", context.Cause(ctx))
		}
	}
	return nil
}

// Next is the next scheduled run, zero when the schedule is off or stopped.
func (r *Runner) Next() time.Time {
	r.mu.Lock()
	c, id, closed, startCtx := r.cron, r.entry, r.closed, r.startCtx
	r.mu.Unlock()
	if closed || r.sched.Off() || (startCtx != nil && startCtx.Err() != nil) {
		return time.Time{}
	}
	if c != nil {
		if e := c.Entry(id); !e.Next.IsZero() {
			return e.Next
		}
	}
	return r.sched.Next(r.opts.Now())
}

// RunNow runs a refresh now, recorded with trigger "manual". See RunBy.
func (r *Runner) RunNow(ctx context.Context) (Run, error) {
	return r.RunBy(ctx, TriggerManual)
}

// RunBy runs a refresh now and waits for it. If a refresh is already running,
// in this process or another, it returns at once a *BusyError
// (errors.Is(err, ErrBusy)) and a Run with status skipped; skipped runs are
// written to history only when the schedule triggered them (a person or
// client asking gets the error instead). A failed refresh returns the
// recorded Run and an error wrapping the job's last error.
func (r *Runner) RunBy(ctx context.Context, trigger Trigger) (Run, error) {
	st, run, err := r.begin(ctx, trigger)
	if err != nil {
		return run, err
	}
	return st.finish()
}

// Go starts a refresh and returns as soon as it holds the run lock, leaving
// it to run in the background (its outcome goes to the history and the
// log). When a refresh is already running, in this process or another, the
// refresh does not start and Go returns a *BusyError, as RunBy does; so a
// caller such as POST /api/run can say "busy" instead of "started".
func (r *Runner) Go(ctx context.Context, trigger Trigger) error {
	st, _, err := r.begin(ctx, trigger)
	if err != nil {
		return err
	}
	go st.finish()
	return nil
}

// started is a refresh that holds the run lock and has yet to run.
type started struct {
	r      *Runner
	run    Run
	ctx    context.Context
	cancel context.CancelCauseFunc
	a      *active
	lock   *fileLock
}

// begin takes the runner's slot and the run lock for a new run.
func (r *Runner) begin(ctx context.Context, trigger Trigger) (*started, Run, error) {
	run := Run{ID: newID(), Trigger: trigger, Start: r.opts.Now(), Status: StatusRunning, PID: os.Getpid(), Host: hostname()}

	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, Run{}, ErrStopped
	}
	if r.cur != nil {
		busy := &BusyError{Holder: Holder{PID: run.PID, Host: run.Host, Started: r.cur.run.Start, RunID: r.cur.run.ID}, InProcess: true}
		r.mu.Unlock()
		return nil, r.skip(run, busy), busy
	}
	runCtx, cancel := context.WithCancelCause(context.WithValue(ctx, ctxKey{}, run.ID))
	a := &active{run: run, cancel: cancel, done: make(chan struct{})}
	r.cur = a
	r.mu.Unlock()
	leave := func() {
		cancel(nil)
		r.mu.Lock()
		r.cur = nil
		r.mu.Unlock()
		close(a.done)
	}

	lock, err := acquire(LockPath(r.dataDir), Holder{Started: run.Start, RunID: run.ID}, r.log)
	if err != nil {
		leave()
		var busy *BusyError
		if errors.As(err, &busy) {
			return nil, r.skip(run, busy), err
		}
		if trigger == TriggerSchedule { // nobody else will hear of it
			r.log.Error("scheduled refresh could not start", "run_id", run.ID, "err", err)
		}
		return nil, Run{}, err
	}
	return &started{r: r, run: run, ctx: runCtx, cancel: cancel, a: a, lock: lock}, run, nil
}

// finish runs the refresh begun, records it and lets go of the lock and the
// runner's slot.
func (st *started) finish() (Run, error) {
	r, run, runCtx := st.r, st.run, st.ctx
	defer func() {
		st.cancel(nil)
		r.mu.Lock()
		r.cur = nil
		r.mu.Unlock()
		close(st.a.done)
	}()
	defer func() {
		if err := st.lock.release(); err != nil {
			r.log.Error("release run lock", "err", err)
		}
	}()
	r.recoverInterrupted(run.ID)

	if r.opts.Timeout > 0 {
		var cancelT context.CancelFunc
		runCtx, cancelT = context.WithTimeoutCause(runCtx, r.opts.Timeout, &timeoutError{r.opts.Timeout})
		defer cancelT()
	}
	jobErr := r.attempts(runCtx, &run)
	run.End = r.opts.Now()
	run.Status = StatusSucceeded
	if len(run.Problems) > 0 {
		run.Status = StatusProblems
	}
	if jobErr != nil {
		run.Status = StatusFailed
		if runCtx.Err() != nil {
			if cause := context.Cause(runCtx); !errors.Is(jobErr, cause) {
				jobErr = fmt.Errorf("%w: %w", cause, jobErr)
			}
		}
		run.Error = jobErr.Error()
	}
	werr := r.hist.write(run)
	if werr != nil {
		r.log.Error("record run", "run_id", run.ID, "err", werr)
	}
	if err := r.hist.prune(r.opts.History, time.Now()); err != nil {
		r.log.Warn("prune run history", "err", err)
	}
	r.metrics.observe([]Run{run}, false)
	r.logEnd(run)
	if jobErr != nil {
		return run, fmt.Errorf("refresh %s failed after %d attempt(s): %w", run.ID, run.Attempts, jobErr)
	}
	if werr != nil {
		return run, werr
	}
	return run, nil
}

// attempts calls the job until it succeeds, fails permanently, runs out of
// retries or ctx ends. The record is rewritten at each attempt so that its
// modification time tracks progress.
func (r *Runner) attempts(ctx context.Context, run *Run) error {
	for {
		run.Attempts++
		if err := r.hist.write(*run); err != nil {
			return fmt.Errorf("record run start: %w", err)
		}
		res, err := r.attempt(ctx)
		run.setResult(res)
		if err == nil {
			return nil
		}
		retry := run.Attempts <= r.opts.Retries && ctx.Err() == nil && r.opts.Retryable(err)
		if !retry {
			return err
		}
		wait := r.backoff(run.Attempts)
		r.log.Warn("refresh attempt failed; retrying", "run_id", run.ID, "attempt", run.Attempts, "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff before retry n (1-based): Backoff·2^(n-1), at most MaxBackoff.
func (r *Runner) backoff(n int) time.Duration {
	d := r.opts.Backoff
	for i := 1; i < n && d < r.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.opts.MaxBackoff)
}

// attempt calls the job once, turning a panic into a permanent error that
// carries the panic's message; the stack goes to the debug log only.
func (r *Runner) attempt(ctx context.Context) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Debug("refresh panicked", "run_id", RunID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res, err = Result{}, Permanent(fmt.Errorf("làm mới bị lỗi nghiêm trọng (refresh panicked): %v", p))
		}
	}()
	return r.job(ctx)
}

func (r *Runner) skip(run Run, busy *BusyError) Run {
	run.Status, run.End, run.Error = StatusSkipped, run.Start, busy.Error()
	if run.Trigger == TriggerSchedule {
		if err := r.hist.write(run); err != nil {
			r.log.Error("record skipped run", "run_id", run.ID, "err", err)
		}
		r.metrics.observe([]Run{run}, false)
	}
	r.log.Info("refresh skipped: another is running", "run_id", run.ID, "trigger", run.Trigger,
		"holder_pid", busy.Holder.PID, "holder_run_id", busy.Holder.RunID)
	return run
}

func (r *Runner) logEnd(run Run) {
	attrs := []any{
		"run_id", run.ID, "trigger", run.Trigger, "status", run.Status, "attempts", run.Attempts,
		"duration", run.Duration().Round(time.Millisecond), "files", run.FilesIngested,
		"rows_accepted", run.RowsAccepted, "rows_rejected", run.RowsRejected,
		"tests_passed", run.TestsPassed, "tests_failed", run.TestsFailed, "snapshot", run.Snapshot,
	}
	switch run.Status {
	case StatusSucceeded:
		r.log.Info("refresh succeeded", attrs...)
		return
	case StatusProblems:
		for _, f := range run.Problems {
			attrs = append(attrs, "problem", f.String())
		}
		r.log.Warn("refresh succeeded with problems", attrs...)
		return
	}
	r.log.Error("refresh failed", append(attrs, "err", run.Error)...)
}

// History returns up to n runs (all when n <= 0), newest first.
func (r *Runner) History(n int) ([]Run, error) { return r.hist.read(n) }

// skipLogger receives the Info("skip") of cron.SkipIfStillRunning, the only
// message that wrapper logs, and records the skipped tick.
type skipLogger struct{ r *Runner }

func (s skipLogger) Info(msg string, kv ...any) {
	run := Run{ID: newID(), Trigger: TriggerSchedule, Start: s.r.opts.Now(), PID: os.Getpid(), Host: hostname()}
	busy := &BusyError{InProcess: true, Holder: Holder{PID: run.PID, Host: run.Host}}
	s.r.mu.Lock()
	if s.r.cur != nil {
		busy.Holder.Started, busy.Holder.RunID = s.r.cur.run.Start, s.r.cur.run.ID
	}
	s.r.mu.Unlock()
	s.r.skip(run, busy)
}

func (s skipLogger) Error(err error, msg string, kv ...any) {
	s.r.log.Error("scheduler: "+msg, "err", err)
}

// cronLogger sends cron's chatter to debug and its errors to error, leaving
// out the stack cron.Recover attaches (the job recovers its own panics; this
// only catches the runner's).
type cronLogger struct{ log *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.log.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "stack" {
			c.log.Debug("cron: stack", "stack", kv[i+1])
		}
	}
	c.log.Error("cron: "+msg, "err", err)
}
