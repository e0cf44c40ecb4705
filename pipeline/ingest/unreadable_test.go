//go:build unix

package ingest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// hookSink is a memSink that does something to the inbox at a given call,
// so that a real fault (a file removed or rewritten while the run reads the
// inbox) happens at a known moment rather than a lucky one.
type hookSink struct {
	*memSink
	onHas  func(hash string)
	onOpen func(b pipeline.Batch)
}

func (h *hookSink) Has(hash string) bool {
	if h.onHas != nil {
		h.onHas(hash)
	}
	return h.memSink.Has(hash)
}

func (h *hookSink) Open(b pipeline.Batch) (pipeline.Writer, error) {
	if h.onOpen != nil {
		h.onOpen(b)
	}
	return h.memSink.Open(b)
}

func statuses(sum Summary) map[string]string {
	out := map[string]string{}
	for _, f := range sum.Files {
		s := string(f.Status)
		if f.FileErr != nil {
			s += " " + f.FileErr.Code
		}
		out[f.File] = s
	}
	return out
}

// A file removed after the inbox was listed, a file rewritten while it was
// read and a file another program holds locked are each reported and
// skipped, with nothing of them committed; the other files load; the next
// run reads them once they can be read.
func TestUnreadableFilesAreSkipped(t *testing.T) {
	report := `{"province":"Nghệ An","unit":"Nam Đàn","period":"2023","values":[{"indicator":"dialogues","value":9}]}`
	files := map[string]string{
		"a.json": report,
		"b.csv":  header + good,
		"c.json": strings.Replace(report, "Nam Đàn", "Thanh Chương", 1),
		"d.csv":  header + strings.Replace(good, "Cẩm Xuyên", "Vũ Quang", 1),
	}
	dir := writeTree(t, files)
	path := func(name string) string { return filepath.Join(dir, name) }

	// c.json is locked the way flock -x locks it.
	lock, err := os.Open(path("c.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}

	sink := &hookSink{memSink: newMemSink()}
	removed, rewritten := false, false
	sink.onHas = func(string) {
		if !removed { // while a.json is checked, d.csv goes away
			removed = true
			if err := os.Remove(path("d.csv")); err != nil {
				t.Fatal(err)
			}
		}
	}
	sink.onOpen = func(b pipeline.Batch) {
		if b.SourceFile == "b.csv" && !rewritten { // hashed, not yet read
			rewritten = true
			f, err := os.OpenFile(path("b.csv"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("Hà Tĩnh,Kỳ Anh,Năm 2023,dialogues,,3,\n")
			f.Close()
		}
	}
	in := newTestIngester(t)
	sum, err := in.Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatalf("a file that cannot be read stopped the run: %v", err)
	}
	want := map[string]string{
		"a.json": "loaded",
		"b.csv":  "unreadable changed_while_read",
		"c.json": "unreadable locked",
		"d.csv":  "unreadable vanished",
	}
	if got := statuses(sum); !equalMaps(got, want) {
		t.Errorf("statuses = %v\nwant %v", got, want)
	}
	if len(sink.files) != 1 {
		t.Errorf("%d files committed, want a.json alone", len(sink.files))
	}
	if !strings.Contains(strings.Join(sink.log, " "), "open b.csv add reject flush rollback") {
		t.Errorf("b.csv was not rolled back: %v", sink.log)
	}
	faults := sum.Faults()
	if len(faults) != 3 {
		t.Fatalf("faults = %+v, want 3", faults)
	}
	for _, f := range faults {
		if f.Path == "" || f.Reason == "" || f.ReasonEN == "" || !strings.Contains(f.Reason+f.ReasonEN, "lần chạy sau") && !strings.Contains(f.ReasonEN, "next run") {
			t.Errorf("fault %+v does not say the next run tries again", f)
		}
	}

	// Next run: unlocked, back in place, finished.
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	os.WriteFile(path("d.csv"), []byte(files["d.csv"]), 0o644)
	sink.onHas, sink.onOpen = nil, nil
	sum, err = in.Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"a.json": "skipped", "b.csv": "loaded", "c.json": "loaded", "d.csv": "loaded"}
	if got := statuses(sum); !equalMaps(got, want) {
		t.Errorf("next run: statuses = %v\nwant %v", got, want)
	}
	if len(sum.Faults()) != 0 {
		t.Errorf("next run: faults %+v", sum.Faults())
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// holdLockEnv makes the test binary a helper that holds an fcntl write
// lock on a file until its stdin closes, as an office suite holds the
// file it has open: such a lock only shows to other processes.
const holdLockEnv = "DANVAN_TEST_HOLD_LOCK"

func init() {
	path := os.Getenv(holdLockEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		lk := syscall.Flock_t{Type: syscall.F_WRLCK}
		err = syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
	}
	if err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

func TestFileWithRecordLockIsSkipped(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.csv": header + good})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+filepath.Join(dir, "a.csv"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("lock holder: %q", line)
	}
	sink := newMemSink()
	sum, err := newTestIngester(t).Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(sum); got["a.csv"] != "unreadable locked" || len(sink.files) != 0 {
		t.Errorf("statuses = %v, %d committed; want a.csv skipped as locked", got, len(sink.files))
	}
}
