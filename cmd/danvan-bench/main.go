// Command danvan-bench measures danvan against a floor on the same data in
// the same run (DuckDB's own readers, excelize's own read, a bare net/http
// handler), and prints a table (make bench).
//
// Each measured step runs in its own process, so its wall time, CPU time
// (user+system, from the child's rusage) and peak RSS belong to that step
// alone. A comparison is a pair, the floor then danvan (or, for served
// JSON, each side first in turn, each measured --serve-runs times in the
// pair and its p99 the median of its runs'), measured back to back and repeated
// (--pairs); before each process the bench waits a while
// (--settle) for the machine's load average to fall below --quiet, records
// the load it started at, and a pair either side of which started above it
// is marked noisy and measured again, up to --retries times. The summary
// gives each comparison's worst pair, wall and CPU ratio side by side.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "danvan-bench:", err)
		os.Exit(1)
	}
}

// steps are the parts of the bench, in the order they run.
var steps = []string{"demo", "workbook", "drop", "ingest", "ingest-checked", "refresh", "serve", "query"}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "duckdb":
			return duckdbStep(ctx, args[1:])
		case "floor":
			return floorStep(ctx, args[1:])
		case "excelize":
			return excelizeStep(args[1:])
		}
	}
	fs := flag.NewFlagSet("danvan-bench", flag.ContinueOnError)
	danvan := fs.String("danvan", "bin/danvan", "the danvan binary to measure")
	work := fs.String("work", ".cache/bench", "work directory (generated data is kept and reused)")
	rows := fs.Int("rows", 10_000_000, "rows of the long CSV for the ingest benchmark")
	facts := fs.Int("facts", 24_000_000, "facts for the refresh benchmark")
	only := fs.String("only", "", "comma-separated subset of: "+strings.Join(steps, ","))
	pairs := fs.Int("pairs", 3, "pairs (floor, danvan) measured per comparison; the worst is reported")
	quiet := fs.Float64("quiet", 0.5, "load average (1 min) below which the machine counts as quiet")
	settle := fs.Duration("settle", 90*time.Second, "how long to wait, before each measured process (served JSON: each pair), for the load average to fall below --quiet")
	retries := fs.Int("retries", 2, "times a noisy pair is measured again")
	pin := fs.Bool("pin", false, "served JSON: pin wrk and the server under test (either) to separate CPUs with taskset (for a machine quiet throughout)")
	serveFor := fs.Duration("serve-for", 10*time.Second, "served JSON: how long each measured run lasts (after 3 s of warm-up)")
	workbookRuns := fs.Int("workbook-runs", 5, "workbook: runs of each side per pair (A B B A A B …); the pair's ratio is that of each side's sums (1: one run a side)")
	serveRuns := fs.Int("serve-runs", 3, "served JSON: measured runs of each side in a pair (A B B A A B …); a side's p99 is the median of its runs'")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*work, 0o755); err != nil {
		return err
	}
	set := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !strings.Contains(","+strings.Join(steps, ",")+",", ","+s+",") {
				return fmt.Errorf("--only: no step %q (steps: %s)", s, strings.Join(steps, ","))
			}
			set[s] = true
		}
	}
	b := &bench{danvan: abs(*danvan), work: *work, out: stdout, pairs: max(*pairs, 1),
		quiet: *quiet, settle: *settle, retries: max(*retries, 0), pin: *pin, serveFor: max(*serveFor, time.Second),
		workbookRuns: max(*workbookRuns, 1), serveRuns: max(*serveRuns, 1)}
	// ingest-checked (evidence, not a target: ingestchecked.go) runs only
	// when named.
	want := func(name string) bool { return (len(set) == 0 && name != "ingest-checked") || set[name] }
	fmt.Fprintf(stdout, "danvan-bench: %s, %d pairs per comparison, quiet below load %.2f (waiting up to %s), %d retries of a noisy pair\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), b.pairs, b.quiet, b.settle, b.retries)
	type part struct {
		name string
		run  func() error
	}
	for _, p := range []part{
		{"demo", func() error { return b.demo(ctx) }},
		{"workbook", func() error { return b.workbook(ctx) }},
		{"drop", func() error { return b.drop(ctx) }},
		{"ingest", func() error { return b.ingest(ctx, *rows) }},
		{"ingest-checked", func() error { return b.ingestChecked(ctx, *rows) }},
	} {
		if want(p.name) {
			if err := p.run(); err != nil {
				return fmt.Errorf("%s benchmark: %w", p.name, err)
			}
		}
	}
	if want("refresh") || want("serve") || want("query") {
		if err := b.refresh(ctx, *facts, want); err != nil {
			return fmt.Errorf("refresh benchmark: %w", err)
		}
	}
	b.print()
	return nil
}

// measurement is one timed process (or a floor made of several).
type measurement struct {
	name   string
	wall   time.Duration
	cpu    time.Duration // user+system CPU time of the process
	rssKB  int64
	rows   int64
	load   float64 // 1-minute load average when it started
	extra  string
	stdout string
	gcs    int // served JSON: the server's garbage collections while measured
	// runs are the runs a side of a pair is the sum of (comparison.runs, sumOf).
	runs []measurement
}

// comparison is a step measured in pairs beside its floor.
type comparison struct {
	name   string
	limit  string        // the target, in words
	wall   float64       // target wall ratio, 0 for none
	cpu    float64       // target CPU ratio, 0 for none
	abs    time.Duration // target wall time of danvan's side, 0 for none
	pairs  []pair
	noisy  int // pairs measured again because they were noisy
	single bool
	// evidence is a comparison without a target: met says so.
	evidence bool
	// alternate measures danvan first in every second pair (compare).
	alternate bool
	// runs is how many times each side is measured in a pair (at least
	// 1), in the order A B B A A B …, A the side that goes first; merge
	// makes one measurement of a side's runs (sumOf when nil).
	runs  int
	merge func([]measurement) measurement
}

type pair struct {
	floor, danvan measurement
	danvanFirst   bool // measured before the floor (comparison.alternate)
}

func (p pair) wallRatio() float64 { return ratio(p.danvan.wall, p.floor.wall) }

// cpuRatio compares CPU time, per row (request) when both sides count
// them: a server under load for a fixed time serves more or fewer.
func (p pair) cpuRatio() float64 {
	if p.danvan.rows > 0 && p.floor.rows > 0 && p.danvan.rows != p.floor.rows {
		return ratio(p.danvan.cpu, p.floor.cpu) * float64(p.floor.rows) / float64(p.danvan.rows)
	}
	return ratio(p.danvan.cpu, p.floor.cpu)
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

type bench struct {
	danvan, work string
	danvanID     string // binaryID, once read
	out          io.Writer
	pairs        int
	quiet        float64
	settle       time.Duration
	retries      int
	pin          bool          // served JSON: pinning (servePinning)
	serveFor     time.Duration // served JSON: each measured run
	workbookRuns int           // workbook: runs of each side per pair (comparison.runs)
	serveRuns    int           // served JSON: measured runs of each side per pair
	results      []*comparison
}

// loadAvg is the 1-minute load average.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// wait gives the machine up to --settle to become quiet (the bench's own
// last step raises the load average for a minute or two), and returns the
// load average then.
func (b *bench) wait(ctx context.Context) float64 {
	deadline := time.Now().Add(b.settle)
	for {
		l := loadAvg()
		if l < 0 || l < b.quiet || !time.Now().Before(deadline) {
			return l
		}
		select {
		case <-ctx.Done():
			return l
		case <-time.After(2 * time.Second):
		}
	}
}

// ready waits for quiet (wait), then has what the bench wrote and removed
// before (the previous run's data directory, a copied inbox, generated
// files, the serve step's setup) written back, for either side and before
// every measured process or run: danvan's commit syncs the filesystem
// (syncfs), which otherwise wrote the bench's own leftovers back inside
// danvan's time; a server under wrk otherwise shared the CPUs with the
// kernel's writeback of the setup's gigabytes. It returns the load average
// the wait ended at.
func (b *bench) ready(ctx context.Context) float64 {
	l := b.wait(ctx)
	syscall.Sync()
	return l
}

// timed runs a command, after waiting for quiet, and records its wall
// time, CPU time and peak RSS. env is added to the environment.
func (b *bench) timed(ctx context.Context, m measurement, env []string, name string, args ...string) (measurement, error) {
	m.load = b.ready(ctx)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	m.wall = time.Since(start)
	m.stdout = out.String()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.rssKB = ru.Maxrss
		}
		m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		// danvan run exits 3 when it succeeded with problems (the demo's
		// deliberately bad files): a measurement all the same.
		var ee *exec.ExitError
		if !(errors.As(err, &ee) && ee.ExitCode() == 3 && name == b.danvan) {
			return m, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, m.stdout)
		}
	}
	return m, nil
}

// combine makes one floor of several processes run one after the other:
// their times add up; the peak RSS and the load are the highest.
func combine(name string, ms ...measurement) measurement {
	c := measurement{name: name}
	var parts []string
	for _, m := range ms {
		c.wall += m.wall
		c.cpu += m.cpu
		c.rssKB = max(c.rssKB, m.rssKB)
		c.load = max(c.load, m.load)
		c.rows += m.rows
		c.gcs += m.gcs
		parts = append(parts, fmt.Sprintf("%s %s", m.name, m.wall.Round(time.Millisecond)))
	}
	c.extra = "(" + strings.Join(parts, " + ") + ")"
	return c
}

// compare measures c in pairs: floor then danvan, --pairs times, or with
// c.alternate danvan first in every second pair; a pair either side of
// which started above --quiet is measured again, up to --retries times,
// and the last measurement kept.
func (b *bench) compare(c *comparison, floor, danvan func() (measurement, error)) error {
	b.results = append(b.results, c)
	for i := 0; i < b.pairs; i++ {
		for try := 0; ; try++ {
			p := pair{danvanFirst: c.alternate && i%2 == 1}
			first, second := floor, danvan
			if p.danvanFirst {
				first, second = danvan, floor
			}
			m1, m2, err := c.measurePair(first, second)
			if err != nil {
				return err
			}
			p.floor, p.danvan = m1, m2
			if p.danvanFirst {
				p.floor, p.danvan = m2, m1
			}
			f, d := p.floor, p.danvan
			order := ""
			if c.alternate {
				order = " (floor first)"
				if p.danvanFirst {
					order = " (danvan first)"
				}
			}
			fmt.Fprintf(b.out, "  %s, pair %d%s: %s (load %.2f) vs %s (load %.2f): %.2fx wall, %.2fx CPU\n", c.name, i+1, order,
				d.wall.Round(time.Millisecond), d.load, f.wall.Round(time.Millisecond), f.load, p.wallRatio(), p.cpuRatio())
			for k := range d.runs {
				fd, ff := d.runs[k], f.runs[k]
				fmt.Fprintf(b.out, "    run %d: danvan %s wall, %s CPU (load %.2f) vs floor %s wall, %s CPU (load %.2f): %.2fx CPU\n", k+1,
					dur(fd.wall), dur(fd.cpu), fd.load, dur(ff.wall), dur(ff.cpu), ff.load, ratio(fd.cpu, ff.cpu))
			}
			if b.noisy(p) && try < b.retries {
				c.noisy++
				continue
			}
			c.pairs = append(c.pairs, p)
			break
		}
	}
	return nil
}

// measurePair measures the two sides of one pair, first then second, or
// with c.runs > 1 each c.runs times in the order A B B A A B … (so that
// neither side is always the later one of the pair) and each side's runs
// merged by c.merge (sumOf when nil).
func (c *comparison) measurePair(first, second func() (measurement, error)) (measurement, measurement, error) {
	if c.runs <= 1 {
		m1, err := first()
		if err != nil {
			return m1, measurement{}, err
		}
		m2, err := second()
		return m1, m2, err
	}
	var ms1, ms2 []measurement
	for j := 0; j < 2*c.runs; j++ {
		if j%4 == 0 || j%4 == 3 {
			m, err := first()
			if err != nil {
				return m, measurement{}, err
			}
			ms1 = append(ms1, m)
		} else {
			m, err := second()
			if err != nil {
				return measurement{}, m, err
			}
			ms2 = append(ms2, m)
		}
	}
	merge := c.merge
	if merge == nil {
		merge = sumOf
	}
	return merge(ms1), merge(ms2), nil
}

// sumOf is one side of a pair made of several runs of the same process:
// their sums, the peak RSS and load the highest of its runs (combine), the
// runs kept to be printed. A process of ~50 ms moves by ~15 ms from one run
// to the next on its own, so one run a side says the pair's ratio less
// truly than the sums of a few; both sides get the same treatment.
func sumOf(ms []measurement) measurement {
	if len(ms) == 1 {
		return ms[0]
	}
	s := combine(ms[0].name, ms...)
	s.runs = ms
	s.extra = fmt.Sprintf("(%d runs: the sums)", len(ms))
	return s
}

// repeat measures a step without a floor --pairs times.
func (b *bench) repeat(c *comparison, danvan func() (measurement, error)) error {
	c.single = true
	b.results = append(b.results, c)
	for i := 0; i < b.pairs; i++ {
		for try := 0; ; try++ {
			d, err := danvan()
			if err != nil {
				return err
			}
			if d.load >= b.quiet && try < b.retries {
				c.noisy++
				continue
			}
			c.pairs = append(c.pairs, pair{danvan: d})
			break
		}
	}
	return nil
}

func (b *bench) noisy(p pair) bool {
	return p.floor.load >= b.quiet || p.danvan.load >= b.quiet
}

// self runs one of this binary's floor steps in a child process.
func (b *bench) self(ctx context.Context, m measurement, args ...string) (measurement, error) {
	exe, err := os.Executable()
	if err != nil {
		return m, err
	}
	return b.timed(ctx, m, nil, exe, args...)
}

// duckdb runs a SQL script in a child process's in-memory DuckDB.
func (b *bench) duckdb(ctx context.Context, m measurement, query string) (measurement, error) {
	return b.self(ctx, m, "duckdb", query)
}

// duckdbStep runs one SQL script in an in-memory DuckDB: the reference the
// benchmark compares danvan with.
func duckdbStep(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: danvan-bench duckdb SQL")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range []string{"SET threads=2", "SET autoinstall_known_extensions=false", "SET autoload_known_extensions=false"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, args[0])
	return err
}

// worst is the pair with the highest wall ratio (the slowest run when
// there is no floor).
func (c *comparison) worst() pair {
	w := c.pairs[0]
	for _, p := range c.pairs[1:] {
		if c.single && p.danvan.wall > w.danvan.wall || !c.single && p.wallRatio() > w.wallRatio() {
			w = p
		}
	}
	return w
}

// met says whether the worst pair meets the targets, and what was noisy.
func (c *comparison) met(quiet float64) string {
	if c.evidence {
		return "-"
	}
	w := c.worst()
	ok := true
	if c.wall > 0 && w.wallRatio() > c.wall {
		ok = false
	}
	if c.cpu > 0 && w.cpuRatio() > c.cpu {
		ok = false
	}
	if c.abs > 0 && w.danvan.wall > c.abs {
		ok = false
	}
	for _, p := range c.pairs {
		if p.danvan.rssKB > 1024*1024 {
			ok = false
		}
	}
	s := "no"
	if ok {
		s = "yes"
	}
	for _, p := range c.pairs {
		if p.floor.load >= quiet || p.danvan.load >= quiet {
			return s + " (noisy: load above " + strconv.FormatFloat(quiet, 'f', 2, 64) + ")"
		}
	}
	return s
}

func (b *bench) print() {
	w := b.out
	fmt.Fprintf(w, "\n%-52s %6s %10s %10s %10s %8s %8s\n", "step (every pair, in the order measured)", "load", "wall", "cpu", "peak RSS", "wall x", "cpu x")
	fmt.Fprintln(w, strings.Repeat("-", 110))
	for _, c := range b.results {
		for i, p := range c.pairs {
			wr, cr := "", ""
			if !c.single {
				wr, cr = fmt.Sprintf("%.2fx", p.wallRatio()), fmt.Sprintf("%.2fx", p.cpuRatio())
			}
			d := p.danvan
			d.name = fmt.Sprintf("%s [%d]", c.name, i+1)
			if !c.single && !p.danvanFirst {
				b.row(p.floor, "", "")
			}
			b.row(d, wr, cr)
			if !c.single && p.danvanFirst {
				b.row(p.floor, "", "")
			}
		}
	}
	fmt.Fprintf(w, "\n%-52s %8s %8s %10s %10s  %s\n", "worst pair of each", "wall x", "cpu x", "danvan", "floor", "target: met?")
	fmt.Fprintln(w, strings.Repeat("-", 110))
	for _, c := range b.results {
		if len(c.pairs) == 0 {
			continue
		}
		p := c.worst()
		wr, cr, fl := "-", "-", "-"
		if !c.single {
			wr, cr, fl = fmt.Sprintf("%.2fx", p.wallRatio()), fmt.Sprintf("%.2fx", p.cpuRatio()), dur(p.floor.wall)
		}
		noisy := ""
		if c.noisy > 0 {
			noisy = fmt.Sprintf("; %d noisy pair(s) measured again", c.noisy)
		}
		fmt.Fprintf(w, "%-52s %8s %8s %10s %10s  %s: %s%s\n", c.name, wr, cr, dur(p.danvan.wall), fl, c.limit, c.met(b.quiet), noisy)
	}
}

func (b *bench) row(m measurement, wr, cr string) {
	rss := "-"
	if m.rssKB > 0 {
		rss = fmt.Sprintf("%d MiB", m.rssKB/1024)
	}
	rate := ""
	if m.rows > 0 && m.wall > time.Second {
		rate = fmt.Sprintf("%.0f rows/s ", float64(m.rows)/m.wall.Seconds())
	}
	fmt.Fprintf(b.out, "%-52s %6.2f %10s %10s %10s %8s %8s  %s%s\n", m.name, m.load, dur(m.wall), dur(m.cpu), rss, wr, cr, rate, m.extra)
}

func dur(d time.Duration) string {
	if d < time.Second {
		return d.Round(100 * time.Microsecond).String() // latencies
	}
	return d.Round(time.Millisecond).String()
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
