package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeEvalDir writes two short reports (sentences written for this test)
// and an answer key: one figure the extractor finds, one it cannot (a lone
// "năm", five, which it leaves to its other sense, "year"), and none for a
// figure it does find (a false find).
func writeEvalDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"a.txt": "DATE: 2023-12-20\n\nNăm 2023, Nhân dân huyện Can Lộc đã hiến 12.000 m2 đất và đóng góp 3,5 tỷ đồng làm đường.\n",
		"b.txt": "DATE: 2023-12-20\n\nNăm 2023, toàn huyện tổ chức năm cuộc đối thoại với Nhân dân.\n",
		"expected.jsonl": `{"doc":"a","period":"2023","indicator":"land_donated_m2","value":12000,"qualifier":"exact","quote":"hiến 12.000 m2 đất"}
{"doc":"b","period":"2023","indicator":"dialogues","value":5,"qualifier":"exact","quote":"năm cuộc đối thoại"}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExtractEval: --eval prints precision, recall, the table by indicator,
// and every miss and false find with its document.
func TestExtractEval(t *testing.T) {
	dir := writeEvalDir(t)
	r := danvan(t, nil, "extract", "--eval", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"documents: 2, expected: 2, found: 2, matched: 1",
		"precision: 0.500  recall: 0.500",
		"land_donated_m2",
		"missed (1):",
		`b  dialogues 5 exact  "năm cuộc đối thoại"`,
		"false finds (1):",
		`a  funds_mobilized_vnd 3500000000 exact  câu 2  "đóng góp 3,5 tỷ đồng"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestExtractEvalErrors: a folder without an answer key, a file instead of
// a folder, and files named beside --eval are refused, saying why.
func TestExtractEvalErrors(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(empty, "x.txt")
	if err := os.WriteFile(file, []byte("Năm 2023 có 5 mô hình."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"extract", "--eval", empty}, exitFailed, "expected.jsonl"},
		{[]string{"extract", "--eval", file}, exitUsage, "not a folder"},
		{[]string{"extract", "--eval", empty, file}, exitUsage, "name no files"},
	} {
		r := danvan(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

// TestExtractExplain: --explain says on stderr why a number was left out,
// and the figures still go to stdout.
func TestExtractExplain(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.txt")
	text := "DATE: 2023-12-20\n\nNăm 2023, huyện tổ chức 14 cuộc đối thoại; Ban Dân vận đề nghị khen thưởng 9 tập thể.\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := danvan(t, nil, "extract", "--explain", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"indicator":"dialogues"`) || strings.Contains(r.stdout, "awards_collective") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, `"9": under «đề nghị» (proposal)`) {
		t.Errorf("stderr does not explain the proposal:\n%s", r.stderr)
	}
}
