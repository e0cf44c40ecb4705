package layout

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	batchA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	batchB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func TestCommitReadBack(t *testing.T) {
	d := Dir(t.TempDir())
	if err := MkdirAll(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)
	loaded := Entry{Batch: batchB, SourceFile: "b.csv", SourcePath: "/in/b.csv", Size: 9, IngestedAt: at,
		Status: Loaded, RowsAccepted: 7, RowsRejected: 2, Partitions: []string{"province=38/year=2023"}}
	reports := []Report{{ReportID: "r1", UnitCode: "380", Period: "2023", Rows: 7}}
	quarantined := Entry{Batch: batchA, SourceFile: "a.xlsx", IngestedAt: at, Status: Quarantined, Reason: "hỏng", ReasonEN: "broken"}
	for _, c := range []struct {
		e Entry
		r []Report
	}{{loaded, reports}, {quarantined, nil}} {
		if Committed(d, c.e.Batch) {
			t.Errorf("%s committed before Commit", c.e.SourceFile)
		}
		if err := Commit(d, c.e, c.r); err != nil {
			t.Fatal(err)
		}
		if !Committed(d, c.e.Batch) {
			t.Errorf("%s not committed after Commit", c.e.SourceFile)
		}
	}
	got, err := ReadManifest(d)
	if err != nil {
		t.Fatal(err)
	}
	quarantined.Partitions = []string{}
	if want := []Entry{quarantined, loaded}; !reflect.DeepEqual(got, want) {
		t.Errorf("manifest:\n%+v\nwant (by batch)\n%+v", got, want)
	}
	gotReports, err := ReadReports(d, batchB)
	if err != nil || !reflect.DeepEqual(gotReports, reports) {
		t.Errorf("reports = %+v, %v; want %+v", gotReports, err, reports)
	}
	// A short list is inside the commit record, with no file of its own.
	raw, err := os.ReadFile(d.ManifestFile(batchB))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"reports":[{"report_id":"r1"`) || !strings.HasSuffix(string(raw), "}\n") {
		t.Errorf("commit record: %s", raw)
	}
	if _, err := os.Stat(d.ReportsFile(batchB)); !os.IsNotExist(err) {
		t.Errorf("a list of %d reports has a file of its own: %v", len(reports), err)
	}
	// A longer list has its own file; the record stays small.
	long := make([]Report, InlineReports+1)
	for i := range long {
		long[i] = Report{ReportID: "r" + strconv.Itoa(i), UnitCode: "380", Period: "2023", Rows: 1}
	}
	batchC := strings.Repeat("c", 64)
	if err := Commit(d, Entry{Batch: batchC, SourceFile: "c.csv", Status: Loaded, RowsAccepted: int64(len(long))}, long); err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(d.ManifestFile(batchC)); err != nil || strings.Contains(string(raw), "report") {
		t.Errorf("commit record of a long list: %s (%v)", raw, err)
	}
	if _, err := os.Stat(d.ReportsFile(batchC)); err != nil {
		t.Errorf("a list of %d reports has no file: %v", len(long), err)
	}
	if got, err := ReadReports(d, batchC); err != nil || !reflect.DeepEqual(got, long) {
		t.Errorf("long list = %+v, %v; want %+v", got, err, long)
	}
	if _, err := os.Stat(d.ReportsFile(batchA)); !os.IsNotExist(err) {
		t.Errorf("a quarantined file has a report list: %v", err)
	}
	if err := Commit(d, Entry{Batch: "../x"}, nil); err == nil {
		t.Error("a record with a bad batch name was written")
	}
}

// A data directory written before the report list had a file of its own
// keeps its lists in the commit records, anywhere among the fields.
func TestReadRecordWithReports(t *testing.T) {
	d := Dir(t.TempDir())
	if err := MkdirAll(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	old := `{"batch":"` + batchA + `","reports":[{"report_id":"r1","unit_code":"380","period":"2023","rows":3}],` +
		`"source_file":"a.csv","source_path":"/in/a.csv","size":5,"ingested_at":"2024-01-02T03:04:05Z",` +
		`"status":"loaded","rows_accepted":3,"rows_rejected":0,"reason":"","reason_en":"","partitions":["province=38/year=2023"]}` + "\n"
	if err := os.WriteFile(d.ManifestFile(batchA), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := ReadEntry(d.ManifestFile(batchA))
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != Loaded || e.RowsAccepted != 3 || e.SourceFile != "a.csv" || len(e.Partitions) != 1 {
		t.Errorf("entry = %+v", e)
	}
	r, err := ReadReports(d, batchA)
	if err != nil || len(r) != 1 || r[0] != (Report{"r1", "380", "2023", 3}) {
		t.Errorf("reports = %+v, %v", r, err)
	}
	if err := os.WriteFile(d.ManifestFile(batchB), []byte(`[1, 2]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadManifest(d); err == nil {
		t.Error("a record that is not an object was read")
	}
}

func TestManifestFilesSkipsOthers(t *testing.T) {
	d := Dir(t.TempDir())
	if err := MkdirAll(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{batchA + ".json", "." + batchB + ".json.123-1.tmp", "notes.json", "ABCDEF0123456789.json"} {
		if err := os.WriteFile(filepath.Join(d.Manifest(), name), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ManifestFiles(d)
	if err != nil || len(got) != 1 || filepath.Base(got[0]) != batchA+".json" {
		t.Errorf("files = %v, %v", got, err)
	}
}

func TestWriteFile(t *testing.T) {
	for _, write := range []func(string, []byte) error{WriteFile, WriteFileUnsynced} {
		dir := t.TempDir()
		path := filepath.Join(dir, "x.json")
		for _, content := range []string{"one", "two, longer"} {
			if err := write(path, []byte(content)); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Errorf("read %q, want %q", b, content)
			}
		}
		des, _ := os.ReadDir(dir)
		if len(des) != 1 {
			t.Errorf("files left: %v", des)
		}
		if err := write(filepath.Join(dir, "missing", "x"), nil); err == nil {
			t.Error("write into a missing directory succeeded")
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	if err := WriteFile(path, []byte("two, longer")); err != nil {
		t.Fatal(err)
	}
	n, err := CopyFile(filepath.Join(dir, "y"), path)
	if b, _ := os.ReadFile(filepath.Join(dir, "y")); err != nil || n != 11 || string(b) != "two, longer" {
		t.Errorf("copy = %d, %v, %q", n, err, b)
	}
}

func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	dead := ".x.json.2147483646-1.tmp" // no process has this id
	live := ".x.json." + Self() + "-9.tmp"
	earlier := ".x.json." + itoa(os.Getpid()) + "-ffffffff-9.tmp" // our id, another process's mark
	other := ".hidden"
	for _, n := range []string{dead, live, earlier, other, "x.json"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := CleanTemps(dir); err != nil {
		t.Fatal(err)
	}
	var left []string
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		left = append(left, de.Name())
	}
	if want := []string{other, live, "x.json"}; !reflect.DeepEqual(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
	if err := CleanTemps(filepath.Join(dir, "none")); err != nil {
		t.Errorf("missing directory: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSymlinkAndCurrent(t *testing.T) {
	d := Dir(t.TempDir())
	if _, err := d.CurrentSnapshot(); err == nil {
		t.Error("current snapshot found in an empty directory")
	}
	for _, name := range []string{"r1", "r2"} {
		if err := MkdirAll(d.Snapshot(name)); err != nil {
			t.Fatal(err)
		}
		if err := Symlink(filepath.Join("snapshots", name), d.Current()); err != nil {
			t.Fatal(err)
		}
		got, err := d.CurrentSnapshot()
		if err != nil || got != d.Snapshot(name) {
			t.Errorf("current = %q, %v; want %q", got, err, d.Snapshot(name))
		}
	}
	// A plain directory in its place is taken as it is.
	if err := os.Remove(d.Current()); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(d.Current(), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := d.CurrentSnapshot(); err != nil || got != d.Current() {
		t.Errorf("current = %q, %v", got, err)
	}
}

func TestPartition(t *testing.T) {
	p := Partition{"38", 2023}
	if p.String() != "province=38/year=2023" {
		t.Errorf("String = %s", p)
	}
	q, err := ParsePartition(p.String())
	if err != nil || q != p {
		t.Errorf("parse = %v, %v", q, err)
	}
	for _, bad := range []string{"", "province=38", "province=/year=2023", "year=2023/province=38", "province=38/year=x"} {
		if _, err := ParsePartition(bad); err == nil {
			t.Errorf("ParsePartition(%q) accepted", bad)
		}
	}
	d := Dir("/data")
	got, batch, err := FactFilePartition(d.FactFile(p, batchA))
	if err != nil || got != p || batch != batchA {
		t.Errorf("FactFilePartition = %v %s %v", got, batch, err)
	}
	if (Partition{"38", 2024}).Compare(p) <= 0 || (Partition{"40", 2000}).Compare(p) <= 0 || p.Compare(p) != 0 {
		t.Error("Compare does not order by province, then year")
	}
}

// TestBatchFactFiles: one batch's fact files in every partition that has
// one, and no other batch's file, nor a directory of that name elsewhere.
func TestBatchFactFiles(t *testing.T) {
	d := Dir(t.TempDir())
	if got := d.BatchFactFiles(batchA); len(got) != 0 {
		t.Errorf("empty store: %v", got)
	}
	var want []string
	for _, p := range []Partition{{"38", 2019}, {"38", 2025}, {"42", 2023}, {"40", 2020}} {
		if err := MkdirAll(d.Partition(p)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(d.FactFile(p, batchB), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if p.Province != "40" {
			if err := os.WriteFile(d.FactFile(p, batchA), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			want = append(want, d.FactFile(p, batchA))
		}
	}
	// Not a partition directory: not looked in.
	if err := os.WriteFile(filepath.Join(d.Facts(), batchA+".parquet"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := d.BatchFactFiles(batchA)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BatchFactFiles = %v, want %v", got, want)
	}
}

// SyncAll syncs what it is given, and says which folder or file it could
// not: a missing one is an error, not a silent success.
func TestSyncAll(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.json")
	if err := os.WriteFile(f, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SyncAll([]string{f}, []string{dir}); err != nil {
		t.Errorf("SyncAll: %v", err)
	}
	if err := syncEach([]string{f}, []string{dir}); err != nil {
		t.Errorf("syncEach: %v", err)
	}
	gone := filepath.Join(dir, "gone")
	if err := SyncAll(nil, []string{gone}); err == nil || !strings.Contains(err.Error(), gone) {
		t.Errorf("SyncAll of a missing folder: %v", err)
	}
	if err := syncEach([]string{gone + ".json"}, []string{dir}); err == nil || !strings.Contains(err.Error(), "gone.json") {
		t.Errorf("syncEach of a missing file: %v", err)
	}
}

// TestTempsOfAnEarlierProcessWithOurID: a process given the id of one
// killed mid-write (a container's process is pid 1 each time it starts)
// finds that one's temp files under names its own would take: its writes
// must not fail on them (a commit record's staging failed with "file
// exists" run after run), and CleanTemps removes them as a dead process's,
// keeping this process's own.
func TestTempsOfAnEarlierProcessWithOurID(t *testing.T) {
	d := Dir(t.TempDir())
	if err := MkdirAll(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	next := tempSeq.Load() + 1
	var stale []string
	for _, path := range []string{d.ManifestFile(batchA), d.ManifestFile(batchB)} {
		for n := next; n < next+8; n++ {
			p := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+itoa(os.Getpid())+"-"+strconv.FormatUint(n, 10)+".tmp")
			if err := os.WriteFile(p, []byte("left by a killed process"), 0o644); err != nil {
				t.Fatal(err)
			}
			stale = append(stale, p)
		}
	}
	if err := WriteFile(d.ManifestFile(batchA), []byte("{}\n")); err != nil {
		t.Errorf("write beside an earlier process's temps: %v", err)
	}
	st, err := Stage(d, Entry{Batch: batchB, SourceFile: "b.csv", Status: Loaded}, nil)
	if err != nil {
		t.Errorf("stage beside an earlier process's temps: %v", err)
	}
	live := tempName(d.ManifestFile(batchA))
	if err := os.WriteFile(live, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CleanTemps(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left: an earlier process's temp file", filepath.Base(p))
		}
	}
	for _, p := range append([]string{live}, st.Files()...) {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("this process's temp file removed: %v", err)
		}
	}
}

// A record read again by the same process is parsed once; one replaced
// since (a new file renamed over it, as Commit writes), even of the same size
// and time, is parsed again.
func TestReadRecordParsesOnce(t *testing.T) {
	d := Dir(t.TempDir())
	if err := MkdirAll(d.Manifest()); err != nil {
		t.Fatal(err)
	}
	e := Entry{Batch: batchA, SourceFile: "a.csv", Status: Loaded, RowsAccepted: 1, IngestedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := Commit(d, e, nil); err != nil {
		t.Fatal(err)
	}
	path := d.ManifestFile(batchA)
	before := recordsParsed.Load()
	for range 3 {
		got, err := ReadRecord(path)
		if err != nil || got.SourceFile != "a.csv" || got.RowsAccepted != 1 {
			t.Fatalf("ReadRecord: %+v, %v", got, err)
		}
	}
	if n := recordsParsed.Load() - before; n != 1 {
		t.Errorf("a record read three times was parsed %d times, want once", n)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	e.SourceFile = "b.csv" // same length: the same size
	if err := Commit(d, e, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadRecord(path); err != nil || got.SourceFile != "b.csv" {
		t.Errorf("a record replaced by one of the same size and time: %+v, %v; want b.csv", got, err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRecord(path); err == nil {
		t.Error("a removed record read from memory")
	}
}
