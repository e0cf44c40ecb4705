package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSizeFlagsShowDefaultsInUnits: `-h` shows each size limit's default
// as it is written on the command line and in the README (512MiB, not
// 536870912), and what a size flag prints is read back as the same size.
func TestSizeFlagsShowDefaultsInUnits(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"ingest", "-h"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("ingest -h: code %d\n%s", code, stderr.String())
	}
	help := stderr.String()
	for _, want := range []string{
		"e.g. 512MiB, 2GiB) (default 512MiB)",           // --max-file-size
		"with a longer cell (e.g. 1MiB) (default 1MiB)", // --max-line
		"long tables stream (e.g. 32MiB) (default 32MiB)",
		"unzip to more than this (e.g. 1GiB) (default 1GiB)",
		"unzip to more than this (e.g. 256MiB) (default 256MiB)",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("ingest -h lacks %q\n%s", want, help)
		}
	}
	if strings.Contains(help, "536870912") {
		t.Errorf("ingest -h gives a size in bytes where its unit reads better\n%s", help)
	}
	for _, n := range []int64{1, 1000, 1024, 1500000, 3 << 20, 5 << 30, 1<<20 + 1} {
		v := n
		s := sizeFlag{&v}.String()
		var back int64
		if err := (sizeFlag{&back}).Set(s); err != nil || back != n {
			t.Errorf("size %d printed %q, read back %d (%v)", n, s, back, err)
		}
		i := int(n)
		if is := (intSizeFlag{&i}).String(); is != s {
			t.Errorf("size %d: intSizeFlag %q, sizeFlag %q", n, is, s)
		}
	}
}

// TestShowFlag: --show of ingest and validate counts problems (a cause's
// refusals told once, with their places), -1 prints them all, and -h says
// so.
func TestShowFlag(t *testing.T) {
	for cmd, def := range map[string]string{"ingest": "(default 5)", "validate": "(default 50)"} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{cmd, "-h"}, &stdout, &stderr); code != exitOK {
			t.Fatalf("%s -h: code %d\n%s", cmd, code, stderr.String())
		}
		if want := "problems to print per file, each cause's refusals once with their places; -1: all " + def; !strings.Contains(stderr.String(), want) {
			t.Errorf("%s -h lacks %q\n%s", cmd, want, stderr.String())
		}
	}
	csv := filepath.Join(t.TempDir(), "bang.csv")
	rows := "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Thạch Hà,2023,dialogues,3\nHà Tĩnh,Khong Co,2023,dialogues,4\nHà Tĩnh,Khong Co,2024,dialogues,4\nHà Tĩnh,Can Lộc,2023,khongco,4\nHà Tĩnh,Can Lộc,2023,dialogues,-4\n"
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		show  string
		lines int
		more  string
	}{{"1", 1, "… và 2 lỗi khác"}, {"-1", 3, ""}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"validate", "--show", c.show, csv}, &stdout, &stderr); code != exitFailed {
			t.Fatalf("validate --show %s: code %d\n%s\n%s", c.show, code, stdout.String(), stderr.String())
		}
		out := stdout.String()
		if n := strings.Count(out, "\n    dòng "); n != c.lines {
			t.Errorf("validate --show %s: %d problem lines, want %d\n%s", c.show, n, c.lines, out)
		}
		if c.more != "" && !strings.Contains(out, c.more) || c.more == "" && strings.Contains(out, "lỗi khác") {
			t.Errorf("validate --show %s: want %q told\n%s", c.show, c.more, out)
		}
	}
}
