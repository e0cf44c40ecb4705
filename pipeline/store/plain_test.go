package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/danvan/danvan/pipeline"
)

// plainRecord of a group's kept chunks holds the rows chunk.record(true)
// makes of each chunk, joined in order: nulls (quotes, notes, submission
// dates) where they were, each chunk's own year, stamp and dictionaries.
func TestPlainRecordOfChunks(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	provs := ref.Provinces()
	s, err := Open(t.TempDir(), Options{Group: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for f := range 7 {
		w, err := s.Open(pipeline.Batch{Hash: fmt.Sprintf("%064x", f+1), SourceFile: fmt.Sprintf("f%d.xlsx", f),
			IngestedAt: time.Date(2025, 3, 4, 5, 6, f, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		var recs []pipeline.Record
		for i := range 5 + 3*f { // 5 to 23 rows: chunks cut inside a byte of validity bits
			r := pipeline.Record{Province: provs[0], Unit: provs[0], Period: pipeline.YearPeriod(2024),
				Indicator: ref.Indicators[(f+i)%len(ref.Indicators)], Disaggregation: pipeline.Total,
				Value: float64(i) + 0.5, Qualifier: pipeline.Exact, Origin: pipeline.FromForm, Ref: fmt.Sprintf("dòng %d", i+2)}
			if (f+i)%3 == 0 {
				r.Quote = fmt.Sprintf("trích %d-%d", f, i)
			}
			if (f+i)%4 == 1 {
				r.Note = fmt.Sprintf("ghi chú %d", i%3)
			}
			if (f+i)%5 != 2 {
				r.SubmittedAt = time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC)
			}
			recs = append(recs, r)
		}
		if err := w.Add(recs); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var chunks []*chunk
	for _, w := range s.g.waiting {
		for _, k := range w.kept {
			chunks = append(chunks, k.chunks...)
		}
	}
	if len(chunks) != 7 {
		t.Fatalf("%d chunks kept, want 7", len(chunks))
	}
	// First: a chunk's record hands its quote and ref columns over.
	got := plainRecord(chunks)
	defer got.Release()
	var parts []arrow.RecordBatch
	for _, c := range chunks {
		parts = append(parts, c.record(true))
	}
	want := make([]arrow.Array, plainSchema.NumFields())
	for i := range want {
		cols := make([]arrow.Array, len(parts))
		for j, p := range parts {
			cols[j] = p.Column(i)
		}
		if want[i], err = array.Concatenate(cols, goAlloc); err != nil {
			t.Fatal(err)
		}
	}
	if got.NumRows() != int64(want[0].Len()) {
		t.Fatalf("%d rows, want %d", got.NumRows(), want[0].Len())
	}
	for i, a := range want {
		if !array.Equal(got.Column(i), a) {
			t.Errorf("column %s:\n got %v\nwant %v", plainSchema.Field(i).Name, got.Column(i), a)
		}
	}
	s.g = group{}
}
