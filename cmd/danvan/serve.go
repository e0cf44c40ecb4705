package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/danvan/danvan/cmd/danvan/internal/pace"
	"github.com/danvan/danvan/pipeline/portal"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/serve"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	o := refreshOptions{out: io.Discard}
	data := dataFlag(fs)
	refreshFlags(fs, &o)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	spec := fs.String("schedule", schedule.DefaultSchedule, `refresh schedule, cron syntax in Asia/Ho_Chi_Minh time, or "off"`)
	timeout := fs.Duration("timeout", schedule.DefaultOptions().Timeout, "longest a refresh may take, retries included")
	retries := fs.Int("retries", schedule.DefaultOptions().Retries, "retries of a refresh that failed for a transient reason")
	maxAge := fs.Duration("max-age", 36*time.Hour, "/healthz turns unhealthy when the last successful refresh is older")
	grace := fs.Duration("grace", 5*time.Minute, "on SIGTERM, how long a running refresh may go on before it is stopped")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	refreshAtStart := fs.Bool("refresh-at-start", false, "refresh once as soon as the server listens, besides the schedule (make run: the pages answer at once and show the data when the first refresh has published it)")
	refreshOnSubmit := fs.Bool("refresh-on-submit", false, "refresh as soon as a file is received through the submission portal (under the run lock) instead of at the next scheduled refresh")
	maxUpload := fs.Int("max-upload-mb", portal.DefaultMaxBytes>>20, "largest file the submission portal accepts, in MiB (2^20 bytes)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.data = *data
	pace.Serving() // a larger heap room between refreshes: see pace.ServeRoom
	logger, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	o.log = logger
	sopts := schedule.DefaultOptions()
	sopts.Schedule, sopts.Timeout, sopts.Retries, sopts.Logger = *spec, *timeout, *retries, logger
	if *retries == 0 {
		sopts.Retries = -1 // the runner reads 0 as "default"
	}
	runner, err := schedule.New(o.data, pacedRefresh(func(ctx context.Context) (schedule.Result, error) { return refresh(ctx, o) }), sopts)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *maxUpload <= 0 {
		return fmt.Errorf("%w: --max-upload-mb must be positive", errUsage)
	}
	now, err := clock()
	if err != nil {
		return err
	}
	popts := portal.DefaultOptions()
	popts.DataDir, popts.Logger, popts.Now, popts.DeadlineDays = o.data, logger, now, o.deadlineDays
	popts.MaxBytes = int64(*maxUpload) << 20
	popts.NextRefresh = runner.Next
	if *refreshOnSubmit {
		sr := &submitRefresher{runner: runner, log: logger, kick: make(chan struct{}, 1)}
		go sr.loop(ctx)
		popts.Refresh = sr.Kick
	}
	nop, err := portal.New(popts)
	if err != nil {
		return err
	}
	token := os.Getenv("DANVAN_TOKEN")
	sqlHandler, closeSQL, err := sqlEndpoint(o.data)
	if err != nil {
		return err
	}
	defer closeSQL()
	srv, err := serve.New(serve.Options{
		DataDir: o.data, Addr: *addr, Logger: logger,
		Runs:    runsSource{runner},
		Metrics: metricsSource{runner, nop},
		Health:  func() (bool, string) { return runner.Healthy(*maxAge) },
		Trigger: apiTrigger(ctx, runner),
		Token:   token,
		SQL:     sqlHandler,
		Portal:  nop,
	})
	if err != nil {
		return err
	}
	o.switched = srv.Switched // before any run starts
	if err := runner.Start(ctx); err != nil {
		return err
	}
	next := "off"
	if n := runner.Next(); !n.IsZero() {
		next = n.In(schedule.Zone).Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(stdout, "danvan: bảng điều khiển tại http://%s/ (dashboard); làm mới tiếp theo (next refresh): %s\n", *addr, next)

	// On SIGTERM: stop taking runs and let the running one finish (up to
	// the grace period), and only then stop serving.
	httpCtx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHTTP()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(httpCtx) }()
	if *refreshAtStart {
		// In the background: the pages answer meanwhile, and say that no
		// data is published yet until this refresh publishes it.
		if err := runner.Go(context.WithoutCancel(ctx), schedule.TriggerStart); err != nil {
			logger.Warn("refresh at start not run", "err", err)
		}
	}
	select {
	case err := <-served:
		stopRunner(runner, *grace, logger)
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", grace.String())
	stopRunner(runner, *grace, logger)
	stopHTTP()
	return <-served
}

// pacedRefresh runs each refresh of the server with the collector's usual
// room (pace.Refreshing), the server's own coming back when it ends.
func pacedRefresh(run func(context.Context) (schedule.Result, error)) func(context.Context) (schedule.Result, error) {
	return func(ctx context.Context) (schedule.Result, error) {
		defer pace.Refreshing()()
		return run(ctx)
	}
}

// apiTrigger is POST /api/run: it starts a refresh and returns once the
// refresh holds the run lock (the run goes on, recorded in the history
// like any other), or returns the runner's *BusyError when a refresh is
// already running here or in another process, which the server answers
// with 409. The run outlives the request, not the server's context.
func apiTrigger(ctx context.Context, runner *schedule.Runner) func(context.Context) error {
	return func(context.Context) error {
		return runner.Go(context.WithoutCancel(ctx), schedule.TriggerAPI)
	}
}

func stopRunner(r *schedule.Runner, grace time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		logger.Warn("refresh stopped before it finished", "err", err)
	}
}

// runsSource shows the scheduler's history on the dashboard.
type runsSource struct{ r *schedule.Runner }

func (s runsSource) Next() time.Time { return s.r.Next() }

func (s runsSource) History(n int) ([]serve.Run, error) {
	runs, err := s.r.History(n)
	out := make([]serve.Run, 0, len(runs))
	for _, r := range runs {
		summary := fmt.Sprintf("%d tệp, %d giá trị nhận, %d bị từ chối, %d kiểm thử đạt", r.FilesIngested, r.RowsAccepted, r.RowsRejected, r.TestsPassed)
		if r.TestsFailed > 0 {
			summary += fmt.Sprintf(", %d kiểm thử lỗi", r.TestsFailed)
		}
		out = append(out, serve.Run{
			ID: r.ID, Trigger: string(r.Trigger), Status: string(r.Status), StartedAt: r.Start, FinishedAt: r.End,
			Published: r.Snapshot != "", Summary: summary, Error: r.Error, Problems: r.Problems,
			FilesIngested: r.FilesIngested, RowsAccepted: r.RowsAccepted, RowsRejected: r.RowsRejected,
			TestsPassed: r.TestsPassed, TestsFailed: r.TestsFailed,
		})
	}
	return out, err
}

type metricsSource struct {
	r *schedule.Runner
	p *portal.Portal
}

func (m metricsSource) WriteMetrics(w io.Writer) {
	_ = m.r.WriteMetrics(w)
	_ = m.p.WriteMetrics(w)
}

// submitRefresher runs a refresh after files arrive through the portal
// (serve --refresh-on-submit): at once when no refresh runs, else as soon
// as the running one ends, since it may have listed the inbox before the
// file came. Files that arrive meanwhile share the next refresh: Kick
// never queues more than one.
type submitRefresher struct {
	runner *schedule.Runner
	log    *slog.Logger
	kick   chan struct{}
}

// Kick asks for a refresh; it never blocks.
func (s *submitRefresher) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *submitRefresher) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		for {
			_, err := s.runner.RunBy(context.WithoutCancel(ctx), schedule.TriggerPortal)
			if !errors.Is(err, schedule.ErrBusy) {
				if err != nil {
					s.log.Warn("refresh after a portal submission failed", "err", err)
				}
				break
			}
			select { // another refresh runs: try again when it may be over
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
	}
}
