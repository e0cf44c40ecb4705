package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/serve"
)

// cmdBrief writes the one-page brief of a year from the published snapshot:
// a PDF printed by headless Chromium when one is installed, else the HTML
// (which any browser prints on one A4 page).
func cmdBrief(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("brief", stderr)
	data := dataFlag(fs)
	year := fs.Int("year", 0, "the year (default: the latest year whose figures cover the whole year)")
	out := fs.String("out", "brief.pdf", "file to write: .pdf (printed with headless Chromium) or .html")
	lang := fs.String("lang", "vi", "vi or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	if *lang != "vi" && *lang != "en" {
		return fmt.Errorf("%w: --lang must be vi or en", errUsage)
	}
	snap, err := layout.Dir(*data).CurrentSnapshot()
	if err != nil {
		return fmt.Errorf("no published snapshot in %s (run `danvan run` first): %w", *data, err)
	}
	var html bytes.Buffer
	y, err := serve.BriefFile(&html, snap, *year, *lang)
	if err != nil {
		return err
	}
	if !strings.EqualFold(filepath.Ext(*out), ".pdf") {
		if err := layout.WriteFile(*out, html.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "bản tin năm %d (brief of %d): %s\n", y, y, *out)
		return nil
	}
	chrome := chromium()
	if chrome == "" {
		path := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".html"
		if err := layout.WriteFile(path, html.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "không có Chromium để in PDF; đã ghi HTML, in bằng trình duyệt (no Chromium to print the PDF; wrote the HTML, print it from a browser): %s\n", path)
		return nil
	}
	if err := printPDF(ctx, chrome, html.Bytes(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bản tin năm %d (brief of %d): %s\n", y, y, *out)
	return nil
}

// chromium finds a headless-capable Chromium: $DANVAN_CHROMIUM, then the
// usual names.
func chromium() string {
	for _, p := range []string{os.Getenv("DANVAN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// printPDF prints html on A4 with Chromium into out, through a temporary
// directory that also holds Chromium's profile, so nothing of the user's
// browser is touched, and writes out whole or not at all.
func printPDF(ctx context.Context, chrome string, html []byte, out string) error {
	tmp, err := os.MkdirTemp("", "danvan-brief-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	page := filepath.Join(tmp, "brief.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return err
	}
	pdf := filepath.Join(tmp, "brief.pdf")
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--disable-background-networking", "--user-data-dir=" + filepath.Join(tmp, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + page}
	if os.Geteuid() == 0 {
		args = append([]string{"--no-sandbox"}, args...) // Chromium refuses to run as root with its sandbox
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("print the brief with %s: %w: %s", chrome, err, lastLine(stderr.String()))
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		return fmt.Errorf("print the brief with %s: no PDF written: %s", chrome, lastLine(stderr.String()))
	}
	return layout.WriteFile(out, b)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
