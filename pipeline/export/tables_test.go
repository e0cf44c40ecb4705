package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
	models "github.com/danvan/danvan/sql"
)

// checkTables: the index lists every file under tables/ with its hash and
// row count, and nothing else is there.
func checkTables(t *testing.T, snapDir string) {
	t.Helper()
	ix, err := layout.ReadTableIndex(snapDir)
	if err != nil {
		t.Errorf("snapshot %s: %v", filepath.Base(snapDir), err)
		return
	}
	listed := map[string]bool{"index.json": true}
	for _, tb := range ix.Tables {
		var rows int64
		for _, f := range tb.Files {
			listed[f.Path] = true
			rows += f.Rows
			b, err := os.ReadFile(filepath.Join(snapDir, layout.TablesDir, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Errorf("snapshot %s: %v", filepath.Base(snapDir), err)
				continue
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Errorf("snapshot %s: %s: hash differs from the index", filepath.Base(snapDir), f.Path)
			}
		}
		if rows != tb.Rows {
			t.Errorf("table %s: %d rows in files, index says %d", tb.Name, rows, tb.Rows)
		}
	}
	filepath.WalkDir(filepath.Join(snapDir, layout.TablesDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(snapDir, layout.TablesDir), p)
			if !listed[filepath.ToSlash(rel)] {
				t.Errorf("snapshot %s: %s not in the index", filepath.Base(snapDir), rel)
			}
		}
		return nil
	})
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// The Parquet tables hold exactly the warehouse tables, and a second
// publish links the partitions no batch touched instead of writing them.
func TestTablesMatchWarehouseAndShareUnchangedPartitions(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	first := publish(t, w, dir, Options{Keep: 5})
	checkTables(t, first.Dir)

	ix, err := layout.ReadTableIndex(first.Dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]TableEntry{}
	for _, tb := range ix.Tables {
		names[tb.Name] = tb
	}
	for _, et := range exportTables {
		tb, ok := names[et.name]
		if !ok {
			t.Errorf("table %s missing from the index", et.name)
			continue
		}
		// Same rows as the warehouse table: symmetric difference is empty.
		var list []string
		for _, f := range tb.Files {
			list = append(list, "'"+filepath.Join(first.Dir, layout.TablesDir, filepath.FromSlash(f.Path))+"'")
		}
		pq := "read_parquet([" + strings.Join(list, ",") + "], hive_partitioning = false)"
		var diff, n int64
		q := fmt.Sprintf(`SELECT (SELECT count(*) FROM ((FROM %[1]s EXCEPT ALL FROM %[2]s) UNION ALL (FROM %[2]s EXCEPT ALL FROM %[1]s))),
			(SELECT count(*) FROM %[2]s)`, et.from, pq)
		if err := w.DB().QueryRowContext(ctx, q).Scan(&diff, &n); err != nil {
			t.Fatalf("%s: %v", et.name, err)
		}
		if diff != 0 || n != tb.Rows {
			t.Errorf("table %s: %d rows differ from the warehouse; %d rows, index %d", et.name, diff, n, tb.Rows)
		}
	}
	if names["stg_facts"].Rows != int64(len(batchA.Facts)) {
		t.Errorf("stg_facts has %d rows, want %d", names["stg_facts"].Rows, len(batchA.Facts))
	}
	if len(names["stg_facts"].Files) < 4 {
		t.Errorf("stg_facts: want one file per partition, got %+v", names["stg_facts"].Files)
	}

	// batchB touches Thanh Hóa 2023 only.
	whtest.Write(t, dir, batchB)
	if _, err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	synced := map[string]bool{} // by path in the snapshot
	defer func(f func(files, dirs []string) error) { syncAll = f }(syncAll)
	syncAll = func(files, dirs []string) error {
		for _, name := range files {
			if i := strings.Index(name, "/"+layout.TablesDir+"/"); i >= 0 {
				synced[name[i+1:]] = true
			} else if i := strings.Index(name, "/sources/"); i >= 0 {
				synced[name[i+1:]] = true
			}
		}
		return layout.SyncAll(files, dirs)
	}
	second := publish(t, w, dir, Options{Keep: 5})
	checkTables(t, second.Dir)
	// What changed is synced; what was linked from the published snapshot,
	// which its own publication synced, is not synced again.
	for rel, want := range map[string]bool{
		layout.TablesDir + "/stg_facts/province=38/year=2023.parquet": true, "sources/38-2023.json": true,
		layout.TablesDir + "/index.json":                              true,
		layout.TablesDir + "/stg_facts/province=42/year=2022.parquet": false, "sources/42-2022.json": false,
	} {
		if synced[rel] != want {
			t.Errorf("%s synced: %v, want %v (synced: %v)", rel, synced[rel], want, synced)
		}
	}
	for _, rel := range []string{"stg_facts/province=42/year=2022.parquet", "int_unit_year/province=38/year=2025.parquet"} {
		a, b := filepath.Join(first.Dir, layout.TablesDir, rel), filepath.Join(second.Dir, layout.TablesDir, rel)
		if inode(t, a) != inode(t, b) {
			t.Errorf("%s: unchanged partition was written again, not linked", rel)
		}
	}
	// The reference tables are linked too (same state key); a mart is
	// written again.
	for rel, linked := range map[string]bool{"units.parquet": true, "reporting_units.parquet": true, "refusal_fixes.parquet": true,
		"mart_files.parquet": false} {
		a, b := filepath.Join(first.Dir, layout.TablesDir, rel), filepath.Join(second.Dir, layout.TablesDir, rel)
		if (inode(t, a) == inode(t, b)) != linked {
			t.Errorf("%s: linked from the previous snapshot %v, want %v", rel, !linked, linked)
		}
	}
	// The same for the sources JSON of each partition; a linked file has
	// the bytes the query writes now.
	if a, b := filepath.Join(first.Dir, "sources", "42-2022.json"), filepath.Join(second.Dir, "sources", "42-2022.json"); inode(t, a) != inode(t, b) {
		t.Errorf("sources/42-2022.json: unchanged partition was written again, not linked")
	} else {
		fresh := filepath.Join(t.TempDir(), "42-2022.json")
		o, err := writeQuery(ctx, w.DB(), fresh, sourcesQuery, "42", 2022)
		linked, _ := os.ReadFile(b)
		want, _ := os.ReadFile(fresh)
		if err != nil || string(linked) != string(want) || second.Outputs["sources/42-2022.json"] != o {
			t.Errorf("linked sources/42-2022.json differs from a fresh one (%v): %+v, want %+v", err, second.Outputs["sources/42-2022.json"], o)
		}
	}
	if inode(t, filepath.Join(first.Dir, "sources", "38-2023.json")) == inode(t, filepath.Join(second.Dir, "sources", "38-2023.json")) {
		t.Errorf("sources/38-2023.json: changed partition was linked from the old snapshot")
	}
	rel := "stg_facts/province=38/year=2023.parquet"
	if inode(t, filepath.Join(first.Dir, layout.TablesDir, rel)) == inode(t, filepath.Join(second.Dir, layout.TablesDir, rel)) {
		t.Errorf("%s: changed partition was linked from the old snapshot", rel)
	}
	// The changed partition has batchB's value.
	var v float64
	err = w.DB().QueryRowContext(ctx, `SELECT value FROM read_parquet(?) WHERE unit_code = '382'`,
		filepath.Join(second.Dir, layout.TablesDir, rel)).Scan(&v)
	if err != nil || v != 5 {
		t.Errorf("382 in the new partition: %v, %v", v, err)
	}
	// Pruning the first snapshot leaves the shared files readable in the second.
	publishKeep1 := publish(t, w, dir, Options{Keep: 1})
	if _, err := os.Stat(first.Dir); !os.IsNotExist(err) {
		t.Fatalf("first snapshot not pruned: %v (%+v)", err, publishKeep1)
	}
	checkTables(t, second.Dir)

	// Another state key (the reference or the setup models changed): the
	// reference tables are written again, with the same rows. (A new run
	// id too, or the published snapshot is reused whole.)
	for _, stmt := range []string{`UPDATE wh_state SET key = key || '+'`, `UPDATE wh_run SET run_id = run_id || 'f'`} {
		if _, err := w.DB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	fourth := publish(t, w, dir, Options{Keep: 5})
	checkTables(t, fourth.Dir)
	for _, rel := range []string{"units.parquet", "population.parquet"} {
		a, b := filepath.Join(publishKeep1.Dir, layout.TablesDir, rel), filepath.Join(fourth.Dir, layout.TablesDir, rel)
		if inode(t, a) == inode(t, b) {
			t.Errorf("%s: linked from the previous snapshot under another state key", rel)
		}
	}
}

// Another reporting calendar leaves the kept tables' state key as it was
// (the staging does not read it) but not the reference: the export's copy of
// reporting_calendar is written again with the new rules, not linked from
// the snapshot before (as every reference table is: they are small), while
// the partitions are linked.
func TestReferenceTablesFollowTheWholeReference(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	first := publish(t, w, dir, Options{Keep: 5})
	w.Close()
	if err := os.MkdirAll(filepath.Dir(layout.Dir(dir).Calendar()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(layout.Dir(dir).Calendar(), []byte("level,report,from,until,deadline_days\ndistrict,year,,2025-H1,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w = setup(t, dir)
	second := publish(t, w, dir, Options{Keep: 5})
	checkTables(t, second.Dir)
	for rel, linked := range map[string]bool{"reporting_calendar.parquet": false,
		"stg_facts/province=38/year=2023.parquet": true} {
		a, b := filepath.Join(first.Dir, layout.TablesDir, rel), filepath.Join(second.Dir, layout.TablesDir, rel)
		if (inode(t, a) == inode(t, b)) != linked {
			t.Errorf("%s: linked from the snapshot before %v, want %v", rel, !linked, linked)
		}
	}
	var n, days int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*), max(deadline_days) FROM read_parquet(?)`,
		filepath.Join(second.Dir, layout.TablesDir, "reporting_calendar.parquet")).Scan(&n, &days); err != nil || n != 1 || days != 30 {
		t.Errorf("reporting_calendar.parquet: %d rules, deadline %d days (%v), want the new calendar's 1 rule of 30 days", n, days, err)
	}
}

func TestNoTables(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	s := publish(t, w, dir, Options{NoTables: true})
	if _, err := os.Stat(filepath.Join(s.Dir, layout.TablesDir)); !os.IsNotExist(err) {
		t.Errorf("tables written with NoTables: %v", err)
	}
	// Asking for the tables again does not reuse the snapshot without them.
	s2 := publish(t, w, dir, Options{})
	if s2.Reused || s2.Dir == s.Dir {
		t.Errorf("snapshot without tables reused: %+v", s2)
	}
	checkTables(t, s2.Dir)
}

// truncate cuts a file in place to half its size, as a full disk or a
// crash of the file system can leave it; every hard link to it sees the
// damage.
func truncate(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// A file of the current snapshot damaged on disk is not linked into the
// next: it is written afresh, the next snapshot's manifest tells the truth
// about every file, its tables answer queries, and the repair is reported.
// An identical snapshot that is damaged is not re-published as it is.
func TestDamagedFilesAreNotCarriedForward(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	first := publish(t, w, dir, Options{Keep: 5})
	table := "tables/stg_facts/province=42/year=2022.parquet"
	for _, rel := range []string{"sources/42-2022.json", table} {
		truncate(t, filepath.Join(first.Dir, filepath.FromSlash(rel)))
	}
	if bad, err := Verify(first.Dir); err != nil || len(bad) != 2 || bad[0].Path != "sources/42-2022.json" || bad[1].Path != table {
		t.Fatalf("Verify of the damaged snapshot = %v, %v; want both files named", bad, err)
	}

	// An unrelated partition changes; the damaged ones did not.
	whtest.Write(t, dir, batchB)
	if _, err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	second := publish(t, w, dir, Options{Keep: 5})
	if bad, err := Verify(second.Dir); err != nil || len(bad) != 0 {
		t.Errorf("the next snapshot carries damage: %v, %v", bad, err)
	}
	checkTables(t, second.Dir)
	var repaired []string
	for _, d := range second.Repaired {
		repaired = append(repaired, d.Path)
	}
	if strings.Join(repaired, " ") != first.Name+"/sources/42-2022.json "+first.Name+"/"+table {
		t.Errorf("Repaired = %v, want the two damaged files", second.Repaired)
	}
	var n int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM read_parquet(?)`, filepath.Join(second.Dir, filepath.FromSlash(table))).Scan(&n); err != nil || n == 0 {
		t.Errorf("the rewritten table: %d rows, %v", n, err)
	}
	// Undamaged files are still shared.
	if rel := "tables/stg_facts/province=38/year=2025.parquet"; inode(t, filepath.Join(first.Dir, rel)) != inode(t, filepath.Join(second.Dir, rel)) {
		t.Errorf("%s: intact unchanged file written again instead of linked", rel)
	}

	// Nothing changes, but the current snapshot is damaged: it is not
	// re-published as it is.
	truncate(t, filepath.Join(second.Dir, "sources", "38-2025.json"))
	third := publish(t, w, dir, Options{Keep: 5})
	if third.Reused || third.Dir == second.Dir {
		t.Errorf("damaged identical snapshot re-published: %+v", third)
	}
	if bad, err := Verify(third.Dir); err != nil || len(bad) != 0 {
		t.Errorf("the republished snapshot carries damage: %v, %v", bad, err)
	}
	if len(third.Repaired) == 0 || !strings.HasSuffix(third.Repaired[0].Path, "sources/38-2025.json") {
		t.Errorf("Repaired = %v, want the damaged sources file", third.Repaired)
	}
	// Intact, it is.
	if fourth := publish(t, w, dir, Options{Keep: 5}); !fourth.Reused || fourth.Dir != third.Dir {
		t.Errorf("intact identical snapshot not re-published: %+v", fourth)
	}
}

// TestSourceFilesOneQuery: the sources files written by one query over
// several partitions hold the bytes the query of each partition alone
// writes (sourcesQuery), a province-year with no sources row included.
func TestSourceFilesOneQuery(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA, batchB)
	parts, err := partitions(ctx, w.DB(), "mart_province_year")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 3 {
		t.Fatalf("fixture has %d province-years, want several", len(parts))
	}
	parts = append(parts, layout.Partition{Province: "40", Year: 2019}) // no rows
	batched, single := t.TempDir(), t.TempDir()
	for _, d := range []string{batched, single} {
		if err := os.Mkdir(filepath.Join(d, layout.SourcesDir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := writeSourceFiles(ctx, w.DB(), batched, parts)
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for _, p := range parts {
		name := filepath.FromSlash(layout.SourcesFile(p))
		want, err := writeQuery(ctx, w.DB(), filepath.Join(single, name), sourcesQuery, p.Province, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(filepath.Join(batched, name))
		b, _ := os.ReadFile(filepath.Join(single, name))
		if string(a) != string(b) || got[p] != want {
			t.Errorf("%s: one query wrote %+v\n%s\nthe partition's own query %+v\n%s", name, got[p], a, want, b)
		}
		most = max(most, want.Rows)
	}
	if most < 2 {
		t.Errorf("no sources file has two rows: the order is not tested")
	}
}

// TestStagingInsertsInExportOrder: a rebuilt partition's stg_facts rows are
// inserted (sql/102_staging_insert.sql) in the order its file is written in,
// so that the COPY's sort finds them in order and gathers them in one
// sequential pass (at 24M facts about a third of the publication's CPU for
// stg_facts). The bytes do not depend on it (the COPY sorts anyway); the
// speed does.
func TestStagingInsertsInExportOrder(t *testing.T) {
	b, err := models.FS.ReadFile("102_staging_insert.sql")
	if err != nil {
		t.Fatal(err)
	}
	var order string
	for _, e := range exportTables {
		if e.name == "stg_facts" {
			order = e.order
		}
	}
	if order == "" {
		t.Fatal("no stg_facts among the exported tables")
	}
	want := "ORDER BY f." + strings.Join(strings.Split(order, ", "), ", f.") + ";"
	if !strings.Contains(string(b), want) {
		t.Errorf("sql/102_staging_insert.sql does not insert stg_facts in the export's order: want %q", want)
	}
}

// The tables are written with DuckDB on one thread per COPY (two COPYs run
// at once) and their other settings (tableSettings), held for the whole
// publication, and the settings are put back afterwards: the warehouse's
// own statements after a publication run as they did before.
func TestTablesPutSettingsBack(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	if _, err := w.DB().ExecContext(ctx, `SET threads = 2`); err != nil {
		t.Fatal(err)
	}
	settings := func() (s [3]string) {
		t.Helper()
		if err := w.DB().QueryRowContext(ctx, `SELECT current_setting('threads')::VARCHAR,
			current_setting('preserve_insertion_order')::VARCHAR, current_setting('disabled_optimizers')::VARCHAR`).Scan(&s[0], &s[1], &s[2]); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := settings()
	s := publish(t, w, dir, Options{})
	if !hasTables(s.Dir) {
		t.Fatalf("no tables in %s", s.Dir)
	}
	if after := settings(); after != before {
		t.Errorf("settings after a publication (threads, preserve_insertion_order, disabled_optimizers): %q, want %q as before", after, before)
	}
}
