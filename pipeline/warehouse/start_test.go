package warehouse_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// TestStartedWarehouse: a warehouse begun ahead of its use (Start, while
// the ingest runs) opens as Open does, the repair of a database file that
// is not one included, and one begun and never opened is closed by Close.
func TestStartedWarehouse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(5),
		Facts: []whtest.Fact{{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 3}}})
	d := layout.Dir(dir)
	if err := os.MkdirAll(filepath.Dir(d.DuckDB()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.DuckDB(), []byte("bytes of another program, not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := warehouse.Start(ctx, dir, warehouse.Options{})
	w, err := s.Open(ctx)
	if err != nil {
		t.Fatalf("open what was begun over a damaged file: %v", err)
	}
	if len(w.Rebuilt()) != 1 {
		t.Errorf("rebuilt %+v, want the damaged file moved aside once", w.Rebuilt())
	}
	if res := refresh(t, w); len(res.Tests) == 0 {
		t.Error("no data test ran")
	}
	if err := s.Close(); err != nil {
		t.Errorf("close after open: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Begun and never opened (the ingest failed): Close closes it, and the
	// next opening finds the database as it was.
	s = warehouse.Start(ctx, dir, warehouse.Options{})
	if err := s.Close(); err != nil {
		t.Fatalf("close what was begun: %v", err)
	}
	w = open(t, dir, warehouse.Options{})
	defer w.Close()
	if len(w.Rebuilt()) != 0 {
		t.Errorf("the database was damaged again: %+v", w.Rebuilt())
	}
}
