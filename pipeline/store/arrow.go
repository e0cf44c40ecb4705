package store

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/danvan/danvan/pipeline/layout"
)

// The facts columns, by their place in layout.FactColumns.
const (
	cProvinceCode   = layout.FactProvinceCode
	cProvinceName   = layout.FactProvinceName
	cUnitCode       = layout.FactUnitCode
	cUnitName       = layout.FactUnitName
	cUnitLevel      = layout.FactUnitLevel
	cPeriod         = layout.FactPeriod
	cPeriodType     = layout.FactPeriodType
	cPeriodStart    = layout.FactPeriodStart
	cPeriodEnd      = layout.FactPeriodEnd
	cYear           = layout.FactYear
	cIndicator      = layout.FactIndicator
	cDisaggregation = layout.FactDisaggregation
	cValue          = layout.FactValue
	cQualifier      = layout.FactQualifier
	cOrigin         = layout.FactOrigin
	cQuote          = layout.FactQuote
	cNote           = layout.FactNote
	cReportID       = layout.FactReportID
	cSourceFile     = layout.FactSourceFile
	cSourceRef      = layout.FactSourceRef
	cSubmittedAt    = layout.FactSubmittedAt
	cIngestedAt     = layout.FactIngestedAt
	cBatch          = layout.FactBatch
	cSeq            = layout.FactSeq
	nCols           = layout.NumFactColumns
)

var (
	dictString = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	tsUTC      = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	dictDate   = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.FixedWidthTypes.Date32}
	dictInt32  = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Int32}
	dictTS     = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: tsUTC}

	// factsSchema writes low-cardinality strings as Arrow dictionaries: the
	// Parquet writer puts each dictionary once and then only the indices,
	// instead of hashing every string again. Readers see plain strings.
	// quote and source_ref are (nearly) unique per row, so plain strings.
	// The period's start and end, the year and the ingestion time follow
	// from a row group's periods, partition and file: given as
	// dictionaries (chunk.record), they spare arrow-go hashing every row's
	// value into the dictionary it writes anyway; the bytes are the same.
	factsSchema = arrowSchema(layout.FactColumns[:], map[int]arrow.DataType{
		cQuote: arrow.BinaryTypes.String, cSourceRef: arrow.BinaryTypes.String,
		cPeriodStart: dictDate, cPeriodEnd: dictDate, cYear: dictInt32, cIngestedAt: dictTS,
	}, dictString)

	// plainSchema writes every string plainly: the schema of a small
	// facts file (plainRows).
	plainSchema = arrowSchema(layout.FactColumns[:], nil, arrow.BinaryTypes.String)

	rejectsSchema = arrowSchema(layout.RejectColumns, nil, arrow.BinaryTypes.String)
)

// plainRows is the most records a file may have had when a partition's
// first row group is taken for that partition's facts file to be written
// without dictionaries (plainSchema, props of writerProps with plain set;
// ingest takes the rows of a file read whole after its last record, so
// the file is that small): a commune's form is one row group of a few
// dozen rows, where each of the 15 dictionary columns cost a dictionary
// page beside its data page (two pages to build, compress and describe
// in the footer instead of one), and the dictionary's hash table, for
// values that mostly occur once. The 365 forms of a half-year's drop:
// ingest CPU 0.90x, measured in the commit that set it (docs/performance.md).
// A partition of a large file starts with a row group of thousands and
// keeps its dictionaries. The bytes change, not what they hold: a reader
// sees the same strings either way.
const plainRows = 1024

// arrowSchema gives the columns their Arrow types: strings as str unless
// override says otherwise.
func arrowSchema(cols []layout.Column, override map[int]arrow.DataType, str arrow.DataType) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		t, ok := override[i]
		if !ok {
			switch c.Type {
			case "VARCHAR":
				t = str
			case "DATE":
				t = arrow.FixedWidthTypes.Date32
			case "INTEGER":
				t = arrow.PrimitiveTypes.Int32
			case "BIGINT":
				t = arrow.PrimitiveTypes.Int64
			case "DOUBLE":
				t = arrow.PrimitiveTypes.Float64
			case "TIMESTAMP":
				t = tsUTC
			default:
				panic("store: no Arrow type for column " + c.Name + " " + c.Type)
			}
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable}
	}
	return arrow.NewSchema(fields, nil)
}

// writerProps are the Parquet writer's properties for facts files with
// row groups of up to chunk rows, and for the rejects; plain: for a small
// facts file (plainRows), written without dictionaries and with LZ4.
func writerProps(chunk int, plain bool) (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		// Level 1: the dictionaries already did most of the work; a
		// higher level costs a second of a 10M-row ingest for a few
		// percent of size.
		parquet.WithCompressionLevel(1),
		parquet.WithDictionaryDefault(true),
		// seq and source_ref are (nearly) unique per row: a dictionary
		// would only cost time and fall back to plain anyway.
		parquet.WithDictionaryFor(layout.FactColumns[cSeq].Name, false),
		parquet.WithDictionaryFor(layout.FactColumns[cSourceRef].Name, false),
		// Without a dictionary they were plain values, the bulk of what
		// zstd compressed: 8 bytes of seq and ~16 of "dòng 1234567" a
		// row, 70 % of a facts file's bytes before compression. seq only
		// grows within a file, and a ref mostly shares its start with the
		// row's before: delta encodings write them in ~1 and ~3 bytes and
		// leave zstd a tenth of the bytes (a 2M-row file of the bench:
		// 22.4 MB to 19.1 MB of Parquet, less CPU).
		parquet.WithEncodingFor(layout.FactColumns[cSeq].Name, parquet.Encodings.DeltaBinaryPacked),
		parquet.WithEncodingFor(layout.FactColumns[cSourceRef].Name, parquet.Encodings.DeltaByteArray),
		parquet.WithMaxRowGroupLength(int64(chunk)),
		// Same rows, same bytes. A column chunk whose dictionary passes
		// this limit after its first data page was cut goes on in plain
		// values, and arrow-go (v18.8.0, metadata.ColumnChunkMetaDataBuilder.Finish)
		// lists that chunk's two data encodings in the footer in Go's map
		// order: the rejects of 200,000 unknown units (a different name on
		// each row) differed in 10 footer bytes between two runs. With the
		// limit above what a row group's distinct texts can reach (a file
		// is at most Limits.FileBytes, 512 MiB by default), every chunk
		// keeps one encoding. The dictionary then holds a row group's
		// distinct texts once more (a few MB for 64Ki rows of messages);
		// only files that passed the old 1 MiB limit change (the rejects
		// of many different unknown names: a dictionary page instead of
		// plain pages). The facts' dictionary columns are written from
		// Arrow dictionaries, which this limit never switched.
		parquet.WithDictionaryPageSizeLimit(1 << 30),
	}
	// Min/max of a dictionary column costs a hash pass over its indices
	// per row group; keep them where queries filter (unit, period,
	// indicator, report) and drop them on the rest. Partition keys are in
	// the path.
	for _, c := range []int{cProvinceCode, cProvinceName, cUnitName, cUnitLevel, cPeriodType,
		cDisaggregation, cQualifier, cOrigin, cNote, cSourceFile, cBatch} {
		opts = append(opts, parquet.WithStatsFor(factsSchema.Field(c).Name, false))
	}
	if plain {
		// LZ4 (raw blocks) instead of zstd: a small file's pages are a
		// few KB, and zstd's first use in a process takes its encoder's
		// tables and output buffers in fresh memory (a page fault each
		// 4 KiB): ~500 of the ~4,700 page faults of the ingest of the
		// 27-sheet workbook, for 7.4 KB of Parquet where LZ4 writes 10.8
		// (docs/performance.md, ninth stop). Every reader of the store
		// (DuckDB, arrow-go) reads LZ4_RAW.
		opts = append(opts, parquet.WithDictionaryDefault(false), parquet.WithCompression(compress.Codecs.Lz4Raw))
	}
	opts = append(opts, parquet.WithAllocator(pool))
	return parquet.NewWriterProperties(opts...), pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(pool))
}

// dictCols are the columns written as Arrow dictionaries.
var dictCols = []int{cProvinceCode, cProvinceName, cUnitCode, cUnitName, cUnitLevel, cPeriod, cPeriodType,
	cIndicator, cDisaggregation, cQualifier, cOrigin, cNote, cReportID, cSourceFile, cBatch}

// dict assigns indices to the distinct strings of one column across a
// transaction. The last value is remembered because rows of a report come
// together, so most lookups skip the map.
type dict struct {
	m     map[string]int32
	vals  []string
	last  string
	lastI int32
}

func newDict() *dict { return &dict{m: map[string]int32{}, lastI: -1} }

func (d *dict) id(s string) int32 {
	if d.lastI >= 0 && s == d.last {
		return d.lastI
	}
	i, ok := d.m[s]
	if !ok {
		i = int32(len(d.vals))
		d.vals = append(d.vals, s)
		d.m[s] = i
	}
	d.last, d.lastI = s, i
	return i
}

// strCol accumulates a String column directly into Arrow's buffers.
type strCol struct {
	offsets []int32
	data    []byte
	valid   []byte
	nulls   int
	n       int
}

// reserve sizes c for n strings of about avg bytes.
func (c *strCol) reserve(n, avg int) {
	c.offsets = append(make([]int32, 0, n+1), 0)
	c.data = make([]byte, 0, n*avg)
	c.valid = make([]byte, 0, n/8+1)
}

func (c *strCol) add(s string, ok bool) {
	if c.offsets == nil {
		c.offsets = append(make([]int32, 0, 1024), 0)
	}
	if c.n%8 == 0 {
		c.valid = append(c.valid, 0)
	}
	if ok {
		c.valid[c.n/8] |= 1 << (c.n % 8)
		c.data = append(c.data, s...)
	} else {
		c.nulls++
	}
	c.offsets = append(c.offsets, int32(len(c.data)))
	c.n++
}

// appendCol adds o's strings, nulls kept, after c's.
func (c *strCol) appendCol(o *strCol) {
	if c.offsets == nil {
		c.offsets = append(make([]int32, 0, 1024), 0)
	}
	base := int32(len(c.data))
	c.data = append(c.data, o.data...)
	for i := range o.n {
		if c.n%8 == 0 {
			c.valid = append(c.valid, 0)
		}
		if o.nulls == 0 || o.valid[i/8]&(1<<(i%8)) != 0 {
			c.valid[c.n/8] |= 1 << (c.n % 8)
		} else {
			c.nulls++
		}
		c.offsets = append(c.offsets, base+o.offsets[i+1])
		c.n++
	}
}

// array hands the buffers to a new String array and resets c.
func (c *strCol) array() arrow.Array {
	if c.offsets == nil {
		c.offsets = []int32{0}
	}
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = memory.NewBufferBytes(c.valid)
	}
	data := array.NewData(arrow.BinaryTypes.String, c.n, []*memory.Buffer{
		valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)), memory.NewBufferBytes(c.data),
	}, nil, c.nulls, 0)
	defer data.Release()
	*c = strCol{}
	return array.MakeFromData(data)
}

func fixedArray(t arrow.DataType, n int, values []byte, valid []byte, nulls int) arrow.Array {
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	data := array.NewData(t, n, []*memory.Buffer{vb, memory.NewBufferBytes(values)}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func int32Array(s []int32) arrow.Array {
	return fixedArray(arrow.PrimitiveTypes.Int32, len(s), arrow.Int32Traits.CastToBytes(s), nil, 0)
}

// remapPool holds scratch tables from global dictionary ids to row-group
// ids, all -1 between uses.
var remapPool = sync.Pool{New: func() any { return new([]int32) }}

// compactDict rewrites indices (ids into vals) in place to ids into a
// dictionary of only the values they use, in order of first use, and
// returns the dictionary array. Id null, if not -1, is written as null.
func compactDict(indices []int32, vals []string, null int32) arrow.Array {
	sp := remapPool.Get().(*[]int32)
	m := *sp
	for len(m) < len(vals) {
		m = append(m, -1)
	}
	var used []int32
	var valid []byte
	nulls := 0
	if null >= 0 {
		valid = make([]byte, len(indices)/8+1)
	}
	for i, g := range indices {
		if g == null {
			indices[i] = 0
			nulls++
			continue
		}
		if valid != nil {
			valid[i/8] |= 1 << (i % 8)
		}
		l := m[g]
		if l < 0 {
			l = int32(len(used))
			m[g] = l
			used = append(used, g)
		}
		indices[i] = l
	}
	var c strCol
	size := 0
	for _, g := range used {
		size += len(vals[g])
	}
	c.reserve(len(used), size/max(len(used), 1)+1)
	for _, g := range used {
		c.add(vals[g], true)
		m[g] = -1
	}
	*sp = m
	remapPool.Put(sp)
	idx := fixedArray(arrow.PrimitiveTypes.Int32, len(indices), arrow.Int32Traits.CastToBytes(indices), valid, nulls)
	defer idx.Release()
	dv := c.array()
	defer dv.Release()
	return array.NewDictionaryArray(dictString, idx, dv)
}

// datesByKey is dates as a dictionary array of the dates in order of
// first use, the dictionary arrow-go makes of them by hashing each, found
// by key instead: the row-group ids (0 to nkey-1) of a compacted
// dictionary column whose every value has one date (a period's start or
// end). Should a key come with two dates, the rows from there on are
// looked up by their date.
func datesByKey(key []int32, nkey int, dates []arrow.Date32) arrow.Array {
	of := make([]int32, nkey) // a key's date's id, +1
	var d dateDict
	idx := make([]int32, len(dates))
	for i, k := range key {
		if of[k] == 0 {
			of[k] = d.id(dates[i]) + 1
		}
		if id := of[k] - 1; d.vals[id] == dates[i] {
			idx[i] = id
			continue
		}
		for j := i; j < len(dates); j++ {
			idx[j] = d.id(dates[j])
		}
		break
	}
	return dictArray(dictDate, idx, fixedArray(arrow.FixedWidthTypes.Date32, len(d.vals), arrow.Date32Traits.CastToBytes(d.vals), nil, 0))
}

// dateDict numbers dates in order of first use.
type dateDict struct {
	ids  map[arrow.Date32]int32
	vals []arrow.Date32
}

func (d *dateDict) id(v arrow.Date32) int32 {
	if d.ids == nil {
		d.ids = map[arrow.Date32]int32{}
	}
	id, ok := d.ids[v]
	if !ok {
		id = int32(len(d.vals))
		d.vals = append(d.vals, v)
		d.ids[v] = id
	}
	return id
}

// dictArray is indices into dict as a dictionary array of type t; it
// takes over dict.
func dictArray(t *arrow.DictionaryType, indices []int32, dict arrow.Array) arrow.Array {
	idx := int32Array(indices)
	defer idx.Release()
	defer dict.Release()
	return array.NewDictionaryArray(t, idx, dict)
}

// plainStrings is the strings indices name (ids into vals) as a plain
// String array, for a small file (plainRows). Id null, if not -1, is
// written as null; nil indices name vals[0] n times (a column of one value
// for the whole file: source_file, batch).
func plainStrings(indices []int32, n int, vals []string, null int32) arrow.Array {
	var c strCol
	size := 0
	if len(vals) > 0 {
		size = len(vals[0])
	}
	c.reserve(n, size+1)
	c.addIDs(indices, n, vals, null)
	return c.array()
}

// addIDs adds the n strings indices name, as plainStrings reads them.
func (c *strCol) addIDs(indices []int32, n int, vals []string, null int32) {
	for i := 0; i < n; i++ {
		g := int32(0)
		if indices != nil {
			g = indices[i]
		}
		if g == null {
			c.add("", false)
			continue
		}
		c.add(vals[g], true)
	}
}
