package serve

// The dashboards on the demo data (pipeline/demo): ingested, refreshed and
// published here with the real stages, once per test binary, at a pinned
// clock. The demo holds what the pages must tell the truth about: a
// part-year (2026, its first half), a district that sent both halves of
// 2024 and no annual report, stray monthly and quarterly files, refused
// rows and quarantined files.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/demo"
	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// demoNow is when the demo is ingested: after its data day (demo.AsOf), so
// 2026-H1 has ended and its deadline has passed, 2026 has not ended.
var demoNow = demo.AsOf.Add(9*time.Hour + 30*time.Minute)

var demoData struct {
	once sync.Once
	dir  string
	sum  ingest.Summary
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoData.dir != "" {
		os.RemoveAll(demoData.dir)
	}
	os.Exit(code)
}

// demoDir returns a data directory with the demo published, and what
// ingest said of it. It takes a minute or two: tests that need it skip in
// -short mode.
func demoDir(t *testing.T) (string, ingest.Summary) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("demo data skipped in -short mode")
	}
	demoData.once.Do(func() {
		t0 := time.Now()
		demoData.dir, demoData.sum, demoData.err = buildDemo()
		t.Logf("demo data ingested, refreshed and published in %v", time.Since(t0).Round(time.Millisecond))
	})
	if demoData.err != nil {
		t.Fatal(demoData.err)
	}
	return demoData.dir, demoData.sum
}

func buildDemo() (dir string, sum ingest.Summary, err error) {
	ctx := context.Background()
	dir, err = os.MkdirTemp("", "danvan-serve-demo-")
	if err != nil {
		return "", sum, err
	}
	inbox := layout.Dir(dir).Inbox()
	if _, err := demo.Write(inbox, demo.DefaultOptions()); err != nil {
		return dir, sum, err
	}
	st, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		return dir, sum, err
	}
	in, err := ingest.New(ingest.Options{Now: func() time.Time { return demoNow }})
	if err != nil {
		return dir, sum, err
	}
	sum, err = in.Files(ctx, []string{inbox}, st)
	st.Close()
	if err != nil {
		return dir, sum, fmt.Errorf("ingest the demo: %w", err)
	}
	wh, err := warehouse.Open(ctx, dir, warehouse.DefaultOptions())
	if err != nil {
		return dir, sum, err
	}
	defer wh.Close()
	if _, err := wh.Refresh(ctx); err != nil {
		return dir, sum, fmt.Errorf("refresh the demo: %w", err)
	}
	if _, err := export.Publish(ctx, wh.DB(), dir, export.Options{Keep: 2, Demo: true}); err != nil {
		return dir, sum, fmt.Errorf("publish the demo: %w", err)
	}
	return dir, sum, nil
}

// demoRuns is the run history of the demo: one scheduled run that ingested
// it all and published with problems (its quarantined files), as a run of
// the demo does.
type demoRuns struct{ sum ingest.Summary }

func (d demoRuns) History(n int) ([]Run, error) {
	acc, rej, _ := d.sum.Totals()
	problems := d.sum.Faults()
	for i := range problems {
		problems[i].Path = "inbox/" + filepath.Base(problems[i].Path) // as the runner says it: relative to the data directory
	}
	return []Run{{
		ID: "20260901T023000Z-demo01", Trigger: "schedule", Status: "succeeded_with_problems", Published: true,
		StartedAt: demoNow.Add(-time.Minute), FinishedAt: demoNow.Add(3 * time.Minute),
		FilesIngested: len(d.sum.Files), RowsAccepted: acc, RowsRejected: rej, TestsPassed: 6, Problems: problems,
	}}, nil
}
func (d demoRuns) Next() time.Time { return demoNow.Add(24 * time.Hour) }

// demoSnapshot reads an output of the published demo snapshot.
func demoSnapshot(t *testing.T, dir, name string, v any) {
	t.Helper()
	snap, err := layout.Dir(dir).CurrentSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	readJSON(t, filepath.Join(snap, filepath.FromSlash(name)), v)
}

type demoYear struct {
	Year     int    `json:"year"`
	Complete bool   `json:"complete"`
	LabelVI  string `json:"label_vi"`
}

// latestComplete is the latest year whose figures cover the whole year, and
// the part-years.
func latestComplete(t *testing.T, dir string) (int, []demoYear) {
	t.Helper()
	var ys []demoYear
	demoSnapshot(t, dir, "years.json", &ys)
	best := 0
	var parts []demoYear
	for _, y := range ys {
		if y.Complete {
			best = max(best, y.Year)
		} else {
			parts = append(parts, y)
		}
	}
	return best, parts
}

// TestDemoData: the demo holds what the acceptance asks of it.
func TestDemoData(t *testing.T) {
	dir, sum := demoDir(t)
	_, parts := latestComplete(t, dir)
	if len(parts) == 0 || parts[len(parts)-1].LabelVI != "6 tháng đầu năm 2026 (chưa đủ năm)" {
		t.Errorf("the demo has no part-year 2026: %+v", parts)
	}
	var rep []struct {
		UnitName      string   `json:"unit_name"`
		Period        string   `json:"period"`
		Status        string   `json:"status"`
		PartsReceived []string `json:"parts_received"`
		PartsCover    bool     `json:"parts_cover"`
	}
	demoSnapshot(t, dir, "reporting.json", &rep)
	halves := false
	for _, r := range rep {
		if r.UnitName == "Can Lộc" && r.Period == "2024" {
			halves = r.Status == "missing" && r.PartsCover && slices.Contains(r.PartsReceived, "2024-H2")
		}
	}
	if !halves {
		t.Error("the demo has no unit that sent its halves but not its year (Can Lộc 2024)")
	}
	months, refused, quarantined := 0, 0, 0
	for _, f := range sum.Files {
		if strings.Contains(f.File, "-thang-") || strings.Contains(f.File, "gia-tri-abc") {
			months++
		}
		refused += f.Rejected
		if f.Status == ingest.Quarantined {
			quarantined++
		}
	}
	if months < 2 || refused == 0 || quarantined == 0 {
		t.Errorf("the demo has %d monthly files, %d refused rows, %d quarantined files", months, refused, quarantined)
	}
}
