// Command danvan-bench measures danvan against DuckDB's own readers on the
// same data in the same run, and prints a table (make bench).
//
// Each measured step runs in its own process so wall time and peak RSS
// (getrusage of the child) belong to that step alone.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
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

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "duckdb" {
		return duckdbStep(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "floor" {
		return floorStep(args[1:])
	}
	fs := flag.NewFlagSet("danvan-bench", flag.ContinueOnError)
	danvan := fs.String("danvan", "bin/danvan", "the danvan binary to measure")
	work := fs.String("work", ".cache/bench", "work directory (generated data is kept and reused)")
	rows := fs.Int("rows", 10_000_000, "rows of the long CSV for the ingest benchmark")
	facts := fs.Int("facts", 24_000_000, "facts for the refresh benchmark")
	only := fs.String("only", "", "comma-separated subset: ingest,refresh,serve,query")
	repeat := fs.Int("repeat", 3, "times each ingest comparison runs (the machine is shared: pairs are measured back to back)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*work, 0o755); err != nil {
		return err
	}
	b := &bench{danvan: *danvan, work: *work, out: stdout}
	want := func(name string) bool { return *only == "" || strings.Contains(*only, name) }
	if want("ingest") {
		if err := b.ingest(ctx, *rows, *repeat); err != nil {
			return fmt.Errorf("ingest benchmark: %w", err)
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

// measurement is one timed process.
type measurement struct {
	name    string
	wall    time.Duration
	rssKB   int64
	rows    int64
	compare string // name of the measurement this one is compared with
	limit   string // the target, in words
	extra   string
	stdout  string
	ref     *measurement
	cpu     time.Duration // user+system CPU of the process
}

type bench struct {
	danvan, work string
	out          io.Writer
	results      []measurement
}

// timed runs a command and records its wall time and peak RSS.
func (b *bench) timed(ctx context.Context, m measurement, name string, args ...string) (measurement, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	m.wall = time.Since(start)
	if err != nil {
		return m, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	m.stdout = out.String()
	if m.compare != "" {
		// Compare with the latest run of the reference, measured just before.
		for i := len(b.results) - 1; i >= 0; i-- {
			if b.results[i].name == m.compare {
				m.ref = &b.results[i]
				break
			}
		}
	}
	b.results = append(b.results, m)
	return m, nil
}

// self runs this binary's duckdb step in a child process.
func (b *bench) duckdb(ctx context.Context, m measurement, query string) (measurement, error) {
	exe, err := os.Executable()
	if err != nil {
		return m, err
	}
	return b.timed(ctx, m, exe, "duckdb", query)
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

func (b *bench) print() {
	w := b.out
	fmt.Fprintf(w, "\n%-50s %10s %10s %12s %10s %8s  %s\n", "step", "wall", "cpu", "rows/s", "peak RSS", "ratio", "target")
	fmt.Fprintln(w, strings.Repeat("-", 130))
	for _, m := range b.results {
		rate := "-"
		if m.rows > 0 && m.wall > 0 {
			rate = fmt.Sprintf("%.0f", float64(m.rows)/m.wall.Seconds())
		}
		ratio := ""
		if m.ref != nil && m.ref.wall > 0 {
			ratio = fmt.Sprintf("%.2fx", m.wall.Seconds()/m.ref.wall.Seconds())
		}
		rss := "-"
		if m.rssKB > 0 {
			rss = fmt.Sprintf("%d MiB", m.rssKB/1024)
		}
		wall := m.wall.Round(time.Millisecond)
		if m.wall < time.Second {
			wall = m.wall.Round(100 * time.Microsecond) // latencies
		}
		fmt.Fprintf(w, "%-50s %10s %10s %12s %10s %8s  %s %s\n", m.name, wall,
			m.cpu.Round(time.Millisecond), rate, rss, ratio, m.limit, m.extra)
	}
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
