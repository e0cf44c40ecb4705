package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// A query runs in a worker: a child process of this very binary, started
// for that one query and gone after it. The kernel holds the child to its
// limits (proc_linux.go): memory (RLIMIT_DATA, with RLIMIT_AS as a
// backstop), CPU time (RLIMIT_CPU: SIGXCPU interrupts the query, SIGKILL a
// second later), and the parent kills it past the wall clock. Whatever
// the query does, the serving process only reads the worker's one-line
// answer and copies the result file it wrote, so its own memory does not
// move.
//
// Why RLIMIT_DATA and not RLIMIT_AS for memory: a worker's address space is
// 1.6-1.8 GB before it runs anything (measured: Go reserves about 1 GB of
// PROT_NONE ranges for its page allocator, glibc 64 MB per malloc arena),
// with 40-90 MB resident; with RLIMIT_AS at 1.5 GB DuckDB cannot even open.
// RLIMIT_DATA (Linux 4.7 and later) counts private writable mappings, the
// memory actually committed, and leaves reservations alone.
//
// Each worker gets a private directory (mode 0700, outside the data
// directory) as its working and temporary directory; it holds the result
// file and is removed with it. DuckDB itself has no temporary directory
// (see setup), so SQL can read nothing there.
//
// The parent writes two lines to the worker's standard input: what to open
// and the process's limits (workOpen), then the query (workQuery). A spare
// worker (RunnerOptions.Spare) has had the first line and opened its
// sandbox before any query came, so a query over the same snapshot, with
// the same limits, does not wait for a process to start and open DuckDB
// (0.2-0.6 s on a busy machine, most of it creating the views).

// Worker says how to start this binary as a query worker: the executable,
// the arguments that make it call ServeWorker, and environment to add.
type Worker struct {
	Path string
	Args []string
	Env  []string
}

// RunnerOptions configure a Runner. Zero fields take the defaults.
type RunnerOptions struct {
	Worker  Worker  // required
	Sandbox Options // DuckDB in each worker: Threads; MemoryLimit defaults to half of Limits.Memory

	TempDir string // where the workers' private directories are made; os.TempDir()

	MaxRunning int           // workers at once; 10
	PerClient  int           // workers of one client at once; 2
	QueueWait  time.Duration // how long a query waits for a free worker before 429; 2s
	Demote     time.Duration // a query running longer drops to the lowest CPU priority; 1s

	// Spare keeps one worker started ahead, its sandbox open over the
	// snapshot and with the limits of the last query, so the next query
	// does not wait for a process to start (a server's choice; a command
	// running one query has no use for it). Close stops it.
	Spare bool
}

// DefaultRunnerOptions returns the defaults (Worker is left empty).
func DefaultRunnerOptions() RunnerOptions {
	return RunnerOptions{MaxRunning: 10, PerClient: 2, QueueWait: 2 * time.Second, Demote: time.Second}
}

func (o RunnerOptions) withDefaults() RunnerOptions {
	d := DefaultRunnerOptions()
	if o.MaxRunning <= 0 {
		o.MaxRunning = d.MaxRunning
	}
	if o.PerClient <= 0 {
		o.PerClient = d.PerClient
	}
	if o.QueueWait <= 0 {
		o.QueueWait = d.QueueWait
	}
	if o.Demote <= 0 {
		o.Demote = d.Demote
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	return o
}

// killGrace is how long past its time limit a worker may take to answer
// (DuckDB is interrupted at the limit) before it is killed.
const killGrace = 2 * time.Second

// Runner runs queries in workers, fairly: at most PerClient at once for
// one client and MaxRunning in all; a query that finds no room waits up
// to QueueWait, the client with the fewest running queries first, then
// is refused with CodeBusy and a time to retry.
type Runner struct {
	opts RunnerOptions
	adm  admission

	mu        sync.Mutex
	spare     *worker // started, sandbox open, waiting for a query
	refilling bool
	closed    bool
}

// NewRunner returns a Runner, removing the private directories that
// workers of dead processes left behind.
func NewRunner(opts RunnerOptions) (*Runner, error) {
	opts = opts.withDefaults()
	if opts.Worker.Path == "" {
		return nil, errors.New("query runner: no worker executable")
	}
	sweep(opts.TempDir)
	return &Runner{opts: opts, adm: admission{max: opts.MaxRunning, per: opts.PerClient, running: map[string][]*slot{}}}, nil
}

// Running is the number of workers running now.
func (r *Runner) Running() int {
	r.adm.mu.Lock()
	defer r.adm.mu.Unlock()
	return r.adm.total
}

// Request is one query for a Runner.
type Request struct {
	SQL    string
	Format string // one of Formats; FormatJSON
	Limits Limits
}

// Answer is a query's result, written by the worker in the requested
// format into a file that WriteTo copies and Close removes.
type Answer struct {
	Columns   []Column
	Rows      int
	Truncated bool
	Snapshot  string // run id of the snapshot read
	Elapsed   time.Duration
	Size      int64 // bytes WriteTo writes

	dir string
}

// WriteTo copies the result to w.
func (a *Answer) WriteTo(w io.Writer) (int64, error) {
	f, err := os.Open(filepath.Join(a.dir, resultFile))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// Close removes the result and the worker's directory.
func (a *Answer) Close() error { return os.RemoveAll(a.dir) }

const resultFile = "result"

// Run runs one query over the snapshot directory snapshot in a worker,
// for client (any key naming who asks: fairness is per key). Errors are
// *Error for the analyst (refused, invalid, timeout, limit, busy), other
// errors when the worker could not be run.
func (r *Runner) Run(ctx context.Context, snapshot, client string, req Request) (*Answer, error) {
	lim := req.Limits.withDefaults()
	lim.Memory = max(lim.Memory, MinMemory)
	if req.Format == "" {
		req.Format = FormatJSON
	}
	// Here, not in the worker: the request's JSON would turn the bad
	// bytes into U+FFFD on the way.
	if err := checkUTF8(req.SQL); err != nil {
		return nil, err
	}
	release, err := r.adm.acquire(ctx, client, r.opts.QueueWait, lim.Timeout+killGrace)
	if err != nil {
		return nil, err
	}
	defer release()
	open := workOpen{Snapshot: snapshot, Memory: lim.Memory, CPU: lim.CPU, Sandbox: r.opts.Sandbox}
	if open.Sandbox.MemoryLimit == "" {
		open.Sandbox.MemoryLimit = strconv.FormatInt(lim.Memory/2>>20, 10) + "MiB"
	}
	w := r.takeSpare(open)
	if w == nil {
		if w, err = r.start(open); err != nil {
			return nil, err
		}
	}
	ans, err := w.run(ctx, workQuery{SQL: req.SQL, Format: req.Format, Limits: lim}, r.opts.Demote)
	if r.opts.Spare {
		// After the query, not beside it: starting a process costs the
		// CPU the query would have had.
		go r.refill(open)
	}
	return ans, err
}

// Close stops the spare worker, if there is one.
func (r *Runner) Close() error {
	r.mu.Lock()
	w := r.spare
	r.spare, r.closed = nil, true
	r.mu.Unlock()
	if w != nil {
		w.discard()
	}
	return nil
}

// takeSpare returns the spare worker if it was opened as o wants and is
// still alive, discarding it otherwise.
func (r *Runner) takeSpare(o workOpen) *worker {
	r.mu.Lock()
	w := r.spare
	r.spare = nil
	r.mu.Unlock()
	if w == nil {
		return nil
	}
	select {
	case <-w.done:
	default:
		if w.open == o {
			return w
		}
	}
	w.discard()
	return nil
}

// refill starts a spare worker opened as o, unless one is there.
func (r *Runner) refill(o workOpen) {
	r.mu.Lock()
	busy := r.spare != nil || r.refilling || r.closed
	r.refilling = !busy
	r.mu.Unlock()
	if busy {
		return
	}
	w, err := r.start(o)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refilling = false
	if err != nil {
		return // the next query starts its own
	}
	if r.spare != nil || r.closed {
		go w.discard()
		return
	}
	r.spare = w
}

// workOpen is the first line the parent sends a worker: what to open, and
// the process's limits, which the worker sets before it opens anything.
type workOpen struct {
	Snapshot string        `json:"snapshot"`
	Memory   int64         `json:"memory"`
	CPU      time.Duration `json:"cpu"`
	Sandbox  Options       `json:"sandbox"`
}

// workQuery is the second line: the query, and where its result goes.
type workQuery struct {
	SQL    string `json:"sql"`
	Format string `json:"format"`
	Limits Limits `json:"limits"`
	Out    string `json:"out"`
}

// workAnswer is the one line a worker writes on its standard output.
type workAnswer struct {
	Code      string        `json:"code,omitempty"`
	Msg       string        `json:"msg,omitempty"`
	Columns   []Column      `json:"columns,omitempty"`
	Rows      int           `json:"rows"`
	Truncated bool          `json:"truncated,omitempty"`
	Snapshot  string        `json:"snapshot,omitempty"`
	Elapsed   time.Duration `json:"elapsed"`
}

// worker is a started worker process waiting for its query.
type worker struct {
	open   workOpen
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr *tail
	dir    string
	done   chan struct{} // closed when the process has ended
	err    error         // of Wait, once done
}

// start starts a worker and sends it o; it opens the sandbox while no
// query waits for it yet.
func (r *Runner) start(o workOpen) (*worker, error) {
	dir, err := os.MkdirTemp(r.opts.TempDir, dirPrefix+layout.Self()+"-")
	if err != nil {
		return nil, fmt.Errorf("query worker: %w", err)
	}
	line, err := json.Marshal(o)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	wk := r.opts.Worker
	cmd := exec.Command(wk.Path, wk.Args...)
	cmd.Dir = dir
	// Not the server's environment (its token, say): only what a worker
	// needs. GOMEMLIMIT makes Go collect before the result's values reach
	// the process limit; MALLOC_ARENA_MAX keeps glibc from spreading
	// DuckDB's allocations over one arena per thread.
	cmd.Env = append([]string{"TMPDIR=" + dir, "HOME=" + dir, "MALLOC_ARENA_MAX=2",
		"GOMEMLIMIT=" + strconv.FormatInt(o.Memory/2, 10)}, wk.Env...)
	w := &worker{open: o, cmd: cmd, stderr: &tail{max: 4 << 10}, dir: dir, done: make(chan struct{})}
	cmd.Stdout = &limitWriter{w: &w.stdout, n: 1 << 20}
	cmd.Stderr = w.stderr
	cmd.SysProcAttr = sysProcAttr()
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("query worker: %w", err)
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("query worker: start %s: %w", wk.Path, err)
	}
	go func() {
		w.err = cmd.Wait()
		close(w.done)
	}()
	// The pipe holds far more than one line: this does not wait for the
	// worker to read it.
	if _, err := w.stdin.Write(append(line, '\n')); err != nil {
		w.discard()
		return nil, fmt.Errorf("query worker: %w", err)
	}
	return w, nil
}

// discard kills a worker that will run no query and removes its directory.
func (w *worker) discard() {
	w.cmd.Process.Kill()
	<-w.done
	os.RemoveAll(w.dir)
}

// run sends the worker its query and waits for the answer, killing the
// worker past the wall clock or when ctx ends, and lowering its priority
// once it has run longer than demote.
func (w *worker) run(ctx context.Context, q workQuery, demote time.Duration) (ans *Answer, err error) {
	defer func() {
		if ans == nil {
			os.RemoveAll(w.dir)
		}
	}()
	lim := q.Limits
	q.Out = filepath.Join(w.dir, resultFile)
	line, err := json.Marshal(q)
	if err != nil {
		w.discard()
		return nil, err
	}
	w.stdin.Write(append(line, '\n')) // a worker that died already answers below
	w.stdin.Close()
	wall := time.NewTimer(lim.Timeout + killGrace)
	defer wall.Stop()
	lower := time.NewTimer(demote)
	defer lower.Stop()
	var killed string
wait:
	for {
		select {
		case <-w.done:
			break wait
		case <-lower.C:
			lowerPriority(w.cmd.Process.Pid)
		case <-wall.C:
			if killed == "" {
				killed = "time"
				w.cmd.Process.Kill()
			}
		case <-ctx.Done():
			if killed == "" {
				killed = "cancelled"
				w.cmd.Process.Kill()
			}
		}
	}
	var wa workAnswer
	if killed == "" && json.Unmarshal(bytes.TrimSpace(w.stdout.Bytes()), &wa) == nil {
		if wa.Code != "" {
			return nil, &Error{Code: wa.Code, Msg: wa.Msg}
		}
		st, err := os.Stat(q.Out)
		if err != nil {
			return nil, fmt.Errorf("query worker: result: %w", err)
		}
		return &Answer{Columns: wa.Columns, Rows: wa.Rows, Truncated: wa.Truncated, Snapshot: wa.Snapshot,
			Elapsed: wa.Elapsed, Size: st.Size(), dir: w.dir}, nil
	}
	return nil, died(killed, w.cmd.ProcessState, w.err, w.stderr.String(), lim)
}

// died explains a worker that ended without answering.
func died(killed string, ps *os.ProcessState, waitErr error, stderr string, lim Limits) error {
	switch killed {
	case "time":
		return timeLimit(lim.Timeout)
	case "cancelled":
		return &Error{Code: CodeTimeout, Msg: "truy vấn đã bị huỷ / query cancelled"}
	}
	if ps == nil {
		return fmt.Errorf("query worker: %w", waitErr)
	}
	used := ps.UserTime() + ps.SystemTime()
	low := strings.ToLower(stderr)
	switch {
	case cpuSignal(ps) || used >= lim.CPU:
		return cpuLimit(lim.CPU)
	case strings.Contains(low, "out of memory") || strings.Contains(low, "bad_alloc") ||
		strings.Contains(low, "cannot allocate memory") || strings.Contains(low, "pthread_create failed") || killedBySystem(ps):
		return memoryLimit(mib(lim.Memory))
	}
	last := strings.TrimSpace(stderr)
	if i := strings.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	return fmt.Errorf("tiến trình truy vấn dừng bất thường / the query process ended unexpectedly (%s): %s", ps, last)
}

func timeLimit(d time.Duration) *Error {
	return &Error{Code: CodeTimeout, Msg: fmt.Sprintf(
		"truy vấn chạy quá lâu (giới hạn %s) nên đã bị dừng / the query used too much time (limit %s) and was stopped", d, d)}
}

func cpuLimit(d time.Duration) *Error {
	return &Error{Code: CodeTimeout, Msg: fmt.Sprintf(
		"truy vấn dùng quá nhiều thời gian CPU (giới hạn %s) nên đã bị dừng / the query used too much CPU time (limit %s) and was stopped", d, d)}
}

func memoryLimit(limit string) *Error {
	return &Error{Code: CodeLimit, Msg: fmt.Sprintf(
		"truy vấn dùng quá nhiều bộ nhớ (giới hạn %s) nên đã bị dừng; hãy gộp nhóm, lọc bớt hoặc chọn ít cột hơn / "+
			"the query used too much memory (limit %s) and was stopped: aggregate, filter or select fewer columns", limit, limit)}
}

func mib(n int64) string { return strconv.FormatInt(n>>20, 10) + " MiB" }

// dirPrefix names the workers' private directories:
// dirPrefix<pid>-<mark>-<random>, the server's id and mark (layout.Self).
const dirPrefix = "danvan-query-"

// sweep removes the private directories of workers whose server is gone
// (killed before it could remove them): one with another id that is not
// alive, or with this process's id and another mark (an earlier process
// given the same id, as pid 1 is each time a container starts), or none
// (as earlier versions named them).
func sweep(tempDir string) {
	dirs, _ := filepath.Glob(filepath.Join(tempDir, dirPrefix+"*-*"))
	for _, d := range dirs {
		pid, mark, ok := layout.ParseSelf(strings.TrimPrefix(filepath.Base(d), dirPrefix))
		if !ok || !layout.Gone(pid, mark) {
			continue
		}
		os.RemoveAll(d)
	}
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// limitWriter keeps the first n bytes and drops the rest: a worker's
// answer is one short line.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// admission is the fair queue in front of the workers.
type admission struct {
	max, per int

	mu      sync.Mutex
	total   int
	running map[string][]*slot // by client
	waiting []*waiter          // in arrival order
}

type slot struct{ until time.Time } // when the worker will have been killed at the latest

type waiter struct {
	client string
	hold   time.Duration
	ready  chan struct{}
	slot   *slot
}

// acquire waits up to wait for a worker slot for client, which it will
// hold at most hold, and returns its release.
func (a *admission) acquire(ctx context.Context, client string, wait, hold time.Duration) (func(), error) {
	w := &waiter{client: client, hold: hold, ready: make(chan struct{})}
	a.mu.Lock()
	a.waiting = append(a.waiting, w)
	a.dispatch()
	a.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.ready:
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.slot == nil {
		for i, x := range a.waiting {
			if x == w {
				a.waiting = append(a.waiting[:i], a.waiting[i+1:]...)
				break
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, &Error{Code: CodeTimeout, Err: err, Msg: "truy vấn đã bị huỷ / query cancelled"}
		}
		return nil, a.busy(client)
	}
	return func() { a.release(client, w.slot) }, nil
}

// dispatch gives free slots to waiters: among those whose client is under
// its own limit, the one whose client runs the fewest queries, earliest
// first. Called with mu held.
func (a *admission) dispatch() {
	for a.total < a.max {
		best := -1
		for i, w := range a.waiting {
			n := len(a.running[w.client])
			if n >= a.per {
				continue
			}
			if best < 0 || n < len(a.running[a.waiting[best].client]) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		w := a.waiting[best]
		a.waiting = append(a.waiting[:best], a.waiting[best+1:]...)
		w.slot = &slot{until: time.Now().Add(w.hold)}
		a.running[w.client] = append(a.running[w.client], w.slot)
		a.total++
		close(w.ready)
	}
}

func (a *admission) release(client string, s *slot) {
	a.mu.Lock()
	defer a.mu.Unlock()
	rs := a.running[client]
	for i, x := range rs {
		if x == s {
			rs = append(rs[:i], rs[i+1:]...)
			break
		}
	}
	if len(rs) == 0 {
		delete(a.running, client)
	} else {
		a.running[client] = rs
	}
	a.total--
	a.dispatch()
}

// busy is the refusal of a query that found no room, with the time by
// which a slot it could take will have been freed at the latest.
// Called with mu held.
func (a *admission) busy(client string) *Error {
	var soonest time.Time
	consider := func(ss []*slot) {
		for _, s := range ss {
			if soonest.IsZero() || s.until.Before(soonest) {
				soonest = s.until
			}
		}
	}
	own := len(a.running[client])
	if own >= a.per {
		consider(a.running[client])
	} else {
		for _, ss := range a.running {
			consider(ss)
		}
	}
	secs := int(max(1, (time.Until(soonest)+time.Second-1)/time.Second))
	e := &Error{Code: CodeBusy, RetryAfter: time.Duration(secs) * time.Second}
	if own >= a.per {
		e.Msg = fmt.Sprintf("bạn đang có %d truy vấn chạy (tối đa %d cùng lúc); hãy thử lại sau %d giây / "+
			"you already have %d queries running (at most %d at once): try again in %d s", own, a.per, secs, own, a.per, secs)
	} else {
		e.Msg = fmt.Sprintf("máy chủ đang chạy %d truy vấn (tối đa %d cùng lúc); hãy thử lại sau %d giây / "+
			"the server is running %d queries (at most %d at once): try again in %d s", a.total, a.max, secs, a.total, a.max, secs)
	}
	return e
}
