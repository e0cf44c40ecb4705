package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
)

// These tests put real faults in a data directory (a file the kernel
// refuses to read, a file locked by another process, damaged bytes) and
// run the real binary over it.

// nobody is the user the binary runs as when the tests run as root: root
// reads a file of mode 000, nobody does not.
const nobody = 65534

// userDir returns a new directory that the user the binary runs as owns.
// t.TempDir is of no use when the binary runs as nobody: its parents are
// private to root.
func userDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "danvan-user-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Getuid() == 0 {
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// danvanAs runs the binary as the user of userDir: nobody when the tests
// run as root, the caller otherwise.
func danvanAs(t *testing.T, data string, env []string, args ...string) result {
	t.Helper()
	own(t, data)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("danvan %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// writeFile writes a file (and its folders) with the given mode.
func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// own gives the tree at dir to the user the binary runs as.
func own(t *testing.T, dir string) {
	t.Helper()
	if os.Getuid() != 0 {
		return
	}
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, nobody, nobody)
	})
	if err != nil {
		t.Fatal(err)
	}
}

const (
	csvHeader = "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri,ngay_gui\n"
	okCSV     = csvHeader + "Hà Tĩnh,Cẩm Xuyên,Năm 2023,dialogues,12,10/01/2024\n"
	laterCSV  = csvHeader + "Hà Tĩnh,Vũ Quang,Năm 2023,dialogues,5,10/01/2024\n"
)

// lastRun reads the newest record of the run history.
func lastRun(t *testing.T, data string) map[string]any {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(data, "runs", "*.json"))
	if len(names) == 0 {
		t.Fatal("no run recorded")
	}
	b, err := os.ReadFile(names[len(names)-1])
	if err != nil {
		t.Fatal(err)
	}
	var run map[string]any
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	return run
}

// sourcesOf lists the source files behind the published sources file of
// one province-year.
func sourcesOf(t *testing.T, data, name string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "exports", "current", "sources", name))
	if err != nil {
		t.Fatalf("published %s: %v", name, err)
	}
	var rows []struct {
		SourceFile string `json:"source_file"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r.SourceFile] = true
	}
	return out
}

// A file the kernel refuses to read is reported and skipped: the others are
// published, the run ends "succeeded with problems" at the first attempt,
// and the next run reads the file once it can be read.
func TestUnreadableFileDoesNotStopTheRun(t *testing.T) {
	data := userDir(t)
	inbox := filepath.Join(data, "inbox")
	writeFile(t, filepath.Join(inbox, "cam-xuyen.csv"), okCSV, 0o644)
	writeFile(t, filepath.Join(inbox, "vu-quang.csv"), laterCSV, 0o000)
	writeFile(t, filepath.Join(inbox, "khoa", "huong-son.csv"), strings.Replace(laterCSV, "Vũ Quang", "Hương Sơn", 1), 0o644)
	if err := os.Chmod(filepath.Join(inbox, "khoa"), 0o000); err != nil { // a folder nobody may list
		t.Fatal(err)
	}
	env := []string{"DANVAN_NOW=" + fixedNow, "HOME=" + data}

	r := danvanAs(t, data, env, "run", "--data", data)
	if r.code != exitProblems {
		t.Fatalf("run with an unreadable file: code %d, want %d\n%s%s", r.code, exitProblems, r.stdout, r.stderr)
	}
	for _, want := range []string{"vu-quang.csv", "Không có quyền đọc", "chmod a+r", "lần chạy sau sẽ đọc lại"} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("output does not say %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "đã nạp       vu-quang.csv") {
		t.Errorf("the unreadable file is reported as loaded:\n%s", r.stdout)
	}
	if got := sourcesOf(t, data, "42-2023.json"); !got["cam-xuyen.csv"] || got["vu-quang.csv"] {
		t.Errorf("published sources: %v, want cam-xuyen.csv alone", got)
	}
	run := lastRun(t, data)
	if run["status"] != "succeeded_with_problems" || run["attempts"] != 1.0 {
		t.Errorf("run record: status %v after %v attempt(s), want succeeded_with_problems after 1", run["status"], run["attempts"])
	}
	var paths []string
	ps, _ := run["problems"].([]any)
	for _, p := range ps {
		paths = append(paths, p.(map[string]any)["path"].(string)+" "+p.(map[string]any)["code"].(string))
	}
	if strings.Join(paths, ", ") != "inbox/khoa permission_denied, inbox/vu-quang.csv permission_denied" {
		t.Errorf("run record problems: %v", paths)
	}

	// Once it can be read, the next run loads it: nothing was recorded
	// that would skip it.
	for _, p := range []string{"vu-quang.csv", "khoa"} {
		if err := os.Chmod(filepath.Join(inbox, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r = danvanAs(t, data, env, "run", "--data", data)
	if r.code != exitOK {
		t.Fatalf("run once the file is readable: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := sourcesOf(t, data, "42-2023.json"); !got["cam-xuyen.csv"] || !got["vu-quang.csv"] || !got["huong-son.csv"] {
		t.Errorf("published sources: %v, want the three files\n%s", got, r.stdout)
	}
}

// The corruptions an adversarial pass found carried forward or never
// repaired: a truncated sources file and table Parquet in exports/current
// and a warehouse.duckdb whose blocks fail their checksums. The next run
// repairs them on its own, says so in its log, and publishes a snapshot
// whose every file is what its manifest says, which answers queries.
func TestRunRepairsDamagedDerivedFiles(t *testing.T) {
	data := t.TempDir()
	inbox := filepath.Join(data, "inbox")
	writeFile(t, filepath.Join(inbox, "cam-xuyen.csv"), okCSV, 0o644)
	writeFile(t, filepath.Join(inbox, "nam-dan.csv"), csvHeader+"Nghệ An,Nam Đàn,Năm 2021,dialogues,9,10/01/2022\n", 0o644)
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "run", "--data", data); r.code != exitOK {
		t.Fatalf("first run: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cur := filepath.Join(data, "exports", "current")
	for _, rel := range []string{"sources/40-2021.json", "tables/stg_facts/province=40/year=2021.parquet"} {
		p := filepath.Join(cur, filepath.FromSlash(rel))
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, fi.Size()/2); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(data, "warehouse", "warehouse.duckdb")
	f, err := os.OpenFile(db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	for off := int64(3 * 4096); off < fi.Size(); off += 64 << 10 {
		f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), off)
	}
	f.Close()

	// A report for another partition arrives; the damaged ones are unchanged.
	writeFile(t, filepath.Join(inbox, "vu-quang.csv"), laterCSV, 0o644)
	r := danvan(t, env, "run", "--data", data)
	if r.code != exitOK {
		t.Fatalf("run over the damage: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"warehouse.duckdb was damaged: moved aside and rebuilt", "damaged snapshot file written afresh", "40-2021.json", "stg_facts/province=40/year=2021.parquet"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the log does not say %q:\n%s", want, r.stderr)
		}
	}
	if _, ok := snapshotFiles(t, data); !ok { // every file checked against its manifest
		t.Fatal("nothing published")
	}
	q := danvan(t, nil, "query", "--data", data, "--format", "csv", "SELECT province_code, count(*) AS n FROM facts GROUP BY 1 ORDER BY 1")
	if want := "province_code,n\n40,1\n42,2\n"; q.code != exitOK || q.stdout != want {
		t.Errorf("facts after the repair: code %d\n got  %q\n want %q\n%s", q.code, q.stdout, want, q.stderr)
	}
}

// threeFiles is an inbox of three small reports in two partitions.
func threeFiles(t *testing.T, data string) {
	t.Helper()
	inbox := filepath.Join(data, "inbox")
	writeFile(t, filepath.Join(inbox, "cam-xuyen.csv"), okCSV, 0o644)
	writeFile(t, filepath.Join(inbox, "vu-quang.csv"), laterCSV, 0o644)
	writeFile(t, filepath.Join(inbox, "nam-dan.csv"), csvHeader+"Nghệ An,Nam Đàn,Năm 2021,dialogues,9,10/01/2022\n", 0o644)
}

// factsFileOf is the one facts file of Nghệ An 2021, nam-dan.csv's.
func namDanFacts(t *testing.T, data string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(data, "warehouse", "facts", "province=40", "year=2021", "*.parquet"))
	if len(files) != 1 {
		t.Fatalf("facts of 40/2021: %v", files)
	}
	return files[0]
}

// batchOf is the batch of the loaded file named name.
func batchOf(t *testing.T, data, name string) string {
	t.Helper()
	m, err := layout.ReadManifest(layout.Dir(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m {
		if e.SourceFile == name {
			return e.Batch
		}
	}
	t.Fatalf("no commit record of %s", name)
	return ""
}

func truncateHalf(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

func sameSnapshot(t *testing.T, when string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d snapshot files, want %d", when, len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %s differs from the snapshot before the damage", when, name)
		}
	}
}

// A truncated facts Parquet file used to block every province's refresh.
// Now its batch is set aside: reloaded at once from the inbox when its file
// is there (the snapshot is the one before the damage, byte for byte);
// otherwise the rest refreshes, the run ends with the problem and its fix
// (send the file again), `danvan check` says the same, and sending the
// file again restores everything.
func TestRunSetsDamagedFactsAside(t *testing.T) {
	data := t.TempDir()
	threeFiles(t, data)
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "run", "--data", data); r.code != exitOK {
		t.Fatalf("first run: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want, _ := snapshotFiles(t, data)

	truncateHalf(t, namDanFacts(t, data))
	r := danvan(t, env, "run", "--data", data)
	if r.code != exitOK || !strings.Contains(r.stderr, "batch set aside") || !strings.Contains(r.stderr, "reloaded_from_inbox=true") {
		t.Fatalf("run over a truncated facts file, its report in the inbox: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got, _ := snapshotFiles(t, data)
	sameSnapshot(t, "reloaded from the inbox", got, want)

	// Damaged again, and the report is no longer in the inbox.
	truncateHalf(t, namDanFacts(t, data))
	kept, err := os.ReadFile(filepath.Join(data, "inbox", "nam-dan.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(data, "inbox", "nam-dan.csv"))
	for i := range 2 { // said every run until it is sent again
		r = danvan(t, env, "run", "--data", data)
		if r.code != exitProblems || !strings.Contains(r.stdout, "nam-dan.csv") || !strings.Contains(r.stdout, "gửi lại tệp") || !strings.Contains(r.stdout, "send \"nam-dan.csv\" again") {
			t.Fatalf("run %d without the report: code %d, want %d naming nam-dan.csv and the fix\n%s%s", i+1, r.code, exitProblems, r.stdout, r.stderr)
		}
	}
	if got := sourcesOf(t, data, "42-2023.json"); !got["cam-xuyen.csv"] || !got["vu-quang.csv"] {
		t.Errorf("the rest did not refresh: %v", got)
	}
	if _, err := os.Stat(filepath.Join(data, "exports", "current", "sources", "40-2021.json")); !os.IsNotExist(err) {
		t.Errorf("values of the set-aside file still published: %v", err)
	}
	if lastRun(t, data)["status"] != "succeeded_with_problems" {
		t.Errorf("run record: %v", lastRun(t, data))
	}
	c := danvan(t, nil, "check", "--data", data)
	if c.code != exitFailed || !strings.Contains(c.stdout, "[damaged_facts]") || !strings.Contains(c.stdout, "nam-dan.csv") || !strings.Contains(c.stdout, "cách sửa") {
		t.Errorf("check: code %d, want 1 naming nam-dan.csv with its fix\n%s%s", c.code, c.stdout, c.stderr)
	}

	// Sent again: everything as before the damage.
	writeFile(t, filepath.Join(data, "inbox", "nam-dan.csv"), string(kept), 0o644)
	if r := danvan(t, env, "run", "--data", data); r.code != exitOK {
		t.Fatalf("run once the report is back: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got, _ = snapshotFiles(t, data)
	sameSnapshot(t, "sent again", got, want)
	if c := danvan(t, nil, "check", "--data", data); c.code != exitOK || !strings.Contains(c.stdout, "no inconsistency") {
		t.Errorf("check once repaired: code %d\n%s%s", c.code, c.stdout, c.stderr)
	}
}

// A commit record lost together with its inbox file used to drop that
// file's values without a word. `danvan check` names the file and the fix,
// exits 1, and every run ends with the problem until the file is back.
func TestCheckReportsLostCommitRecord(t *testing.T) {
	data := t.TempDir()
	threeFiles(t, data)
	env := []string{"DANVAN_NOW=" + fixedNow}
	if r := danvan(t, env, "run", "--data", data); r.code != exitOK {
		t.Fatalf("first run: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if c := danvan(t, nil, "check", "--data", data); c.code != exitOK || !strings.Contains(c.stdout, "không có vấn đề nào") {
		t.Fatalf("check of a sound directory: code %d\n%s%s", c.code, c.stdout, c.stderr)
	}
	want, _ := snapshotFiles(t, data)
	batch := batchOf(t, data, "nam-dan.csv")
	kept, _ := os.ReadFile(filepath.Join(data, "inbox", "nam-dan.csv"))
	os.Remove(filepath.Join(data, "warehouse", "manifest", batch+".json"))
	os.Remove(filepath.Join(data, "inbox", "nam-dan.csv"))

	c := danvan(t, nil, "check", "--data", data)
	if c.code != exitFailed || !strings.Contains(c.stdout, "[orphan_facts]") || !strings.Contains(c.stdout, "nam-dan.csv") || !strings.Contains(c.stdout, "không có bản ghi nạp") ||
		!strings.Contains(c.stdout, "put nam-dan.csv back in the inbox") {
		t.Errorf("check: code %d, want 1 naming nam-dan.csv and the fix\n%s%s", c.code, c.stdout, c.stderr)
	}
	r := danvan(t, env, "run", "--data", data)
	if r.code != exitProblems || !strings.Contains(r.stdout, "nam-dan.csv") {
		t.Errorf("run: code %d, want %d naming nam-dan.csv\n%s%s", r.code, exitProblems, r.stdout, r.stderr)
	}

	writeFile(t, filepath.Join(data, "inbox", "nam-dan.csv"), string(kept), 0o644)
	if r := danvan(t, env, "run", "--data", data); r.code != exitOK {
		t.Fatalf("run once the report is back: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got, _ := snapshotFiles(t, data)
	sameSnapshot(t, "file back", got, want)
	if c := danvan(t, nil, "check", "--data", data); c.code != exitOK {
		t.Errorf("check once repaired: code %d\n%s%s", c.code, c.stdout, c.stderr)
	}
}
