package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// danvan query runs each query in a child process of itself, under the
// same limits as POST /api/sql, and its CSV keeps formulas dead.
func TestQueryCommand(t *testing.T) {
	data := t.TempDir()
	smallInbox(t, data)
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "run", "--data", data); r.code != exitProblems { // the demo's bad files
		t.Fatalf("run: %d\n%s", r.code, r.stderr)
	}
	r := danvan(t, nil, "query", "--data", data, "--format", "csv",
		`SELECT '=HYPERLINK(''http://x'')' AS link, -5 AS n, count(*) > 0 AS has_facts FROM facts`)
	if want := "link,n,has_facts\n'=HYPERLINK('http://x'),-5,true\n"; r.code != exitOK || r.stdout != want {
		t.Errorf("csv: code %d\n got  %q\n want %q\n%s", r.code, r.stdout, want, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"SELECT len(range(300000000))"},
			"truy vấn dùng quá nhiều bộ nhớ (giới hạn 1024 MiB) nên đã bị dừng; hãy gộp nhóm, lọc bớt hoặc chọn ít cột hơn / the query used too much memory (limit 1024 MiB)"},
		{[]string{"--memory-mib", "400", "SELECT length(repeat('x', 500000000))"}, "the query used too much memory (limit 400 MiB)"},
		{[]string{"--memory-mib", "100", "SELECT 1"}, ""},
		{[]string{"--cpu", "1s", "--timeout", "5m", "SELECT count(*) FROM range(1e12::BIGINT) WHERE hash(range) % 7 = 0"},
			"truy vấn dùng quá nhiều thời gian CPU (giới hạn 1s) nên đã bị dừng / the query used too much CPU time (limit 1s)"},
		{[]string{"--timeout", "1s", "SELECT count(*) FROM range(1e12::BIGINT)"}, "the query used too much time (limit 1s)"},
		{[]string{"SELECT * FROM read_text('.tmp/*')"}, "access outside the published tables is not allowed"},
	} {
		r := danvan(t, nil, append([]string{"query", "--data", data}, c.args...)...)
		if c.want == "" { // too little memory to start a worker: wrong usage
			if r.code != exitUsage || !strings.Contains(r.stderr, "--memory-mib must be at least 384") {
				t.Errorf("query %q: code %d, stderr %q, want the floor", c.args, r.code, r.stderr)
			}
			continue
		}
		if r.code != exitFailed || !strings.Contains(r.stderr, c.want) {
			t.Errorf("query %q: code %d, stderr %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if r := danvan(t, nil, "help"); strings.Contains(r.stderr, queryWorkerCommand) {
		t.Errorf("help lists the hidden %s:\n%s", queryWorkerCommand, r.stderr)
	}
}

// `danvan help` and the README say what `danvan query` and `danvan tables`
// read: the published snapshot's tables (query.Open), not the warehouse
// the refresh writes.
func TestHelpAndREADMESayQueryReadsTheSnapshot(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &out, &errs); code != exitOK {
		t.Fatalf("danvan help: exit %d", code)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, text, prefix string }{
		{"danvan help", errs.String(), "  query "},
		{"danvan help", errs.String(), "  tables "},
		{"README", string(readme), "| `danvan query "},
		{"README", string(readme), "| `danvan tables "},
	} {
		var line string
		for l := range strings.Lines(c.text) {
			if strings.HasPrefix(l, c.prefix) {
				line = l
			}
		}
		if !strings.Contains(line, "published snapshot") || strings.Contains(line, "warehouse") {
			t.Errorf("%s says of %q: %q; want the published snapshot, not the warehouse", c.what, strings.TrimSpace(c.prefix), line)
		}
	}
}
