package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
)

// TestReadingLimitFlags: --max-file-size reaches ingest, and a file over
// it is quarantined naming the limit while the other file loads; a size
// that is not one is a usage error.
func TestReadingLimitFlags(t *testing.T) {
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	small := "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Thạch Hà,2023,dialogues,3\n"
	if err := os.WriteFile(filepath.Join(inbox, "a-nho.csv"), []byte(small), 0o644); err != nil {
		t.Fatal(err)
	}
	big := small + strings.Repeat("Hà Tĩnh,Thạch Hà,2023,dialogues,3\n", 100)
	if err := os.WriteFile(filepath.Join(inbox, "b-lon.csv"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"DANVAN_NOW=" + fixedNow}
	r := danvan(t, env, "ingest", "--data", data, "--max-file-size", "1KiB")
	if r.code != exitProblems || !strings.Contains(r.stdout, "quá giới hạn 1,0 KiB cho một tệp (--max-file-size)") {
		t.Fatalf("code %d, want %d and the limit named\n%s\n%s", r.code, exitProblems, r.stdout, r.stderr)
	}
	got, err := layout.ReadManifest(layout.Dir(data))
	if err != nil || len(got) != 2 {
		t.Fatalf("manifest: %v, %+v", err, got)
	}
	for _, e := range got {
		if want := map[string]layout.Status{"a-nho.csv": layout.Loaded, "b-lon.csv": layout.Quarantined}[e.SourceFile]; e.Status != want {
			t.Errorf("%s: %s, want %s", e.SourceFile, e.Status, want)
		}
	}
	if r := danvan(t, env, "ingest", "--data", data, "--max-unzipped", "lots"); r.code != exitUsage {
		t.Errorf("--max-unzipped lots: code %d, want a usage error\n%s", r.code, r.stderr)
	}
}
