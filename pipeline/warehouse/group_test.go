package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// The models give the same tables whether the changed partitions run one
// by one or together, rebuilt, appended to or dropped.
func TestGroupedPartitionsEqualOneByOne(t *testing.T) {
	ctx := context.Background()
	at := func(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }
	one, all := t.TempDir(), t.TempDir()
	write := func(b whtest.Batch) string { return writeBoth(t, one, all, b) }
	remove := func(h string) { whtest.Remove(t, one, h); whtest.Remove(t, all, h) }
	facts := func(v float64, units ...string) []whtest.Fact {
		var fs []whtest.Fact
		for i, u := range units {
			for _, p := range []string{"2022", "2023", "2023-H1", "2023-H2"} {
				fs = append(fs, whtest.Fact{Unit: u, Period: p, Indicator: "dialogues", Value: v + float64(i)},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Disaggregation: "kinh_te", Value: 2 * v},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Value: 3 * v})
			}
		}
		return fs
	}
	write(whtest.Batch{SourceFile: "a.csv", IngestedAt: at(1), Facts: facts(10, "380", "381", "412", "436")})
	b := write(whtest.Batch{SourceFile: "b.csv", IngestedAt: at(2), Facts: facts(20, "380", "412")})
	wOne, wAll := openAt(t, one), openAt(t, all)
	steps := func(w *Warehouse, bytes int64) RefreshResult {
		t.Helper()
		keep := groupBytes
		groupBytes = bytes
		defer func() { groupBytes = keep }()
		res, err := w.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	same := func(when string, partitions int) {
		t.Helper()
		r1, r2 := steps(wOne, 0), steps(wAll, 1<<40)
		if r1.Partitions != partitions || r2.Partitions != partitions || r1.RowsRead != r2.RowsRead {
			t.Errorf("%s: one by one %+v, together %+v; want %d partitions", when, r1, r2, partitions)
		}
		for _, tbl := range []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports",
			"wh_partitions", "mart_province_year", "mart_unit_year", "mart_completeness"} {
			a, b := dump(t, wOne, tbl), dump(t, wAll, tbl)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s one by one:\n%s\ntogether:\n%s", when, tbl, strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			if len(a) == 0 && tbl != "mart_completeness" {
				t.Errorf("%s: %s is empty", when, tbl)
			}
		}
	}
	same("full", 6)
	// Appends in four partitions, in one of them a new unit.
	write(whtest.Batch{SourceFile: "c.csv", IngestedAt: at(3), Facts: facts(30, "381", "436", "437")[:20]})
	same("appended", 4)
	// A removal (rebuilds) beside an append; the removed batch's partitions
	// of 40 keep a.csv.
	remove(b)
	write(whtest.Batch{SourceFile: "d.csv", IngestedAt: at(4), Facts: facts(40, "436")})
	same("rebuilt and appended", 6)
	// A partition of its own batch, then that batch goes: dropped, beside
	// an append elsewhere.
	e := write(whtest.Batch{SourceFile: "e.csv", IngestedAt: at(5), Facts: []whtest.Fact{
		{Unit: "380", Period: "2021", Indicator: "dialogues", Value: 5}}})
	same("a partition of one batch", 1)
	remove(e)
	write(whtest.Batch{SourceFile: "f.csv", IngestedAt: at(6), Facts: facts(50, "412")[:3]})
	same("dropped and appended", 2)
}

// writeBoth writes the same batch into two stores and returns its hash.
func writeBoth(t *testing.T, a, b string, batch whtest.Batch) string {
	t.Helper()
	h := whtest.Write(t, a, batch)
	if h2 := whtest.Write(t, b, batch); h2 != h {
		t.Fatalf("batch written twice with different hashes")
	}
	return h
}

func openAt(t *testing.T, dir string) *Warehouse {
	t.Helper()
	w, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func dump(t *testing.T, w *Warehouse, table string) []string {
	t.Helper()
	r, err := w.DB().Query("SELECT * FROM " + table + " ORDER BY ALL")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out []string
	for r.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := r.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(v...))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Steps go together only with steps of their kind and within the bytes.
func TestGroupSteps(t *testing.T) {
	dir := t.TempDir()
	f := func(n int64) []factFile {
		p := filepath.Join(dir, fmt.Sprint(n))
		return []factFile{{Path: p, Size: n}}
	}
	_ = os.MkdirAll(dir, 0o755)
	st := func(prov string, year int, a Action, size int64) step {
		s := step{Partition: layout.Partition{Province: prov, Year: year}, Action: a}
		if a != Drop {
			s.Read = f(size)
		}
		return s
	}
	steps := []step{st("38", 2022, Rebuild, 10), st("38", 2023, Drop, 0), st("38", 2024, Rebuild, 10),
		st("40", 2022, Append, 5), st("40", 2023, Append, 30), st("42", 2022, Rebuild, 5)}
	var got []string
	for _, g := range groupSteps(steps, 20) {
		var s []string
		for _, st := range g {
			s = append(s, st.Partition.String())
		}
		got = append(got, strings.Join(s, "+"))
	}
	want := []string{"province=38/year=2022+province=38/year=2023+province=38/year=2024",
		"province=40/year=2022", "province=40/year=2023", "province=42/year=2022"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups %q, want %q", got, want)
	}
	if got := len(groupSteps(steps, 0)); got != len(steps) {
		t.Errorf("with no bytes: %d groups, want one per step", got)
	}
	if got := inGroup(steps[:3]); got != "(p = '38' AND y IN (2022, 2023, 2024))" {
		t.Errorf("inGroup: %s", got)
	}
}

// Staging groups a rebuilt partition's facts by a hash of their key; when
// keys share a hash, the refresh sees that the reports miss facts and builds
// the group again with the keys compared whole: the tables are those of a
// hash without collisions. Here every key of a unit shares one hash.
func TestStagingKeyCollisionsRebuildByWholeKeys(t *testing.T) {
	ctx := context.Background()
	at := func(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }
	plain, colliding := t.TempDir(), t.TempDir()
	write := func(b whtest.Batch) string { return writeBoth(t, plain, colliding, b) }
	facts := func(v float64, units ...string) []whtest.Fact {
		var fs []whtest.Fact
		for i, u := range units {
			for _, p := range []string{"2023", "2023-H1", "2023-H2"} {
				fs = append(fs, whtest.Fact{Unit: u, Period: p, Indicator: "dialogues", Value: v + float64(i)},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Disaggregation: "kinh_te", Value: 2 * v},
					whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Value: 3 * v})
			}
		}
		return fs
	}
	write(whtest.Batch{SourceFile: "a.csv", IngestedAt: at(1), Facts: facts(10, "380", "381", "412")})
	b := write(whtest.Batch{SourceFile: "b.csv", IngestedAt: at(2), Facts: facts(20, "380", "412")})
	var whole int
	wPlain := openAt(t, plain)
	wColliding, err := Open(ctx, colliding, Options{Trace: func(what string, _ time.Duration) {
		if what == "staging by whole keys" {
			whole++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wColliding.Close() })
	same := func(when string, wantWhole bool) {
		t.Helper()
		whole = 0
		if _, err := wPlain.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		keep := stagingKey
		stagingKey = "hash(u)"
		_, err := wColliding.Refresh(ctx)
		stagingKey = keep
		if err != nil {
			t.Fatal(err)
		}
		if (whole > 0) != wantWhole {
			t.Errorf("%s: staged by whole keys %d time(s), want it %v", when, whole, wantWhole)
		}
		for _, tbl := range []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports",
			"mart_province_year", "mart_unit_year"} {
			a, b := dump(t, wPlain, tbl), dump(t, wColliding, tbl)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s with a plain hash:\n%s\nwith colliding hashes:\n%s", when, tbl, strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			if len(a) == 0 {
				t.Errorf("%s: %s is empty", when, tbl)
			}
		}
	}
	same("full", true)
	// Appending compares whole keys always.
	write(whtest.Batch{SourceFile: "c.csv", IngestedAt: at(3), Facts: facts(30, "381")[:4]})
	same("appended", false)
	// A removal rebuilds.
	whtest.Remove(t, plain, b)
	whtest.Remove(t, colliding, b)
	same("rebuilt", true)
}

// A full rebuild with DuckDB on two threads runs the groups on two
// connections at once (refreshPartitions): the same tables as one
// connection, DuckDB's threads as they were afterwards, and a group that
// fails rolls back the other connection's groups too.
func TestTwoConnectionsEqualOne(t *testing.T) {
	ctx := context.Background()
	at := func(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }
	var fs []whtest.Fact
	for i, u := range []string{"380", "381", "412", "436", "437"} {
		for _, p := range []string{"2022", "2023", "2023-H1"} {
			fs = append(fs, whtest.Fact{Unit: u, Period: p, Indicator: "dialogues", Value: float64(10 + i)},
				whtest.Fact{Unit: u, Period: p, Indicator: "models_registered", Disaggregation: "kinh_te", Value: float64(i)})
		}
	}
	one, two := t.TempDir(), t.TempDir()
	writeBoth(t, one, two, whtest.Batch{SourceFile: "a.csv", IngestedAt: at(1), Facts: fs})
	writeBoth(t, one, two, whtest.Batch{SourceFile: "b.csv", IngestedAt: at(2), Facts: fs[:12]})
	var traced []string
	wOne, err := Open(ctx, one, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer wOne.Close()
	wTwo, err := Open(ctx, two, Options{Threads: 2, Trace: func(what string, _ time.Duration) { traced = append(traced, what) }})
	if err != nil {
		t.Fatal(err)
	}
	defer wTwo.Close()
	keep := groupBytes
	groupBytes = 0 // a group per partition
	defer func() { groupBytes = keep }()
	r1, err := wOne.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := wTwo.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Partitions != 6 || r2.Partitions != 6 || r1.RowsRead != r2.RowsRead {
		t.Errorf("one connection %+v, two %+v; want 6 partitions and the same rows", r1, r2)
	}
	if !slices.Contains(traced, "threads") {
		t.Errorf("the refresh on two threads did not run its groups on two connections: %v", traced)
	}
	var threads int
	if err := wTwo.DB().QueryRow(`SELECT current_setting('threads')::INTEGER`).Scan(&threads); err != nil || threads != 2 {
		t.Errorf("threads after the refresh: %d, %v; want 2", threads, err)
	}
	for _, tbl := range []string{"stg_facts", "int_unit_period", "int_unit_report", "int_unit_year", "int_reports",
		"wh_partitions", "mart_province_year", "mart_unit_year", "mart_completeness"} {
		a, b := dump(t, wOne, tbl), dump(t, wTwo, tbl)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s on one connection:\n%s\non two:\n%s", tbl, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}

	// One group fails: none of the others is kept.
	ms := whtest.ModelsWith(t, fstest.MapFS{"150_fail_on_666.sql": {Data: []byte(
		`SELECT error('partition holds 666') FROM partition_facts WHERE value = 666;`)}})
	bad := t.TempDir()
	whtest.Write(t, bad, whtest.Batch{SourceFile: "a.csv", IngestedAt: at(1), Facts: append(fs,
		whtest.Fact{Unit: "437", Period: "2024", Indicator: "dialogues", Value: 666})})
	wBad, err := Open(ctx, bad, Options{Threads: 2, Models: ms})
	if err != nil {
		t.Fatal(err)
	}
	defer wBad.Close()
	if _, err := wBad.Refresh(ctx); err == nil || !strings.Contains(err.Error(), "partition holds 666") {
		t.Fatalf("refresh over the failing partition: %v", err)
	}
	for _, q := range []string{`SELECT count(*) FROM stg_facts`, `SELECT count(*) FROM wh_partitions`} {
		var n int
		if err := wBad.DB().QueryRow(q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after the failed refresh: %d, %v; want 0", q, n, err)
		}
	}
}

// Rebuilding on two connections, the groups come largest first and shrink
// towards the end (none more than a third of what is left), so the last
// group either connection takes is small and the other does not wait long
// for it with a core idle.
func TestBalancedGroups(t *testing.T) {
	st := func(prov string, year int, a Action, size int64) step {
		return step{Partition: layout.Partition{Province: prov, Year: year}, Action: a,
			Read: []factFile{{Path: fmt.Sprint(prov, year), Size: size}}}
	}
	var steps []step
	for y := 2010; y < 2026; y++ { // like the bench's 24M facts: 38 largest, 42 smallest, 2025 twice as large
		k := int64(1)
		if y == 2025 {
			k = 2
		}
		steps = append(steps, st("38", y, Rebuild, k*int64(y-2000)*4), st("40", y, Rebuild, k*int64(y-2000)*3),
			st("42", y, Rebuild, k*int64(y-2000)))
	}
	const max = 100
	groups := balancedGroups(steps, max, balanceShare)
	size := func(g []step) int64 {
		var n int64
		for _, s := range g {
			n += s.Read[0].Size
		}
		return n
	}
	var left int64
	for _, s := range steps {
		left += s.Read[0].Size
	}
	seen := map[layout.Partition]int{}
	for i, g := range groups {
		n := size(g)
		if len(g) > 1 && (n > max || n > left/balanceShare) {
			t.Errorf("group %d: %d bytes of %d left; want at most %d and a third of what is left", i, n, left, max)
		}
		if i > 0 && g[0].Read[0].Size > groups[i-1][len(groups[i-1])-1].Read[0].Size {
			t.Errorf("group %d starts with a larger step than the group before ends with", i)
		}
		for _, s := range g {
			seen[s.Partition]++
		}
		left -= n
	}
	if len(seen) != len(steps) {
		t.Errorf("%d partitions in the groups, want %d", len(seen), len(steps))
	}
	for p, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d groups", p, n)
		}
	}
	if last := size(groups[len(groups)-1]); last > 20 {
		t.Errorf("the last group reads %d bytes; want the smallest steps last, alone", last)
	}
	// Appends and rebuilds stay apart.
	mixed := balancedGroups([]step{st("38", 2020, Rebuild, 5), st("38", 2021, Append, 5), st("38", 2022, Rebuild, 5)}, max, 1)
	for _, g := range mixed {
		for _, s := range g[1:] {
			if (s.Action == Append) != (g[0].Action == Append) {
				t.Errorf("a group mixes appends and rebuilds: %v", g)
			}
		}
	}
}
