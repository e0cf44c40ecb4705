package warehouse

import (
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	models "github.com/danvan/danvan/sql"
)

// The refresh plan is a pure decision: what was built (prev), what is
// committed (files), full or not, gives the mode and, per partition that
// changed, the action and the files to read.
func TestPlan(t *testing.T) {
	p38, p38b, p40 := layout.Partition{Province: "38", Year: 2023}, layout.Partition{Province: "38", Year: 2024}, layout.Partition{Province: "40", Year: 2019}
	file := func(p layout.Partition, batch string) factFile {
		return factFile{Partition: p, Batch: batch, Path: fmt.Sprintf("%s/%s.parquet", p, batch)}
	}
	builtOf := func(batches ...string) built { return built{hash: hashBatches(batches), batches: batches} }
	cases := []struct {
		name           string
		prev           map[layout.Partition]built
		files          []factFile
		full           bool
		mode           Mode
		steps          []string // "partition action: files read"
		added, removed string
	}{
		{name: "nothing at all", mode: Unchanged},
		{name: "first refresh", files: []factFile{file(p40, "b1"), file(p38, "b1"), file(p38, "b2")}, full: true, mode: Full,
			steps: []string{"province=38/year=2023 rebuild: b1 b2", "province=40/year=2019 rebuild: b1"}, added: "b1 b2"},
		{name: "nothing new", prev: map[layout.Partition]built{p38: builtOf("b1", "b2")},
			files: []factFile{file(p38, "b2"), file(p38, "b1")}, mode: Unchanged},
		{name: "a batch added", prev: map[layout.Partition]built{p38: builtOf("b1"), p40: builtOf("b1")},
			files: []factFile{file(p38, "b1"), file(p38, "b2"), file(p40, "b1")}, mode: Incremental,
			steps: []string{"province=38/year=2023 append: b2"}, added: "b2"},
		{name: "a new partition", prev: map[layout.Partition]built{p38: builtOf("b1")},
			files: []factFile{file(p38, "b1"), file(p38b, "b2")}, mode: Incremental,
			steps: []string{"province=38/year=2024 rebuild: b2"}, added: "b2"},
		{name: "a batch withdrawn", prev: map[layout.Partition]built{p38: builtOf("b1", "b2")},
			files: []factFile{file(p38, "b1")}, mode: Incremental,
			steps: []string{"province=38/year=2023 rebuild: b1"}, removed: "b2"},
		{name: "a batch replaced", prev: map[layout.Partition]built{p38: builtOf("b1", "b2")},
			files: []factFile{file(p38, "b1"), file(p38, "b3")}, mode: Incremental,
			steps: []string{"province=38/year=2023 rebuild: b1 b3"}, added: "b3", removed: "b2"},
		{name: "a partition emptied", prev: map[layout.Partition]built{p38: builtOf("b1"), p40: builtOf("b2")},
			files: []factFile{file(p38, "b1")}, mode: Incremental,
			steps: []string{"province=40/year=2019 drop: "}, removed: "b2"},
		{name: "a partition that failed its tests is rebuilt", prev: map[layout.Partition]built{p38: {hash: failedKey}},
			files: []factFile{file(p38, "b1"), file(p38, "b2")}, mode: Incremental,
			steps: []string{"province=38/year=2023 rebuild: b1 b2"}, added: "b1 b2"},
		{name: "a partition that failed its tests and lost its batches is emptied", prev: map[layout.Partition]built{p38: {hash: failedKey}},
			mode: Incremental, steps: []string{"province=38/year=2023 drop: "}},
		{name: "full forgets what was built", prev: map[layout.Partition]built{p38: builtOf("b1")},
			files: []factFile{file(p38, "b1")}, full: true, mode: Full,
			steps: []string{"province=38/year=2023 rebuild: b1"}, added: "b1"},
		{name: "partitions in order", prev: map[layout.Partition]built{},
			files: []factFile{file(p40, "b1"), file(p38b, "b1"), file(p38, "b1")}, mode: Incremental,
			steps: []string{"province=38/year=2023 rebuild: b1", "province=38/year=2024 rebuild: b1", "province=40/year=2019 rebuild: b1"},
			added: "b1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := plan(c.prev, c.files, c.full)
			var steps []string
			for _, s := range p.Steps {
				var read []string
				for _, f := range s.Read {
					read = append(read, f.Batch)
				}
				steps = append(steps, fmt.Sprintf("%s %s: %s", s.Partition, s.Action, strings.Join(read, " ")))
				if s.Action != Drop && len(s.Files) == 0 || s.Action == Drop && len(s.Files) > 0 {
					t.Errorf("%s: %s with %d files", s.Partition, s.Action, len(s.Files))
				}
			}
			if p.Mode != c.mode || !reflect.DeepEqual(steps, c.steps) {
				t.Errorf("plan %s %q\nwant %s %q", p.Mode, steps, c.mode, c.steps)
			}
			if a, r := strings.Join(p.NewBatches, " "), strings.Join(p.RemovedBatches, " "); a != c.added || r != c.removed {
				t.Errorf("batches new %q removed %q, want %q and %q", a, r, c.added, c.removed)
			}
		})
	}
}

// batch_version is the number staging finds the latest value by; it must
// order rows as fact_version, the one definition of supersession, does:
// checked by DuckDB itself on batches that share ingestion times.
func TestBatchVersionOrdersAsFactVersion(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	macros, err := fs.ReadFile(models.FS, "005_macros.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(macros)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	// Trials 0-19: batches of random names, ordered by their first 15
	// digits read as a number; 20-29: names that share those digits, which
	// only a CASE orders; 30-34: names that are not lower-case hex.
	for trial := 0; trial < 35; trial++ {
		var files []factFile
		var rows []string
		shared := fmt.Sprintf("%015x", rng.Uint64()>>4)
		for b := 0; b < 2+rng.IntN(8); b++ {
			name := fmt.Sprintf("%016x", rng.Uint64())
			switch {
			case trial >= 30:
				name = fmt.Sprintf("Z%016X", rng.Uint64())
			case trial >= 20:
				name = shared + fmt.Sprintf("%x", rng.IntN(16))
			}
			f := factFile{Batch: name, IngestedAt: base.Add(time.Duration(rng.IntN(3)) * time.Microsecond)}
			files = append(files, f)
			for seq := 0; seq < 3; seq++ {
				rows = append(rows, fmt.Sprintf("(TIMESTAMP '%s', '%s', %d)", f.IngestedAt.Format("2006-01-02 15:04:05.999999"), f.Batch, seq))
			}
		}
		table := "(VALUES " + strings.Join(rows, ", ") + ") t(ingested_at, batch, seq)"
		order := func(by string) string {
			var s string
			if err := db.QueryRow("SELECT string_agg(batch || ':' || seq, ' ' ORDER BY " + by + ") FROM " + table).Scan(&s); err != nil {
				t.Fatalf("%s: %v", by, err)
			}
			return s
		}
		expr := batchVersion(files)
		stamps := map[time.Time]bool{}
		for _, f := range files {
			stamps[f.IngestedAt] = true
		}
		kind, want := "plain", "plain"
		switch {
		case strings.Contains(expr, "'0x'"):
			kind = "prefix"
		case strings.Contains(expr, "CASE"):
			kind = "case"
		}
		switch {
		case len(stamps) == len(files):
		case trial < 20:
			want = "prefix"
		default:
			want = "case"
		}
		if kind != want {
			t.Errorf("trial %d: batch_version is %s, want the %s kind", trial, expr, want)
		}
		if got, want := order(expr+", seq"), order("fact_version(ingested_at, batch, seq)"); got != want {
			t.Fatalf("trial %d: batch_version orders\n%s\nfact_version\n%s", trial, got, want)
		}
	}
}

// TestMartsOnlyReference: the reference tables left out of the kept
// tables' key (martsOnlyReference) are named by no model that key covers
// (setup, staging, int_), by no data test over their tables and not by
// mart_sources, whose per-partition files the export keys by that key; a
// model that came to read one would need it back in the key.
func TestMartsOnlyReference(t *testing.T) {
	ms, err := loadModels(models.FS)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"facts views": strings.Join(factViews, "\n")}
	for _, m := range ms {
		if m.Phase < 200 || m.Phase >= 900 || m.Name == "230_mart_sources" {
			texts[m.Name] = m.SQL
		}
	}
	if _, ok := texts["230_mart_sources"]; !ok {
		t.Fatal("no model 230_mart_sources: name the view the export keys by partition here")
	}
	for _, table := range martsOnlyReference {
		word := regexp.MustCompile(`(?i)\b` + table + `\b`)
		for name, sql := range texts {
			if word.MatchString(sql) {
				t.Errorf("%s reads %s, which the kept tables' key leaves out (martsOnlyReference)", name, table)
			}
		}
	}
}
