package warehouse

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// A refresh whose groups stage more rows than the memory limit allows at
// once builds them as smaller groups and stages a partition too large for
// one sort in slices: the tables are the same as in one run, and each
// partition's staged rows are stored in the same order (the order the
// publication reads them in), rebuilt, appended to or dropped.
func TestStagingInSlicesEqualsOneRun(t *testing.T) {
	ctx := context.Background()
	at := func(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }
	one, sliced := t.TempDir(), t.TempDir()
	write := func(b whtest.Batch) string { return writeBoth(t, one, sliced, b) }
	remove := func(h string) { whtest.Remove(t, one, h); whtest.Remove(t, sliced, h) }
	facts := func(v float64, units ...string) []whtest.Fact {
		var fs []whtest.Fact
		for i, u := range units {
			for _, p := range []string{"2022", "2023", "2023-H1", "2023-H2", "2023-Q3"} {
				fs = append(fs, whtest.Fact{Unit: u, Period: p, Indicator: "dialogues", Value: v + float64(i)},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Disaggregation: "kinh_te", Value: 2 * v},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Value: 3 * v})
			}
		}
		return fs
	}
	write(whtest.Batch{SourceFile: "a.csv", IngestedAt: at(1), Facts: facts(10, "380", "381", "382", "412", "436")})
	b := write(whtest.Batch{SourceFile: "b.csv", IngestedAt: at(2), Facts: facts(20, "380", "412")})
	wOne, wSliced := openAt(t, one), openAt(t, sliced)
	refresh := func(w *Warehouse, rowBytes int64) (RefreshResult, []string) {
		t.Helper()
		keep := stagingRowBytes
		stagingRowBytes = rowBytes
		defer func() { stagingRowBytes = keep }()
		var traced []string
		w.opts.Trace = func(what string, _ time.Duration) { traced = append(traced, what) }
		defer func() { w.opts.Trace = nil }()
		res, err := w.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res, traced
	}
	// Each partition's staged rows in the order they are stored in.
	stored := func(w *Warehouse) []string {
		t.Helper()
		var out []string
		r, err := w.DB().Query(`SELECT province_code, year, string_agg(concat_ws('|', indicator, unit_level, unit_code, period, disaggregation), ' ' ORDER BY rowid)
			FROM stg_facts GROUP BY ALL ORDER BY ALL`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var p, rows string
			var y int
			if err := r.Scan(&p, &y, &rows); err != nil {
				t.Fatal(err)
			}
			out = append(out, p+"/"+string(rune('0'+y%10))+": "+rows)
		}
		return out
	}
	same := func(when string, partitions int, wantSlices bool) {
		t.Helper()
		r1, _ := refresh(wOne, 1)             // no bound: one run a group
		r2, traced := refresh(wSliced, 1<<50) // one row at a time
		if r1.Partitions != partitions || r2.Partitions != partitions || r1.RowsRead != r2.RowsRead {
			t.Errorf("%s: in one run %+v, in slices %+v; want %d partitions", when, r1, r2, partitions)
		}
		var slices int
		for _, s := range traced {
			if strings.HasPrefix(s, "model "+stagingInsert+" (slice)") {
				slices++
			}
		}
		if wantSlices && slices < 2 {
			t.Errorf("%s: %d slices staged; the test does not slice (trace: %q)", when, slices, traced)
		}
		for _, tbl := range []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports",
			"wh_partitions", "mart_province_year", "mart_unit_year", "mart_completeness"} {
			a, b := dump(t, wOne, tbl), dump(t, wSliced, tbl)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s in one run:\n%s\nin slices:\n%s", when, tbl, strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			if len(a) == 0 && tbl != "mart_completeness" {
				t.Errorf("%s: %s is empty", when, tbl)
			}
		}
		if a, b := stored(wOne), stored(wSliced); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: stg_facts stored in one run:\n%s\nin slices:\n%s", when, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
	same("full", 6, true)
	write(whtest.Batch{SourceFile: "c.csv", IngestedAt: at(3), Facts: facts(30, "381", "436", "437")[:20]})
	same("appended", 4, true)
	remove(b)
	write(whtest.Batch{SourceFile: "d.csv", IngestedAt: at(4), Facts: facts(40, "436")})
	same("rebuilt and appended", 6, true)
	e := write(whtest.Batch{SourceFile: "e.csv", IngestedAt: at(5), Facts: []whtest.Fact{
		{Unit: "380", Period: "2021", Indicator: "dialogues", Value: 5}}})
	same("a partition of one batch", 1, false)
	remove(e)
	write(whtest.Batch{SourceFile: "f.csv", IngestedAt: at(6), Facts: facts(50, "412")[:3]})
	same("dropped and appended", 2, true)
}

// Groups are cut in order into parts of about equal bytes, one partition
// at least in each.
func TestSplitGroup(t *testing.T) {
	st := func(name string, size int64) step {
		return step{Read: []factFile{{Path: name, Size: size}}}
	}
	names := func(gs [][]step) string {
		var out []string
		for _, g := range gs {
			var n []string
			for _, s := range g {
				n = append(n, s.Read[0].Path)
			}
			out = append(out, strings.Join(n, ""))
		}
		return strings.Join(out, ",")
	}
	g := []step{st("a", 10), st("b", 10), st("c", 10), st("d", 10), st("e", 10), st("f", 10)}
	for _, c := range []struct {
		staged, max int64
		want        string
	}{
		{staged: 100, max: 60, want: "abc,def"},
		{staged: 100, max: 99, want: "abc,def"},
		{staged: 100, max: 34, want: "ab,cd,ef"},
		{staged: 100, max: 1, want: "a,b,c,d,e,f"},
	} {
		if got := names(splitGroup(g, c.staged, c.max)); got != c.want {
			t.Errorf("splitGroup(6 x 10 bytes, %d staged, %d at most) = %s, want %s", c.staged, c.max, got, c.want)
		}
	}
	if got := names(splitGroup([]step{st("a", 50), st("b", 1), st("c", 1)}, 100, 50)); got != "a,bc" {
		t.Errorf("splitGroup(50, 1, 1 bytes, in two) = %s, want a,bc", got)
	}
}

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{"572.2 MiB": 599995187, "76.2 MiB": 79901491, "1.2 GiB": 1288490188, "600.0 MB": 600000000, "0 bytes": 0} {
		if got, err := parseBytes(s); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "lots", "5 parsecs"} {
		if _, err := parseBytes(s); err == nil {
			t.Errorf("parseBytes(%q): no error", s)
		}
	}
}
