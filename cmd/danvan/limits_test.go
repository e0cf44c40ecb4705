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

// TestValidateTakesTheLimits: danvan validate reads under the same limit
// flags as ingest (one list of them, limitFlagsInto), so a file it passes
// is one the night reads: each limit set low quarantines its file naming
// the flag, and the others pass.
func TestValidateTakesTheLimits(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "bang.csv")
	rows := "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Thạch Hà,2023,dialogues,3\nHà Tĩnh,Can Lộc,2023,dialogues,4\n"
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, "dong.jsonl")
	if err := os.WriteFile(jsonl, []byte(`{"tinh":"Hà Tĩnh","don_vi":"Thạch Hà","ky_bao_cao":"2023","chi_tieu":"dialogues","gia_tri":3,"ghi_chu":"`+strings.Repeat("x", 3000)+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "bao-cao.json")
	if err := os.WriteFile(report, []byte(`{"province":"Hà Tĩnh","unit":"Thạch Hà","period":"2023","values":[{"indicator":"dialogues","value":3}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "validate", csv, jsonl, report); r.code != exitOK {
		t.Fatalf("validate under the default limits: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, c := range []struct {
		flag, value, file, want string
	}{
		{"--max-rows", "1", csv, "Tệp có hơn 1 dòng số liệu, quá giới hạn cho một tệp (--max-rows)"},
		{"--max-line", "2KiB", jsonl, "Dòng 1 dài hơn 2,0 KiB, quá giới hạn cho một dòng (--max-line)"},
		{"--max-read-whole", "64", report, "quá giới hạn 64 byte cho phần được đọc một lần (--max-read-whole)"},
		{"--max-file-size", "2KiB", jsonl, "quá giới hạn 2,0 KiB cho một tệp (--max-file-size)"},
	} {
		r := danvan(t, env, "validate", c.flag, c.value, csv, jsonl, report)
		if r.code != exitFailed || !strings.Contains(r.stdout, c.want) || quarantinedLines(r.stdout) != 1 {
			t.Errorf("validate %s %s: code %d, want %d and one file quarantined with %q\n%s\n%s", c.flag, c.value, r.code, exitFailed, c.want, r.stdout, r.stderr)
		}
	}
	for _, flag := range []string{"--max-shared-strings", "--max-rows"} {
		if r := danvan(t, env, "validate", flag, "many", csv); r.code != exitUsage {
			t.Errorf("validate %s many: code %d, want a usage error\n%s", flag, r.code, r.stderr)
		}
	}
}

// quarantinedLines counts the files a summary lists as quarantined.
func quarantinedLines(summary string) int {
	n := 0
	for _, l := range strings.Split(summary, "\n") {
		if strings.HasPrefix(l, "cách ly ") {
			n++
		}
	}
	return n
}
