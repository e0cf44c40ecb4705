// Package rowgroup writes Arrow record batches into a Parquet file, one
// row group each, as arrow-go's pqarrow.FileWriter.Write does and with the
// same bytes, but for how a dictionary column's statistics are found.
//
// pqarrow (v18.8.0, writeDictionaryArrow) takes the min and max of a
// dictionary column chunk over the values its indices use, found by a
// compute.UniqueArray pass (a hash of every index) unless the dictionary is
// the very array it was given before for the same chunk, which never
// happens when each row group is one Write. A Writer is given dictionaries
// that hold exactly the values their indices use (the store's are made per
// row group that way), so it takes the statistics from the dictionary
// itself: the same min, max and counts without the pass. That pass was
// ~3 % of the CPU of the ingest of a 2M-row bench file (docs/performance.md,
// ingest, eleventh stop).
package rowgroup

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Writer writes record batches of one flat schema (no lists, structs or
// maps) as row groups of a Parquet file.
//
// Every dictionary array written must hold in its dictionary only values
// its indices use, each once, none null; a column written from one that
// holds more keeps statistics that are too wide (still true of the chunk,
// only less useful for skipping it).
type Writer struct {
	fw     *file.Writer
	schema *arrow.Schema
	props  *parquet.WriterProperties
	ctx    context.Context
	def    []int16 // a nullable column's definition levels, reused: arrow-go copies them into its page
}

// NewWriter starts a Parquet file of schema on w, as pqarrow.NewFileWriter
// does.
func NewWriter(schema *arrow.Schema, w io.Writer, props *parquet.WriterProperties, ap pqarrow.ArrowWriterProperties) (*Writer, error) {
	for _, f := range schema.Fields() {
		if _, nested := f.Type.(arrow.NestedType); nested {
			return nil, fmt.Errorf("rowgroup: column %s is nested", f.Name)
		}
	}
	pq, err := pqarrow.ToParquet(schema, props, ap)
	if err != nil {
		return nil, err
	}
	meta := make(metadata.KeyValueMetadata, 0)
	for i := range schema.Metadata().Len() {
		meta.Append(schema.Metadata().Keys()[i], schema.Metadata().Values()[i])
	}
	fw, err := file.NewParquetWriterWithError(w, pq.Root(), file.WithWriterProps(props), file.WithWriteMetadata(meta))
	if err != nil {
		return nil, err
	}
	return &Writer{fw: fw, schema: schema, props: props, ctx: pqarrow.NewArrowWriteContext(context.Background(), &ap)}, nil
}

// Write writes rec as one row group; it may have at most the properties'
// MaxRowGroupLength rows.
func (w *Writer) Write(rec arrow.RecordBatch) error {
	if !rec.Schema().Equal(w.schema) {
		return fmt.Errorf("rowgroup: record schema %s is not the writer's %s", rec.Schema(), w.schema)
	}
	if rec.NumRows() > w.props.MaxRowGroupLength() {
		return fmt.Errorf("rowgroup: %d rows, more than a row group's %d", rec.NumRows(), w.props.MaxRowGroupLength())
	}
	rgw, err := w.fw.AppendRowGroupChecked()
	if err != nil {
		return err
	}
	for i, col := range rec.Columns() {
		cw, err := rgw.NextColumn()
		if err != nil {
			return err
		}
		if col.Len() == 0 {
			continue
		}
		if err := w.column(cw, col, w.schema.Field(i).Nullable); err != nil {
			return fmt.Errorf("rowgroup: column %s: %w", w.schema.Field(i).Name, err)
		}
	}
	return rgw.Close()
}

// Close writes the footer; the underlying writer is closed too if it is an
// io.Closer, as pqarrow's does.
func (w *Writer) Close() error { return w.fw.Close() }

// column writes one column chunk, with the definition levels pqarrow's
// path builder gives a flat column: none for a required column; for a
// nullable one 1 for a value and 0 for a null, the leaf counted nullable
// only when it has nulls.
func (w *Writer) column(cw file.ColumnChunkWriter, col arrow.Array, nullable bool) error {
	var def []int16
	leafNullable := false
	if nullable {
		if cap(w.def) < col.Len() {
			w.def = make([]int16, col.Len())
		}
		def = w.def[:col.Len()]
		clear(def)
		switch nulls := col.NullN(); {
		case nulls == 0:
			for i := range def {
				def[i] = 1
			}
		case nulls == col.Len():
			leafNullable = true
		default:
			leafNullable = true
			for i := range def {
				if col.IsValid(i) {
					def[i] = 1
				}
			}
		}
	}
	if d, ok := col.(*array.Dictionary); ok {
		if done, err := writeDict(cw, d, def, leafNullable); done || err != nil {
			return err
		}
	}
	return pqarrow.WriteArrowToColumn(w.ctx, cw, col, def, nil, leafNullable)
}

// dictEncoder is the part of arrow-go's dictionary encoders (an internal
// package's interface) that writeDict uses.
type dictEncoder interface {
	Encoding() parquet.Encoding
	PreservedDictionary() arrow.Array
	NormalizeDict(arrow.Array) (arrow.Array, error)
	PutDictionary(arrow.Array) error
	NumEntries() int
}

// writeDict is pqarrow's writeDictionaryArrow for the first write of a
// column chunk, with the statistics taken from the dictionary (the
// package's premise); done is false when the column is not one it applies
// to (no statistics, no dictionary encoding), for pqarrow to write.
func writeDict(cw file.ColumnChunkWriter, d *array.Dictionary, def []int16, leafNullable bool) (done bool, err error) {
	stats := cw.PageStatistics()
	enc, ok := cw.CurrentEncoder().(dictEncoder)
	if stats == nil || !ok || enc.Encoding() != parquet.Encodings.PlainDict || enc.PreservedDictionary() != nil {
		return false, nil
	}
	vt := d.DataType().(*arrow.DictionaryType).ValueType
	if !arrow.IsPrimitive(vt.ID()) && !arrow.IsBaseBinary(vt.ID()) {
		return false, nil
	}
	if d.Dictionary().NullN() > 0 {
		return true, fmt.Errorf("%w: a null in the dictionary", arrow.ErrNotImplemented)
	}
	// As pqarrow.WriteArrowToColumn does before writing.
	lvl := cw.LevelInfo()
	single := lvl.DefLevel == lvl.RepeatedAncestorDefLevel+1 && leafNullable
	if lvl.HasNullableValues() && !single && !cw.HasBitsBuffer() {
		buf := memory.NewResizableBuffer(cw.Properties().Allocator())
		buf.Resize(int(bitutil.BytesForBits(cw.Properties().WriteBatchSize())))
		cw.SetBitsBuffer(buf)
	}
	dict, err := enc.NormalizeDict(d.Dictionary())
	if err != nil {
		return true, err
	}
	defer dict.Release()
	if err := enc.PutDictionary(dict); err != nil {
		return true, err
	}
	if enc.NumEntries() != dict.Len() {
		// A value twice in the dictionary: pqarrow goes on in plain
		// values, and so does the caller, through it.
		cw.FallbackToPlain()
		return false, nil
	}
	idx := d.Indices()
	nonNull := idx.Len() - idx.NullN()
	stats.IncNulls(int64(max(len(def)-nonNull, 0)))
	stats.IncNumValues(int64(nonNull))
	if err := stats.UpdateFromArrow(dict, false); err != nil {
		return true, err
	}
	return true, cw.WriteDictIndices(idx, def, nil)
}
