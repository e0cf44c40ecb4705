package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/store"
)

// TestSmallFileCommitAllocatesLittle holds the memory a commune's form
// costs the store to what its rows need: 36 values of one commune and a
// half-year of 2026, committed in a group. Tables kept by the reference's
// numbers (a unit's index, a period's year) were sized by those numbers, and
// 365 forms allocated 185 MB in the store, a third of it for the years
// before the first.
func TestSmallFileCommitAllocatesLittle(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	var commune *pipeline.Unit
	for _, u := range ref.Units { // the reference's last commune: the highest index
		if u.Level == pipeline.LevelCommune {
			commune = u
		}
	}
	var prov *pipeline.Unit
	for _, p := range ref.Provinces() {
		if p.Code == commune.ProvinceCode {
			prov = p
		}
	}
	if commune == nil || prov == nil {
		t.Fatal("no commune in the reference")
	}
	recs := make([]pipeline.Record, 36)
	for i := range recs {
		recs[i] = pipeline.Record{Province: prov, Unit: commune, Period: pipeline.HalfPeriod(2026, 2),
			Indicator: ref.Indicators[i%len(ref.Indicators)], Disaggregation: fmt.Sprint("d", i/len(ref.Indicators)),
			Value: float64(i), Qualifier: pipeline.Exact, Origin: pipeline.FromForm, Ref: fmt.Sprint("B", i+8)}
	}
	s, err := store.Open(t.TempDir(), store.Options{Group: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const files = 20
	commitOne := func(i int) {
		w, err := s.Open(pipeline.Batch{Hash: hashOf(fmt.Sprint("form", i)), SourceFile: fmt.Sprintf("form-%d.xlsx", i), IngestedAt: submitted})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(recs); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	commitOne(-1) // the store's first file sizes its buffers from nothing
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range files {
		commitOne(i)
	}
	runtime.ReadMemStats(&after)
	per := (after.TotalAlloc - before.TotalAlloc) / files
	t.Logf("%d bytes allocated per file of %d records", per, len(recs))
	if per > 64<<10 {
		t.Errorf("a file of %d records allocated %d bytes in the store, want at most %d", len(recs), per, 64<<10)
	}
}
