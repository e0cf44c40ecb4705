package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// A file streams when its rows can be validated as they are read: CSV and
// JSON Lines always (streamsByName), a workbook whose parts unzip to more
// than Limits.WholeBytes (its long tables row by row; its form sheets,
// small, each read whole: Limits.workbookStreams, which readIn asks of the
// file it has open). What is read whole (a JSON report, a text, a workbook
// of forms) is bounded by Limits.WholeBytes.
func streamsByName(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".jsonl", ".ndjson":
		return true
	}
	return false
}

// isWorkbook reports whether path is named as a workbook, which streams
// or not by its size unzipped (Limits.workbookStreams).
func isWorkbook(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".xlsx" || ext == ".xlsm"
}

// rowSource reads the rows of one file as a stream, for one pass.
type rowSource interface {
	// rows sends the file's rows to out in file order, each with a seq
	// unique in the file and increasing, and the rows the reader refuses
	// itself. input reads the file from its start (noting a failure of
	// the disk); ra reads it by offset (a workbook is a zip). It returns
	// a FileError when the file cannot be read at all, or the error one
	// of out's functions returned.
	rows(input io.Reader, ra io.ReaderAt, size int64, out rowOut) (*pipeline.FileError, error)
	// ref names the row of seq, once rows returned: the whole-file checks
	// name the rows they refuse, and the rows those repeat, by seq.
	ref(seq int) string
}

// rowOut takes a source's rows. raw and ids may be reused once row
// returns; ids are the CSV reader's numbers of the row's key cells
// (cells.go), nil from the others. form takes the rows of a form sheet,
// which are validated together (their totals are checked against their
// rows: Validator.File), their seqs from seq0 on, and gives the refs of
// the records it accepted in seq order.
//
// notice takes what a reader passed over that refused nothing (a sheet not
// read, a total row typed under a long table, a JSON key that is not read):
// the file's summary says it, beside its values; it is not stored. It is
// the one way a reader says such a thing.
type rowOut struct {
	row    func(seq int, raw *pipeline.RawRow, ids *cellIDs) error
	reject func(pipeline.RowError)
	form   func(seq0 int, rows []pipeline.RawRow) ([]string, error)
	notice func(pipeline.Warning)
}

// sourceFor is the streaming reader of path, reading under the file's
// time ctx.
func (in *Ingester) sourceFor(ctx context.Context, path string) rowSource {
	lim := in.opts.Limits
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return &jsonlSource{file: filepath.Base(path), lim: lim}
	case ".xlsx", ".xlsm":
		return &xlsxSource{file: filepath.Base(path), lim: lim, reference: in.opts.Reference}
	}
	return &csvSource{file: filepath.Base(path), lim: lim, form: &csvForm{reference: in.opts.Reference, ctx: ctx}}
}

// csvSource streams a CSV or TSV file; a row's seq is the line it starts
// on, or for a form saved as CSV, the record's number among the form's.
type csvSource struct {
	file string
	lim  Limits
	form *csvForm
}

func (c *csvSource) rows(input io.Reader, _ io.ReaderAt, _ int64, out rowOut) (*pipeline.FileError, error) {
	c.form.refs = nil // each pass reads anew
	return csvRead(c.file, input, c.lim, c.form, out)
}

func (c *csvSource) ref(seq int) string {
	if r, ok := c.form.ref(seq); ok {
		return r
	}
	return "dòng " + strconv.Itoa(seq)
}

// jsonlSource streams a JSON Lines file; a row's seq is its line.
type jsonlSource struct {
	file string
	lim  Limits
}

func (j *jsonlSource) rows(input io.Reader, _ io.ReaderAt, _ int64, out rowOut) (*pipeline.FileError, error) {
	return jsonlRows(j.file, input, j.lim, out)
}

func (j *jsonlSource) ref(seq int) string { return "dòng " + strconv.Itoa(seq) }

// streamFile streams a file into a Writer of sink (through the checks
// alone when sink is nil). The whole-file checks come at the end; when they
// refuse records already handed over (duplicates, conflicting values,
// values above their limit), the Writer is rolled back and the file
// streamed again into a new one, knowing what to drop. Files with such rows
// are rare; the others are read once.
// fctx is the file's time: the reading stops when it is up.
func (in *Ingester) streamFile(ctx, fctx context.Context, v *pipeline.Validator, path string, at stamp, b pipeline.Batch, sink pipeline.Sink, res FileResult) (FileResult, error) {
	var w pipeline.Writer
	var err error
	wrote := func(err error) error { // the store's error
		if err == nil {
			return nil
		}
		return &writeError{fmt.Errorf("commit %s: %w", path, err)}
	}
	if sink != nil {
		if w, err = sink.Open(b); err != nil {
			return res, wrote(err)
		}
		defer func() { w.Rollback() }() // w is the current Writer; after Commit this does nothing
	}
	t := newTally(in.opts.Problems)
	pass, err := in.pass(fctx, v, b.SourceFile, path, nil, w, t, false)
	if errors.Is(err, errReorder) {
		// The reader refused a row once the validator's refusals of
		// earlier rows had gone to w: read the file again, the
		// validator's refusals waiting for the reader's.
		if err = wrote(rollback(w)); err == nil {
			var again pipeline.Writer
			if again, err = reopen(sink, b, w); err != nil {
				err = wrote(err)
			} else {
				w, t = again, newTally(in.opts.Problems)
				pass, err = in.pass(fctx, v, b.SourceFile, path, nil, w, t, true)
			}
		}
	}
	if err == nil {
		for _, r := range pass.refused {
			t.add(r.Err) // stored after the second pass, below
		}
		if fe := oneCause(b.SourceFile, pass.accepted, t); fe != nil {
			err = fe
		}
	}
	if err == nil && w != nil && len(pass.refused)+len(pass.passed) > 0 {
		drop := make(map[int]bool, len(pass.refused)+len(pass.passed))
		for _, r := range pass.refused {
			drop[r.Seq] = true
		}
		for _, r := range pass.passed {
			drop[r.Seq] = true
		}
		if err = wrote(w.Rollback()); err == nil {
			var again pipeline.Writer
			if again, err = sink.Open(b); err != nil {
				err = wrote(err)
			} else {
				w = again
				_, err = in.pass(fctx, v, b.SourceFile, path, drop, w, nil, pass.readRefused)
			}
		}
		if err == nil {
			out := refusalOut{w: w}
			for _, r := range pass.refused {
				if err = out.add(r.Err); err != nil {
					break
				}
			}
			if err == nil {
				err = out.flush()
			}
		}
	}
	if err == nil {
		// The hash was taken before the file was read: it must still be
		// the file hashed, or the batch would name other bytes.
		err = at.same(path)
		if err != nil {
			err = &inputError{err}
		}
	}
	if ie := (*inputError)(nil); errors.As(err, &ie) {
		res.Status, res.FileErr = Unreadable, unreadable(b.SourceFile, path, ie.err)
		if w != nil {
			if err := w.Rollback(); err != nil {
				return res, wrote(err)
			}
		}
		return res, nil
	}
	if fe := (*pipeline.FileError)(nil); errors.As(err, &fe) {
		res.Status, res.FileErr = Quarantined, fe
		if sink == nil {
			return res, nil
		}
		if err := w.Rollback(); err != nil {
			return res, wrote(err)
		}
		if err := sink.Quarantine(ctx, b, fe); err != nil {
			return res, wrote(err)
		}
		return res, nil
	}
	if err == nil && w != nil {
		err = wrote(w.Commit(ctx))
	}
	if err != nil {
		if we := (*writeError)(nil); !errors.As(err, &we) {
			err = fmt.Errorf("read %s: %w", path, err)
		}
		return res, err
	}
	res.Accepted = pass.accepted
	t.result(&res)
	res.Warnings, res.Context = pass.warnings, pass.context
	return res, nil
}

// passResult is what a first pass over a file found.
type passResult struct {
	accepted    int
	refused     []pipeline.Refusal // records handed over that the whole-file checks refused
	passed      []pipeline.Refusal // and those they passed over (a later submission's key), with a notice
	readRefused bool               // the reader refused rows itself
	warnings    []pipeline.Warning // the reader's notices and a form sheet's (Validator.File)
	context     []Context          // where a form sheet's values took their context
}

// errReorder: a pass that handed the validator's refusals to the Writer
// met one of the reader's, which is stored before them.
var errReorder = errors.New("ingest: the reader refused a row after the validator's refusals were stored")

// rollback rolls w back, if any.
func rollback(w pipeline.Writer) error {
	if w == nil {
		return nil
	}
	return w.Rollback()
}

// reopen opens a new Writer of b in place of w (nil when w is: nowhere).
func reopen(sink pipeline.Sink, b pipeline.Batch, w pipeline.Writer) (pipeline.Writer, error) {
	if w == nil {
		return nil, nil
	}
	return sink.Open(b)
}

// pass streams one file through validation into w (nil: nowhere), its
// records and the refusals of its rows, which it tallies in t (nil: not
// again). The first pass (drop nil) hands over every record that passed
// the row checks and runs the whole-file checks; a second pass hands over
// exactly the records not in drop.
//
// The reader's refusals are stored before the validator's. Those go to w as
// they come; the validator's wait in a spool, and go to w spoolRows at a
// time while the reader has refused nothing (readFirst false), else at the
// end. A pass that stored some of the validator's refusals and then meets
// one of the reader's fails with errReorder; the caller reads the file
// again with readFirst. Once the last record is handed over, w is
// flushed, so its writers work while the whole-file checks sort the keys.
// A file of more than Limits.Rows rows is refused (too_many_rows) when
// the row past the limit is read.
//
// Reading, row validation and feeding the whole-file checks (while the
// record is still in this core's cache) run in a goroutine of their own, up
// to 16 batches of rows ahead of the sink, so the two halves use two cores;
// rows still reach the sink in file order. The halves' pace varies (a flush
// to the writers, a collection): with 4 batches between them each waited on
// the other a third of the time.
func (in *Ingester) pass(ctx context.Context, v *pipeline.Validator, name, path string, drop map[int]bool, w pipeline.Writer, t *tally, readFirst bool) (res passResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = internalError(name, p)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return res, &inputError{err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return res, &inputError{err}
	}
	input := &inputReader{r: f, ra: f}
	src := in.sourceFor(ctx, path)
	maxRows := in.opts.Limits.withDefaults().Rows

	const batches, batchRows = 16, 1024
	free := make(chan *rowBatch, batches)
	full := make(chan *rowBatch, batches)
	stop := make(chan struct{})
	for range batches {
		free <- &rowBatch{recs: make([]pipeline.Record, 0, batchRows), lines: make([]int, 0, batchRows)}
	}
	check := v.NewFileCheck(name, src.ref)
	if drop == nil {
		if _, ok := src.(*xlsxSource); !ok {
			check.Expect(estimateRows(f))
		}
	}
	var readFE *pipeline.FileError
	var readErr error
	var formRows []pipeline.RawRow // the form sheets' rows, for the contexts
	go func() {
		defer close(full)
		defer func() {
			if p := recover(); p != nil {
				readFE = internalError(name, p)
			}
		}()
		b, n := <-free, 0
		cells := &cellCache{v: v}
		// next makes room for the next record: it hands the batch over
		// when it is full.
		// A batch is also handed over when it holds batchRows refusals,
		// so a file that refuses every row is not held either.
		var stopped error // errStopped once next saw it: b is not ours
		next := func() error {
			if stopped != nil {
				return stopped
			}
			if len(b.recs) < batchRows && len(b.errs)+len(b.rerrs) < batchRows {
				return nil
			}
			select {
			case full <- b:
			case <-stop:
				stopped = errStopped
				return stopped
			}
			select {
			case b = <-free:
				b.reset()
			case <-stop:
				stopped = errStopped
				return stopped
			}
			return nil
		}
		count := func() error {
			if n++; n > maxRows {
				return in.opts.Limits.withDefaults().tooManyRows(name)
			}
			if n%4096 == 0 {
				return ctx.Err()
			}
			return nil
		}
		out := rowOut{
			row: func(seq int, raw *pipeline.RawRow, ids *cellIDs) error {
				if err := count(); err != nil {
					return err
				}
				// RowWith and RowTo write the whole record: the slot is
				// not cleared first (a batch's records are reused).
				if len(b.recs) < cap(b.recs) {
					b.recs = b.recs[:len(b.recs)+1]
				} else {
					b.recs = append(b.recs, pipeline.Record{})
				}
				rec := &b.recs[len(b.recs)-1]
				var err *pipeline.RowError
				if ids != nil { // the CSV reader's numbered key cells
					cells.ids = ids
					err = v.RowWith(rec, name, raw, cells)
				} else {
					err = v.RowTo(rec, name, raw)
				}
				if err != nil {
					b.recs = b.recs[:len(b.recs)-1]
					b.errs = append(b.errs, *err)
					return next()
				}
				if drop == nil {
					check.Add(seq, rec)
				}
				b.lines = append(b.lines, seq)
				return next()
			},
			reject: func(e pipeline.RowError) {
				n++ // counted against the limit by the next row
				if stopped == nil {
					b.rerrs = append(b.rerrs, e)
					next() // stopped says when it stops
				}
			},
			form: func(seq0 int, rows []pipeline.RawRow) ([]string, error) {
				for range rows {
					if err := count(); err != nil {
						return nil, err
					}
				}
				recs, rejects, warnings := v.File(name, rows)
				b.errs = append(b.errs, rejects...)
				if drop == nil {
					res.warnings = append(res.warnings, warnings...)
					formRows = append(formRows, rows...)
				}
				refs := make([]string, len(recs))
				for i := range recs {
					refs[i] = recs[i].Ref
					if drop == nil {
						check.Add(seq0+i, &recs[i])
					}
					b.recs = append(b.recs, recs[i])
					b.lines = append(b.lines, seq0+i)
					if err := next(); err != nil {
						return nil, err
					}
				}
				return refs, nil
			},
			notice: func(w pipeline.Warning) {
				if drop == nil {
					res.warnings = append(res.warnings, w)
				}
			},
		}
		readFE, readErr = src.rows(input, input, fi.Size(), out)
		if readFE == nil && readErr == nil && stopped == nil && (len(b.recs) > 0 || len(b.errs) > 0 || len(b.rerrs) > 0) {
			select {
			case full <- b:
			case <-stop:
			}
		}
	}()
	stopped := false
	defer func() {
		// Stop the reader and wait for it, whatever happened here.
		if !stopped {
			close(stop)
		}
		for range full {
		}
	}()

	refusals := &refusalOut{w: w, t: t}
	held := &spool{dir: in.opts.TempDir} // the validator's refusals
	defer held.close()
	emitted := false // some of the validator's refusals are stored
	valid := 0
	for b := range full {
		valid += len(b.recs)
		for _, e := range b.rerrs {
			res.readRefused = true
			if !readFirst {
				if emitted {
					return res, errReorder
				}
				readFirst = true
			}
			if err := refusals.add(e); err != nil {
				return res, err
			}
		}
		for _, e := range b.errs {
			if err := held.add(e); err != nil {
				return res, &writeError{err}
			}
		}
		if !readFirst && held.len() >= spoolRows {
			emitted = true
			if err := held.drain(refusals); err != nil {
				return res, err
			}
		}
		recs := b.recs
		if drop != nil {
			kept := recs[:0]
			for i := range recs {
				if !drop[b.lines[i]] {
					kept = append(kept, recs[i])
				}
			}
			recs = kept
		}
		// The batch's records go to the Writer as they are: a Writer
		// copies what it keeps, so they are not copied into chunks first.
		for w != nil && len(recs) > 0 {
			n := min(len(recs), in.opts.ChunkSize)
			if err := w.Add(recs[:n]); err != nil {
				return res, &writeError{err}
			}
			recs = recs[n:]
		}
		free <- b
	}
	// full is closed: the reader is done and its results are visible.
	close(stop)
	stopped = true
	if input.err != nil { // however the reader reported it
		return res, &inputError{input.err}
	}
	if readFE != nil {
		return res, readFE
	}
	if readErr != nil {
		return res, readErr
	}
	if err := held.drain(refusals); err != nil {
		return res, err
	}
	if err := refusals.flush(); err != nil {
		return res, err
	}
	if w != nil {
		if err := w.Flush(); err != nil {
			return res, &writeError{err}
		}
	}
	if drop != nil {
		return res, nil
	}
	res.refused, res.passed = check.Finish(), check.PassedOver()
	res.accepted = valid - len(res.refused) - len(res.passed)
	for _, r := range res.passed {
		res.warnings = append(res.warnings, pipeline.Warning(r.Err))
	}
	res.context = contexts(formRows)
	return res, nil
}

// estimateRows guesses a text file's lines from its size and the lines of
// its first 64 KiB; it only sizes tables.
func estimateRows(f *os.File) int {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return 0
	}
	buf := make([]byte, 64<<10)
	n, _ := f.ReadAt(buf, 0)
	lines := bytes.Count(buf[:n], []byte{'\n'})
	if n == 0 || lines == 0 {
		return 0
	}
	return int(min(fi.Size()/int64(n)*int64(lines)+int64(lines), 1<<26))
}

// rowBatch is consecutive rows as the reader goroutine validated them: the
// records that passed with the seqs they were read with, and the errors of
// the others.
type rowBatch struct {
	recs  []pipeline.Record
	lines []int
	errs  []pipeline.RowError // the validator's
	rerrs []pipeline.RowError // the reader's
}

func (b *rowBatch) reset() {
	clear(b.errs)
	clear(b.rerrs)
	b.recs, b.lines, b.errs, b.rerrs = b.recs[:0], b.lines[:0], b.errs[:0], b.rerrs[:0]
}

// errStopped ends the reader goroutine when its consumer gave up.
var errStopped = errors.New("ingest: reader stopped")
