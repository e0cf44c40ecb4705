package warehouse_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// A warehouse.duckdb damaged in any of the ways a disk or a person damages
// a file is moved aside and rebuilt from the Parquet store: the refresh
// succeeds with the marts a fresh warehouse has, says it rebuilt, and keeps
// the damaged copy beside.
func TestDamagedDatabaseIsRebuilt(t *testing.T) {
	// Enough values that the tables take blocks of their own.
	batch := whtest.Batch{SourceFile: "a.csv", IngestedAt: day(5)}
	for _, u := range []int{380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400} {
		for y := 2019; y <= 2024; y++ {
			for m := 1; m <= 12; m++ {
				for i, ind := range []string{"dialogues", "contests", "models_registered"} {
					batch.Facts = append(batch.Facts, whtest.Fact{Unit: fmt.Sprint(u), Period: fmt.Sprintf("%d-%02d", y, m),
						Indicator: ind, Value: float64(u*7 + y*3 + m*11 + i)})
				}
			}
		}
	}
	marts := `SELECT province_code, year, indicator, value FROM mart_province_year ORDER BY ALL`
	// One sound warehouse, copied for each damage.
	sound := t.TempDir()
	whtest.Write(t, sound, batch)
	w := open(t, sound, warehouse.Options{})
	refresh(t, w)
	want := rows(t, w, marts)
	w.Close()
	// The blocks of int_unit_year once checkpointed: a table the opening
	// does not read, and the refresh does.
	w = open(t, sound, warehouse.Options{})
	var blocks []int64
	for _, b := range rows(t, w, `SELECT DISTINCT block_id FROM pragma_storage_info('int_unit_year') WHERE block_id >= 0`) {
		var n int64
		fmt.Sscan(b, &n)
		blocks = append(blocks, n)
	}
	w.Close()
	if len(blocks) == 0 {
		t.Fatal("int_unit_year has no block of its own")
	}

	scribble := func(from, every int64) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			junk := make([]byte, 64)
			for off := from; off < fi.Size(); off += every {
				rand.Read(junk)
				f.WriteAt(junk, off)
			}
		}
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"a table the refresh reads", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			junk := make([]byte, 4096)
			for _, b := range blocks {
				rand.Read(junk)
				f.WriteAt(junk, 3*4096+b*(256<<10)+1024) // past the header, DuckDB's blocks are 256 KiB
			}
		}},
		{"checksums fail everywhere", scribble(4096*3, 64<<10)},
		{"truncated", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			os.Truncate(path, fi.Size()/3)
		}},
		{"not a database", func(t *testing.T, path string) { os.WriteFile(path, []byte("PK\x03\x04 not a database"), 0o644) }},
		{"a folder in its place", func(t *testing.T, path string) {
			os.Remove(path)
			os.Mkdir(path, 0o755)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, sound, dir)
			path := layout.Dir(dir).DuckDB()
			c.damage(t, path)

			w, err := warehouse.Open(ctx, dir, warehouse.Options{})
			if err != nil {
				t.Fatalf("open over a damaged database: %v", err)
			}
			defer w.Close()
			if _, err := w.Refresh(ctx); err != nil {
				t.Fatalf("refresh over a damaged database: %v", err)
			}
			if got := rows(t, w, marts); !reflect.DeepEqual(got, want) {
				t.Errorf("marts after the rebuild:\n got %v\nwant %v", got, want)
			}
			rb := w.Rebuilt()
			if len(rb) != 1 || rb[0].MovedTo != path+".damaged" || rb[0].Cause == "" {
				t.Fatalf("Rebuilt = %+v, want the damaged file moved to %s.damaged", rb, path)
			}
			t.Logf("rebuilt after: %s", rb[0].Cause)
			if _, err := os.Stat(rb[0].MovedTo); err != nil {
				t.Errorf("damaged copy not kept: %v", err)
			}
			// The next run finds a sound file and rebuilds nothing.
			w.Close()
			w2 := open(t, dir, warehouse.Options{})
			if res := refresh(t, w2); res.Mode != "unchanged" || len(w2.Rebuilt()) != 0 {
				t.Errorf("the run after the rebuild: mode %s, rebuilt %v", res.Mode, w2.Rebuilt())
			}
		})
	}
}

// copyTree copies the files under from into to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Another process holding the database open is not damage: nothing is
// moved, and the error says it may pass.
func TestDatabaseHeldByAnotherProcessIsNotDamage(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	if w.Damaged(&lockErr{`IO Error: Could not set lock on file "` + layout.Dir(dir).DuckDB() + `": Conflicting lock is held in /usr/bin/duckdb (PID 42)`}) {
		t.Error("a lock held by another process taken for damage")
	}
	if !w.Damaged(&lockErr{"Data Corruption Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 12288"}) {
		t.Error("a checksum failure not taken for damage")
	}
	if w.Damaged(&lockErr{`Invalid Input Error: No magic bytes found at end of file '` + dir + `/warehouse/facts/province=38/year=2023/x.parquet'`}) {
		t.Error("a damaged Parquet file taken for a damaged database")
	}
	if !strings.Contains((&warehouse.LockedError{Err: &lockErr{"x"}}).Error(), "another process") || !(&warehouse.LockedError{}).Temporary() {
		t.Error("LockedError does not say it may pass")
	}
}

// A full disk is not damage: DuckDB's error writing, syncing or growing
// the database file or its log on a full disk names the file and says "IO
// Error", as damage does, yet the file is sound, and moving it aside to
// rebuild in full would need the space twice over.
func TestFullDiskIsNotDamage(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	db := layout.Dir(dir).DuckDB()
	for _, msg := range []string{
		`IO Error: Could not write file "` + db + `": No space left on device`,
		`IO Error: Could not write file "` + db + `.wal": No space left on device`,
		`IO Error: Could not fsync file "` + db + `": No space left on device`,
		`IO Error: Could not truncate file "` + db + `": Disk quota exceeded`,
		`FATAL Error: Failed: Checkpoint failed for database warehouse. The database has been invalidated. Original error: IO Error: Could not write file "` + db + `": No space left on device`,
	} {
		if w.Damaged(&lockErr{msg}) || warehouse.IsDamaged(dir, &lockErr{msg}) {
			t.Errorf("a full disk taken for damage: %s", msg)
		}
	}
	if !w.Damaged(&lockErr{`IO Error: Could not read from file "` + db + `": Input/output error`}) {
		t.Error("a read error of the database file not taken for damage")
	}
}

type lockErr struct{ s string }

func (e *lockErr) Error() string { return e.s }

// A facts file the refresh is about to read, damaged, stops the refresh
// before it changes anything, naming the file and its batch, so that the
// caller sets the batch aside (pipeline.Refresher) instead of every refresh
// failing on it.
func TestRefreshNamesDamagedFactsBeforeReading(t *testing.T) {
	dir := t.TempDir()
	a := whtest.Batch{SourceFile: "a.csv", IngestedAt: day(5), Facts: []whtest.Fact{{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20}}}
	whtest.Write(t, dir, a)
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	before := rows(t, w, `SELECT province_code, year, indicator, value FROM mart_province_year ORDER BY ALL`)

	// b lands in the same partition; its file is damaged on its way.
	b := whtest.Batch{SourceFile: "b.csv", IngestedAt: day(6), Facts: []whtest.Fact{{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 7}}}
	whtest.Write(t, dir, b)
	files, _ := filepath.Glob(filepath.Join(dir, "warehouse", "facts", "province=38", "year=2023", "*.parquet"))
	if len(files) != 2 {
		t.Fatalf("facts files: %v", files)
	}
	var victim string
	for _, f := range files {
		if r := rows(t, w, `SELECT DISTINCT source_file FROM read_parquet(?)`, f); len(r) == 1 && r[0] == "b.csv" {
			victim = f
		}
	}
	fi, _ := os.Stat(victim)
	os.Truncate(victim, fi.Size()-10)

	_, err := w.Refresh(ctx)
	var dmg *pipeline.DamagedError
	if !errors.As(err, &dmg) || len(dmg.Files) != 1 || dmg.Files[0].SourceFile != "b.csv" ||
		dmg.Files[0].Path != "warehouse/facts/province=38/year=2023/"+filepath.Base(victim) {
		t.Fatalf("refresh over a truncated facts file: %v, want a DamagedError naming it", err)
	}
	if len(w.Rebuilt()) != 0 {
		t.Error("a damaged Parquet file taken for a damaged database")
	}
	if got := rows(t, w, `SELECT province_code, year, indicator, value FROM mart_province_year ORDER BY ALL`); !reflect.DeepEqual(got, before) {
		t.Errorf("the refresh changed the marts before it stopped: %v, was %v", got, before)
	}
}
