package warehouse_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

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

// TestOpeningIsOneTransaction: the opening makes the files table, the
// views over the committed facts and the setup models in one transaction
// (one commit, one fdatasync of the WAL, not three): when a setup model
// fails, none of them is left in the database.
func TestOpeningIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(5),
		Facts: []whtest.Fact{{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 3}}})
	ms := whtest.ModelsWith(t, fstest.MapFS{"090_fail.sql": {Data: []byte(`SELECT error('setup fails');`)}})
	if w, err := warehouse.Open(ctx, dir, warehouse.Options{Models: ms}); err == nil {
		w.Close()
		t.Fatal("opened with a setup model that fails")
	}
	w, err := warehouse.Open(ctx, dir, warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var left []string
	rows, err := w.DB().QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_name IN ('files', 'facts_raw', 'rejects', 'wh_setup') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		left = append(left, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("left by the failed opening: %v, want none", left)
	}
}
