package warehouse_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// TestSharedFactsFiles: facts committed in shared files (a group commit of
// small files, layout.SharedFactFile) give the marts and facts that the
// same files committed one by one give; a shared file's rows count only
// for the batches whose records list it, so a file committed again in a
// later group, whose rows its first group's file still holds, counts once;
// and a damaged shared file is the damage of every batch that lists it,
// named before anything is read.
func TestSharedFactsFiles(t *testing.T) {
	a := whtest.Batch{SourceFile: "a.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20},
		{Unit: "380", Period: "2023", Indicator: "contests", Value: 3}}}
	b := whtest.Batch{SourceFile: "b.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 7},
		{Unit: "401", Period: "2022", Indicator: "dialogues", Value: 9}}}
	// c supersedes one of b's values: appending c, the reports recount b's.
	c := whtest.Batch{SourceFile: "c.xlsx", IngestedAt: day(6), Facts: []whtest.Fact{
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 11},
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 8}}}
	marts := `SELECT province_code, year, indicator, value FROM mart_province_year ORDER BY ALL`
	reports := `SELECT * EXCLUDE (report_id) FROM int_reports ORDER BY ALL`

	alone := t.TempDir()
	for _, x := range []whtest.Batch{a, b, c} {
		whtest.Write(t, alone, x)
	}
	w := open(t, alone, warehouse.Options{})
	refresh(t, w)
	wantMarts, wantReports := rows(t, w, marts), rows(t, w, reports)
	w.Close()

	dir := t.TempDir()
	whtest.WriteShared(t, dir, a, b)
	first, _ := filepath.Glob(filepath.Join(dir, "warehouse", "facts", "*", "*", "*.parquet"))
	if len(first) != 2 {
		t.Fatalf("shared files: %v, want one for each of the two partitions", first)
	}
	w = open(t, dir, warehouse.Options{})
	defer w.Close()
	refresh(t, w)
	// b again, in a later group with c: its rows are in both groups'
	// files of province 38, 2023, and its record lists the later one. The
	// refresh appends c there (b was read before).
	whtest.WriteShared(t, dir, b, c)
	if res := refresh(t, w); res.Mode != warehouse.Incremental {
		t.Errorf("refresh after the second group: %v, want incremental", res.Mode)
	}
	if got := rows(t, w, `SELECT count(*) FROM facts_raw`); got[0] != "6" {
		t.Errorf("facts_raw has %s rows, want 6 (a 2, b 2, c 2)", got[0])
	}
	if got := rows(t, w, marts); !reflect.DeepEqual(got, wantMarts) {
		t.Errorf("marts over shared files:\n%v\nwant, as committed one by one:\n%v", got, wantMarts)
	}
	if got := rows(t, w, reports); !reflect.DeepEqual(got, wantReports) {
		t.Errorf("reports over shared files:\n%v\nwant, as committed one by one:\n%v", got, wantReports)
	}

	// The file of b and c in province 38, 2023 is damaged: both are named.
	e, err := layout.ReadEntry(layout.Dir(dir).ManifestFile(c.Hash()))
	if err != nil || len(e.Files) != 1 {
		t.Fatalf("c's record: %+v %v", e, err)
	}
	victim := layout.Dir(dir).Abs(e.Files[0].Path)
	fi, _ := os.Stat(victim)
	os.Truncate(victim, fi.Size()-10)
	whtest.Write(t, dir, whtest.Batch{SourceFile: "d.csv", IngestedAt: day(7), Facts: []whtest.Fact{
		{Unit: "383", Period: "2023", Indicator: "dialogues", Value: 1}}})
	_, err = w.Refresh(ctx)
	var dmg *pipeline.DamagedError
	if !errors.As(err, &dmg) {
		t.Fatalf("refresh over a truncated shared file: %v, want a DamagedError", err)
	}
	var named []string
	for _, f := range dmg.Files {
		if f.Path != e.Files[0].Path {
			t.Errorf("damage named %s, want %s", f.Path, e.Files[0].Path)
		}
		named = append(named, f.SourceFile)
	}
	sort.Strings(named)
	if !reflect.DeepEqual(named, []string{"b.xlsx", "c.xlsx"}) {
		t.Errorf("a damaged shared file names %v, want every batch its records list: b.xlsx, c.xlsx", named)
	}
}

// TestFactsViewReadsSharedFilesOnce: facts_raw reads the shared files in
// one read_parquet whatever their number (each SELECT of its own was bound,
// its footer opened, at every use of the view), and still counts a batch
// committed again in a later group once.
func TestFactsViewReadsSharedFilesOnce(t *testing.T) {
	a := whtest.Batch{SourceFile: "a.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20}}}
	b := whtest.Batch{SourceFile: "b.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 7},
		{Unit: "401", Period: "2022", Indicator: "dialogues", Value: 9}}}
	c := whtest.Batch{SourceFile: "c.xlsx", IngestedAt: day(6), Facts: []whtest.Fact{
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 11}}}
	dir := t.TempDir()
	whtest.WriteShared(t, dir, a, b)
	whtest.WriteShared(t, dir, b, c)
	files, _ := filepath.Glob(filepath.Join(dir, "warehouse", "facts", "*", "*", "*.parquet"))
	if len(files) != 3 {
		t.Fatalf("shared files: %v, want 3 (two groups, the first over two partitions)", files)
	}
	w := open(t, dir, warehouse.Options{})
	defer w.Close()
	got := rows(t, w, `SELECT (length(sql) - length(replace(sql, 'read_parquet(', ''))) // length('read_parquet(')
		FROM duckdb_views() WHERE view_name = 'facts_raw'`)
	if len(got) != 1 || got[0] != "1" {
		t.Errorf("facts_raw reads the 3 shared files with %v read_parquet calls, want 1", got)
	}
	if got := rows(t, w, `SELECT source_file, count(*) FROM facts_raw GROUP BY ALL ORDER BY ALL`); !reflect.DeepEqual(got, []string{"a.xlsx|1", "b.xlsx|2", "c.xlsx|1"}) {
		t.Errorf("facts_raw: %v, want a.xlsx|1, b.xlsx|2, c.xlsx|1 (b once though it is in both groups' files)", got)
	}
}
