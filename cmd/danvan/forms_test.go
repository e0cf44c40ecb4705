package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateForms runs danvan validate on the folder of realistic form
// workbooks (pipeline/ingest/testdata/forms): one line per file, then one
// message per problem, with its fix; a correct form has no line under it,
// the form with one wrong total exactly one.
func TestValidateForms(t *testing.T) {
	dir := filepath.Join("..", "..", "pipeline", "ingest", "testdata", "forms")
	files, err := os.ReadDir(dir)
	if err != nil || len(files) < 8 {
		t.Fatalf("forms folder: %d files, %v", len(files), err)
	}
	r := danvan(t, []string{"DANVAN_NOW=2025-12-15T09:00:00+07:00"}, "validate", "--show", "50", dir)
	if r.code != exitFailed {
		t.Fatalf("validate: code %d, want %d (one form is wrong)\n%s%s", r.code, exitFailed, r.stdout, r.stderr)
	}
	// The lines under each file's line.
	under := map[string][]string{}
	current := ""
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(line, "    ") {
			under[current] = append(under[current], strings.TrimSpace(line))
			continue
		}
		current = ""
		for _, f := range files {
			if strings.Contains(line, " "+f.Name()+":") {
				if _, seen := under[f.Name()]; seen {
					t.Errorf("%s has two lines", f.Name())
				}
				current = f.Name()
				under[current] = nil
			}
		}
		if current == "" && !strings.HasPrefix(line, "tổng cộng") {
			t.Errorf("a line that is no file's: %q", line)
		}
	}
	if len(under) != len(files) {
		t.Errorf("%d files printed, want %d:\n%s", len(under), len(files), r.stdout)
	}
	// A correct form has no line under it but, for a sheet it does not
	// read (instructions, an example), one line naming that sheet.
	notRead := map[string]string{"ha-tinh-2023-tong-hop-huyen.xlsx": "cảnh báo: Hướng dẫn: Trang \"Hướng dẫn\" là trang hướng dẫn",
		"nghe-an-xa-phuong-2025.xlsx": "cảnh báo: Ghi chú: Trang \"Ghi chú\" là trang hướng dẫn",
		"nghe-an-2024-tong-tren.xlsx": "cảnh báo: Sheet2: Bảng của trang \"Sheet2\" nằm dưới dòng hướng dẫn"}
	for _, name := range []string{"ha-tinh-2023-tong-hop-huyen.xlsx", "nam-dan-bao-cao-6-thang.xlsx", "thanh-hoa-2023-theo-khoi.xlsx",
		"nghe-an-xa-phuong-2025.xlsx", "bao-cao-dvk-ha-tinh-nam-2022.xlsx", "bao-cao-quy-2.xlsx", "nghe-an-2024-tong-tren.xlsx"} {
		got := under[name]
		if want, ok := notRead[name]; ok {
			if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], "không được đọc") {
				t.Errorf("correct form %s: %q, want one line %q…", name, got, want)
			}
			continue
		}
		if len(got) != 0 {
			t.Errorf("correct form %s: %q", name, got)
		}
	}
	if got := under["ha-tinh-quy-3-2024-tong-sai.xlsx"]; len(got) != 1 || !strings.HasPrefix(got[0], "Quý III!C11,") || !strings.Contains(got[0], "Cách sửa:") {
		t.Errorf("one wrong total: %q", got)
	}
	got := under["ha-tinh-2024-don-vi-sai.xlsx"]
	problems, warnings := 0, 0
	for _, l := range got {
		switch {
		case strings.HasPrefix(l, "cảnh báo:"):
			warnings++
		case strings.Contains(l, "(2 giá trị)") && strings.Contains(l, "Cách sửa:"):
			problems++
		}
	}
	if problems != 3 || warnings != 2 || len(got) != 5 {
		t.Errorf("wrong units: %d problems, %d warnings in %q", problems, warnings, got)
	}
	if !strings.Contains(r.stdout, "bieu-mau-khong-ghi-tinh.xlsx: Không nhận được giá trị nào") || !strings.Contains(r.stdout, `Thêm dòng "Tỉnh: Hà Tĩnh" phía trên bảng.`) {
		t.Errorf("a form without its province: %s", r.stdout)
	}
}
