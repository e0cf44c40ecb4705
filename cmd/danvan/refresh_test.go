package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
	models "github.com/danvan/danvan/sql"
)

// TestRefreshChain runs the job of `danvan run` and the scheduler (the
// pipeline.Refresher over this binary's real stages) in-process: a small
// inbox is ingested, refreshed and published; a second run reads nothing
// new and publishes the same snapshot; a publication that fails says so
// and leaves the published snapshot in place.
func TestRefreshChain(t *testing.T) {
	data := t.TempDir()
	smallInbox(t, data)
	t.Setenv("DANVAN_NOW", fixedNow)
	o := refreshOptions{data: data, deadlineDays: 15, keep: 5, out: io.Discard}
	// What exports/current named when the run said it may have switched
	// it (danvan serve's Switched).
	var switchedTo string
	o.switched = func() { switchedTo, _ = layout.Dir(data).CurrentSnapshot() }
	ctx := context.Background()
	names, err := fs.Glob(models.FS, "9*.sql")
	if err != nil {
		t.Fatal(err)
	}
	tests := len(names) // every data test passes

	first, err := refresh(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := layout.Dir(data).CurrentSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if first.FilesIngested < 20 || first.RowsAccepted == 0 || first.RowsRejected == 0 || first.TestsPassed != tests ||
		first.TestsFailed != 0 || first.Snapshot == "" || filepath.Base(cur) != first.Snapshot || !strings.HasPrefix(first.Detail, "full:") {
		t.Fatalf("first run: %+v, current %s", first, cur)
	}
	if switchedTo != cur {
		t.Errorf("the run said it switched exports/current when it named %q, want %q", switchedTo, cur)
	}

	again, err := refresh(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if again.FilesIngested != 0 || again.Snapshot != first.Snapshot || !strings.HasPrefix(again.Detail, "unchanged:") {
		t.Fatalf("second run: %+v", again)
	}

	// A file where the publication builds its snapshots: it cannot.
	tmp := layout.Dir(data).ExportsTmp()
	if err := os.RemoveAll(tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	failed, err := refresh(ctx, o)
	if err == nil || !strings.HasPrefix(err.Error(), "publish: ") || failed.Snapshot != "" || failed.TestsPassed != tests {
		t.Fatalf("failed publication: %+v, %v", failed, err)
	}
	if now, _ := layout.Dir(data).CurrentSnapshot(); now != cur {
		t.Errorf("current snapshot %s after a failed publication, want %s", now, cur)
	}
}
