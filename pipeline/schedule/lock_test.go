package schedule

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestLockExcludes(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(context.Background(), dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var h Holder
	b, _ := os.ReadFile(LockPath(dir))
	if err := json.Unmarshal(b, &h); err != nil || h.PID != os.Getpid() || h.Started.IsZero() {
		t.Errorf("lock file %q, want our pid and start time", b)
	}
	_, err = Lock(context.Background(), dir, 0, nil)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder.PID != os.Getpid() {
		t.Fatalf("second Lock = %v, want busy naming pid %d", err, os.Getpid())
	}
	at := h.Started.In(Zone).Format("15:04:05")
	for _, want := range []string{
		fmt.Sprintf("một lần làm mới khác đang chạy (pid %d, bắt đầu %s); thử lại sau", os.Getpid(), at),
		fmt.Sprintf("(another refresh is running (pid %d, started %s); try again later)", os.Getpid(), at),
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("busy error %q lacks %q", err, want)
		}
	}

	// Waiting: the lock is taken as soon as the holder lets go.
	go func() {
		time.Sleep(200 * time.Millisecond)
		unlock()
	}()
	unlock2, err := Lock(context.Background(), dir, 5*time.Second, nil)
	if err != nil {
		t.Fatalf("Lock with wait: %v", err)
	}
	// Waiting ends with ctx.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, dir, time.Minute, nil); !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock with cancelled ctx = %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(LockPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after unlock: %v", err)
	}
}

// A lock file nobody holds the flock of is stale, even if its pid is alive
// (pids are reused): it is taken over, and the takeover is logged.
func TestLockStaleFileTakenOver(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/runs", 0o755); err != nil {
		t.Fatal(err)
	}
	stale := `{"pid":1,"host":"` + hostname() + `","started":"2025-01-01T02:00:03+07:00"}`
	if err := os.WriteFile(LockPath(dir), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &logBuf{}
	unlock, err := Lock(context.Background(), dir, 0, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	defer unlock()
	if !strings.Contains(logs.String(), `msg="taking over stale run lock"`) || !strings.Contains(logs.String(), "holder_pid=1 ") {
		t.Errorf("takeover not logged:\n%s", logs)
	}
}

// TestHelperProcess is not a test: TestTwoProcesses runs the test binary
// again with it, as a second danvan process doing a refresh that hangs.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("DANVAN_SCHEDULE_HELPER") != "1" {
		t.Skip("helper process for TestTwoProcesses")
	}
	r, err := New(os.Getenv("DANVAN_SCHEDULE_DIR"), func(ctx context.Context) (Result, error) {
		fmt.Printf("running %s\n", RunID(ctx))
		time.Sleep(time.Minute) // until killed
		return Result{}, nil
	}, Options{Schedule: Off, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	r.RunNow(context.Background())
	os.Exit(0)
}

func TestTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "DANVAN_SCHEDULE_HELPER=1", "DANVAN_SCHEDULE_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
		io.Copy(io.Discard, out)
	}()
	var childRun string
	select {
	case s := <-line:
		if _, err := fmt.Sscanf(s, "running %s", &childRun); err != nil {
			t.Fatalf("child said %q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("child did not start its refresh")
	}
	child := cmd.Process.Pid

	// Opening a runner while the child refreshes leaves the child's run alone.
	var calls int
	r, logs := newRunner(t, dir, func(ctx context.Context) (Result, error) {
		calls++
		return Result{}, nil
	}, Options{})
	if got := onDisk(t, r, childRun); got.Status != StatusRunning || got.PID != child {
		t.Fatalf("child's run %+v, want running with pid %d", got, child)
	}

	// The second `danvan run` is told who is busy, and does not run.
	_, err = r.RunNow(context.Background())
	var busy *BusyError
	if !errors.As(err, &busy) || busy.InProcess || busy.Holder.PID != child || busy.Holder.RunID != childRun {
		t.Fatalf("RunNow while the child holds the lock = %v, want busy naming pid %d", err, child)
	}
	if want := fmt.Sprintf("một lần làm mới khác đang chạy (pid %d, bắt đầu ", child); !strings.Contains(err.Error(), want) {
		t.Errorf("busy error %q lacks %q", err, want)
	}
	if _, err := Lock(context.Background(), dir, 300*time.Millisecond, nil); !errors.Is(err, ErrBusy) {
		t.Errorf("Lock with wait while the child holds it = %v", err)
	}
	if m := scrape(t, r); m["danvan_run_in_progress"] != 1 {
		t.Errorf("in progress = %v while the child refreshes", m["danvan_run_in_progress"])
	}
	if calls != 0 {
		t.Fatal("job ran while the child held the lock")
	}

	// kill -9: no cleanup in the child; the lock file and a "running" record stay.
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(LockPath(dir)); err != nil {
		t.Fatalf("the killed child's lock file: %v", err)
	}
	if m := scrape(t, r); m["danvan_run_in_progress"] != 0 {
		t.Errorf("in progress = %v after the child died", m["danvan_run_in_progress"])
	}

	run, err := r.RunNow(context.Background())
	if err != nil || calls != 1 || run.Status != StatusSucceeded {
		t.Fatalf("RunNow after the child died = %+v, %v", run, err)
	}
	if !strings.Contains(logs.String(), `msg="taking over stale run lock"`) || !strings.Contains(logs.String(), fmt.Sprintf("holder_pid=%d ", child)) {
		t.Errorf("stale lock takeover not logged:\n%s", logs)
	}
	got := onDisk(t, r, childRun)
	if got.Status != StatusFailed || !strings.Contains(got.Error, "interrupted") || got.End.IsZero() {
		t.Errorf("child's run after its death %+v, want failed (interrupted)", got)
	}
	if m := scrape(t, r); m[`danvan_runs_total{status="failed"}`] != 1 || m[`danvan_runs_total{status="succeeded"}`] != 1 {
		t.Errorf("counters %v, want the interrupted run failed and ours succeeded", m)
	}
}

// New alone, after a crash, marks the dead process's run interrupted.
func TestNewMarksInterrupted(t *testing.T) {
	dir := t.TempDir()
	h := history{dir: dir + "/runs"}
	dead := Run{ID: "deadbeef", Trigger: TriggerSchedule, Start: time.Now().Add(-time.Hour), Status: StatusRunning, Attempts: 1, PID: 1 << 22, Host: hostname()}
	if err := h.write(dead); err != nil {
		t.Fatal(err)
	}
	r, logs := newRunner(t, dir, ok, Options{})
	got := onDisk(t, r, dead.ID)
	if got.Status != StatusFailed || !strings.Contains(got.Error, "bị gián đoạn") || !strings.Contains(got.Error, "interrupted") || got.End.Before(got.Start) {
		t.Errorf("crashed run %+v, want failed (interrupted)", got)
	}
	if !strings.Contains(logs.String(), "run marked interrupted") {
		t.Errorf("not logged:\n%s", logs)
	}
}
