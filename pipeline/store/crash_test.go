package store_test

import (
	"context"
	"database/sql"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

const (
	crashEnv     = "DANVAN_STORE_CRASH_DIR"
	crashRecords = 400000
	crashRejects = 70000
)

var crashOpts = store.Options{ChunkRows: 16384, MaxBufferedRows: 65536}

func crashBatch(f *fixture) batch {
	return batch{Hash: hashOf("crash"), SourceFile: "lon.csv", SourcePath: "/inbox/lon.csv",
		IngestedAt: ingestedAt, Records: f.records(crashRecords), Rejects: rejects(crashRejects)}
}

// TestHelperProcess is the child of TestCrash: it commits a large batch
// and is killed somewhere along the way.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("helper process for TestCrash")
	}
	s, err := store.Open(dir, crashOpts)
	if err != nil {
		os.Exit(3)
	}
	if err := commit(context.Background(), s, crashBatch(newFixture(t))); err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(4)
	}
	os.Exit(0)
}

// runChild runs the test helper process named test with env=dir in its
// environment, killing it after killAfter (never when negative); it reports
// how long the child ran and whether it finished by itself.
func runChild(t *testing.T, test, env, dir string, killAfter time.Duration) (time.Duration, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+dir)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timeout <-chan time.Time // nil: never
	if killAfter >= 0 {
		timeout = time.After(killAfter)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("helper: %v", err)
		}
		return time.Since(start), true
	case <-timeout:
		cmd.Process.Signal(syscall.SIGKILL)
		err := <-done // reaps the child, so Open sees it gone
		return time.Since(start), err == nil
	}
}

func runHelper(t *testing.T, dir string, killAfter time.Duration) (time.Duration, bool) {
	t.Helper()
	return runChild(t, "TestHelperProcess", crashEnv, dir, killAfter)
}

// TestCrash kills a committing process at random moments and checks that
// whatever it left is either invisible (no manifest entry) or complete, and
// that a re-run commits exactly the batch.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	f := newFixture(t)
	b := crashBatch(f)
	wantParts := map[string]int64{}
	for _, r := range b.Records {
		wantParts[partitionOf(r)]++
	}
	db := openDB(t)

	full, _ := runHelper(t, t.TempDir(), -1)
	t.Logf("uninterrupted commit in a child process: %v", full)

	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	committed := 0
	const trials = 7
	for trial := 0; trial < trials; trial++ {
		dir := t.TempDir()
		// half the trials aim at the end, where files are renamed and the
		// manifest written
		after := time.Duration(rng.Int63n(int64(full) * 11 / 10))
		if trial%2 == 1 {
			after = full*7/10 + time.Duration(rng.Int63n(int64(full)*4/10))
		}
		_, finished := runHelper(t, dir, after)
		wh := filepath.Join(dir, "warehouse")

		// No file under a final name is partial: each is a complete Parquet
		// file with every row of its partition.
		var factFiles []string
		filepath.Walk(filepath.Join(wh, "facts"), func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				factFiles = append(factFiles, p)
			}
			return nil
		})
		for _, p := range factFiles {
			if !strings.HasSuffix(p, b.Hash+".parquet") {
				t.Errorf("trial %d: unexpected file %s", trial, p)
				continue
			}
			rel, _ := filepath.Rel(filepath.Join(wh, "facts"), filepath.Dir(p))
			var n int64
			if err := db.QueryRow("SELECT count(*) FROM read_parquet('" + filepath.ToSlash(p) + "')").Scan(&n); err != nil {
				t.Errorf("trial %d: %s is not readable: %v", trial, rel, err)
			} else if n != wantParts[filepath.ToSlash(rel)] {
				t.Errorf("trial %d: %s has %d rows, want %d", trial, rel, n, wantParts[filepath.ToSlash(rel)])
			}
		}
		rej := filepath.Join(wh, "rejects", b.Hash+".parquet")
		if _, err := os.Stat(rej); err == nil {
			if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+filepath.ToSlash(rej)+"')"); n != crashRejects {
				t.Errorf("trial %d: rejects file has %d rows", trial, n)
			}
		}
		// A commit record or report list being written when the child died
		// is a hidden temp file beside it (layout.WriteFile), never under
		// its final name.
		for _, sub := range []string{"rejects", "manifest", "reports"} {
			des, _ := os.ReadDir(filepath.Join(wh, sub))
			for _, de := range des {
				hiddenTemp := strings.HasPrefix(de.Name(), ".") && strings.HasSuffix(de.Name(), ".tmp") && sub != "rejects"
				if ext := filepath.Ext(de.Name()); ext != ".parquet" && ext != ".json" && !hiddenTemp {
					t.Errorf("trial %d: stray file %s/%s", trial, sub, de.Name())
				}
			}
		}

		// What the views see: only batches in the manifest, and all of them.
		s, err := store.Open(dir, crashOpts)
		if err != nil {
			t.Fatalf("trial %d: open after crash: %v", trial, err)
		}
		assertNoTmp(t, dir) // the dead child's temp files are gone
		m, err := layout.ReadManifest(layout.Dir(dir))
		if err != nil {
			t.Fatalf("trial %d: manifest: %v", trial, err)
		}
		if finished && len(m) != 1 {
			t.Errorf("trial %d: child finished but manifest has %d entries", trial, len(m))
		}
		if len(m) == 1 {
			committed++
			if got := visibleRows(t, db, dir, m); got != crashRecords {
				t.Errorf("trial %d: committed batch shows %d rows, want %d", trial, got, crashRecords)
			}
			for _, p := range m[0].Partitions {
				if _, err := os.Stat(filepath.Join(wh, "facts", filepath.FromSlash(p), b.Hash+".parquet")); err != nil {
					t.Errorf("trial %d: manifest partition %s missing: %v", trial, p, err)
				}
			}
		} else if got := visibleRows(t, db, dir, m); got != 0 {
			t.Errorf("trial %d: uncommitted batch shows %d rows", trial, got)
		}
		t.Logf("trial %d: killed after %v: committed=%v, %d fact files on disk", trial, after, len(m) == 1, len(factFiles))

		// The re-run completes and yields exactly the batch, once.
		if err := commit(context.Background(), s, b); err != nil {
			t.Fatalf("trial %d: re-run: %v", trial, err)
		}
		m, err = layout.ReadManifest(layout.Dir(dir))
		if err != nil || len(m) != 1 || m[0].RowsAccepted != crashRecords || m[0].RowsRejected != crashRejects {
			t.Fatalf("trial %d: manifest after re-run: %+v, %v", trial, m, err)
		}
		if got := visibleRows(t, db, dir, m); got != crashRecords {
			t.Errorf("trial %d: after re-run %d rows, want %d", trial, got, crashRecords)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"', hive_partitioning=true)"); n != crashRecords {
			t.Errorf("trial %d: %d rows on disk after re-run, want %d (duplicates?)", trial, n, crashRecords)
		}
		assertNoTmp(t, dir)
		s.Close()
	}
	t.Logf("%d of %d killed children had committed", committed, trials)
}

// visibleRows counts facts the way the warehouse views read them: only
// parts of batches with a manifest entry.
func visibleRows(t *testing.T, db *sql.DB, dir string, m []layout.Entry) int64 {
	t.Helper()
	return queryInt(t, db, "SELECT count(*) FROM ("+visibleFacts(dir, m)+")")
}

// visibleFacts is a query of the facts a reader counts, by the rule of the
// store's format written here on its own: for each loaded batch, its rows
// in the facts files its commit record lists (a shared file holds other
// batches' rows too), or, for a record that lists none (written before
// they were listed), in its own file of each of its partitions.
func visibleFacts(dir string, m []layout.Entry) string {
	var q []string
	for _, e := range m {
		if e.Status != layout.Loaded {
			continue
		}
		var paths []string
		for _, f := range e.Files {
			if strings.HasPrefix(f.Path, "warehouse/facts/") {
				paths = append(paths, "'"+filepath.ToSlash(filepath.Join(dir, f.Path))+"'")
			}
		}
		if len(e.Files) == 0 {
			for _, p := range e.Partitions {
				paths = append(paths, "'"+filepath.ToSlash(filepath.Join(dir, "warehouse", "facts", p, e.Batch+".parquet"))+"'")
			}
		}
		if len(paths) > 0 {
			q = append(q, "SELECT * FROM read_parquet(["+strings.Join(paths, ", ")+"]) WHERE batch = '"+e.Batch+"'")
		}
	}
	if len(q) == 0 {
		return "SELECT NULL AS batch WHERE false"
	}
	return strings.Join(q, " UNION ALL ")
}

// visibleDigest is a digest of every visible fact, every column, whatever
// the files they are in and the order of their rows.
func visibleDigest(t *testing.T, db *sql.DB, dir string, m []layout.Entry) string {
	t.Helper()
	var s string
	q := "SELECT coalesce(md5(string_agg(r, '\n' ORDER BY r)), '') FROM (SELECT f::VARCHAR AS r FROM (" + visibleFacts(dir, m) + ") f)"
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}
