package store

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/danvan/danvan/pipeline"
)

// A chunk Flush handed over is the writer's alone: once written it is
// garbage, while later chunks still wait for their turn. (Holding every
// chunk until the last was handed over kept a whole file's rows in memory
// through its encoding: 80 MB more peak RSS on the bench's files.)
func TestFlushLetsWrittenChunksGo(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	prov := ref.Provinces()[0]
	ind := ref.Indicators[0]
	// Writers: 1, so the second chunk is handed over only after the
	// first one was written and its writer let go of it.
	s, err := Open(t.TempDir(), Options{ChunkRows: 1024, MaxBufferedRows: 1 << 20, Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Open(pipeline.Batch{Hash: "0123456789abcdef0123456789abcdef",
		SourceFile: "f.csv", IngestedAt: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	tx := w.(*Tx)
	defer tx.Rollback()
	var recs []pipeline.Record
	for year := 2020; year < 2023; year++ { // three partitions
		for i := range 100 {
			recs = append(recs, pipeline.Record{Province: prov, Unit: prov, Period: pipeline.YearPeriod(year), Indicator: ind,
				Disaggregation: pipeline.Total, Value: float64(i), Qualifier: pipeline.Exact, Origin: pipeline.FromForm, Ref: "dòng 2"})
		}
	}
	if err := tx.Add(recs); err != nil {
		t.Fatal(err)
	}
	if len(tx.parts.list) != 3 {
		t.Fatalf("%d partitions, want 3", len(tx.parts.list))
	}
	first := weak.Make(&tx.parts.list[0].value[0])

	reached, resume := make(chan struct{}), make(chan struct{})
	testHookHandedOver = func(i int) {
		if i == 1 {
			close(reached)
			<-resume
		}
	}
	t.Cleanup(func() { testHookHandedOver = nil })
	if err := tx.Flush(); err != nil {
		t.Fatal(err)
	}
	<-reached
	runtime.GC()
	runtime.GC()
	kept := first.Value() != nil
	close(resume)
	if kept {
		t.Errorf("the first partition's rows are still in memory after they were written, while Flush hands over the rest")
	}
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}
