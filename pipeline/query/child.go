package query

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/duckdb/duckdb-go/v2"
)

// ServeWorker is a worker's side (see Worker): it reads one request from
// in, sets its own limits before anything else, runs the query in the
// sandbox, writes the result into the request's file in the requested
// format and one answer line to out. A query the sandbox refuses or stops
// is an answer, not an error; the error is for a request it could not
// read or limits it could not set.
func ServeWorker(ctx context.Context, in io.Reader, out io.Writer) error {
	var req workRequest
	if err := json.NewDecoder(io.LimitReader(in, 4<<20)).Decode(&req); err != nil {
		return fmt.Errorf("query worker: read request: %w", err)
	}
	if err := setLimits(req.Limits); err != nil {
		return fmt.Errorf("query worker: set limits: %w", err)
	}
	return json.NewEncoder(out).Encode(work(ctx, req))
}

// errCPU is the cause of a query interrupted by SIGXCPU, the kernel's
// warning at the CPU time limit (it kills a second later).
var errCPU = errors.New("CPU time limit reached")

func work(ctx context.Context, req workRequest) workAnswer {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := onCPULimit(func() { cancel(errCPU) })
	defer stop()
	fail := func(err error) workAnswer {
		if errors.Is(context.Cause(ctx), errCPU) {
			err = cpuLimit(req.Limits.CPU)
		}
		var qe *Error
		var de *duckdb.Error
		switch {
		case errors.As(err, &qe):
		case errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory:
			qe = memoryLimit(mib(req.Limits.Memory)) // too little to even open the sandbox
		default:
			qe = &Error{Code: CodeInternal, Msg: err.Error()}
		}
		return workAnswer{Code: qe.Code, Msg: qe.Msg}
	}
	db, err := OpenSnapshot(ctx, req.Snapshot, req.Sandbox)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	db.memory = mib(req.Limits.Memory)
	res, err := db.Run(ctx, req.SQL, req.Limits)
	if err != nil {
		return fail(err)
	}
	if err := writeFile(req.Out, res, req.Format); err != nil {
		return fail(fmt.Errorf("write result: %w", err))
	}
	return workAnswer{Columns: res.Columns, Rows: len(res.Rows), Truncated: res.Truncated, Snapshot: res.Snapshot, Elapsed: res.Elapsed}
}

func writeFile(path string, res *Result, format string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = Write(bw, res, format)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
