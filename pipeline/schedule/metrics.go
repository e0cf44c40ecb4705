package schedule

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// tally holds the counters. They are derived from the run history: at New
// every record on disk is counted, so counters survive a restart (as far
// back as the history keeps), and each scrape counts finished records not
// seen before, which picks up runs by other processes (`danvan run`) too.
// Within a process the counters only go up; after a restart they may be
// lower than before if history was pruned, which Prometheus reads as the
// usual counter reset.
type tally struct {
	mu       sync.Mutex
	seen     map[string]time.Time // run id -> start
	byStatus map[Status]float64
	durSum   float64
	durCount float64
	rowsAcc  float64
	rowsRej  float64
}

// observe counts the finished runs not counted yet. full says runs is the
// whole history, so ids older than its oldest can be forgotten: pruned
// records never come back.
func (t *tally) observe(runs []Run, full bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen, t.byStatus = map[string]time.Time{}, map[Status]float64{}
	}
	var oldest time.Time
	for _, run := range runs {
		if oldest.IsZero() || run.Start.Before(oldest) {
			oldest = run.Start
		}
		if run.Status == StatusRunning {
			continue
		}
		if _, ok := t.seen[run.ID]; ok {
			continue
		}
		t.seen[run.ID] = run.Start
		t.byStatus[run.Status]++
		if run.Status != StatusSkipped {
			t.durSum += run.Duration().Seconds()
			t.durCount++
		}
		t.rowsAcc += float64(run.RowsAccepted)
		t.rowsRej += float64(run.RowsRejected)
	}
	if full && !oldest.IsZero() {
		for id, start := range t.seen {
			if start.Before(oldest) {
				delete(t.seen, id)
			}
		}
	}
}

// WriteMetrics writes the runner's metrics in the Prometheus text
// exposition format (version 0.0.4), for /metrics.
//
// danvan_run_duration_seconds is a summary (sum and count, no quantiles) of
// finished, not skipped, runs; the last run's duration is the gauge
// danvan_last_run_duration_seconds, since one name cannot be both. Gauges
// with nothing to say yet (no success, no snapshot, schedule off) are left
// out, so that absent() alerts work.
func (r *Runner) WriteMetrics(w io.Writer) error {
	runs, err := r.hist.read(0)
	if err != nil {
		return err
	}
	r.metrics.observe(runs, true)
	now := r.opts.Now()

	bw := bufio.NewWriter(w)
	family := func(name, typ, help string) {
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	sample := func(name string, v float64) {
		fmt.Fprintf(bw, "%s %s\n", name, strconv.FormatFloat(v, 'g', -1, 64))
	}
	seconds := func(t time.Time) float64 { return float64(t.UnixMilli()) / 1e3 }

	r.metrics.mu.Lock()
	family("danvan_runs_total", "counter", "Refresh runs finished, by status.")
	for _, s := range []Status{StatusSucceeded, StatusProblems, StatusFailed, StatusSkipped} {
		sample(`danvan_runs_total{status="`+string(s)+`"}`, r.metrics.byStatus[s])
	}
	family("danvan_run_duration_seconds", "summary", "Duration of finished refresh runs (skipped ones left out).")
	sample("danvan_run_duration_seconds_sum", r.metrics.durSum)
	sample("danvan_run_duration_seconds_count", r.metrics.durCount)
	family("danvan_rows_ingested_total", "counter", "Rows accepted into the warehouse by refresh runs.")
	sample("danvan_rows_ingested_total", r.metrics.rowsAcc)
	family("danvan_rows_rejected_total", "counter", "Rows rejected (quarantined) by refresh runs.")
	sample("danvan_rows_rejected_total", r.metrics.rowsRej)
	r.metrics.mu.Unlock()

	last, lastOK, lastSnap := latest(runs)
	if !last.End.IsZero() {
		family("danvan_last_run_duration_seconds", "gauge", "Duration of the last finished refresh run.")
		sample("danvan_last_run_duration_seconds", last.Duration().Seconds())
		family("danvan_last_run_problems", "gauge", "Problems of the last finished refresh run (files not read or quarantined, faults of the data directory); see /api/runs.")
		sample("danvan_last_run_problems", float64(len(last.Problems)))
	}
	if !lastOK.End.IsZero() {
		family("danvan_last_success_timestamp_seconds", "gauge", "End of the last successful refresh, Unix time.")
		sample("danvan_last_success_timestamp_seconds", seconds(lastOK.End))
	}
	if !lastSnap.End.IsZero() {
		family("danvan_snapshot_age_seconds", "gauge", "Age of the last snapshot published by a refresh.")
		sample("danvan_snapshot_age_seconds", max(now.Sub(lastSnap.End).Seconds(), 0))
	}
	family("danvan_run_in_progress", "gauge", "1 while a refresh is running (in this process or, on this host, another).")
	inProgress := 0.0
	if r.inProgress() {
		inProgress = 1
	}
	sample("danvan_run_in_progress", inProgress)
	if next := r.Next(); !next.IsZero() {
		family("danvan_next_run_timestamp_seconds", "gauge", "Next scheduled refresh, Unix time.")
		sample("danvan_next_run_timestamp_seconds", seconds(next))
	}
	return bw.Flush()
}

// latest finds, in runs newest first, the last finished (not skipped) run,
// the last success and the last success that published a snapshot.
func latest(runs []Run) (last, lastOK, lastSnap Run) {
	for _, run := range runs {
		if last.End.IsZero() && (run.Status.Published() || run.Status == StatusFailed) {
			last = run
		}
		if run.Status.Published() {
			if lastOK.End.IsZero() {
				lastOK = run
			}
			if lastSnap.End.IsZero() && run.Snapshot != "" {
				lastSnap = run
				break
			}
		}
	}
	return last, lastOK, lastSnap
}

// inProgress: a refresh of ours, or the lock file of a live holder. The lock
// is read, never flocked: probing it could make a real taker fail.
func (r *Runner) inProgress() bool {
	r.mu.Lock()
	mine := r.cur != nil
	r.mu.Unlock()
	if mine {
		return true
	}
	h, ok := readLockHolder(LockPath(r.dataDir))
	return ok && h.PID != os.Getpid() && holderAlive(h)
}

// Healthy reports whether the data is fresh: the last successful refresh,
// by any process, ended less than maxAge ago. A runner that has never seen
// a success is healthy for its first maxAge (startup grace), so that a new
// install is not red before its first night. The message says why, in
// Vietnamese then English.
func (r *Runner) Healthy(maxAge time.Duration) (bool, string) {
	now := r.opts.Now()
	runs, err := r.hist.read(0)
	if err != nil {
		return false, fmt.Sprintf("không đọc được lịch sử chạy: %v (cannot read run history: %v)", err, err)
	}
	last, lastOK, _ := latest(runs)
	lastErr := ""
	if last.Status == StatusFailed && last.Error != "" {
		lastErr = "; " + last.Error
	}
	if lastOK.End.IsZero() {
		if since := now.Sub(r.created); since < maxAge {
			return true, fmt.Sprintf("chưa có lần làm mới thành công; đang trong %s khởi động (no successful refresh yet; within the %s startup grace)%s",
				maxAge, maxAge, lastErr)
		}
		return false, fmt.Sprintf("chưa có lần làm mới nào thành công (no successful refresh yet)%s", lastErr)
	}
	age := now.Sub(lastOK.End).Round(time.Second)
	// Every time people read says its clock.
	at := lastOK.End.In(Zone).Format("2006-01-02 15:04:05")
	atVI, atEN := at+" giờ Việt Nam", at+" Vietnam time (UTC+7)"
	if age > maxAge {
		return false, fmt.Sprintf("lần làm mới thành công gần nhất lúc %s, cách đây %s, quá %s (last successful refresh at %s, %s ago, older than %s)%s",
			atVI, age, maxAge, atEN, age, maxAge, lastErr)
	}
	msg := fmt.Sprintf("lần làm mới thành công gần nhất lúc %s, cách đây %s (last successful refresh at %s, %s ago)", atVI, age, atEN, age)
	if last.Status == StatusProblems {
		// Fresh, so healthy; but someone has to look.
		msg += fmt.Sprintf("; lần chạy cuối xong nhưng có %d vấn đề (the last run succeeded with %d problem(s)):", len(last.Problems), len(last.Problems))
		for _, f := range last.Problems {
			msg += "\n  " + f.String()
		}
	}
	return true, msg
}
