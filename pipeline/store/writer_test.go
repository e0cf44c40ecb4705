package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// The writer protocol (pipeline.Writer) as a Tx keeps it: each case is a
// sequence of calls, each with the outcome it must have, and what is
// visible at the end.
func TestWriterProtocol(t *testing.T) {
	f := newFixture(t)
	recs := f.records(3000)
	bad := f.records(1)
	bad[0].Unit = nil
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	type step struct {
		op      string // add, add2 (the second half), bad, reject, flush, commit, commit-cancelled, rollback
		wantErr bool
	}
	cases := []struct {
		name          string
		steps         []step
		visible       bool  // committed at the end
		rows, rejects int64 // visible at the end
	}{
		{"add, reject, commit", []step{{"add", false}, {"reject", false}, {"commit", false}}, true, 1500, 3},
		{"add after flush", []step{{"add", false}, {"flush", false}, {"add2", false}, {"flush", false}, {"commit", false}}, true, 3000, 0},
		{"flush with nothing buffered", []step{{"flush", false}, {"add", false}, {"commit", false}}, true, 1500, 0},
		{"only rejects", []step{{"reject", false}, {"commit", false}}, true, 0, 3},
		{"nothing at all", []step{{"commit", false}}, true, 0, 0},
		{"rollback", []step{{"add", false}, {"reject", false}, {"rollback", false}}, false, 0, 0},
		{"rollback after flush", []step{{"add", false}, {"flush", false}, {"rollback", false}}, false, 0, 0},
		{"nothing after rollback", []step{{"add", false}, {"rollback", false}, {"commit", true}, {"add", true},
			{"reject", true}, {"flush", true}, {"rollback", false}}, false, 0, 0},
		{"nothing after commit", []step{{"add", false}, {"commit", false}, {"add2", true}, {"reject", true},
			{"flush", true}, {"commit", true}, {"rollback", false}}, true, 1500, 0},
		{"cancelled commit", []step{{"add", false}, {"flush", false}, {"commit-cancelled", true}, {"rollback", false}}, false, 0, 0},
		{"a record without its unit", []step{{"add", false}, {"bad", true}, {"commit", true}}, false, 0, 0},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, store.Options{ChunkRows: 256, MaxBufferedRows: 1024})
			b := pipeline.Batch{Hash: hashOf(fmt.Sprint("protocol", i)), SourceFile: "f.csv", IngestedAt: ingestedAt}
			w, err := s.Open(b)
			if err != nil {
				t.Fatal(err)
			}
			for j, st := range c.steps {
				var err error
				switch st.op {
				case "add":
					err = w.Add(recs[:1500])
				case "add2":
					err = w.Add(recs[1500:])
				case "bad":
					err = w.Add(bad)
				case "reject":
					err = w.Reject(rejects(3))
				case "flush":
					err = w.Flush()
				case "commit":
					err = w.Commit(context.Background())
				case "commit-cancelled":
					err = w.Commit(cancelled)
				case "rollback":
					err = w.Rollback()
				}
				if (err != nil) != st.wantErr {
					t.Fatalf("step %d (%s): error %v, want error: %v", j, st.op, err, st.wantErr)
				}
			}
			if s.Has(b.Hash) != c.visible {
				t.Fatalf("committed = %v, want %v", s.Has(b.Hash), c.visible)
			}
			db := openDB(t)
			var rows, rej int64
			if files, _ := filepath.Glob(filepath.Join(dir, "warehouse", "facts", "*", "*", "*.parquet")); len(files) > 0 {
				rows = queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"')")
			}
			if _, err := os.Stat(layout.Dir(dir).RejectsFile(b.Hash)); err == nil {
				rej = queryInt(t, db, "SELECT count(*) FROM read_parquet('"+layout.Dir(dir).RejectsFile(b.Hash)+"')")
			}
			if rows != c.rows || rej != c.rejects {
				t.Errorf("%d rows and %d rejects on disk, want %d and %d", rows, rej, c.rows, c.rejects)
			}
			if c.visible {
				m, err := layout.ReadManifest(layout.Dir(dir))
				if err != nil || len(m) != 1 || m[0].RowsAccepted != c.rows || m[0].RowsRejected != c.rejects {
					t.Errorf("manifest %+v, %v; want %d rows, %d rejects", m, err, c.rows, c.rejects)
				}
				if c.rows > 0 && queryInt(t, db, "SELECT count(DISTINCT seq) FROM read_parquet('"+factsGlob(dir)+"')") != c.rows {
					t.Error("seq is not one number per row")
				}
			}
			assertNoTmp(t, dir)
			for name := range fileHashes(t, dir) {
				if !c.visible && strings.Contains(name, b.Hash) {
					t.Errorf("left %s", name)
				}
			}
		})
	}
}
