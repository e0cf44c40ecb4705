package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// Tx is the commit of one file: the pipeline.Writer a Store opens. The
// caller adds records and refused rows, then commits or rolls back. Rows
// are buffered per partition and written as row groups to temp files while
// the caller goes on adding (partition.go); Commit moves the files into
// place and writes the file's report list and commit record. In a group
// commit, a small file's rows are kept instead, for the seal to write into
// the group's shared files (shares, group.go).
//
// A Tx is used by one goroutine, its caller's, and so is every field of it
// and of its encoder, report index, partitions and rejects, with these
// exceptions. Each partition's writer goroutine owns the chunks handed to
// it and the partition's temp file, until Commit or Rollback waits for it.
// Flush hands the chunks it took over from a goroutine of its own, which
// touches nothing else; every other method waits for that hand-over to end
// before it hands over more. The first error (errMu) and aborted are what
// those goroutines share with the caller.
type Tx struct {
	s    *Store
	b    pipeline.Batch // checked: a base name, the stamp in UTC microseconds
	atTS arrow.Timestamp

	enc       encoder
	reports   reportIndex
	parts     partitions
	rej       rejects
	lastChunk chunkSize // of any partition, for a partition's first chunk
	buffered  int       // rows buffered across the partitions
	seq       int64     // of the next record
	finished  bool
	setAside  bool          // the batch had a set-aside record (or one that could not be read) when the Tx opened
	handing   chan struct{} // closed when Flush's hand-over ends; nil when none runs

	wg      sync.WaitGroup // the partitions' writer goroutines
	errMu   sync.Mutex
	err     error
	aborted atomic.Bool
}

var _ pipeline.Writer = (*Tx)(nil)

func (s *Store) begin(b pipeline.Batch) (*Tx, error) {
	b, err := checkBatch(b)
	if err != nil {
		return nil, fmt.Errorf("begin commit of %w", err)
	}
	tx := &Tx{s: s, b: b, atTS: arrow.Timestamp(b.IngestedAt.UnixMicro()), enc: newEncoder(b.SourceFile, b.Hash)}
	tx.reports = newReportIndex(b.Hash, tx.enc.dicts[cUnitCode], tx.enc.dicts[cPeriod])
	return tx, nil
}

func (tx *Tx) fail(err error) {
	tx.errMu.Lock()
	if tx.err == nil {
		tx.err = err
	}
	tx.errMu.Unlock()
}

func (tx *Tx) firstErr() error {
	tx.errMu.Lock()
	defer tx.errMu.Unlock()
	return tx.err
}

// waitHandover waits for Flush's hand-over goroutine, if one runs.
func (tx *Tx) waitHandover() {
	if tx.handing != nil {
		<-tx.handing
		tx.handing = nil
	}
}

func (tx *Tx) finishedErr(what string) error {
	return fmt.Errorf("%s batch %s: transaction is finished", what, tx.b.Hash)
}

// Add appends accepted records. Their seq continues from the previous call.
func (tx *Tx) Add(recs []pipeline.Record) error {
	if tx.finished {
		return tx.finishedErr("add records to")
	}
	tx.waitHandover()
	if err := tx.firstErr(); err != nil {
		return err
	}
	chunk := tx.s.opts.ChunkRows
	for i := range recs {
		r := &recs[i]
		p, err := tx.add(r)
		if err != nil {
			err = fmt.Errorf("add record %d (%s) of %s: %w", tx.seq, r.Ref, tx.b.SourceFile, err)
			tx.fail(err)
			return err
		}
		tx.seq++
		tx.buffered++
		if p.n >= chunk {
			if err := tx.flush(p); err != nil {
				return err
			}
		}
		if tx.buffered >= tx.s.opts.MaxBufferedRows {
			if err := tx.flush(tx.parts.largest()); err != nil {
				return err
			}
		}
	}
	return nil
}

// add buffers one record in its partition. Its unit, indicator and period
// are the reference's (their numbers index the encoder's tables unchecked).
func (tx *Tx) add(r *pipeline.Record) (*part, error) {
	if r.Province == nil || r.Unit == nil || r.Indicator == nil {
		return nil, errors.New("record lacks its province, unit or indicator")
	}
	if r.Period.Code == "" || r.Period.End.IsZero() {
		return nil, errors.New("record has no period")
	}
	k := row{prov: tx.enc.province(r.Province), unit: tx.enc.unit(r.Unit), period: tx.enc.period(&r.Period),
		ind: tx.enc.indicator(r.Indicator), seq: tx.seq}
	p := tx.parts.of(k.prov.code, k.period.year, r.Province.Code, &tx.s.sizes)
	if p.n == 0 {
		size := p.last
		if size.rows == 0 {
			size = tx.lastChunk
		}
		p.grow(size, tx.s.opts.ChunkRows)
	}
	p.add(r, &k, &tx.enc.dicts)
	return p, nil
}

// take empties p's buffer into a chunk, kept in p.kept until handed over.
// Its rows' reports are numbered here, the chunk's rows together
// (reportIndex).
func (tx *Tx) take(p *part) error {
	reports := make([]int32, p.n)
	if err := tx.reports.number(&p.reports, p.idx[cUnitCode], p.idx[cPeriod], reports); err != nil {
		err = fmt.Errorf("add records of %s: %w", tx.b.SourceFile, err)
		tx.fail(err)
		return err
	}
	p.idx[cReportID] = reports
	tx.buffered -= p.n
	c := p.take(tx.atTS, &tx.enc.dicts)
	c.small = tx.seq <= plainRows
	tx.lastChunk = p.last
	tx.s.sizes.set(p.name, p.last)
	p.kept = append(p.kept, c)
	return nil
}

// shares reports whether the file's rows, so far, wait for the group's
// seal to be written into its shared files (group.go) instead of files of
// their own: with a group commit, a file of at most plainRows records.
func (tx *Tx) shares() bool { return tx.s.grouped() && tx.seq <= plainRows }

// flush takes p's buffered rows as one row group and, unless the file
// shares, hands what p keeps to its writer goroutine, starting it first if
// p has none.
func (tx *Tx) flush(p *part) error {
	if p == nil {
		return tx.firstErr()
	}
	if p.n > 0 {
		if err := tx.take(p); err != nil {
			return err
		}
	}
	if tx.shares() || len(p.kept) == 0 {
		return tx.firstErr()
	}
	if p.ch == nil {
		tx.start(p)
	}
	for i, c := range p.kept {
		tx.s.sem <- struct{}{}
		p.ch <- c
		p.kept[i] = nil
	}
	p.kept = p.kept[:0]
	return tx.firstErr()
}

// Flush starts writing every buffered row, for a caller that has no records
// for a while (the last ones came, the whole-file checks are running): the
// writers get on with them meanwhile instead of when Commit comes. The rows
// are taken out of the partitions here; a goroutine hands them over, since
// that waits while other chunks are being encoded.
func (tx *Tx) Flush() error {
	if tx.finished {
		return tx.finishedErr("flush")
	}
	tx.waitHandover()
	type handover struct {
		ch chan<- *chunk
		c  *chunk
	}
	var hs []handover
	for _, p := range tx.parts.list {
		if p.n > 0 {
			if err := tx.take(p); err != nil {
				return err
			}
		}
	}
	if tx.shares() {
		return tx.firstErr()
	}
	for _, p := range tx.parts.list {
		if len(p.kept) == 0 {
			continue
		}
		if p.ch == nil {
			tx.start(p)
		}
		for _, c := range p.kept {
			hs = append(hs, handover{p.ch, c})
		}
		p.kept = nil
	}
	if len(hs) == 0 {
		return tx.firstErr()
	}
	done := make(chan struct{})
	tx.handing = done
	go func() {
		defer close(done)
		for i := range hs {
			tx.s.sem <- struct{}{}
			hs[i].ch <- hs[i].c
			// Forget the chunk once handed over, so it is garbage as
			// soon as its writer wrote it. When Flush comes most of a
			// file's rows are often still buffered (spread over many
			// partitions, each below ChunkRows): holding every chunk
			// until the last one is handed over kept them all in
			// memory through their encoding.
			hs[i] = handover{}
			if testHookHandedOver != nil {
				testHookHandedOver(i)
			}
		}
	}()
	return tx.firstErr()
}

// testHookHandedOver, when set by a test, is called by Flush's hand-over
// goroutine after the i-th chunk is handed over.
var testHookHandedOver func(i int)

// Reject appends refused rows.
func (tx *Tx) Reject(errs []pipeline.RowError) error {
	if tx.finished {
		return tx.finishedErr("add rejects to")
	}
	if err := tx.reject(errs); err != nil {
		tx.fail(err)
		return err
	}
	return tx.firstErr()
}

// drain writes what is buffered (unless discard), stops the writer
// goroutines and closes every temp file.
func (tx *Tx) drain(discard bool) error {
	tx.waitHandover()
	if !discard {
		for _, p := range tx.parts.list {
			if err := tx.flush(p); err != nil {
				discard = true
				break
			}
		}
		if !discard {
			if err := tx.flushRejects(); err != nil {
				tx.fail(err)
				discard = true
			}
		}
	}
	if discard {
		tx.aborted.Store(true)
		for _, p := range tx.parts.list {
			p.kept = nil
		}
	}
	for _, p := range tx.parts.list {
		if p.ch != nil {
			close(p.ch)
			p.ch = nil
		}
	}
	tx.wg.Wait()
	if w := tx.rej.w; w != nil {
		if err := w.close(discard); err != nil && !discard {
			tx.fail(fmt.Errorf("write rejects of %s: %w", tx.b.SourceFile, err))
		}
	}
	return tx.firstErr()
}

// removeTmp removes the transaction's temp files.
func (tx *Tx) removeTmp() error {
	var errs []error
	rm := func(w *fileWriter) {
		if w != nil {
			if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	for _, p := range tx.parts.list {
		rm(p.w)
	}
	rm(tx.rej.w)
	return errors.Join(errs...)
}

// Rollback drops the transaction and its temp files. Nothing under a final
// name was touched. After Commit it does nothing.
func (tx *Tx) Rollback() error {
	if tx.finished {
		return nil
	}
	tx.finished = true
	tx.drain(true)
	if err := tx.removeTmp(); err != nil {
		return fmt.Errorf("roll back %s: %w", tx.b.SourceFile, err)
	}
	return nil
}

// Commit moves the Parquet files into place and writes the report list and
// the commit record, the commit point. On error nothing new is visible
// through the manifest. With Options.Group the commit record waits for the
// group's seal (group.go); an error then may come from the seal, and is
// about the group's files.
func (tx *Tx) Commit(ctx context.Context) (err error) {
	if tx.finished {
		return tx.finishedErr("commit")
	}
	tx.finished = true
	defer func() {
		if err != nil {
			tx.removeTmp()
		}
	}()
	name := tx.b.SourceFile
	if err := ctx.Err(); err != nil {
		tx.drain(true)
		return fmt.Errorf("commit %s: %w", name, err)
	}
	if err := tx.drain(false); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", name, err)
	}

	parts := append([]*part(nil), tx.parts.list...)
	sort.Slice(parts, func(i, j int) bool { return parts[i].name < parts[j].name })
	names := make([]string, 0, len(parts))
	keep := map[string]bool{} // the batch's own facts files now
	d := tx.s.dir
	var sums []layout.FileSum
	var files, dirs []string // written, and the folders they went into, for a grouped commit
	grouped := tx.s.grouped()
	shares := tx.shares() && len(parts) > 0
	var kept []keptPart // a sharing file's rows, by partition, for the seal
	for _, p := range parts {
		names = append(names, p.name)
		if shares {
			kept = append(kept, keptPart{key: p.key, name: p.name, chunks: p.kept})
			p.kept = nil
			continue
		}
		if p.w == nil { // not written, yet no writer failed: a bug
			return fmt.Errorf("commit %s: facts %s were not written", name, p.name)
		}
		if err := layout.MkdirAll(d.Partition(p.key)); err != nil {
			return fmt.Errorf("commit %s: %w", name, err)
		}
		path := d.FactFile(p.key, tx.b.Hash)
		if err := os.Rename(p.w.f.Name(), path); err != nil {
			return fmt.Errorf("commit %s: move facts %s into place: %w", name, p.name, err)
		}
		sums = append(sums, p.w.sum(d, path))
		keep[path] = true
		files, dirs = append(files, path), append(dirs, d.Partition(p.key))
	}
	if !grouped {
		for _, p := range parts {
			if err := layout.SyncDir(d.Partition(p.key)); err != nil {
				return fmt.Errorf("commit %s: %w", name, err)
			}
		}
	}
	if w := tx.rej.w; w != nil {
		if err := os.Rename(w.f.Name(), d.RejectsFile(tx.b.Hash)); err != nil {
			return fmt.Errorf("commit %s: move rejects into place: %w", name, err)
		}
		sums = append(sums, w.sum(d, d.RejectsFile(tx.b.Hash)))
		files, dirs = append(files, d.RejectsFile(tx.b.Hash)), append(dirs, d.Rejects())
		if !grouped {
			if err := layout.SyncDir(d.Rejects()); err != nil {
				return fmt.Errorf("commit %s: %w", name, err)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", name, err)
	}
	var size int64
	if tx.b.SourcePath != "" {
		if fi, err := os.Stat(tx.b.SourcePath); err == nil {
			size = fi.Size()
		}
	}
	e := layout.Entry{
		Batch: tx.b.Hash, SourceFile: name, SourcePath: tx.b.SourcePath, Size: size, IngestedAt: tx.b.IngestedAt,
		Status: layout.Loaded, RowsAccepted: tx.seq, RowsRejected: tx.rej.count, Partitions: names, Files: sums,
	}
	sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Path < e.Files[j].Path })
	reports := tx.reports.list()
	listFile := len(reports) > layout.InlineReports
	w := waiting{batch: tx.b.Hash, keep: keep, keepRejects: tx.rej.w != nil, keepReports: listFile, setAside: tx.setAside}
	switch {
	case shares:
		// Its record is staged by the seal, once the shared files it
		// lists are written (group.go).
		w.entry, w.reports, w.kept = e, reports, kept
		tx.s.wait(w, files, dirs)
		return tx.s.sealIfDue()
	case grouped:
		st, err := layout.Stage(d, e, reports)
		if err != nil {
			return fmt.Errorf("commit %s: %w", name, err)
		}
		files = append(files, st.Files()...)
		w.staged = st
		tx.s.wait(w, files, dirs)
		return tx.s.sealIfDue()
	}
	if err := layout.Commit(d, e, reports); err != nil {
		return fmt.Errorf("commit %s: %w", name, err)
	}
	tx.s.removeStale(tx.b.Hash, d.BatchFactFiles(tx.b.Hash), keep, tx.rej.w != nil, listFile, nil)
	if tx.setAside {
		tx.s.resolveSetAside(tx.b.Hash)
	}
	return nil
}
