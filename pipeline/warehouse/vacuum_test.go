package warehouse_test

import (
	"fmt"
	"testing"

	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// TestCompactsOnlyWhenManyRowsDeleted: the checkpoint that closes the
// warehouse compacts the kept tables (DuckDB's vacuum) only once their
// deleted rows are a quarter of a table's rows; a refresh that rebuilt a
// small partition leaves its few deleted rows in place.
func TestCompactsOnlyWhenManyRowsDeleted(t *testing.T) {
	dir := t.TempDir()
	var big []whtest.Fact // partition (40, 2022): 60 values
	for _, u := range []string{"430", "431", "432", "436", "437"} {
		for m := 1; m <= 12; m++ {
			big = append(big, whtest.Fact{Unit: u, Period: fmt.Sprintf("2022-%02d", m), Indicator: "dialogues", Value: float64(m)})
		}
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: append(big,
		whtest.Fact{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10})})
	w := open(t, dir, warehouse.Options{})
	vacuum := func(when, want string) {
		t.Helper()
		if got := one(t, w, `SELECT current_setting('max_vacuum_tasks')`); got != want {
			t.Errorf("%s: max_vacuum_tasks %s, want %s", when, got, want)
		}
	}
	refresh(t, w)
	vacuum("full refresh (nothing deleted)", "0")

	// One value of the small partition (38, 2023): its rows, a few of each
	// table, are deleted and written again.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 12}}})
	if res := refresh(t, w); res.Mode != "incremental" || res.Partitions != 1 {
		t.Fatalf("small partition: %+v", res)
	}
	vacuum("a small partition rebuilt", "0")

	// The large partition: most rows of int_unit_period are deleted.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "c.csv", IngestedAt: day(3), Facts: []whtest.Fact{
		{Unit: "436", Period: "2022-01", Indicator: "dialogues", Value: 5}}})
	if res := refresh(t, w); res.Mode != "incremental" || res.Partitions != 1 {
		t.Fatalf("large partition: %+v", res)
	}
	vacuum("most rows of a table rebuilt", "100")
}
