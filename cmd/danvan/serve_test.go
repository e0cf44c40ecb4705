package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/cmd/danvan/internal/pace"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/serve"
)

// POST /api/run through the real runner: 202 when a refresh starts, 409
// while one is running, in this process or in another one holding the
// run lock.
func TestAPIRunBusy(t *testing.T) {
	data := t.TempDir()
	release := make(chan struct{})
	ran := make(chan struct{}, 10)
	job := func(ctx context.Context) (schedule.Result, error) {
		ran <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return schedule.Result{}, nil
	}
	logger := slog.New(slog.DiscardHandler)
	runner, err := schedule.New(data, job, schedule.Options{Schedule: "off", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer runner.Stop(context.Background())
	srv, err := serve.New(serve.Options{DataDir: data, Token: "s3cret", Trigger: apiTrigger(context.Background(), runner), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	post := func() (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+"/api/run", nil)
		req.Header.Set("Authorization", "Bearer s3cret")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	idle := func() {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			runs, err := runner.History(1)
			if err == nil && len(runs) == 1 && runs[0].Status == schedule.StatusSucceeded {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the refresh did not finish: %+v %v", runs, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	if code, body := post(); code != http.StatusAccepted {
		t.Fatalf("first POST: %d %s", code, body)
	}
	<-ran // the refresh is running
	code, body := post()
	if code != http.StatusConflict || !strings.Contains(body, "một lần làm mới khác đang chạy") || !strings.Contains(body, "another refresh is running") {
		t.Errorf("POST while a refresh runs: %d %s, want 409 saying so", code, body)
	}
	release <- struct{}{}
	idle()

	// Another process's refresh: the run lock is held outside the runner.
	// The runner records a run as finished just before it lets the lock go,
	// so wait for the lock rather than try it once.
	unlock, err := schedule.Lock(context.Background(), data, 10*time.Second, logger)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := post(); code != http.StatusConflict {
		t.Errorf("POST while another process holds the run lock: %d %s, want 409", code, body)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
		t.Fatal("a refresh ran while the lock was held elsewhere")
	default:
	}

	if code, body := post(); code != http.StatusAccepted {
		t.Errorf("POST once free again: %d %s", code, body)
	}
	<-ran
	close(release)
	idle()
}

// serve --refresh-at-start (make run): the server answers, and one refresh
// (trigger "start") runs in the background and publishes the inbox; without
// the flag and with no schedule, none runs.
func TestServeRefreshAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and runs a refresh")
	}
	data := t.TempDir()
	smallInbox(t, data)
	addr := freeAddr(t)
	base := "http://" + addr
	startPortal(t, data, addr, "--refresh-at-start")
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the first page: %d, want 200", res.StatusCode)
	}
	var runs struct {
		Runs []struct {
			Trigger string `json:"trigger"`
			Status  string `json:"status"`
		} `json:"runs"`
	}
	waitFor(t, "the refresh at start to end", 3*time.Minute, func() bool {
		return getJSON(base+"/api/runs", &runs) == nil && len(runs.Runs) > 0 && runs.Runs[0].Status != "running"
	})
	if len(runs.Runs) != 1 || runs.Runs[0].Trigger != "start" || !strings.HasPrefix(runs.Runs[0].Status, "succeeded") {
		t.Errorf("runs after the start: %+v, want one succeeded run triggered by the start", runs.Runs)
	}
	var m struct {
		RunID string `json:"run_id"`
	}
	if err := getJSON(base+"/data/manifest.json", &m); err != nil || m.RunID == "" {
		t.Errorf("no snapshot published after the refresh at start: %+v %v", m, err)
	}

	// Without the flag: no refresh, so no run in the history.
	other := t.TempDir()
	smallInbox(t, other)
	addr2 := freeAddr(t)
	startPortal(t, other, addr2)
	if err := getJSON("http://"+addr2+"/api/runs", &runs); err != nil || len(runs.Runs) != 0 {
		t.Errorf("runs of a server started without --refresh-at-start: %+v %v, want none", runs.Runs, err)
	}
}

// A refresh inside danvan serve runs with the collector's usual room, not
// the server's larger one (its peak RSS stays what it was), and the
// server's room comes back when it ends, failed or not.
func TestServeRefreshPaced(t *testing.T) {
	before := pace.Room()
	defer pace.SetRoom(before)
	pace.Serving()
	var inside []uint64
	run := pacedRefresh(func(context.Context) (schedule.Result, error) {
		inside = append(inside, pace.Room())
		if len(inside) == 2 {
			return schedule.Result{}, context.DeadlineExceeded
		}
		return schedule.Result{}, nil
	})
	for range 2 {
		run(context.Background())
		if r := pace.Room(); r != pace.ServeRoom {
			t.Errorf("after a refresh: room %d MiB, want the server's %d MiB", r>>20, pace.ServeRoom>>20)
		}
	}
	for i, r := range inside {
		if r >= pace.ServeRoom {
			t.Errorf("refresh %d ran with %d MiB of room, want less than the server's %d MiB", i+1, r>>20, pace.ServeRoom>>20)
		}
	}
}
