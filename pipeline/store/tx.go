package store

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/internal/dense"
	"github.com/danvan/danvan/pipeline/layout"
)

// Tx is the commit of one file, fed in pieces so a large file never has to
// be held in memory as Records. Rows are buffered per (province, year)
// partition and written as Parquet row groups to temp files while the
// caller goes on adding; Commit moves the files into place and writes the
// manifest entry. A Tx is used by one goroutine.
type Tx struct {
	s          *Store
	hash       string
	sourceFile string
	sourcePath string
	at         time.Time
	atTS       arrow.Timestamp

	props    *parquet.WriterProperties
	arrProps pqarrow.ArrowWriterProperties

	dicts   [nCols]*dict
	provs   map[*pipeline.Unit][2]int32
	units   map[*pipeline.Unit][3]int32
	periods map[string]periodInfo
	// perIDs caches periods by the record's IDs.Period, checked against
	// its code: the id spares hashing the code, it is not trusted.
	perIDs   []periodSlot
	inds     map[*pipeline.Indicator]int32
	reports  dense.Table[int32] // (unit_code, period) dictionary ids -> report
	repRows  []int64
	repUnit  []string
	repPer   []string
	parts    dense.Table[*part] // (province_code id, year)
	partList []*part

	lastProv  *pipeline.Unit
	lastProvI [2]int32
	lastUnit  *pipeline.Unit
	lastUnitI [3]int32
	lastPer   string
	lastPerI  periodInfo
	lastInd   *pipeline.Indicator
	lastIndI  int32
	lastRep   [2]int32
	lastRepI  int32
	lastPart  *part
	lastChunk chunkSize // of any partition, for a partition's first chunk
	buffered  int
	seq       int64
	accepted  int64
	rejected  int64
	rej       []pipeline.RowError
	rejW      *fileWriter
	wg        sync.WaitGroup
	errMu     sync.Mutex
	err       error
	aborted   atomic.Bool
	finished  bool
	flushing  chan struct{} // closed when Flush has handed every partition over
}

type periodSlot struct {
	code string
	info periodInfo
}

type periodInfo struct {
	code, typ  int32
	start, end arrow.Date32
	year       int32
}

// fileWriter is one Parquet file being written to a temp file.
type fileWriter struct {
	f   *os.File
	bw  *bufio.Writer
	fw  *pqarrow.FileWriter
	err error
}

func (s *Store) newFileWriter(label string, schema *arrow.Schema, props *parquet.WriterProperties, ap pqarrow.ArrowWriterProperties) (*fileWriter, error) {
	f, err := s.createTmp(label)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(schema, bw, props, ap)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("start parquet file %s: %w", label, err)
	}
	return &fileWriter{f: f, bw: bw, fw: fw}, nil
}

// close finishes the Parquet file and makes it durable unless discard is
// set. The temp file stays where it is.
func (w *fileWriter) close(discard bool) error {
	err := w.err
	if cerr := w.fw.Close(); err == nil {
		err = cerr
	}
	if discard || err != nil {
		w.f.Close()
		return err
	}
	if err := w.bw.Flush(); err != nil {
		w.f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(w.f.Name()), err)
	}
	return finishTmp(w.f)
}

// part buffers the rows of one (province, year) partition.
type part struct {
	key  layout.Partition
	name string // key.String()
	prov int32  // province_code dictionary id
	year int32
	rows int64
	buffer

	// last is the size of the partition's previous chunk, which sizes the
	// next one's buffers.
	last chunkSize

	w  *fileWriter
	ch chan *chunk
}

var dictCols = []int{cProvinceCode, cProvinceName, cUnitCode, cUnitName, cUnitLevel, cPeriod, cPeriodType,
	cIndicator, cDisaggregation, cQualifier, cOrigin, cNote, cReportID, cSourceFile, cBatch}

// noNote is the note dictionary's id of "", written as null. Notes are
// free text but mostly one per report or file, so a dictionary keeps them
// once instead of copying and hashing the text of every row.
const noNote = 0

// Begin starts the commit of the file with content hash hash. sourceFile is
// its base name, sourcePath where it was read (for the manifest and its
// size), ingestedAt the time stamped on every row (now when zero).
func (s *Store) Begin(hash, sourceFile, sourcePath string, ingestedAt time.Time) (*Tx, error) {
	if err := layout.CheckBatch(hash); err != nil {
		return nil, fmt.Errorf("begin commit of %s: %w", sourceFile, err)
	}
	base, err := checkBase(sourceFile)
	if err != nil {
		return nil, fmt.Errorf("begin commit of batch %s: %w", hash, err)
	}
	at := normTime(ingestedAt)
	tx := &Tx{
		s: s, hash: hash, sourceFile: base, sourcePath: sourcePath, at: at,
		atTS:    arrow.Timestamp(at.UnixMicro()),
		provs:   map[*pipeline.Unit][2]int32{},
		units:   map[*pipeline.Unit][3]int32{},
		periods: map[string]periodInfo{},
		inds:    map[*pipeline.Indicator]int32{},
		lastRep: [2]int32{-1, -1},
	}
	tx.props, tx.arrProps = writerProps(s.opts.ChunkRows)
	for _, c := range dictCols {
		tx.dicts[c] = newDict()
	}
	tx.dicts[cNote].id("") // noNote
	tx.dicts[cSourceFile].id(base)
	tx.dicts[cBatch].id(hash)
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

// Add appends accepted records. Their seq continues from the previous call.
func (tx *Tx) Add(recs []pipeline.Record) error {
	if tx.finished {
		return fmt.Errorf("add records to batch %s: transaction is finished", tx.hash)
	}
	tx.waitFlush()
	if err := tx.firstErr(); err != nil {
		return err
	}
	chunk := tx.s.opts.ChunkRows
	for i := range recs {
		r := &recs[i]
		p, err := tx.add(r)
		if err != nil {
			err = fmt.Errorf("add record %d (%s) of %s: %w", tx.seq, r.Ref, tx.sourceFile, err)
			tx.fail(err)
			return err
		}
		tx.seq++
		tx.accepted++
		tx.buffered++
		if p.n >= chunk {
			if err := tx.flush(p); err != nil {
				return err
			}
		}
		if tx.buffered >= tx.s.opts.MaxBufferedRows {
			if err := tx.flush(tx.largest()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) add(r *pipeline.Record) (*part, error) {
	if r.Province == nil || r.Unit == nil || r.Indicator == nil {
		return nil, errors.New("record lacks its province, unit or indicator")
	}
	if r.Period.Code == "" || r.Period.End.IsZero() {
		return nil, errors.New("record has no period")
	}
	d := &tx.dicts

	if r.Province != tx.lastProv {
		pi, ok := tx.provs[r.Province]
		if !ok {
			pi = [2]int32{d[cProvinceCode].id(r.Province.Code), d[cProvinceName].id(r.Province.Name)}
			tx.provs[r.Province] = pi
		}
		tx.lastProv, tx.lastProvI = r.Province, pi
	}
	pv := tx.lastProvI

	if r.Unit != tx.lastUnit {
		ui, ok := tx.units[r.Unit]
		if !ok {
			ui = [3]int32{d[cUnitCode].id(r.Unit.Code), d[cUnitName].id(r.Unit.Name), d[cUnitLevel].id(string(r.Unit.Level))}
			tx.units[r.Unit] = ui
		}
		tx.lastUnit, tx.lastUnitI = r.Unit, ui
	}
	un := tx.lastUnitI

	if tx.lastPer == "" || r.Period.Code != tx.lastPer {
		tx.lastPer, tx.lastPerI = r.Period.Code, tx.period(r)
	}
	pe := tx.lastPerI

	if r.Indicator != tx.lastInd {
		ii, ok := tx.inds[r.Indicator]
		if !ok {
			ii = d[cIndicator].id(r.Indicator.Code)
			tx.inds[r.Indicator] = ii
		}
		tx.lastInd, tx.lastIndI = r.Indicator, ii
	}

	rk := [2]int32{un[0], pe.code}
	if rk != tx.lastRep {
		ri, ok := tx.reports.Get(uint32(rk[0]), uint32(rk[1]))
		if !ok {
			ri = d[cReportID].id(layout.ReportID(tx.hash, r.Unit.Code, r.Period.Code))
			if int(ri) != len(tx.repRows) {
				return nil, fmt.Errorf("report id collision for unit %s, period %s", r.Unit.Code, r.Period.Code)
			}
			tx.repRows = append(tx.repRows, 0)
			tx.repUnit = append(tx.repUnit, r.Unit.Code)
			tx.repPer = append(tx.repPer, r.Period.Code)
			tx.reports.Set(uint32(rk[0]), uint32(rk[1]), ri)
		}
		tx.lastRep, tx.lastRepI = rk, ri
	}
	tx.repRows[tx.lastRepI]++

	p := tx.lastPart
	if p == nil || p.year != pe.year || p.prov != pv[0] {
		p, _ = tx.parts.Get(uint32(pv[0]), uint32(pe.year))
		if p == nil {
			key := layout.Partition{Province: r.Province.Code, Year: int(pe.year)}
			p = &part{key: key, name: key.String(), prov: pv[0], year: pe.year}
			tx.s.chunksMu.Lock()
			p.last = tx.s.chunks[p.name]
			tx.s.chunksMu.Unlock()
			tx.parts.Set(uint32(pv[0]), uint32(pe.year), p)
			tx.partList = append(tx.partList, p)
		}
		tx.lastPart = p
	}
	if p.n == 0 {
		size := p.last
		if size.rows == 0 {
			size = tx.lastChunk
		}
		p.grow(size, tx.s.opts.ChunkRows)
	}

	p.idx[cProvinceCode] = append(p.idx[cProvinceCode], pv[0])
	p.idx[cProvinceName] = append(p.idx[cProvinceName], pv[1])
	p.idx[cUnitCode] = append(p.idx[cUnitCode], un[0])
	p.idx[cUnitName] = append(p.idx[cUnitName], un[1])
	p.idx[cUnitLevel] = append(p.idx[cUnitLevel], un[2])
	p.idx[cPeriod] = append(p.idx[cPeriod], pe.code)
	p.idx[cPeriodType] = append(p.idx[cPeriodType], pe.typ)
	p.idx[cIndicator] = append(p.idx[cIndicator], tx.lastIndI)
	p.idx[cDisaggregation] = append(p.idx[cDisaggregation], d[cDisaggregation].id(r.Disaggregation))
	p.idx[cQualifier] = append(p.idx[cQualifier], d[cQualifier].id(string(r.Qualifier)))
	p.idx[cOrigin] = append(p.idx[cOrigin], d[cOrigin].id(string(r.Origin)))
	p.idx[cReportID] = append(p.idx[cReportID], tx.lastRepI)
	p.start = append(p.start, pe.start)
	p.end = append(p.end, pe.end)
	p.value = append(p.value, r.Value)
	p.quote.add(r.Quote, r.Quote != "")
	p.idx[cNote] = append(p.idx[cNote], d[cNote].id(r.Note))
	p.ref.add(r.Ref, true)
	if p.n%8 == 0 {
		p.subOK = append(p.subOK, 0)
	}
	if r.SubmittedAt.IsZero() {
		p.sub = append(p.sub, 0)
		p.subNil++
	} else {
		p.sub = append(p.sub, arrow.Timestamp(r.SubmittedAt.UnixMicro()))
		p.subOK[p.n/8] |= 1 << (p.n % 8)
	}
	p.seq = append(p.seq, tx.seq)
	p.n++
	p.rows++
	return p, nil
}

func (tx *Tx) period(r *pipeline.Record) periodInfo {
	id := int(r.IDs.Period)
	if id < len(tx.perIDs) && id > 0 && tx.perIDs[id].code == r.Period.Code {
		return tx.perIDs[id].info
	}
	pi, ok := tx.periods[r.Period.Code]
	if !ok {
		d := &tx.dicts
		pi = periodInfo{
			code: d[cPeriod].id(r.Period.Code), typ: d[cPeriodType].id(string(r.Period.Type)),
			start: arrow.Date32FromTime(r.Period.Start), end: arrow.Date32FromTime(r.Period.End),
			year: int32(r.Period.Year()),
		}
		tx.periods[r.Period.Code] = pi
	}
	if id > 0 && id < 1<<20 {
		for len(tx.perIDs) <= id {
			tx.perIDs = append(tx.perIDs, periodSlot{})
		}
		tx.perIDs[id] = periodSlot{r.Period.Code, pi}
	}
	return pi
}

// chunkSize is the rows of a chunk and the average bytes of its strings.
type chunkSize struct{ rows, quote, ref int }

// grow gives p empty buffers for its next chunk, sized on the last one
// (plus a quarter and 1024 rows; for a partition's first chunk in a file,
// its last chunk in an earlier file) up to limit rows: a file spread over
// many partitions flushes them well before ChunkRows, and buffers sized for
// ChunkRows would mostly be allocated and cleared for nothing, while
// buffers too small are copied as they grow.
func (p *part) grow(last chunkSize, limit int) {
	n := min(limit, last.rows+last.rows/4+1024)
	for _, c := range dictCols {
		if c != cSourceFile && c != cBatch {
			p.idx[c] = make([]int32, 0, n)
		}
	}
	p.start = make([]arrow.Date32, 0, n)
	p.end = make([]arrow.Date32, 0, n)
	p.value = make([]float64, 0, n)
	p.sub = make([]arrow.Timestamp, 0, n)
	p.subOK = make([]byte, 0, n/8+1)
	p.seq = make([]int64, 0, n)
	p.quote.reserve(n, last.quote)
	p.ref.reserve(n, last.ref)
}

func (tx *Tx) largest() *part {
	var big *part
	for _, p := range tx.partList {
		if big == nil || p.n > big.n {
			big = p
		}
	}
	return big
}

// chunk is the buffered rows of one partition, handed from Add to the
// partition's writer goroutine, which turns them into one row group.
type chunk struct {
	year int32
	at   arrow.Timestamp
	vals [nCols][]string // the dictionaries as of the hand-over (only ever appended to)
	buffer
}

// buffer is rows held column by column: dictionary ids for the dictionary
// columns, values for the others.
type buffer struct {
	n      int
	idx    [nCols][]int32
	start  []arrow.Date32
	end    []arrow.Date32
	value  []float64
	quote  strCol
	ref    strCol
	sub    []arrow.Timestamp
	subOK  []byte
	subNil int
	seq    []int64
}

// take moves p's buffered rows into a chunk and empties p.
func (tx *Tx) take(p *part) *chunk {
	n := p.n
	c := &chunk{year: p.year, at: tx.atTS, buffer: p.buffer}
	for _, col := range dictCols {
		c.vals[col] = tx.dicts[col].vals
	}
	p.last = chunkSize{n, len(p.quote.data)/n + 1, len(p.ref.data)/n + 1}
	tx.lastChunk = p.last
	tx.s.chunksMu.Lock()
	tx.s.chunks[p.name] = p.last
	tx.s.chunksMu.Unlock()
	p.buffer = buffer{}
	return c
}

// record turns the chunk into a record batch. Each dictionary column gets
// a dictionary of the values this row group uses, so the Parquet writer
// hashes and stores only those rather than the whole transaction's.
func (c *chunk) record() arrow.RecordBatch {
	n := c.n
	cols := make([]arrow.Array, nCols)
	years := make([]int32, n)
	ingested := make([]arrow.Timestamp, n)
	for i := range years {
		years[i] = c.year
		ingested[i] = c.at
	}
	for _, col := range dictCols {
		idx := c.idx[col]
		if col == cSourceFile || col == cBatch {
			idx = make([]int32, n)
		}
		null := int32(-1)
		if col == cNote {
			null = noNote
		}
		cols[col] = compactDict(idx, c.vals[col], null)
	}
	cols[cPeriodStart] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(c.start), nil, 0)
	cols[cPeriodEnd] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(c.end), nil, 0)
	cols[cYear] = int32Array(years)
	cols[cValue] = fixedArray(arrow.PrimitiveTypes.Float64, n, arrow.Float64Traits.CastToBytes(c.value), nil, 0)
	cols[cQuote] = c.quote.array()
	cols[cSourceRef] = c.ref.array()
	cols[cSubmittedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(c.sub), c.subOK, c.subNil)
	cols[cIngestedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(ingested), nil, 0)
	cols[cSeq] = fixedArray(arrow.PrimitiveTypes.Int64, n, arrow.Int64Traits.CastToBytes(c.seq), nil, 0)
	rec := array.NewRecordBatch(factsSchema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

// flush hands p's buffered rows to its writer goroutine as one row group.
func (tx *Tx) flush(p *part) error {
	if p == nil || p.n == 0 {
		return tx.firstErr()
	}
	if p.w == nil {
		w, err := tx.s.newFileWriter(tx.hash+"."+strings.NewReplacer("=", "", "/", "-").Replace(p.name), factsSchema, tx.props, tx.arrProps)
		if err != nil {
			err = fmt.Errorf("write facts of %s: %w", tx.sourceFile, err)
			tx.fail(err)
			return err
		}
		p.w = w
		p.ch = make(chan *chunk, 2)
		tx.wg.Add(1)
		go tx.write(p, p.ch)
	}
	tx.buffered -= p.n
	c := tx.take(p)
	tx.s.sem <- struct{}{}
	p.ch <- c
	return tx.firstErr()
}

// write is the writer goroutine of one partition: row groups are built,
// encoded and compressed here, in parallel with the caller buffering the
// next ones.
func (tx *Tx) write(p *part, ch <-chan *chunk) {
	defer tx.wg.Done()
	for c := range ch {
		if p.w.err == nil && !tx.aborted.Load() {
			rec := c.record()
			if err := p.w.fw.Write(rec); err != nil {
				p.w.err = fmt.Errorf("write facts %s of %s: %w", p.name, tx.sourceFile, err)
				tx.fail(p.w.err)
			}
			rec.Release()
		}
		<-tx.s.sem
	}
	if err := p.w.close(tx.aborted.Load()); err != nil && !tx.aborted.Load() {
		tx.fail(fmt.Errorf("write facts %s of %s: %w", p.name, tx.sourceFile, err))
	}
}

// Flush starts writing every buffered row in the background, for a caller
// that has no records for a while (the last ones came, the whole-file checks
// are running): the writers get on with them meanwhile instead of when
// Commit comes. The other methods wait for it to have handed them over.
func (tx *Tx) Flush() {
	if tx.finished || tx.flushing != nil {
		return
	}
	done := make(chan struct{})
	tx.flushing = done
	go func() {
		defer close(done)
		for _, p := range tx.partList {
			if tx.flush(p) != nil {
				return
			}
		}
	}()
}

func (tx *Tx) waitFlush() {
	if tx.flushing != nil {
		<-tx.flushing
		tx.flushing = nil
	}
}

// Reject appends refused rows.
func (tx *Tx) Reject(errs ...pipeline.RowError) error {
	if tx.finished {
		return fmt.Errorf("add rejects to batch %s: transaction is finished", tx.hash)
	}
	tx.waitFlush()
	for len(errs) > 0 {
		room := tx.s.opts.ChunkRows - len(tx.rej)
		if room > len(errs) {
			room = len(errs)
		}
		tx.rej = append(tx.rej, errs[:room]...)
		errs = errs[room:]
		tx.rejected += int64(room)
		if len(tx.rej) >= tx.s.opts.ChunkRows {
			if err := tx.flushRejects(); err != nil {
				return err
			}
		}
	}
	return tx.firstErr()
}

func (tx *Tx) flushRejects() error {
	if len(tx.rej) == 0 {
		return nil
	}
	if tx.rejW == nil {
		w, err := tx.s.newFileWriter(tx.hash+".rejects", rejectsSchema, tx.props, tx.arrProps)
		if err != nil {
			err = fmt.Errorf("write rejects of %s: %w", tx.sourceFile, err)
			tx.fail(err)
			return err
		}
		tx.rejW = w
	}
	var c [8]strCol
	ts := make([]arrow.Timestamp, len(tx.rej))
	for i, e := range tx.rej {
		c[0].add(tx.sourceFile, true)
		c[1].add(e.Ref, true)
		c[2].add(e.Column, true)
		c[3].add(e.Value, true)
		c[4].add(e.Code, true)
		c[5].add(e.Reason, true)
		c[6].add(e.ReasonEN, true)
		c[7].add(tx.hash, true)
		ts[i] = tx.atTS
	}
	cols := make([]arrow.Array, 0, 9)
	for i := range c {
		cols = append(cols, c[i].array())
	}
	cols = append(cols, fixedArray(tsUTC, len(ts), arrow.TimestampTraits.CastToBytes(ts), nil, 0))
	rec := array.NewRecordBatch(rejectsSchema, cols, int64(len(ts)))
	for _, a := range cols {
		a.Release()
	}
	defer rec.Release()
	tx.rej = tx.rej[:0]
	if err := tx.rejW.fw.Write(rec); err != nil {
		tx.rejW.err = err
		err = fmt.Errorf("write rejects of %s: %w", tx.sourceFile, err)
		tx.fail(err)
		return err
	}
	return nil
}

// drain writes what is buffered, stops the writer goroutines and closes
// every temp file.
func (tx *Tx) drain(discard bool) error {
	if !discard {
		for _, p := range tx.partList {
			if err := tx.flush(p); err != nil {
				discard = true
				break
			}
		}
		if !discard {
			if err := tx.flushRejects(); err != nil {
				discard = true
			}
		}
	}
	if discard {
		tx.aborted.Store(true)
	}
	for _, p := range tx.partList {
		if p.ch != nil {
			close(p.ch)
			p.ch = nil
		}
	}
	tx.wg.Wait()
	if tx.rejW != nil {
		if err := tx.rejW.close(discard); err != nil && !discard {
			tx.fail(fmt.Errorf("write rejects of %s: %w", tx.sourceFile, err))
		}
	}
	return tx.firstErr()
}

func (tx *Tx) removeTmp() {
	for _, p := range tx.partList {
		if p.w != nil {
			os.Remove(p.w.f.Name())
		}
	}
	if tx.rejW != nil {
		os.Remove(tx.rejW.f.Name())
	}
}

// Abort drops the transaction and its temp files. Nothing under a final
// name was touched. It is safe to call after Commit (it does nothing then).
func (tx *Tx) Abort() {
	if tx.finished {
		return
	}
	tx.finished = true
	tx.waitFlush()
	tx.drain(true)
	tx.removeTmp()
}

// Commit moves the Parquet files into place and writes the manifest entry,
// the commit point. On error nothing new is visible through the manifest.
func (tx *Tx) Commit(ctx context.Context) (err error) {
	if tx.finished {
		return fmt.Errorf("commit batch %s: transaction is finished", tx.hash)
	}
	tx.finished = true
	tx.waitFlush()
	defer func() {
		if err != nil {
			tx.removeTmp()
		}
	}()
	if err := ctx.Err(); err != nil {
		tx.drain(true)
		return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
	}
	if err := tx.drain(false); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
	}

	parts := append([]*part(nil), tx.partList...)
	sort.Slice(parts, func(i, j int) bool { return parts[i].name < parts[j].name })
	names := make([]string, 0, len(parts))
	keep := map[string]bool{}
	d := tx.s.dir
	for _, p := range parts {
		dir := d.Partition(p.key)
		if err := layout.MkdirAll(dir); err != nil {
			return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
		}
		if err := os.Rename(p.w.f.Name(), d.FactFile(p.key, tx.hash)); err != nil {
			return fmt.Errorf("commit %s: move facts %s into place: %w", tx.sourceFile, p.name, err)
		}
		names = append(names, p.name)
		keep[p.name] = true
	}
	for _, p := range parts {
		if err := layout.SyncDir(d.Partition(p.key)); err != nil {
			return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
		}
	}
	if tx.rejW != nil {
		if err := os.Rename(tx.rejW.f.Name(), d.RejectsFile(tx.hash)); err != nil {
			return fmt.Errorf("commit %s: move rejects into place: %w", tx.sourceFile, err)
		}
		if err := layout.SyncDir(d.Rejects()); err != nil {
			return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
	}

	reports := make([]layout.Report, len(tx.repRows))
	for i := range reports {
		reports[i] = layout.Report{ReportID: tx.dicts[cReportID].vals[i], UnitCode: tx.repUnit[i], Period: tx.repPer[i], Rows: tx.repRows[i]}
	}
	slices.SortFunc(reports, func(a, b layout.Report) int {
		return cmp.Or(strings.Compare(a.UnitCode, b.UnitCode), strings.Compare(a.Period, b.Period))
	})
	var size int64
	if tx.sourcePath != "" {
		if fi, err := os.Stat(tx.sourcePath); err == nil {
			size = fi.Size()
		}
	}
	e := layout.Entry{
		Batch: tx.hash, SourceFile: tx.sourceFile, SourcePath: tx.sourcePath, Size: size, IngestedAt: tx.at,
		Status: layout.Loaded, RowsAccepted: tx.accepted, RowsRejected: tx.rejected, Partitions: names,
	}
	if err := layout.Commit(d, e, reports); err != nil {
		return fmt.Errorf("commit %s: %w", tx.sourceFile, err)
	}
	tx.s.removeStale(tx.hash, keep, tx.rejW != nil)
	return nil
}
