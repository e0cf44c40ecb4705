package warehouse_test

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// A partition that fails part-way through a refresh takes the whole refresh
// with it: the partitions rebuilt before it in the same transaction are
// rolled back too, staging and the partition keys stay as they were, and
// the next refresh starts from there. (Without the rollback the refresh
// never returns: the open transaction holds its connection.)
func TestPartitionFailureRollsBackTheRefresh(t *testing.T) {
	// The models, and one more of the partition phase that fails on any
	// partition holding the value 666.
	ms := whtest.ModelsWith(t, fstest.MapFS{"150_fail_on_666.sql": {Data: []byte(
		`SELECT error('partition holds 666') FROM partition_facts WHERE value = 666;`)}})

	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10}, // province=38/year=2023
		{Unit: "436", Period: "2022", Indicator: "dialogues", Value: 4},  // province=42/year=2022
	}})
	w := open(t, dir, warehouse.Options{Models: ms})
	refresh(t, w)
	state := func() []string {
		var s []string
		for _, q := range []string{
			`SELECT unit_code, value FROM stg_facts ORDER BY ALL`,
			`SELECT province_code, year, files_hash FROM wh_partitions ORDER BY ALL`,
			`SELECT province_code, year, indicator, value FROM mart_province_year ORDER BY ALL`,
		} {
			s = append(s, rows(t, w, q)...)
		}
		return s
	}
	before := state()
	if !strings.Contains(strings.Join(before, " "), "380|10") {
		t.Fatalf("first refresh staged %v", before)
	}

	// A correction for 38/2023, appended first, and a value that fails the
	// new partition 42/2023, rebuilt after it (a group of its own: appends
	// and rebuilds are not grouped) in the same transaction.
	b := whtest.Write(t, dir, whtest.Batch{SourceFile: "b.csv", IngestedAt: day(2), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 12},
		{Unit: "436", Period: "2023", Indicator: "dialogues", Value: 666},
	}})
	if _, err := w.Refresh(ctx); err == nil || !strings.Contains(err.Error(), "partition province=42/year=2023:") ||
		!strings.Contains(err.Error(), "partition holds 666") {
		t.Fatalf("refresh over the failing partition: %v", err)
	}
	if after := state(); !reflect.DeepEqual(after, before) {
		t.Errorf("a failed refresh left\n%v\nwant what was before it\n%v", after, before)
	}

	// The failing batch withdrawn: nothing changed since the last good
	// refresh, which is what the partition keys must still say.
	whtest.Remove(t, dir, b)
	if res := refresh(t, w); res.Mode != warehouse.Unchanged || res.Partitions != 0 {
		t.Errorf("after the failed refresh: %s, %d partitions; want unchanged", res.Mode, res.Partitions)
	}
	if after := state(); !reflect.DeepEqual(after, before) {
		t.Errorf("after the next refresh\n%v\nwant\n%v", after, before)
	}
}
