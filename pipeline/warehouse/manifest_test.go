package warehouse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/store"
)

// readManifestFile stops reading at "reports": that holds only while the
// store writes every field the warehouse needs before it.
func TestReadManifestFileStopsAtReports(t *testing.T) {
	e := store.ManifestEntry{Batch: "b1", SourceFile: "a.csv", SourcePath: "/in/a.csv", Size: 9,
		IngestedAt: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC), Status: store.StatusLoaded,
		RowsAccepted: 7, RowsRejected: 2, Reason: "r", ReasonEN: "r", Partitions: []string{"province=38/year=2023"},
		Reports: []store.Report{{ReportID: "x", UnitCode: "380", Period: "2023"}}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b1.json")
	// A broken tail shows nothing after "reports" is read.
	if err := os.WriteFile(path, append(b[:len(b)-1], []byte(`,"reports":[{"report_id": BROKEN`)...), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readManifestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want ManifestEntry
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if got != want || want.Batch != "b1" || want.RowsAccepted != 7 || want.IngestedAt.IsZero() {
		t.Errorf("read %+v, want %+v", got, want)
	}
	if err := os.WriteFile(path, []byte(`[1, 2]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readManifestFile(path); err == nil {
		t.Error("a record that is not an object was read")
	}
}
