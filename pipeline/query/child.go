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

// ServeWorker is a worker's side (see Worker): it reads what to open and
// its limits from in, sets the limits before anything else, opens the
// sandbox, then reads its one query, runs it, writes the result into the
// file the query names in the requested format and one answer line to
// out. A query the sandbox refuses or stops is an answer, not an error;
// the error is for a request it could not read or limits it could not set.
func ServeWorker(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(io.LimitReader(in, 4<<20))
	var o workOpen
	if err := dec.Decode(&o); err != nil {
		return fmt.Errorf("query worker: read request: %w", err)
	}
	if err := setLimits(o.Memory, o.CPU); err != nil {
		return fmt.Errorf("query worker: set limits: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := onCPULimit(func() { cancel(errCPU) })
	defer stop()
	db, openErr := OpenSnapshot(ctx, o.Snapshot, o.Sandbox)
	if openErr == nil {
		defer db.Close()
		db.memory = mib(o.Memory)
	}
	var q workQuery
	if err := dec.Decode(&q); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // a spare worker nobody needed
		}
		return fmt.Errorf("query worker: read query: %w", err)
	}
	fail := func(err error) workAnswer {
		if errors.Is(context.Cause(ctx), errCPU) {
			err = cpuLimit(o.CPU)
		}
		var qe *Error
		var de *duckdb.Error
		switch {
		case errors.As(err, &qe):
		case errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory:
			qe = memoryLimit(mib(o.Memory)) // too little to even open the sandbox
		default:
			qe = &Error{Code: CodeInternal, Msg: err.Error()}
		}
		return workAnswer{Code: qe.Code, Msg: qe.Msg}
	}
	ans := func() workAnswer {
		if openErr != nil {
			return fail(openErr)
		}
		res, err := db.Run(ctx, q.SQL, q.Limits)
		if err != nil {
			return fail(err)
		}
		if err := writeFile(q.Out, res, q.Format); err != nil {
			return fail(fmt.Errorf("write result: %w", err))
		}
		return workAnswer{Columns: res.Columns, Rows: len(res.Rows), Truncated: res.Truncated, Snapshot: res.Snapshot, Elapsed: res.Elapsed}
	}()
	return json.NewEncoder(out).Encode(ans)
}

// errCPU is the cause of a query interrupted by SIGXCPU, the kernel's
// warning at the CPU time limit (it kills a second later).
var errCPU = errors.New("CPU time limit reached")

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
