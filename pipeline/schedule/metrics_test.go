package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// scrape parses the exposition with Prometheus's own text parser (which
// refuses a sample without its family's TYPE, a family declared twice, a
// malformed line) into sample -> value, a sample named as it is written:
// name{label="value",...}, or name_sum and name_count for a summary.
func scrape(t *testing.T, r *Runner) map[string]float64 {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	return parseMetrics(t, &b)
}

func parseMetrics(t *testing.T, in io.Reader) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(in)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	m := map[string]float64{}
	for name, f := range families {
		if f.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
		for _, s := range f.GetMetric() {
			key := name
			if len(s.GetLabel()) > 0 {
				var ls []string
				for _, l := range s.GetLabel() {
					ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				key += "{" + strings.Join(ls, ",") + "}"
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				m[key] = s.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				m[key] = s.GetGauge().GetValue()
			case dto.MetricType_SUMMARY:
				m[name+"_sum"] = s.GetSummary().GetSampleSum()
				m[name+"_count"] = float64(s.GetSummary().GetSampleCount())
			default:
				t.Errorf("%s: unexpected type %s", name, f.GetType())
			}
		}
	}
	return m
}

func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2025, 3, 10, 10, 0, 0, 0, Zone)}
	fail := false
	job := func(ctx context.Context) (Result, error) {
		if fail {
			clk.Add(2 * time.Second)
			return Result{RowsAccepted: 1}, Permanent(errors.New("data test failed"))
		}
		clk.Add(5 * time.Second)
		return Result{FilesIngested: 2, RowsAccepted: 10, RowsRejected: 2, Snapshot: "snap1"}, nil
	}
	r, _ := newRunner(t, dir, job, Options{Schedule: DefaultSchedule, Now: clk.Now})

	var empty bytes.Buffer
	if err := r.WriteMetrics(&empty); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(empty.String(), "danvan_last_success_timestamp_seconds") || strings.Contains(empty.String(), "danvan_snapshot_age_seconds") {
		t.Errorf("success gauges before any success:\n%s", empty.String())
	}

	if _, err := r.RunNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	fail = true
	if _, err := r.RunNow(context.Background()); err == nil {
		t.Fatal("failing run: no error")
	}
	unlock, err := Lock(context.Background(), dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunBy(context.Background(), TriggerSchedule); !errors.Is(err, ErrBusy) {
		t.Fatalf("run under someone else's lock: %v", err)
	}
	// The lock is held by this process, not another: not "in progress" for us.
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour - 67*time.Second)

	want := `# HELP danvan_runs_total Refresh runs finished, by status.
# TYPE danvan_runs_total counter
danvan_runs_total{status="succeeded"} 1
danvan_runs_total{status="succeeded_with_problems"} 0
danvan_runs_total{status="failed"} 1
danvan_runs_total{status="skipped"} 1
# HELP danvan_run_duration_seconds Duration of finished refresh runs (skipped ones left out).
# TYPE danvan_run_duration_seconds summary
danvan_run_duration_seconds_sum 7
danvan_run_duration_seconds_count 2
# HELP danvan_rows_ingested_total Rows accepted into the warehouse by refresh runs.
# TYPE danvan_rows_ingested_total counter
danvan_rows_ingested_total 11
# HELP danvan_rows_rejected_total Rows rejected (quarantined) by refresh runs.
# TYPE danvan_rows_rejected_total counter
danvan_rows_rejected_total 2
# HELP danvan_last_run_duration_seconds Duration of the last finished refresh run.
# TYPE danvan_last_run_duration_seconds gauge
danvan_last_run_duration_seconds 2
# HELP danvan_last_run_problems Problems of the last finished refresh run (files not read or quarantined, faults of the data directory); see /api/runs.
# TYPE danvan_last_run_problems gauge
danvan_last_run_problems 0
# HELP danvan_last_success_timestamp_seconds End of the last successful refresh, Unix time.
# TYPE danvan_last_success_timestamp_seconds gauge
danvan_last_success_timestamp_seconds 1.741575605e+09
# HELP danvan_snapshot_age_seconds Age of the last snapshot published by a refresh.
# TYPE danvan_snapshot_age_seconds gauge
danvan_snapshot_age_seconds 3595
# HELP danvan_run_in_progress 1 while a refresh is running (in this process or, on this host, another).
# TYPE danvan_run_in_progress gauge
danvan_run_in_progress 0
# HELP danvan_next_run_timestamp_seconds Next scheduled refresh, Unix time.
# TYPE danvan_next_run_timestamp_seconds gauge
danvan_next_run_timestamp_seconds 1.7416332e+09
`
	var got bytes.Buffer
	if err := r.WriteMetrics(&got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Errorf("metrics:\n%s\nwant:\n%s", got.String(), want)
	}
	scrape(t, r) // well-formed

	// A restart derives the counters from history; a run by another runner
	// (another process, as far as the files go) is counted by both.
	fail = false
	r2, _ := newRunner(t, dir, job, Options{Now: clk.Now})
	if m := scrape(t, r2); m[`danvan_runs_total{status="succeeded"}`] != 1 || m[`danvan_runs_total{status="skipped"}`] != 1 || m["danvan_rows_ingested_total"] != 11 {
		t.Errorf("counters after restart: %v", m)
	}
	if _, err := r2.RunNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, rr := range []*Runner{r, r2} {
		m := scrape(t, rr)
		if m[`danvan_runs_total{status="succeeded"}`] != 2 || m["danvan_rows_ingested_total"] != 21 || m["danvan_run_duration_seconds_count"] != 3 {
			t.Errorf("runner %d counters after another run: %v", i+1, m)
		}
		// Scraping again does not count twice.
		if m2 := scrape(t, rr); m2[`danvan_runs_total{status="succeeded"}`] != 2 {
			t.Errorf("runner %d counted twice: %v", i+1, m2)
		}
	}
}

func TestMetricsInProgress(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		close(started)
		<-release
		return Result{}, nil
	}, Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.RunNow(context.Background())
	}()
	<-started
	m := scrape(t, r)
	close(release)
	<-done
	if m["danvan_run_in_progress"] != 1 {
		t.Errorf("in progress = %v during a run", m["danvan_run_in_progress"])
	}
	if _, ok := m["danvan_next_run_timestamp_seconds"]; ok {
		t.Error("next run reported with the schedule off")
	}
	if m := scrape(t, r); m["danvan_run_in_progress"] != 0 {
		t.Errorf("in progress = %v after the run", m["danvan_run_in_progress"])
	}
}

func TestHealthy(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 10, 10, 0, 0, 0, Zone)}
	fail := false
	r, _ := newRunner(t, t.TempDir(), func(ctx context.Context) (Result, error) {
		if fail {
			return Result{}, Permanent(errors.New("warehouse unreadable"))
		}
		return Result{}, nil
	}, Options{Now: clk.Now})
	const maxAge = time.Hour
	check := func(when string, want bool, contains ...string) {
		t.Helper()
		got, msg := r.Healthy(maxAge)
		if got != want {
			t.Errorf("%s: Healthy = %v (%s), want %v", when, got, msg, want)
		}
		for _, c := range contains {
			if !strings.Contains(msg, c) {
				t.Errorf("%s: message %q lacks %q", when, msg, c)
			}
		}
	}
	check("at startup", true, "startup grace")
	clk.Add(2 * time.Hour)
	check("never succeeded after grace", false, "no successful refresh yet")
	if _, err := r.RunNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("just refreshed", true, "last successful refresh at 2025-03-10 12:00:00 Vietnam time (UTC+7)", "lúc 2025-03-10 12:00:00 giờ Việt Nam")
	clk.Add(30 * time.Minute)
	fail = true
	r.RunNow(context.Background())
	check("failed once, still fresh", true)
	clk.Add(time.Hour)
	check("stale", false, "older than 1h0m0s", "1h30m0s ago", "warehouse unreadable", "quá 1h0m0s")
}

// A refresh that published but met problems is recorded, logged, counted
// and reported by /healthz as such, and counts as fresh data.
func TestRunWithProblems(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2025, 3, 10, 10, 0, 0, 0, Zone)}
	fault := pipeline.Fault{Code: "permission_denied", Path: "inbox/a.csv", Reason: "Không có quyền đọc tệp.", ReasonEN: "Permission denied.",
		Fix: "chmod a+r inbox/a.csv", FixEN: "chmod a+r inbox/a.csv"}
	r, logs := newRunner(t, dir, func(ctx context.Context) (Result, error) {
		return Result{FilesIngested: 1, Snapshot: "snap", Faults: []pipeline.Fault{fault}}, nil
	}, Options{Now: clk.Now})
	run, err := r.RunNow(context.Background())
	if err != nil {
		t.Fatalf("a run with problems is not a failure: %v", err)
	}
	if run.Status != StatusProblems || run.Attempts != 1 || len(run.Problems) != 1 || run.Problems[0] != fault {
		t.Errorf("run = %+v, want succeeded_with_problems with the fault", run)
	}
	if got := onDisk(t, r, run.ID); got.Status != StatusProblems || len(got.Problems) != 1 || got.Problems[0] != fault {
		t.Errorf("recorded %+v", got)
	}
	if !strings.Contains(logs.String(), `msg="refresh succeeded with problems"`) || !strings.Contains(logs.String(), "inbox/a.csv") {
		t.Errorf("no warning naming the problem:\n%s", logs)
	}
	m := scrape(t, r)
	if m[`danvan_runs_total{status="succeeded_with_problems"}`] != 1 || m[`danvan_runs_total{status="succeeded"}`] != 0 ||
		m["danvan_last_run_problems"] != 1 || m["danvan_last_success_timestamp_seconds"] == 0 {
		t.Errorf("metrics: %v", m)
	}
	ok, msg := r.Healthy(time.Hour)
	if !ok || !strings.Contains(msg, "1 problem") || !strings.Contains(msg, "inbox/a.csv") || !strings.Contains(msg, "chmod a+r") {
		t.Errorf("Healthy = %v, %q; want healthy, naming the problem and its fix", ok, msg)
	}
}
