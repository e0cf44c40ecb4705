package ingest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// TestWalkListsWhatItSkips: every entry of an inbox is read or listed as
// not read with a reason; nothing is passed over without a word, and a
// named pipe is not opened (reading it would wait for ever).
func TestWalkListsWhatItSkips(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	outside := filepath.Join(dir, "elsewhere.csv")
	files := map[string]string{
		"good.csv":                  header + good,
		"sub/good2.csv":             header + good,
		".hidden.csv":               header + good,
		".git/config":               "[core]",
		"~$bao-cao.xlsx":            "owner",
		".~lock.bao-cao.xlsx#":      "lock",
		"bao-cao.csv~":              header + good,
		"dang-chep.csv.part":        header,
		"README.md":                 "# inbox",
		"sub/quarantine/reason.txt": "why",
	}
	for name, data := range files {
		p := filepath.Join(inbox, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(outside, []byte(header+good), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"link-in.csv": "good.csv", "link-out.csv": outside, "broken.csv": "nowhere.csv", "link-dir": dir,
	} {
		if err := os.Symlink(target, filepath.Join(inbox, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(inbox, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(inbox, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	sum, err := newTestIngester(t).Check(context.Background(), []string{inbox})
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, f := range sum.Files {
		rel, _ := filepath.Rel(inbox, f.Path)
		read = append(read, rel)
	}
	if strings.Join(read, " ") != "good.csv sub/good2.csv" {
		t.Errorf("read %q, want good.csv and sub/good2.csv", read)
	}
	got := map[string]string{}
	for _, ig := range sum.Ignored {
		rel, _ := filepath.Rel(inbox, ig.Path)
		got[rel] = ig.Code
		if ig.Reason == "" || ig.ReasonEN == "" {
			t.Errorf("%s ignored without a reason: %+v", rel, ig)
		}
	}
	want := map[string]string{
		".hidden.csv": "hidden", ".git": "hidden", "~$bao-cao.xlsx": "lock_file", ".~lock.bao-cao.xlsx#": "lock_file",
		"bao-cao.csv~": "temp_file", "dang-chep.csv.part": "temp_file", "README.md": "readme", "sub/quarantine/reason.txt": "readme",
		"link-in.csv": "symlink", "link-out.csv": "symlink", "broken.csv": "symlink", "link-dir": "symlink",
		"pipe.csv": "not_regular", "sock": "not_regular",
	}
	if len(got) != len(want) {
		var names []string
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		t.Errorf("ignored %q, want %d entries", names, len(want))
	}
	for name, code := range want {
		if got[name] != code {
			t.Errorf("%s: ignored as %q, want %q", name, got[name], code)
		}
	}
	for _, ig := range sum.Ignored {
		switch rel, _ := filepath.Rel(inbox, ig.Path); rel {
		case "link-in.csv":
			if !strings.Contains(ig.Reason, `"good.csv" trong chính hộp thư`) {
				t.Errorf("link inside: %s", ig.Reason)
			}
		case "link-out.csv":
			if !strings.Contains(ig.Reason, "Hãy chép chính tệp đó vào hộp thư") {
				t.Errorf("link outside: %s", ig.Reason)
			}
		case "pipe.csv":
			if !strings.Contains(ig.Reason, "ống có tên (FIFO)") {
				t.Errorf("pipe: %s", ig.Reason)
			}
		}
	}
	// A pipe named on the command line is not opened either.
	sum, err = newTestIngester(t).Check(context.Background(), []string{filepath.Join(inbox, "pipe.csv")})
	if err != nil || len(sum.Files) != 0 || len(sum.Ignored) != 1 || sum.Ignored[0].Code != "not_regular" {
		t.Errorf("pipe named on the command line: %+v, %v", sum, err)
	}
	// A link named on the command line is what its user asked to read.
	sum, err = newTestIngester(t).Check(context.Background(), []string{filepath.Join(inbox, "link-out.csv")})
	if err != nil || len(sum.Files) != 1 || sum.Files[0].Accepted != 1 || len(sum.Ignored) != 0 {
		t.Errorf("link named on the command line: %+v, %v", sum, err)
	}
}
