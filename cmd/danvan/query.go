package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/danvan/danvan/pipeline/query"
)

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("query", stderr)
	data := dataFlag(fs)
	format := fs.String("format", "table", "output: table, csv, json, parquet or xlsx")
	out := fs.String("out", "", "write to this file instead of standard output (required for parquet and xlsx on a terminal)")
	def := query.DefaultLimits()
	timeout := fs.Duration("timeout", def.Timeout, "stop a query that runs longer")
	cpu := fs.Duration("cpu", def.CPU, "stop a query that uses more CPU time")
	memory := fs.Int64("memory-mib", def.Memory>>20, "stop a query whose process needs more memory (MiB)")
	maxRows := fs.Int("max-rows", 1_000_000, "rows returned at most; the result says when it was cut")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf(`%w: give one SQL query, e.g. danvan query "SELECT * FROM mart_province_year LIMIT 5"`, errUsage)
	}
	switch *format {
	case "table", "csv", "json", "parquet", "xlsx":
	default:
		return fmt.Errorf("%w: --format must be table, csv, json, parquet or xlsx", errUsage)
	}
	if *memory < query.MinMemory>>20 {
		return fmt.Errorf("%w: --memory-mib must be at least %d: a query's process needs that much to start", errUsage, query.MinMemory>>20)
	}
	snap, err := query.CurrentSnapshot(*data)
	if err != nil {
		return fmt.Errorf("no published snapshot in %s (run a refresh first): %w", *data, err)
	}
	runner, err := queryRunner(false)
	if err != nil {
		return err
	}
	lim := query.Limits{Timeout: *timeout, CPU: *cpu, Memory: *memory << 20, MaxRows: *maxRows}
	lim.MaxBytes = 1 << 62 // a local user may fetch large results; the process's memory still bounds the query
	ans, err := runner.Run(ctx, snap, "", query.Request{SQL: fs.Arg(0), Format: *format, Limits: lim})
	if err != nil {
		return err
	}
	defer ans.Close()
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if _, err := ans.WriteTo(w); err != nil {
		return err
	}
	if ans.Truncated {
		fmt.Fprintf(stderr, "kết quả bị cắt ở %d dòng (--max-rows); result truncated\n", *maxRows)
	}
	if *out != "" {
		fmt.Fprintf(stderr, "%d dòng → %s (%s)\n", ans.Rows, *out, ans.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// queryWorkerCommand is the hidden subcommand a query runs in: this binary
// again, as a child process with the kernel's limits (query.Runner).
const queryWorkerCommand = "query-worker"

// queryRunner runs queries in children of this very binary; spare keeps
// one started ahead (for the server).
func queryRunner(spare bool) (*query.Runner, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the danvan executable for query workers: %w", err)
	}
	return query.NewRunner(query.RunnerOptions{Worker: query.Worker{Path: exe, Args: []string{queryWorkerCommand}}, Spare: spare})
}

// cmdQueryWorker is a query's child process: it reads its query from
// standard input and answers on standard output (query.ServeWorker).
func cmdQueryWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: %s takes no arguments: danvan starts it for each query", errUsage, queryWorkerCommand)
	}
	return query.ServeWorker(ctx, os.Stdin, stdout)
}

// cmdTables is the \d of the published snapshot: every table and view
// analysts can query, its grain, and its columns with what they mean.
func cmdTables(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tables", stderr)
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := query.Open(ctx, *data, query.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := db.Tables(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "snapshot %s\n", db.RunID())
	for _, t := range tables {
		fmt.Fprintf(stdout, "\n%s", t.Name)
		if t.Grain != "" {
			fmt.Fprintf(stdout, " — %s", t.Grain)
		}
		fmt.Fprintln(stdout)
		if t.About != "" {
			fmt.Fprintf(stdout, "  %s\n", t.About)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, c := range t.Columns {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, strings.ToLower(c.Type), c.About)
		}
		tw.Flush()
	}
	return nil
}

// sqlEndpoint is POST /api/sql: the same workers as danvan query, with
// the tighter limits of query.DefaultLimits, over whatever snapshot is
// published at each request, and a spare worker started ahead; close
// stops it.
func sqlEndpoint(data string) (h http.Handler, close func() error, err error) {
	runner, err := queryRunner(true)
	if err != nil {
		return nil, nil, err
	}
	return query.NewHandler(data, runner, query.HandlerOptions{}), runner.Close, nil
}
