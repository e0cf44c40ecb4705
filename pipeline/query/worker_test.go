package query

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// bomb keeps a worker busy on CPU until a limit stops it.
const bomb = `SELECT count(*) FROM range(1e12::BIGINT) WHERE hash(range) % 7 = 0`

// SELECT 42 answers while eight bombs run: four clients with two bombs each
// (their most), a fifth client's query finds a worker at once and, the
// bombs having dropped to the lowest CPU priority, answers before any bomb
// is stopped. A third bomb of a client already running two is refused with
// 429 and a Retry-After.
func TestFairQueue(t *testing.T) {
	data := snapshot(t)
	runner := newRunner(t, RunnerOptions{QueueWait: 300 * time.Millisecond})
	h := NewHandler(data, runner, HandlerOptions{Limits: Limits{Timeout: 12 * time.Second, CPU: 12 * time.Second}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	// Clients are told apart by their address: each dials from its own
	// loopback address.
	post := func(ip, q string) (int, http.Header, string) {
		c := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext}}
		resp, err := c.Post(srv.URL, "text/plain", strings.NewReader(q))
		if err != nil {
			return 0, nil, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	type done struct {
		at     time.Time
		status int
		body   string
	}
	bombs := make(chan done, 8)
	for i := range 8 {
		ip := fmt.Sprintf("127.0.0.%d", 2+i/2)
		go func() {
			status, _, body := post(ip, bomb)
			bombs <- done{time.Now(), status, body}
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for runner.Running() < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("%d bombs running after 30 s, want 8", runner.Running())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(DefaultRunnerOptions().Demote + 300*time.Millisecond) // the bombs are demoted

	start := time.Now()
	status, _, body := post("127.0.0.10", "SELECT 42 AS answer")
	answered := time.Now()
	if status != http.StatusOK || !strings.Contains(body, `"rows":[[42]]`) {
		t.Fatalf("SELECT 42 while eight bombs run: %d %s", status, body)
	}
	t.Logf("SELECT 42 answered in %s while %d bombs ran", answered.Sub(start).Round(time.Millisecond), runner.Running())
	if took := answered.Sub(start); took > 10*time.Second {
		t.Errorf("SELECT 42 took %s", took)
	}

	status, hdr, body := post("127.0.0.2", bomb)
	retry, _ := strconv.Atoi(hdr.Get("Retry-After"))
	if status != http.StatusTooManyRequests || retry < 1 || retry > 15 || !strings.Contains(body, "you already have 2 queries running (at most 2 at once)") {
		t.Errorf("third bomb of one client: %d Retry-After %q %s", status, hdr.Get("Retry-After"), body)
	}

	for range 8 {
		d := <-bombs
		if !d.at.After(answered) {
			t.Errorf("a bomb ended (%d %s) before SELECT 42 answered", d.status, d.body)
		}
		if d.status != http.StatusGatewayTimeout || !strings.Contains(d.body, "the query used too much") {
			t.Errorf("bomb: %d %s, want 504 saying it used too much time", d.status, d.body)
		}
	}
}

// A query that burns CPU on two threads is stopped at its CPU time limit,
// long before its wall clock one.
func TestCPULimit(t *testing.T) {
	snap, err := CurrentSnapshot(snapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	runner := newRunner(t, RunnerOptions{})
	start := time.Now()
	_, err = runner.Run(ctx, snap, "", Request{SQL: bomb, Limits: Limits{Timeout: 5 * time.Minute, CPU: time.Second}})
	qe, ok := err.(*Error)
	if !ok || qe.Code != CodeTimeout || !strings.Contains(qe.Msg, "the query used too much CPU time (limit 1s)") ||
		!strings.HasPrefix(qe.Msg, "truy vấn dùng quá nhiều thời gian CPU") {
		t.Fatalf("want the CPU time limit, got %v", err)
	}
	if took := time.Since(start); took > time.Minute {
		t.Errorf("stopped after %s", took)
	}
}

// The queue gives a free worker to the waiting client that runs the
// fewest queries, not to the one that came first.
func TestAdmissionOrder(t *testing.T) {
	a := admission{max: 2, per: 2, running: map[string][]*slot{}}
	relA1, err := a.acquire(ctx, "a", time.Second, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	relB1, err := a.acquire(ctx, "b", time.Second, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 2)
	wait := func(client string) {
		rel, err := a.acquire(ctx, client, 10*time.Second, time.Minute)
		if err != nil {
			got <- client + ": " + err.Error()
			return
		}
		got <- client
		rel()
	}
	go wait("a") // first in line, but a already runs one
	for queued(&a) < 1 {
		time.Sleep(time.Millisecond)
	}
	go wait("c")
	for queued(&a) < 2 {
		time.Sleep(time.Millisecond)
	}
	relB1()
	if first := <-got; first != "c" {
		t.Errorf("the free worker went to %s, want c (no query running)", first)
	}
	if second := <-got; second != "a" {
		t.Errorf("then %s, want a", second)
	}
	relA1()
	// Full: refused after the wait, with the soonest end of a running query.
	rel1, _ := a.acquire(ctx, "x", time.Second, 30*time.Second)
	rel2, _ := a.acquire(ctx, "y", time.Second, 30*time.Second)
	_, err = a.acquire(ctx, "z", 10*time.Millisecond, time.Minute)
	qe, ok := err.(*Error)
	if !ok || qe.Code != CodeBusy || qe.RetryAfter < 29*time.Second || qe.RetryAfter > 30*time.Second ||
		!strings.Contains(qe.Msg, "the server is running 2 queries (at most 2 at once): try again in 30 s") {
		t.Errorf("full: %v (retry after %v)", err, qe)
	}
	rel1()
	rel2()
	if a.total != 0 || len(a.running) != 0 || len(a.waiting) != 0 {
		t.Errorf("after all releases: total %d, running %v, waiting %d", a.total, a.running, len(a.waiting))
	}
}

func queued(a *admission) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.waiting)
}

// A server killed with its workers leaves their directories behind; the
// next Runner over the same temporary directory removes them, and only
// them. A server with this process's id and another mark (layout.Self),
// or none as earlier versions named them, was an earlier process given
// the same id (pid 1 each time a container starts): its directories are
// removed too, where they were kept as this process's.
func TestSweepLeftovers(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(tmp, fmt.Sprintf("%s%d-123", dirPrefix, dead.Process.Pid))
	live := filepath.Join(tmp, fmt.Sprintf("%s%s-456", dirPrefix, layout.Self()))
	sameID := filepath.Join(tmp, fmt.Sprintf("%s%d-0badbeef-789", dirPrefix, os.Getpid()))
	sameIDOld := filepath.Join(tmp, fmt.Sprintf("%s%d-321", dirPrefix, os.Getpid()))
	other := filepath.Join(tmp, "someone-else")
	for _, d := range []string{gone, live, sameID, sameIDOld, other} {
		if err := os.MkdirAll(filepath.Join(d, "x"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	newRunner(t, RunnerOptions{TempDir: tmp})
	for d, want := range map[string]bool{gone: false, live: true, sameID: false, sameIDOld: false, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
}

// With Spare, a worker waits ready for the next query over the same
// snapshot and limits; a query asking other limits does not get it (it is
// stopped), and Close stops the last one, leaving no directory behind.
func TestSpareWorker(t *testing.T) {
	snap, err := CurrentSnapshot(snapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	r := newRunner(t, RunnerOptions{TempDir: tmp, Spare: true})
	query := func(lim Limits) time.Duration {
		t.Helper()
		start := time.Now()
		a, err := r.Run(ctx, snap, "", Request{SQL: "SELECT 42 AS n", Format: FormatCSV, Limits: lim})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		a.WriteTo(&b)
		a.Close()
		if b.String() != "n\n42\n" {
			t.Fatalf("answer %q", b.String())
		}
		return took
	}
	spare := func() *worker {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			r.mu.Lock()
			w := r.spare
			r.mu.Unlock()
			if w != nil {
				return w
			}
			if time.Now().After(deadline) {
				t.Fatal("no spare worker after 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	cold := query(Limits{})
	w := spare()
	time.Sleep(time.Second) // let it open its sandbox, as it has time to between an analyst's queries
	warm := query(Limits{})
	select {
	case <-w.done: // the spare ran the query and ended
	case <-time.After(10 * time.Second):
		t.Fatal("the spare worker did not run the second query")
	}
	t.Logf("SELECT 42: %s with a worker to start, %s with the spare", cold.Round(time.Millisecond), warm.Round(time.Millisecond))

	w = spare()
	query(Limits{Memory: 512 << 20}) // other limits: not the spare's
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the spare with other limits was not stopped")
	}
	spare()
	r.Close()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("%d worker directories left after Close: %s", len(left), left[0].Name())
	}
}
