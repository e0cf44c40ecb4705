package warehouse_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// The marts, mart_unit_year among them kept and computed again only for
// the partitions whose staging changed since it was built, hold what a
// build from scratch of the same batches holds, after each of: a
// correction of one year (the next year's change on it moves, though its
// own partition did not), a new partition, a withdrawn batch that empties
// a partition, a data test that fails and a mart model that fails after the
// partitions were committed (as a crash between the two transactions
// would leave them), and the refreshes that follow them.
func TestKeptMartsEqualAFullBuild(t *testing.T) {
	// The models, and one more of the marts' phase that fails while the
	// warehouse holds a table named crash_here: the same models (and so
	// the same key of the marts) whether it fails or not.
	ms := whtest.ModelsWith(t, fstest.MapFS{"250_fail_on_request.sql": {Data: []byte(
		`SELECT error('failing on request') FROM duckdb_tables() WHERE table_name = 'crash_here';`)}})
	opts := warehouse.Options{Models: ms}

	dir := t.TempDir()
	marts := []string{"mart_province_year", "mart_unit_year", "mart_completeness", "mart_reporting", "mart_years"}
	// same compares every mart of w with those of a warehouse built from
	// scratch over a copy of dir's batches.
	same := func(w *warehouse.Warehouse, when string) {
		t.Helper()
		fresh := t.TempDir()
		copyData(t, dir, fresh)
		w2 := open(t, fresh, opts)
		if res := refresh(t, w2); res.Mode != warehouse.Full {
			t.Fatalf("%s: the fresh warehouse's refresh was %s", when, res.Mode)
		}
		for _, m := range marts {
			kept := rows(t, w, "SELECT * FROM "+m+" ORDER BY ALL")
			built := rows(t, w2, "SELECT * FROM "+m+" ORDER BY ALL")
			if !reflect.DeepEqual(kept, built) {
				t.Errorf("%s: %s kept\n %v\nbuilt from scratch\n %v", when, m, kept, built)
			}
		}
		w2.Close()
	}
	yoy := func(w *warehouse.Warehouse) string {
		t.Helper()
		return one(t, w, `SELECT coalesce(yoy_change::VARCHAR, 'NULL') FROM mart_province_year
			WHERE province_code = '38' AND year = 2023 AND indicator = 'dialogues'`)
	}

	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "38", Period: "2022", Indicator: "dialogues", Value: 30},
		{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 40},
		{Unit: "380", Period: "2022", Indicator: "dialogues", Value: 10},
		{Unit: "381", Period: "2022", Indicator: "dialogues", Value: 20},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 15},
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 25},
		{Unit: "382", Period: "2023-H1", Indicator: "dialogues", Value: 3},
	}})
	hatinh := whtest.Write(t, dir, whtest.Batch{SourceFile: "ha-tinh.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "436", Period: "2022", Indicator: "dialogues", Value: 4},
		{Unit: "437", Period: "2022", Indicator: "dialogues", Value: 6},
	}})
	w := open(t, dir, opts)
	refresh(t, w)
	if got := yoy(w); got != "10.0" {
		t.Fatalf("38/2023 on 2022: %s", got)
	}
	same(w, "first refresh")

	// 38/2022 corrected: only that partition is staged again, and
	// 2023's change on it follows.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a-sua.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "38", Period: "2022", Indicator: "dialogues", Value: 35},
		{Unit: "381", Period: "2022", Indicator: "dialogues", Value: 1},
	}})
	if res := refresh(t, w); res.Partitions != 1 {
		t.Errorf("correction of 38/2022: %d partitions refreshed", res.Partitions)
	}
	if got := yoy(w); got != "5.0" {
		t.Errorf("38/2023 on the corrected 2022: %s", got)
	}
	same(w, "after a correction of the year before")

	// A new partition, and a withdrawn batch that empties another.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "nghe-an.csv", IngestedAt: day(3), Facts: []whtest.Fact{
		{Unit: "40", Period: "2023", Indicator: "dialogues", Value: 9},
	}})
	whtest.Remove(t, dir, hatinh)
	refresh(t, w)
	same(w, "after a new partition and an emptied one")

	// A data test fails: the marts roll back; withdrawn, the next refresh
	// brings them up to date.
	bad := whtest.Write(t, dir, whtest.Batch{SourceFile: "bad.csv", IngestedAt: day(4), Facts: []whtest.Fact{
		{Unit: "381", Province: "42", Period: "2023", Indicator: "dialogues", Value: 5},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 16},
	}})
	var dte *warehouse.DataTestError
	if _, err := w.Refresh(ctx); !errors.As(err, &dte) || !strings.Contains(err.Error(), "903_test_relationships") {
		t.Fatalf("want a failing data test, got %v", err)
	}
	whtest.Remove(t, dir, bad)
	refresh(t, w)
	same(w, "after a failed data test")

	// A mart model fails after the partitions were committed with their
	// keys: the marts are those of the refresh before, and the next
	// refresh must still compute the partitions that changed.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a-sua-2.csv", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "38", Period: "2022", Indicator: "dialogues", Value: 20},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 17},
	}})
	if _, err := w.DB().ExecContext(ctx, `CREATE TABLE crash_here (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Refresh(ctx); err == nil || !strings.Contains(err.Error(), "failing on request") {
		t.Fatalf("want the marts to fail, got %v", err)
	}
	if got := yoy(w); got != "5.0" {
		t.Errorf("marts of a refresh that failed: 38/2023 on 2022 %s, want the refresh before's 5.0", got)
	}
	if _, err := w.DB().ExecContext(ctx, `DROP TABLE crash_here`); err != nil {
		t.Fatal(err)
	}
	if res := refresh(t, w); res.Mode != warehouse.Unchanged {
		t.Errorf("after the failed marts: %s, want unchanged partitions", res.Mode)
	}
	if got := yoy(w); got != "20.0" {
		t.Errorf("38/2023 on 2022 after the failed marts: %s", got)
	}
	same(w, "after a failed mart model")

	// Reopened (the marts are kept in the file), nothing new: the same.
	w.Close()
	w = open(t, dir, opts)
	if res := refresh(t, w); res.Mode != warehouse.Unchanged {
		t.Errorf("reopened: %s", res.Mode)
	}
	same(w, "reopened")
}

// The files each report came in (mart_reporting.source_files) are computed
// again only for the partitions whose staging changed: a refresh of one
// district's file reads that partition's reports, not every report of the
// store (at 24M facts, 512k reports grouped again for two new values took
// ~0.5 s of CPU). Seen here by a partition whose kept lists a refresh of
// another partition must leave as they were, even though int_reports was
// changed under them.
func TestReportingFilesFollowChangedPartitionsOnly(t *testing.T) {
	w, correct := twoPartitions(t)
	files := func(unit string) string {
		t.Helper()
		return one(t, w, `SELECT array_to_string(source_files, ',') FROM mart_reporting WHERE unit_code = ? AND period = '2023'`, unit)
	}
	if got := files("380"); got != "thanh-hoa.csv" {
		t.Fatalf("380's 2023 report came in %q", got)
	}
	correct(`UPDATE int_reports SET source_file = 'not-read-again.csv' WHERE unit_code = '380'`)
	if got := files("380"); got != "thanh-hoa.csv" {
		t.Errorf("380's 2023 report of an unchanged partition: %q, computed again", got)
	}
	if got := files("421"); got != "nghe-an-sua.csv,nghe-an.csv" {
		t.Errorf("421's 2023 report: %q", got)
	}
}

// The provinces each file was about (mart_files.provinces) are likewise
// computed again only for the partitions whose staging changed (at 24M
// facts every report of the store was grouped by batch again for one
// district's file).
func TestFileProvincesFollowChangedPartitionsOnly(t *testing.T) {
	w, correct := twoPartitions(t)
	provinces := func(file string) string {
		t.Helper()
		return one(t, w, `SELECT array_to_string(provinces, ',') FROM mart_files WHERE source_file = ?`, file)
	}
	if got := provinces("thanh-hoa.csv"); got != "38" {
		t.Fatalf("thanh-hoa.csv was about %q", got)
	}
	correct(`UPDATE int_reports SET province_code = '42' WHERE unit_code = '380'`)
	if got := provinces("thanh-hoa.csv"); got != "38" {
		t.Errorf("thanh-hoa.csv, of an unchanged partition: %q, computed again", got)
	}
	if got := provinces("nghe-an-sua.csv"); got != "40" {
		t.Errorf("nghe-an-sua.csv: %q", got)
	}
}

// twoPartitions is the setup the two tests above share: a Thanh Hóa file
// and a Nghệ An file of 2023, refreshed. correct(tamper) then runs tamper,
// an UPDATE of int_reports under Thanh Hóa's partition that stands for
// rows a refresh of another partition must not read again, and refreshes a
// correction of Nghệ An's file: that partition alone.
func twoPartitions(t *testing.T) (w *warehouse.Warehouse, correct func(tamper string)) {
	t.Helper()
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "thanh-hoa.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 15},
	}})
	whtest.Write(t, dir, whtest.Batch{SourceFile: "nghe-an.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "421", Period: "2023", Indicator: "dialogues", Value: 9},
	}})
	w = open(t, dir, warehouse.Options{})
	refresh(t, w)
	return w, func(tamper string) {
		t.Helper()
		if _, err := w.DB().ExecContext(ctx, tamper); err != nil {
			t.Fatal(err)
		}
		whtest.Write(t, dir, whtest.Batch{SourceFile: "nghe-an-sua.csv", IngestedAt: day(2), Facts: []whtest.Fact{
			{Unit: "421", Period: "2023", Indicator: "dialogues", Value: 10},
		}})
		if res := refresh(t, w); res.Partitions != 1 {
			t.Fatalf("%d partitions refreshed, want Nghệ An's 2023", res.Partitions)
		}
	}
}
