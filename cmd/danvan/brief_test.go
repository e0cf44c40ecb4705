package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBrief: `danvan brief` prints the one-page brief of a year to PDF with
// headless Chromium (one A4 page), writes HTML when asked or when no
// Chromium is to be found, and says what it did.
func TestBrief(t *testing.T) {
	data := t.TempDir()
	smallInbox(t, data)
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "run", "--data", data); r.code != exitProblems { // the demo's bad files are quarantined
		t.Fatalf("run: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := t.TempDir()

	html := filepath.Join(out, "b.html")
	r := danvan(t, env, "brief", "--data", data, "--year", "2024", "--out", html)
	b, err := os.ReadFile(html)
	if r.code != exitOK || err != nil || !strings.Contains(r.stdout, "bản tin năm 2024") {
		t.Fatalf("brief --out b.html: %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if !bytes.Contains(b, []byte("Bản tin so sánh công tác dân vận")) || !bytes.Contains(b, []byte("<style>")) ||
		bytes.Contains(b, []byte(`href="/assets/`)) || bytes.Count(b, []byte("<li>")) < 3 {
		t.Errorf("the HTML brief is not a page of its own: %.400s", b)
	}

	// No Chromium to be found: the HTML, said so.
	pdf := filepath.Join(out, "none.pdf")
	r = danvan(t, append(env, "PATH="+t.TempDir(), "DANVAN_CHROMIUM="), "brief", "--data", data, "--year", "2024", "--out", pdf)
	if _, err := os.Stat(filepath.Join(out, "none.html")); r.code != exitOK || err != nil || !strings.Contains(r.stdout, "no Chromium") {
		t.Errorf("without Chromium: %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}

	if r := danvan(t, env, "brief", "--data", data, "--year", "1999", "--out", html); r.code != exitFailed || !strings.Contains(r.stderr, "1999") {
		t.Errorf("a year without figures: %d %s", r.code, r.stderr)
	}
	if r := danvan(t, env, "brief", "--data", t.TempDir()); r.code != exitFailed || !strings.Contains(r.stderr, "danvan run") {
		t.Errorf("no snapshot: %d %s", r.code, r.stderr)
	}

	if chromium() == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is missing and CI is set")
		}
		t.Skip("chromium is missing: the PDF is not printed")
	}
	pdf = filepath.Join(out, "b.pdf")
	if r := danvan(t, env, "brief", "--data", data, "--year", "2024", "--out", pdf); r.code != exitOK {
		t.Fatalf("brief --out b.pdf: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err = os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("no PDF: %v %.20q", err, b)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Skipf("pdfinfo missing (apt-get install poppler-utils): pages not counted")
	}
	for line := range strings.Lines(string(info)) {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			if n, _ := strconv.Atoi(strings.TrimSpace(v)); n != 1 {
				t.Errorf("the brief prints on %d pages, want 1", n)
			}
		}
		if v, ok := strings.CutPrefix(line, "Page size:"); ok && !strings.Contains(v, "A4") {
			t.Errorf("page size %s, want A4", strings.TrimSpace(v))
		}
	}
}
