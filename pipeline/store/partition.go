package store

import (
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/internal/dense"
	"github.com/danvan/danvan/pipeline/layout"
)

// Rows are buffered per (province, year) partition, column by column, and
// handed as chunks to a goroutine per partition that turns each into a
// Parquet row group of the partition's temp file, while the caller goes on
// buffering. Who owns what:
//
//   - a part's buffer, its place in partitions and its channel are the Tx
//     caller's goroutine's;
//   - a chunk, once handed over, and the part's fileWriter (w, which that
//     goroutine opens for its first chunk) belong to the partition's
//     writer goroutine until the Tx waits for it (drain);
//   - Store.sem bounds the chunks between hand-over and the end of their
//     encoding, across all transactions, which bounds memory.

// part is one partition of a file: its buffered rows and its writer.
type part struct {
	key  layout.Partition
	name string // key.String()
	prov int32  // province_code dictionary id
	year int32
	buffer
	reports partReports // numbered as chunks are taken (Tx.take)

	// last is the size of the partition's previous chunk, which sizes the
	// next one's buffers.
	last chunkSize

	w     *fileWriter // the partition's temp file, nil until its first chunk is written
	plain bool        // w is a small file's, written without dictionaries (plainRows)
	ch    chan *chunk // to the partition's writer goroutine, nil until its first chunk

	// kept are chunks taken and not handed to the writer: a small file's
	// rows in a group commit wait for the group's seal, which writes them
	// with the group's other small files' rows into one shared file
	// (group.go). Should the file grow past plainRows, they are handed
	// over in order, first.
	kept []*chunk
}

// partitions finds a row's partition by province and year.
type partitions struct {
	byKey dense.Table[*part] // (province_code id, year - yearBase)
	list  []*part            // in order of first row
	last  *part              // the previous row's: rows of a report come together
}

func (ps *partitions) of(prov int32, year int32, province string, sizes *chunkSizes) *part {
	p := ps.last
	if p != nil && p.year == year && p.prov == prov {
		return p
	}
	p, _ = ps.byKey.Get(uint32(prov), uint32(year-yearBase))
	if p == nil {
		key := layout.Partition{Province: province, Year: int(year)}
		p = &part{key: key, name: key.String(), prov: prov, year: year, last: sizes.get(key.String())}
		ps.byKey.Set(uint32(prov), uint32(year-yearBase), p)
		ps.list = append(ps.list, p)
	}
	ps.last = p
	return p
}

// largest is the partition with the most rows buffered.
func (ps *partitions) largest() *part {
	var big *part
	for _, p := range ps.list {
		if big == nil || p.n > big.n {
			big = p
		}
	}
	return big
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

// row is what a record adds to its partition beyond the record itself.
type row struct {
	prov   provCodes
	unit   unitCodes
	period periodCodes
	ind    int32
	seq    int64
}

func (b *buffer) add(r *pipeline.Record, k *row, d *[nCols]*dict) {
	b.idx[cProvinceCode] = append(b.idx[cProvinceCode], k.prov.code)
	b.idx[cProvinceName] = append(b.idx[cProvinceName], k.prov.name)
	b.idx[cUnitCode] = append(b.idx[cUnitCode], k.unit.code)
	b.idx[cUnitName] = append(b.idx[cUnitName], k.unit.name)
	b.idx[cUnitLevel] = append(b.idx[cUnitLevel], k.unit.level)
	b.idx[cPeriod] = append(b.idx[cPeriod], k.period.code)
	b.idx[cPeriodType] = append(b.idx[cPeriodType], k.period.typ)
	b.idx[cIndicator] = append(b.idx[cIndicator], k.ind)
	b.idx[cDisaggregation] = append(b.idx[cDisaggregation], d[cDisaggregation].id(r.Disaggregation))
	b.idx[cQualifier] = append(b.idx[cQualifier], d[cQualifier].id(string(r.Qualifier)))
	b.idx[cOrigin] = append(b.idx[cOrigin], d[cOrigin].id(string(r.Origin)))
	b.start = append(b.start, k.period.start)
	b.end = append(b.end, k.period.end)
	b.value = append(b.value, r.Value)
	b.quote.add(r.Quote, r.Quote != "")
	b.idx[cNote] = append(b.idx[cNote], d[cNote].id(r.Note))
	b.ref.add(r.Ref, true)
	if b.n%8 == 0 {
		b.subOK = append(b.subOK, 0)
	}
	if r.SubmittedAt.IsZero() {
		b.sub = append(b.sub, 0)
		b.subNil++
	} else {
		b.sub = append(b.sub, arrow.Timestamp(r.SubmittedAt.UnixMicro()))
		b.subOK[b.n/8] |= 1 << (b.n % 8)
	}
	b.seq = append(b.seq, k.seq)
	b.n++
}

// chunkSize is the rows of a chunk and the average bytes of its strings.
type chunkSize struct{ rows, quote, ref int }

// chunkSizes remembers each partition's last chunk across the files of a
// Store, so the next file's buffers for it start at that size instead of
// growing from nothing. Safe for concurrent use.
type chunkSizes struct {
	mu sync.Mutex
	m  map[string]chunkSize
}

func (c *chunkSizes) get(name string) chunkSize {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[name]
}

func (c *chunkSizes) set(name string, s chunkSize) {
	c.mu.Lock()
	c.m[name] = s
	c.mu.Unlock()
}

// grow gives p empty buffers for its next chunk, sized on the last one
// (plus a quarter and 64 rows; for a partition's first chunk in a file,
// its last chunk in an earlier file) up to limit rows: a file spread over
// many partitions flushes them well before ChunkRows, and buffers sized for
// ChunkRows would mostly be allocated and cleared for nothing, while
// buffers too small are copied as they grow. (With 1024 rows more, each
// commune form of ~36 values had buffers for 1,069 rows, kept until its
// group's seal: 47 MB of the drop's 297 MB allocated.)
func (p *part) grow(last chunkSize, limit int) {
	n := min(limit, last.rows+last.rows/4+64)
	for _, c := range dictCols {
		if c != cSourceFile && c != cBatch && c != cReportID { // the report's: Tx.take
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

// chunk is the buffered rows of one partition, handed from the caller to
// the partition's writer goroutine, which turns them into one row group.
type chunk struct {
	year  int32
	at    arrow.Timestamp
	small bool            // the file had at most plainRows records when it was taken
	vals  [nCols][]string // the dictionaries as of the hand-over (only ever appended to)
	buffer
}

// take moves p's buffered rows into a chunk and empties p.
func (p *part) take(at arrow.Timestamp, d *[nCols]*dict) *chunk {
	n := p.n
	c := &chunk{year: p.year, at: at, buffer: p.buffer}
	for _, col := range dictCols {
		if col != cReportID {
			c.vals[col] = d[col].vals
		}
	}
	c.vals[cReportID] = p.reports.ids
	p.last = chunkSize{n, len(p.quote.data)/n + 1, len(p.ref.data)/n + 1}
	p.buffer = buffer{}
	return c
}

// record turns the chunk into a record batch. Each dictionary column gets
// a dictionary of the values this row group uses, so the Parquet writer
// hashes and stores only those rather than the whole transaction's; in a
// small file (plain, plainRows) the column is plain strings.
func (c *chunk) record(plain bool) arrow.RecordBatch {
	n := c.n
	cols := make([]arrow.Array, nCols)
	// zeros are the indices of a column of one value for the whole row
	// group, shared by those columns (compactDict writes them over with
	// zeros).
	zeros := make([]int32, n)
	for _, col := range dictCols {
		idx := c.idx[col]
		null := int32(-1)
		if col == cNote {
			null = noNote
		}
		if plain {
			cols[col] = plainStrings(idx, n, c.vals[col], null)
			continue
		}
		if col == cSourceFile || col == cBatch {
			idx = zeros
		}
		cols[col] = compactDict(idx, c.vals[col], null)
	}
	if plain {
		years := make([]int32, n)
		ingested := make([]arrow.Timestamp, n)
		for i := range years {
			years[i] = c.year
			ingested[i] = c.at
		}
		cols[cPeriodStart] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(c.start), nil, 0)
		cols[cPeriodEnd] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(c.end), nil, 0)
		cols[cYear] = int32Array(years)
		cols[cIngestedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(ingested), nil, 0)
	} else {
		// The period column's indices are now the row group's own
		// (compactDict), one per period it uses.
		periods := cols[cPeriod].(*array.Dictionary).Dictionary().Len()
		cols[cPeriodStart] = datesByKey(c.idx[cPeriod], periods, c.start)
		cols[cPeriodEnd] = datesByKey(c.idx[cPeriod], periods, c.end)
		cols[cYear] = dictArray(dictInt32, zeros, int32Array([]int32{c.year}))
		cols[cIngestedAt] = dictArray(dictTS, zeros, fixedArray(tsUTC, 1, arrow.TimestampTraits.CastToBytes([]arrow.Timestamp{c.at}), nil, 0))
	}
	cols[cValue] = fixedArray(arrow.PrimitiveTypes.Float64, n, arrow.Float64Traits.CastToBytes(c.value), nil, 0)
	cols[cQuote] = c.quote.array()
	cols[cSourceRef] = c.ref.array()
	cols[cSubmittedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(c.sub), c.subOK, c.subNil)
	cols[cSeq] = fixedArray(arrow.PrimitiveTypes.Int64, n, arrow.Int64Traits.CastToBytes(c.seq), nil, 0)
	schema := factsSchema
	if plain {
		schema = plainSchema
	}
	rec := array.NewRecordBatch(schema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

// plainRecord is the record of the chunks' rows, in order, as
// chunk.record(true) makes it of one chunk's: the columns built at once,
// not a record a chunk joined after.
func plainRecord(chunks []*chunk) arrow.RecordBatch {
	n := 0
	for _, c := range chunks {
		n += c.n
	}
	cols := make([]arrow.Array, nCols)
	for _, col := range dictCols {
		null := int32(-1)
		if col == cNote {
			null = noNote
		}
		var s strCol
		size := 0
		if v := chunks[0].vals[col]; len(v) > 0 {
			size = len(v[0])
		}
		s.reserve(n, size+1)
		for _, c := range chunks {
			s.addIDs(c.idx[col], c.n, c.vals[col], null)
		}
		cols[col] = s.array()
	}
	years := make([]int32, 0, n)
	ingested := make([]arrow.Timestamp, 0, n)
	start := make([]arrow.Date32, 0, n)
	end := make([]arrow.Date32, 0, n)
	value := make([]float64, 0, n)
	sub := make([]arrow.Timestamp, 0, n)
	seq := make([]int64, 0, n)
	subOK := make([]byte, (n+7)/8)
	var quote, ref strCol
	subNil, row := 0, 0
	for _, c := range chunks {
		for range c.n {
			years = append(years, c.year)
			ingested = append(ingested, c.at)
		}
		start, end, value = append(start, c.start...), append(end, c.end...), append(value, c.value...)
		sub, seq = append(sub, c.sub...), append(seq, c.seq...)
		quote.appendCol(&c.quote)
		ref.appendCol(&c.ref)
		for i := range c.n {
			if c.subOK[i/8]&(1<<(i%8)) != 0 {
				subOK[row/8] |= 1 << (row % 8)
			}
			row++
		}
		subNil += c.subNil
	}
	cols[cPeriodStart] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(start), nil, 0)
	cols[cPeriodEnd] = fixedArray(arrow.FixedWidthTypes.Date32, n, arrow.Date32Traits.CastToBytes(end), nil, 0)
	cols[cYear] = int32Array(years)
	cols[cIngestedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(ingested), nil, 0)
	cols[cValue] = fixedArray(arrow.PrimitiveTypes.Float64, n, arrow.Float64Traits.CastToBytes(value), nil, 0)
	cols[cQuote] = quote.array()
	cols[cSourceRef] = ref.array()
	cols[cSubmittedAt] = fixedArray(tsUTC, n, arrow.TimestampTraits.CastToBytes(sub), subOK, subNil)
	cols[cSeq] = fixedArray(arrow.PrimitiveTypes.Int64, n, arrow.Int64Traits.CastToBytes(seq), nil, 0)
	rec := array.NewRecordBatch(plainSchema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

// start gives p its writer goroutine, before its first chunk.
func (tx *Tx) start(p *part) {
	p.ch = make(chan *chunk, 2)
	tx.wg.Add(1)
	go tx.write(p, p.ch)
}

// write is the writer goroutine of one partition: row groups are built,
// encoded and compressed here, in parallel with the caller buffering the
// next ones.
func (tx *Tx) write(p *part, ch <-chan *chunk) {
	defer tx.wg.Done()
	failed := false
	for c := range ch {
		if !failed && !tx.aborted.Load() {
			if err := tx.writeChunk(p, c); err != nil {
				failed = true
				tx.fail(err)
			}
		}
		<-tx.s.sem
	}
	if p.w == nil {
		return
	}
	if err := p.w.close(tx.aborted.Load()); err != nil && !tx.aborted.Load() {
		tx.fail(fmt.Errorf("write facts %s of %s: %w", p.name, tx.b.SourceFile, err))
	}
}

// writeChunk writes c as a row group of p's temp file, which it opens for
// the first chunk: here rather than when the chunk is taken, so when Flush
// takes every partition's rows at once their files (each with a 1 MiB
// write buffer and an encoder) open one by one as their turn comes, while
// the rows written before them are let go, instead of all together on top
// of every row of the file.
func (tx *Tx) writeChunk(p *part, c *chunk) error {
	if p.w == nil {
		p.plain = c.small
		schema, props := factsSchema, tx.s.props
		if p.plain {
			schema, props = plainSchema, tx.s.plainProps
		}
		w, err := tx.s.newFactsWriter(tx.b.Hash+"."+strings.NewReplacer("=", "", "/", "-").Replace(p.name), c.n, schema, props, tx.s.arrProps)
		if err != nil {
			return fmt.Errorf("write facts of %s: %w", tx.b.SourceFile, err)
		}
		p.w = w
	}
	rec := c.record(p.plain)
	defer rec.Release()
	if err := p.w.write(rec); err != nil {
		p.w.err = fmt.Errorf("write facts %s of %s: %w", p.name, tx.b.SourceFile, err)
		return p.w.err
	}
	return nil
}
