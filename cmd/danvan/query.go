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
	timeout := fs.Duration("timeout", query.DefaultLimits().Timeout, "stop a query that runs longer")
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
	db, err := query.Open(ctx, *data, query.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	lim := query.DefaultLimits()
	lim.Timeout, lim.MaxRows = *timeout, *maxRows
	lim.MaxBytes = 0 // a local user may fetch large results; memory_limit still bounds the query
	res, err := db.Run(ctx, fs.Arg(0), lim)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := query.Write(w, res, *format); err != nil {
		return err
	}
	if res.Truncated {
		fmt.Fprintf(stderr, "kết quả bị cắt ở %d dòng (--max-rows); result truncated\n", *maxRows)
	}
	if *out != "" {
		fmt.Fprintf(stderr, "%d dòng → %s (%s)\n", len(res.Rows), *out, res.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// cmdTables is the \d of the warehouse: every table and view analysts can
// query, its grain, and its columns with what they mean.
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

// sqlEndpoint is POST /api/sql: the same sandbox as danvan query, with
// tighter limits, over whatever snapshot is published at each request.
func sqlEndpoint(data string) (http.Handler, func(), error) {
	h := query.NewHandler(data, query.HandlerOptions{})
	return h, func() { h.Close() }, nil
}
