package store

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// rejects buffers a file's refused rows and writes them, ChunkRows at a
// time, to one Parquet temp file. Used by its Tx's caller goroutine only.
type rejects struct {
	rows  []pipeline.RowError
	count int64
	w     *fileWriter // nil until the first rows are written
}

// add appends errs, writing a row group each time ChunkRows are buffered.
func (tx *Tx) reject(errs []pipeline.RowError) error {
	r := &tx.rej
	chunk := tx.s.opts.ChunkRows
	for len(errs) > 0 {
		room := min(chunk-len(r.rows), len(errs))
		r.rows = append(r.rows, errs[:room]...)
		errs = errs[room:]
		r.count += int64(room)
		if len(r.rows) >= chunk {
			if err := tx.flushRejects(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushRejects writes the buffered refused rows as one row group.
func (tx *Tx) flushRejects() error {
	r := &tx.rej
	if len(r.rows) == 0 {
		return nil
	}
	if r.w == nil {
		w, err := tx.s.newFileWriter(tx.b.Hash+".rejects", len(r.rows), rejectsSchema, tx.s.props, tx.s.arrProps)
		if err != nil {
			return fmt.Errorf("write rejects of %s: %w", tx.b.SourceFile, err)
		}
		r.w = w
	}
	var c [8]strCol
	var whose [3]strCol // province_code, unit_code, unit: after ingested_at
	ts := make([]arrow.Timestamp, len(r.rows))
	for i, e := range r.rows {
		whose[0].add(e.ProvinceCode, e.ProvinceCode != "")
		whose[1].add(e.UnitCode, e.UnitCode != "")
		whose[2].add(e.Unit, e.Unit != "")
		c[0].add(tx.b.SourceFile, true)
		c[1].add(e.Ref, true)
		c[2].add(e.Column, true)
		c[3].add(e.Value, true)
		c[4].add(e.Code, true)
		c[5].add(e.Reason, true)
		c[6].add(e.ReasonEN, true)
		c[7].add(tx.b.Hash, true)
		ts[i] = tx.atTS
	}
	cols := make([]arrow.Array, 0, len(layout.RejectColumns))
	for i := range c {
		cols = append(cols, c[i].array())
	}
	cols = append(cols, fixedArray(tsUTC, len(ts), arrow.TimestampTraits.CastToBytes(ts), nil, 0))
	for i := range whose {
		cols = append(cols, whose[i].array())
	}
	rec := array.NewRecordBatch(rejectsSchema, cols, int64(len(ts)))
	for _, a := range cols {
		a.Release()
	}
	defer rec.Release()
	r.rows = r.rows[:0]
	if err := r.w.fw.Write(rec); err != nil {
		r.w.err = err
		return fmt.Errorf("write rejects of %s: %w", tx.b.SourceFile, err)
	}
	return nil
}
