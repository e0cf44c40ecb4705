// Command danvan ingests the reports of the mass-mobilisation commissions of
// Thanh Hóa, Nghệ An and Hà Tĩnh into Parquet, refreshes the DuckDB models,
// publishes JSON snapshots and serves the dashboards, all from one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	_ "github.com/danvan/danvan/cmd/danvan/internal/pace"     // first: see the package
	_ "github.com/danvan/danvan/cmd/danvan/internal/prefetch" // the reference read during the initialisation
)

// exitsAfterCommand is set by main, which exits the process when the
// command returns; tests run the commands in their own process, which goes
// on (and opens the same data directories again), so it stays false there.
var exitsAfterCommand bool

func main() {
	exitsAfterCommand = true
	stopProfile := startProfile(os.Getenv("DANVAN_CPUPROFILE"), os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	stopProfile()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole command to path (for `go
// tool pprof`) until the returned func is called; an empty path does nothing.
func startProfile(path string, stderr io.Writer) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "danvan: DANVAN_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "danvan: DANVAN_CPUPROFILE: %v\n", err)
		}
	}
}

// Exit codes: 0 done, 1 failed, 2 wrong usage, 3 done with problems (what
// could be done was, and published; some input did not get in, or the
// data directory has a fault: the output says what and how to fix it).
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitProblems = 3
	defaultData  = "./data"
)

// errUsage marks errors that are the caller's mistake in the command line.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "write the demo inbox (dữ liệu minh họa) into DIR/inbox", cmdDemo},
		{"ingest", "ingest report files into the Parquet warehouse", cmdIngest},
		{"validate", "check report files without writing anything", cmdValidate},
		{"extract", "print the figures read out of narrative reports", cmdExtract},
		{"run", "one full refresh: ingest the inbox, transform, test, publish", cmdRun},
		{"serve", "serve the dashboards and API, refreshing on a schedule", cmdServe},
		{"query", "read-only SQL over the published snapshot's tables", cmdQuery},
		{"tables", "list the tables and views of the published snapshot analysts can query", cmdTables},
		{"check", "list every inconsistency of the data directory, with its fix", cmdCheck},
		{"brief", "the one-page brief of a year (bản tin so sánh), as PDF or HTML", cmdBrief},
		{"access", "issue, list and revoke the units' submission links", cmdAccess},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	// Not listed: the child process each query runs in.
	cmds := append(commands(), command{queryWorkerCommand, "", cmdQueryWorker})
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil, errors.Is(err, errHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "danvan %s: %s\n", c.name, printableLines(err.Error()))
			return exitUsage
		case errors.Is(err, errSilent):
			return exitFailed
		case errors.Is(err, errProblems):
			return exitProblems
		default:
			fmt.Fprintf(stderr, "danvan %s: %s\n", c.name, printableLines(err.Error()))
			return exitFailed
		}
	}
	fmt.Fprintf(stderr, "danvan: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

// errSilent is returned by a command that already told the user what failed.
var errSilent = errors.New("failed")

// errProblems is returned by a command that did its work and already told
// the user of the problems it met.
var errProblems = errors.New("done with problems")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: danvan <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'danvan <command> -h' for the flags of a command.")
}
