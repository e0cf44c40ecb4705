package rowgroup

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var (
	dictStr  = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	dictDate = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.FixedWidthTypes.Date32}
	tsUTC    = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	dictTS   = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: tsUTC}
)

// testSchema has a column of every kind the store writes: dictionaries of
// strings with and without statistics, nullable or not, with and without
// nulls; dictionaries of dates and timestamps; plain strings, numbers and
// timestamps, nullable or not.
var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "unit", Type: dictStr},                       // statistics
	{Name: "level", Type: dictStr},                      // no statistics
	{Name: "note", Type: dictStr, Nullable: true},       // nulls
	{Name: "period", Type: dictStr, Nullable: true},     // nullable, no nulls
	{Name: "empty", Type: dictStr, Nullable: true},      // all null
	{Name: "twice", Type: dictStr},                      // a value twice in the dictionary
	{Name: "start", Type: dictDate},                     // a dictionary of dates
	{Name: "at", Type: dictTS},                          // a dictionary of timestamps
	{Name: "value", Type: arrow.PrimitiveTypes.Float64}, // plain values, hashed by the writer
	{Name: "ref", Type: arrow.BinaryTypes.String},
	{Name: "quote", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sub", Type: tsUTC, Nullable: true},
	{Name: "seq", Type: arrow.PrimitiveTypes.Int64},
}, nil)

func props() (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	return parquet.NewWriterProperties(
			parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithDictionaryDefault(true),
			parquet.WithStatsFor("level", false),
			parquet.WithDictionaryFor("seq", false),
			parquet.WithEncodingFor("seq", parquet.Encodings.DeltaBinaryPacked),
			parquet.WithMaxRowGroupLength(1000),
		),
		pqarrow.NewArrowWriterProperties()
}

func dictOf(t arrow.DataType, idx []int32, valid []bool, vals arrow.Array) arrow.Array {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(idx, valid)
	ia := b.NewArray()
	defer ia.Release()
	defer vals.Release()
	return array.NewDictionaryArray(t, ia, vals)
}

func strings(v ...string) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}

// batch is a row group of n rows, its values varying with k.
func batch(n, k int) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	idx := func(m int) []int32 {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32((i*7 + k) % m)
		}
		// every dictionary value used, as the package requires (n >= 3)
		for i := 0; i < m && i < n; i++ {
			s[i] = int32(i)
		}
		return s
	}
	some := make([]bool, n)
	none := make([]bool, n)
	for i := range some {
		some[i] = i%3 != 1
	}
	dates := array.NewDate32Builder(mem)
	dates.AppendValues([]arrow.Date32{arrow.Date32(19000 + k), 18000, arrow.Date32(20000 - k)}, nil)
	ats := array.NewTimestampBuilder(mem, tsUTC)
	ats.Append(arrow.Timestamp(1_700_000_000_000_000 + k))
	vals := array.NewFloat64Builder(mem)
	refs := array.NewStringBuilder(mem)
	quotes := array.NewStringBuilder(mem)
	subs := array.NewTimestampBuilder(mem, tsUTC)
	seqs := array.NewInt64Builder(mem)
	for i := range n {
		vals.Append(float64((i * k) % 17))
		refs.Append("dòng " + string(rune('a'+i%26)))
		if i%5 == 0 {
			quotes.AppendNull()
			subs.AppendNull()
		} else {
			quotes.Append("q")
			subs.Append(arrow.Timestamp(1_600_000_000_000_000 + int64(i%9)))
		}
		seqs.Append(int64(k*n + i))
	}
	cols := []arrow.Array{
		dictOf(dictStr, idx(3), nil, strings("xã A", "xã B", "huyện C")),
		dictOf(dictStr, idx(2), nil, strings("commune", "district")),
		dictOf(dictStr, idx(2), some, strings("ghi chú", "khác")),
		dictOf(dictStr, idx(2), nil, strings("2024-Q1", "2023")),
		dictOf(dictStr, make([]int32, n), none, strings()),
		dictOf(dictStr, idx(3), nil, strings("a", "b", "a")),
		dictOf(dictDate, idx(3), nil, dates.NewArray()),
		dictOf(dictTS, make([]int32, n), nil, ats.NewArray()),
		vals.NewArray(), refs.NewArray(), quotes.NewArray(), subs.NewArray(), seqs.NewArray(),
	}
	for _, b := range []interface{ Release() }{dates, ats, vals, refs, quotes, subs, seqs} {
		b.Release()
	}
	rec := array.NewRecordBatch(testSchema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// TestSameBytesAsPqarrow: a file written by a Writer is byte for byte the
// one pqarrow.FileWriter writes from the same batches, statistics
// included.
func TestSameBytesAsPqarrow(t *testing.T) {
	recs := []arrow.RecordBatch{batch(1000, 1), batch(37, 2), batch(3, 3)}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	p, ap := props()
	var want, got bytes.Buffer
	pw, err := pqarrow.NewFileWriter(testSchema, &want, p, ap)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(testSchema, &got, p, ap)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := pw.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("the Writer's %d bytes differ from pqarrow's %d", got.Len(), want.Len())
	}

	// And those bytes keep the statistics readers prune by.
	r, err := file.NewParquetReader(bytes.NewReader(got.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.NumRowGroups() != 3 {
		t.Fatalf("%d row groups, want 3", r.NumRowGroups())
	}
	cc, err := r.MetaData().RowGroup(0).ColumnChunk(0) // unit
	if err != nil {
		t.Fatal(err)
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		t.Fatalf("unit has no min/max: %v %v", st, err)
	}
	bs := st.(*metadata.ByteArrayStatistics)
	if string(bs.Min()) != "huyện C" || string(bs.Max()) != "xã B" {
		t.Errorf("unit min/max %q %q, want %q %q", bs.Min(), bs.Max(), "huyện C", "xã B")
	}
	cc, _ = r.MetaData().RowGroup(0).ColumnChunk(2) // note
	if st, _ := cc.Statistics(); st == nil || st.NullCount() != 333 {
		t.Errorf("note statistics %v, want 333 nulls", st)
	}
	cc, _ = r.MetaData().RowGroup(0).ColumnChunk(1) // level: none asked
	if st, _ := cc.Statistics(); st != nil && st.HasMinMax() {
		t.Errorf("level has statistics %v", st)
	}
}

// TestRowGroupTooLarge: a batch is one row group, never more.
func TestRowGroupTooLarge(t *testing.T) {
	rec := batch(1001, 1)
	defer rec.Release()
	p, ap := props()
	w, err := NewWriter(testSchema, &bytes.Buffer{}, p, ap)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err == nil {
		t.Fatal("a batch of 1001 rows with row groups of 1000 was written")
	}
}
