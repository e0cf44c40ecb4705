package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// served starts `danvan serve` on data and measures, from this process:
//   - served JSON: 100 connections, each sending requests back to back for
//     a few seconds over keep-alive, round-robin over the dashboard outputs;
//   - a group-by of the analysts' SQL through POST /api/sql, warm (after a
//     first run), over the current facts.
func (b *bench) served(ctx context.Context, data string, want func(string) bool) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	const token = "bench-token"
	pin := b.servePinning()
	if want("serve") {
		fmt.Fprintf(b.out, "served JSON: %s\n", pin)
	}
	argv := pin.server(b.danvan)
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], "serve", "--data", data, "--addr", addr, "--schedule", "off")...)
	cmd.Env = gcTraceEnv(append(os.Environ(), "DANVAN_TOKEN="+token))
	gcs := &gcCounter{rest: io.Discard}
	cmd.Stderr = gcs
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(ctx, base+"/healthz"); err != nil {
		return err
	}
	if want("serve") {
		answers, err := b.recordAnswers(base)
		if err != nil {
			return err
		}
		floorBase, floorPID, floorGCs, stop, err := b.startFloor(ctx, answers, pin)
		if err != nil {
			return fmt.Errorf("net/http floor: %w", err)
		}
		defer stop()
		if err := sameAnswers(base, floorBase); err != nil {
			return err
		}
		const conns = 100
		d := b.serveFor
		// Each server's heap grows to its size under this load once in its
		// life: danvan's (256 MiB of room between collections) took ~64,000
		// page faults in its first 8 s under wrk and ~0-500 in later runs,
		// and that first growth fell in danvan's first measured run only.
		// Both servers take the same unmeasured load first.
		for _, s := range []struct {
			name string
			base string
			pid  int
		}{{"the floor", floorBase, floorPID}, {"danvan", base, cmd.Process.Pid}} {
			f0 := procFaults(s.pid)
			if _, err := b.generate(ctx, s.base, conns, heapWarmup, pin); err != nil {
				return err
			}
			fmt.Fprintf(b.out, "served JSON: %s of the same load on %s first, unmeasured: %d page faults, RSS %d MiB\n",
				heapWarmup, s.name, procFaults(s.pid)-f0, procRSS(s.pid)/1024)
		}
		// Each side goes first in turn: the one measured second starts
		// right after the other's run on both CPUs, its load average still
		// raised (--settle rarely waits it out), and until 2026-12-07 that
		// was always danvan. Within a pair each side is measured
		// b.serveRuns times (A B B A A B …) and its p99 is the median of its
		// runs': one run's p99 moved by a quarter from run to run on either
		// side, the quiet machine's too (the floor's 11.4-15 ms in one
		// sitting), which one run per side per pair put into the ratio.
		const floorName, danvanName = "bare net/http handler, same bytes (p99)", "danvan serve (p99)"
		c := &comparison{name: fmt.Sprintf("served JSON p99, %d connections, %s", conns, d), limit: "p99 <= 1.15x", wall: 1.15,
			alternate: true, runs: b.serveRuns, merge: medianRun}
		if b.serveRuns > 1 {
			c.name = fmt.Sprintf("served JSON p99, %d connections, %d x %s", conns, b.serveRuns, d)
		}
		pace := &pairPacer{every: 2 * b.serveRuns, ready: func() float64 { return b.ready(ctx) }, sync: syscall.Sync}
		err = b.compare(c, func() (measurement, error) {
			load := pace.next()
			m, err := b.loadJSON(ctx, floorBase, floorPID, floorGCs, conns, d, pin)
			m.name, m.load = floorName, load
			return m, err
		}, func() (measurement, error) {
			load := pace.next()
			m, err := b.loadJSON(ctx, base, cmd.Process.Pid, gcs, conns, d, pin)
			m.name, m.load = danvanName, load
			return m, err
		})
		if err != nil {
			return err
		}
	}
	if want("query") {
		for _, q := range []struct{ name, sql string }{
			{"facts (current values)", "SELECT province_name, year, indicator, sum(value) AS total, count(*) AS n FROM facts GROUP BY ALL ORDER BY ALL"},
		} {
			if err := b.querySQL(ctx, base, token, q.name, q.sql); err != nil {
				return err
			}
		}
	}
	return nil
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("danvan serve not ready at %s after 60 s", url)
}

// jsonPaths are the dashboard outputs the load goes round.
var jsonPaths = []string{"/data/province_year.json", "/data/completeness.json", "/data/indicators.json",
	"/data/provinces.json", "/data/manifest.json"}

// answer is one answer of danvan serve as the floor repeats it: its header
// fields but Date (net/http writes Date itself) and its body.
type answer struct {
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// recordAnswers fetches each of jsonPaths once from danvan serve, gzip
// accepted, and writes the answers to a file for the floor.
func (b *bench) recordAnswers(base string) (string, error) {
	answers := map[string]answer{}
	for _, p := range jsonPaths {
		a, err := fetchAnswer(base + p)
		if err != nil {
			return "", err
		}
		answers[p] = a
	}
	raw, err := json.Marshal(answers)
	if err != nil {
		return "", err
	}
	file := filepath.Join(b.work, "floor-answers.json")
	return file, os.WriteFile(file, raw, 0o644)
}

// fetchAnswer GETs url with gzip accepted and returns the answer as sent.
func fetchAnswer(url string) (answer, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true} // the bytes as sent
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	resp.Header.Del("Date")
	return answer{Header: resp.Header, Body: body}, err
}

// sameAnswers checks that the floor answers each of jsonPaths with the
// same header fields (but Date) and body as danvan serve: the comparison
// is of two servers sending the same bytes.
func sameAnswers(danvan, floor string) error {
	for _, p := range jsonPaths {
		d, err := fetchAnswer(danvan + p)
		if err != nil {
			return err
		}
		f, err := fetchAnswer(floor + p)
		if err != nil {
			return err
		}
		if !bytes.Equal(d.Body, f.Body) || !maps.EqualFunc(d.Header, f.Header, slices.Equal) {
			return fmt.Errorf("the net/http floor answers %s otherwise than danvan serve: %v, %d bytes; danvan: %v, %d bytes",
				p, f.Header, len(f.Body), d.Header, len(d.Body))
		}
	}
	return nil
}

// startFloor serves the answers file from a bare net/http handler in a
// child process (`danvan-bench floor`): what the standard library can do
// on this machine sending the same bytes under the same load.
func (b *bench) startFloor(ctx context.Context, answers string, pin pinning) (string, int, *gcCounter, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", 0, nil, nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return "", 0, nil, nil, err
	}
	argv := pin.server(exe)
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], "floor", answers, addr)...)
	cmd.Env = gcTraceEnv(os.Environ())
	gcs := &gcCounter{rest: os.Stderr}
	cmd.Stderr = gcs
	if err := cmd.Start(); err != nil {
		return "", 0, nil, nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	base := "http://" + addr
	if err := waitReady(ctx, base+"/healthz"); err != nil {
		stop()
		return "", 0, nil, nil, err
	}
	return base, cmd.Process.Pid, gcs, stop, nil
}

// floorStep is `danvan-bench floor ANSWERS ADDR`: the answers danvan serve
// gave (recordAnswers), header fields and gzipped body, written by the
// smallest handler net/http allows. It sets the same header fields as
// danvan serve (8 on a /data/ answer: its security policy, nosniff,
// Cache-Control, ETag, Vary, Content-Type, Content-Encoding,
// Content-Length), since net/http's cost per answer grows with their
// number; until 2026-12-06 it set only Content-Type and
// Content-Encoding, and answered bodies over 2 KiB chunked.
//
// It stops when ctx ends (SIGINT or SIGTERM to the process): the signal
// context of main took those signals, and a floor started by hand
// outlived a kill.
func floorStep(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: danvan-bench floor ANSWERS ADDR")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var answers map[string]answer
	if err := json.Unmarshal(raw, &answers); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	// Each answer's fields as a list, assigned one by one as danvan serve
	// assigns its prepared fields, not by ranging over a map per request.
	type field struct {
		key    string
		values []string
	}
	type prepared struct {
		fields []field
		body   []byte
	}
	ready := map[string]prepared{}
	for p, a := range answers {
		var fs []field
		for k, v := range a.Header {
			fs = append(fs, field{k, v})
		}
		ready[p] = prepared{fs, a.Body}
	}
	// What http.ListenAndServe makes, closed when ctx ends.
	srv := &http.Server{Addr: args[1], Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := ready[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusOK) // /healthz
			return
		}
		h := w.Header()
		for _, f := range a.fields {
			h[f.key] = f.values
		}
		w.Write(a.body)
	})}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// pinning is how the served-JSON step shares the machine's CPUs between
// the load generator and the server under test, the same for danvan
// serve and the bare handler. By default nothing is pinned: wrk -t2 and
// the server share the CPUs as the scheduler likes. With --pin (taskset,
// at least two CPUs) wrk runs on the first half of them (one thread each)
// and both servers on the rest (Go sizes GOMAXPROCS by the CPUs a process
// may use), so neither takes the other's CPU; but a pinned server cannot
// move away from another program's work on its CPU: on 2026-12-06 at load
// 6.5-9 the pinned floor's p99 was 385 ms against 57 ms unpinned (wrk
// timed out on some requests at load ~10), so pinning is only for a
// machine that is quiet throughout, and not the default. Nor is it less
// noisy: on 2026-12-07, six rounds with the bench's processes given the
// machine (their group's nice -15 against load ~25), each side's p99
// varied by 5-7 % from run to run pinned as unpinned (4-5 %).
type pinning struct {
	taskset     string // empty: not pinned
	load, serve string // CPU lists, as taskset -c takes them
	threads     int    // wrk's threads
}

// warmup is how long the load runs, unmeasured, before each measured run
// (both sides): connections opened, the server's goroutines and buffers
// grown, its heap at the size the run keeps.
const warmup = 3 * time.Second

func (b *bench) servePinning() pinning {
	n := runtime.NumCPU()
	if !b.pin || n < 2 {
		return pinning{threads: 2}
	}
	ts, err := exec.LookPath("taskset")
	if err != nil {
		fmt.Fprintln(b.out, "served JSON: --pin without taskset in PATH: not pinned")
		return pinning{threads: 2}
	}
	list := func(from, to int) string {
		if from == to-1 {
			return strconv.Itoa(from)
		}
		return fmt.Sprintf("%d-%d", from, to-1)
	}
	return pinning{taskset: ts, load: list(0, n/2), serve: list(n/2, n), threads: n / 2}
}

func (p pinning) String() string {
	if p.taskset == "" {
		return fmt.Sprintf("wrk -t%d and the servers unpinned, sharing the CPUs; %s of warm-up before each run", p.threads, warmup)
	}
	return fmt.Sprintf("wrk -t%d pinned to CPU %s, both servers to CPU %s (taskset -c); %s of warm-up before each run", p.threads, p.load, p.serve, warmup)
}

// server is the start of a server's command line: pinned or not.
func (p pinning) server(exe string) []string { return p.on(p.serve, exe) }

// on is the start of a command line running exe on the CPUs cpus, or
// anywhere when nothing is pinned.
func (p pinning) on(cpus, exe string) []string {
	if p.taskset == "" {
		return []string{exe}
	}
	return []string{p.taskset, "-c", cpus, exe}
}

// pairPacer paces the served-JSON step's runs: the bench waits for quiet
// (ready: --settle, then sync) once per pair, before its first run, and
// the pair's other runs follow back to back, each after a sync; every run
// of a pair is recorded at the load that pair began at. With three runs a
// side, waiting before each of the six runs made a pair ~4.5 minutes at
// --settle 30s (after a run on both CPUs the load average is ~1, above
// --quiet, so each wait lasts its whole --settle); once per pair, ~2.
type pairPacer struct {
	every int // runs in a pair
	n     int // runs so far
	load  float64
	ready func() float64
	sync  func()
}

// next is called before each run and returns the load its pair began at.
func (p *pairPacer) next() float64 {
	if p.every <= 1 || p.n%p.every == 0 {
		p.load = p.ready()
	} else {
		p.sync()
	}
	p.n++
	return p.load
}

// loadJSON keeps conns requests in flight for d, round-robin over the
// dashboard outputs with gzip accepted, and reports the latency
// distribution (wall = p99), after warmup of the same load unmeasured, and
// how many garbage collections the server ran meanwhile (gcs).
// wrk, when installed, generates the load: it takes less of the two cores
// than a Go client would.
func (b *bench) loadJSON(ctx context.Context, base string, pid int, gcs *gcCounter, conns int, d time.Duration, pin pinning) (measurement, error) {
	if _, err := b.generate(ctx, base, conns, warmup, pin); err != nil {
		return measurement{}, err
	}
	cpu0, gc0, f0 := procCPU(pid), gcs.collections(), procFaults(pid)
	m, err := b.generate(ctx, base, conns, d, pin)
	m.cpu = procCPU(pid) - cpu0
	m.rssKB = procRSS(pid)
	if m.rows > 0 {
		m.extra += fmt.Sprintf(" %.0f µs CPU/request", float64(m.cpu.Microseconds())/float64(m.rows))
	}
	m.gcs = gcs.collections() - gc0
	m.extra += fmt.Sprintf(", %d garbage collections, %d page faults", m.gcs, procFaults(pid)-f0)
	return m, err
}

// heapWarmup is the load each server takes, unmeasured, before the first
// pair (served).
const heapWarmup = 20 * time.Second

// procFaults is the page faults (minor and major) a running process has
// taken so far: minflt and majflt, fields 10 and 12.
func procFaults(pid int) int64 {
	f := procStat(pid)
	if len(f) < 10 {
		return 0
	}
	minor, _ := strconv.ParseInt(f[7], 10, 64)
	major, _ := strconv.ParseInt(f[9], 10, 64)
	return minor + major
}

// medianRun makes one measurement of a side's runs in a pair: its wall
// (p99) is the median of theirs (of the two middle ones, their mean), its
// CPU, requests and collections their sums, its load and peak RSS the
// highest; each run's own figures are kept in extra.
func medianRun(ms []measurement) measurement {
	walls := make([]time.Duration, len(ms))
	out := measurement{name: ms[0].name}
	var runs []string
	for i, m := range ms {
		walls[i] = m.wall
		out.cpu += m.cpu
		out.rows += m.rows
		out.gcs += m.gcs
		out.rssKB = max(out.rssKB, m.rssKB)
		out.load = max(out.load, m.load)
		runs = append(runs, fmt.Sprintf("%s at load %.2f %s", m.wall.Round(10*time.Microsecond), m.load, m.extra))
	}
	slices.Sort(walls)
	n := len(walls)
	out.wall = (walls[(n-1)/2] + walls[n/2]) / 2
	perRequest := ""
	if out.rows > 0 {
		perRequest = fmt.Sprintf(", %.0f µs CPU/request", float64(out.cpu.Microseconds())/float64(out.rows))
	}
	out.extra = fmt.Sprintf("(wall = median p99 of %d runs%s, %d garbage collections in all; the runs: %s)",
		n, perRequest, out.gcs, strings.Join(runs, "; "))
	return out
}

// procCPU is the user+system CPU time a running process has used so far:
// utime and stime, fields 14 and 15, in clock ticks (USER_HZ, 100 on
// Linux).
func procCPU(pid int) time.Duration {
	f := procStat(pid)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// procStat is a running process's /proc/PID/stat fields after the command
// name (which is in parentheses and may hold spaces), so field n of
// proc(5) is at n-3; nil when it cannot be read.
func procStat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// procRSS is a running process's peak RSS so far, in KiB.
func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// generate keeps conns requests in flight on base for d.
func (b *bench) generate(ctx context.Context, base string, conns int, d time.Duration, pin pinning) (measurement, error) {
	if wrk, err := exec.LookPath("wrk"); err == nil {
		return b.wrk(ctx, wrk, base, conns, d, pin)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: false}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// Warm up: one of each, and check they are served.
	var size int64
	for _, p := range jsonPaths {
		n, err := get(client, base+p)
		if err != nil {
			return measurement{}, err
		}
		size += n
	}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; time.Now().Before(stop) && ctx.Err() == nil; i++ {
				t := time.Now()
				if _, err := get(client, base+jsonPaths[i%len(jsonPaths)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return measurement{}, firstErr
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return measurement{
		wall: pct(0.99), rows: int64(len(lat)),
		extra: fmt.Sprintf("(wall = p99; p50 %s, p90 %s, max %s; %d requests, %.0f req/s; Go load generator; outputs %d KiB gzip)",
			pct(0.5).Round(10*time.Microsecond), pct(0.9).Round(10*time.Microsecond), lat[len(lat)-1].Round(time.Millisecond),
			len(lat), float64(len(lat))/d.Seconds(), size/1024),
	}, nil
}

// wrk runs `wrk --latency` with a script going round the outputs.
func (b *bench) wrk(ctx context.Context, wrk, base string, conns int, d time.Duration, pin pinning) (measurement, error) {
	script := filepath.Join(b.work, "round-robin.lua")
	var lua strings.Builder
	lua.WriteString("local paths = {")
	for _, p := range jsonPaths {
		fmt.Fprintf(&lua, "%q, ", p)
	}
	lua.WriteString(`}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
`)
	if err := os.WriteFile(script, []byte(lua.String()), 0o644); err != nil {
		return measurement{}, err
	}
	argv := append(pin.on(pin.load, wrk), fmt.Sprintf("-t%d", pin.threads), fmt.Sprintf("-c%d", conns), fmt.Sprintf("-d%ds", int(d.Seconds())),
		"--latency", "-s", script, base+"/")
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return measurement{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	pct := map[string]time.Duration{}
	var rps, errs string
	var requests int64
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && strings.HasSuffix(f[0], "%"):
			if d, err := time.ParseDuration(f[1]); err == nil {
				pct[f[0]] = d
			}
		case len(f) == 2 && f[0] == "Requests/sec:":
			rps = f[1]
		case len(f) > 3 && f[1] == "requests" && f[2] == "in":
			requests, _ = strconv.ParseInt(f[0], 10, 64)
		case len(f) > 0 && (f[0] == "Non-2xx" || f[0] == "Socket"):
			errs += " " + strings.TrimSpace(line)
		}
	}
	if pct["99%"] == 0 || rps == "" || errs != "" {
		return measurement{}, fmt.Errorf("wrk: unexpected output%s:\n%s", errs, out)
	}
	return measurement{
		wall: pct["99%"], rows: requests,
		extra: fmt.Sprintf("(wall = p99; p50 %s, p90 %s; %s req/s; wrk -t%d -c%d)",
			pct["50%"].Round(10*time.Microsecond), pct["90%"].Round(10*time.Microsecond), rps, pin.threads, conns),
	}, nil
}

// get fetches url with gzip accepted, as browsers do, and returns the bytes read.
func get(c *http.Client, url string) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, err
}

// querySQL runs one query through /api/sql: once cold, then five times
// warm; its time is the median warm one.
func (b *bench) querySQL(ctx context.Context, base, token, name, query string) error {
	run := func() (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/sql", strings.NewReader(query))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/plain")
		t := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("POST /api/sql: %s: %s", resp.Status, body)
		}
		return time.Since(t), err
	}
	c := &comparison{name: "query group-by over " + name, limit: "<= 300 ms warm", abs: 300 * time.Millisecond}
	return b.repeat(c, func() (measurement, error) {
		load := b.wait(ctx)
		cold, err := run()
		if err != nil {
			return measurement{}, err
		}
		var warm []time.Duration
		for range 5 {
			d, err := run()
			if err != nil {
				return measurement{}, err
			}
			warm = append(warm, d)
		}
		slices.Sort(warm)
		return measurement{name: "query", wall: warm[len(warm)/2], load: load,
			extra: fmt.Sprintf("(wall = median of 5 warm; cold %s, slowest warm %s)", cold.Round(time.Millisecond), warm[len(warm)-1].Round(time.Millisecond))}, nil
	})
}

// gcCounter counts the lines GODEBUG=gctrace=1 writes, one a garbage
// collection ("gc 12 @3.4s …"), and passes every other line on to rest.
type gcCounter struct {
	rest io.Writer
	mu   sync.Mutex
	line []byte // a line not ended yet
	n    int
}

func (c *gcCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.line = append(c.line, p...)
			break
		}
		c.line = append(c.line, p[:i+1]...)
		p = p[i+1:]
		if bytes.HasPrefix(c.line, []byte("gc ")) {
			c.n++
		} else {
			c.rest.Write(c.line)
		}
		c.line = c.line[:0]
	}
	return n, nil
}

// collections is how many collections were counted so far.
func (c *gcCounter) collections() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// gcTraceEnv is env with gctrace=1 added to GODEBUG, for both servers: a
// line on stderr per collection (~15 a second for the floor: a write each,
// against ~80,000 system calls a second serving), so the step says how
// often each side collected in each measured run.
func gcTraceEnv(env []string) []string {
	env = slices.Clone(env)
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "GODEBUG="); ok {
			if v != "" {
				v += ","
			}
			env[i] = "GODEBUG=" + v + "gctrace=1"
			return env
		}
	}
	return append(env, "GODEBUG=gctrace=1")
}
