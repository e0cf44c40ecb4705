package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNamesPrintedSafely: a file name or header cell with a line break or a
// terminal escape is printed escaped, so it can neither forge a line of the
// summary nor drive the terminal; the entries of the inbox that are not
// read are listed with why.
func TestNamesPrintedSafely(t *testing.T) {
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	evil := "bao-cao\x1b[2J\nđã nạp       gia.csv"
	csv := "tinh,ky_bao_cao,chi_tieu,gia_tri,ghi\x1b[31mchu\n" +
		"Hà Tĩnh,2023,dialogues,5,\"mở\n" + // a quote not closed: refused, naming the column
		"Hà Tĩnh,2023,contests,2,\n"
	for name, body := range map[string]string{evil: csv, "~$bao-cao.xlsx": "lock"} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(inbox, "ong.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := danvan(t, []string{"DANVAN_NOW=" + fixedNow}, "ingest", "--data", data)
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b") {
		t.Errorf("raw escape printed:\n%q", r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, want := range []string{
		`đã nạp       bao-cao\x1b[2J\nđã nạp       gia.csv: 1 giá trị nhận, 1 bị từ chối`,
		`    dòng 2, cột ghi\x1b[31mchu, giá trị "\"mở": Dấu ngoặc kép mở ở dòng 2 (đầu ô cột ghi\x1b[31mchu)`,
		"không đọc    " + filepath.Join(inbox, "ong.csv") + ": Không phải tệp thường mà là ống có tên (FIFO); không đọc.",
		"không đọc    " + filepath.Join(inbox, "~$bao-cao.xlsx") + ": Tệp khóa tạm",
		"tổng cộng (total): 1 tệp, 1 giá trị nhận (accepted), 1 bị từ chối (rejected), 0 tệp cách ly (quarantined), 2 mục không đọc (not read)",
	} {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("no line starting %q in\n%s", want, r.stdout)
		}
	}
	if len(lines) != 5 {
		t.Errorf("%d lines, want 5:\n%s", len(lines), r.stdout)
	}

	// An error naming the file is printed escaped too, its own lines kept.
	r = danvan(t, nil, "validate", filepath.Join(inbox, "missing\x1b[31m.csv"))
	if r.code != 1 || strings.Contains(r.stderr, "\x1b") || !strings.Contains(r.stderr, `missing\x1b[31m.csv`) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if got := printableLines("Parser Error: x\nLINE 1: SELECT\x1b"); got != "Parser Error: x\n    LINE 1: SELECT\\x1b" {
		t.Errorf("printableLines = %q", got)
	}
}

// TestLogLinesEscapeNames: log lines carry file names in errors; both log
// formats escape their control characters (slog quotes them), so a name
// cannot forge a log line.
func TestLogLinesEscapeNames(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var b bytes.Buffer
		logger, err := newLogger(&b, format)
		if err != nil {
			t.Fatal(err)
		}
		logger.Error("refresh failed", "err", errors.New("read inbox/a\x1b[2J\nlevel=INFO msg=ok.csv: permission denied"))
		if out := b.String(); strings.Count(out, "\n") != 1 || strings.Contains(out, "\x1b") {
			t.Errorf("%s log line %q", format, out)
		}
	}
}
