package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// memSink keeps committed files in memory and logs every call ingest makes
// of it and of its Writers, so tests see the protocol ingest keeps.
// store.Store is the real sink; it lives in a package ingest must not
// import, and its own tests check its side of the protocol.
type memSink struct {
	files          map[string]memFile // committed, by hash
	log            []string
	failCommit     error
	failAdd        error // every Add fails with it
	failQuarantine error
}

type memFile struct {
	pipeline.Batch
	Records []pipeline.Record
	Rejects []pipeline.RowError
	FileErr *pipeline.FileError
}

func newMemSink() *memSink { return &memSink{files: map[string]memFile{}} }

func (m *memSink) Has(hash string) bool { _, ok := m.files[hash]; return ok }

func (m *memSink) Open(b pipeline.Batch) (pipeline.Writer, error) {
	m.log = append(m.log, "open "+b.SourceFile)
	return &memWriter{s: m, f: memFile{Batch: b}}, nil
}

func (m *memSink) Quarantine(_ context.Context, b pipeline.Batch, fe *pipeline.FileError) error {
	m.log = append(m.log, "quarantine "+b.SourceFile)
	if m.failQuarantine != nil {
		return m.failQuarantine
	}
	m.files[b.Hash] = memFile{Batch: b, FileErr: fe}
	return nil
}

// opens counts the Writers opened for file.
func (m *memSink) opens(file string) int {
	n := 0
	for _, l := range m.log {
		if l == "open "+file {
			n++
		}
	}
	return n
}

// memWriter refuses calls out of protocol, as a Writer must.
type memWriter struct {
	s    *memSink
	f    memFile
	done bool
}

func (w *memWriter) call(what string) error {
	if n := len(w.s.log); what == "add" && n > 0 && w.s.log[n-1] == "add" {
		// consecutive Adds log once
	} else {
		w.s.log = append(w.s.log, what)
	}
	if w.done {
		return errors.New(what + " after the Writer ended")
	}
	return nil
}

func (w *memWriter) Add(recs []pipeline.Record) error {
	if err := w.call("add"); err != nil {
		return err
	}
	if w.s.failAdd != nil {
		return w.s.failAdd
	}
	w.f.Records = append(w.f.Records, recs...) // a copy: ingest reuses recs
	return nil
}

func (w *memWriter) Reject(errs []pipeline.RowError) error {
	if err := w.call("reject"); err != nil {
		return err
	}
	w.f.Rejects = append(w.f.Rejects, errs...)
	return nil
}

func (w *memWriter) Flush() error { return w.call("flush") }

func (w *memWriter) Commit(context.Context) error {
	if err := w.call("commit"); err != nil {
		return err
	}
	w.done = true
	if w.s.failCommit != nil {
		return w.s.failCommit
	}
	w.s.files[w.f.Hash] = w.f
	return nil
}

func (w *memWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	w.s.log = append(w.s.log, "rollback")
	return nil
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"b/ha-tinh.csv":           header + good,
		"a/nghe-an.json":          `{"province":"Nghệ An","unit":"Nam Đàn","period":"2023","values":[{"indicator":"dialogues","value":9}]}`,
		"a/.hidden.csv":           header + good,
		".git/x.csv":              header + good,
		"quarantine/x/reason.txt": "lý do",
		"c/broken.json":           "{",
	})
	{
		sink := newMemSink()
		in := newTestIngester(t)
		sum, err := in.Files(context.Background(), []string{dir}, sink)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range sum.Files {
			got = append(got, f.File+":"+string(f.Status))
		}
		want := "nghe-an.json:loaded b/ha-tinh.csv:loaded broken.json:quarantined"
		want = strings.Replace(want, "b/", "", 1)
		if strings.Join(got, " ") != want {
			t.Errorf("files = %v, want %s", got, want)
		}
		if a, r, q := sum.Totals(); a != 2 || r != 0 || q != 1 {
			t.Errorf("totals = %d %d %d", a, r, q)
		}
		for _, f := range sum.Files {
			b := sink.files[f.Hash]
			if len(f.Hash) != 64 || b.SourceFile != f.File || b.IngestedAt.IsZero() || (f.Status == Quarantined) != (b.FileErr != nil) {
				t.Errorf("batch of %s = %+v", f.File, b)
			}
		}
		// The same files again change nothing.
		again, err := in.Files(context.Background(), []string{dir}, sink)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range again.Files {
			if f.Status != Skipped {
				t.Errorf("second run: %s is %s, want skipped", f.File, f.Status)
			}
		}
	}
}

// TestStreamRetry: when the whole-file checks refuse records already
// streamed (conflicting values, a value above its limit, a duplicate), the
// stream is redone and the sink ends with exactly what the
// in-memory path keeps.
func TestStreamRetry(t *testing.T) {
	data := header +
		"Hà Tĩnh,Thạch Hà,2023,dialogues,,3,\n" + // conflicts with line 6
		"Hà Tĩnh,Thạch Hà,2023,models_recognized,,50,\n" + // above line 7
		good +
		"Hà Tĩnh,Thạch Hà,2023,contests,,1,\n" +
		"Hà Tĩnh,Thạch Hà,2023,dialogues,,4,\n" +
		"Hà Tĩnh,Thạch Hà,2023,models_registered,,45,\n" +
		"Hà Tĩnh,Thạch Hà,2023,contests,,1,\n" // plain duplicate
	dir := writeTree(t, map[string]string{"r.csv": data})
	sink := newMemSink()
	in := newTestIngester(t)
	sum, err := in.Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if n := sink.opens("r.csv"); n != 2 {
		t.Errorf("streamed %d times, want 2", n)
	}
	b := sink.files[sum.Files[0].Hash]
	var refs []string
	for _, r := range b.Records {
		refs = append(refs, r.Ref)
	}
	if got := strings.Join(refs, ","); got != "dòng 4,dòng 5,dòng 7" {
		t.Errorf("records %s, want dòng 4,dòng 5,dòng 7", got)
	}
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "r.csv", []byte(data))
	recs, rejects := out.recs, out.rejects
	if len(recs) != len(b.Records) || len(rejects) != len(b.Rejects) || sum.Files[0].Rejected != 4 {
		t.Errorf("stream kept %d/%d, in memory %d/%d", len(b.Records), len(b.Rejects), len(recs), len(rejects))
	}
	for i := range rejects {
		if rejects[i] != b.Rejects[i] {
			t.Errorf("reject %d: stream %+v, in memory %+v", i, b.Rejects[i], rejects[i])
		}
	}
}

func TestFilesSinkError(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.json": `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`, "b.json": "{}"})
	in := newTestIngester(t)
	sink := newMemSink()
	sink.failCommit = errors.New("disk full") // every commit fails: the run stops with the error
	sum, err := in.Files(context.Background(), []string{dir}, sink)
	if err == nil || !strings.Contains(err.Error(), "disk full") || len(sum.Files) != 1 {
		t.Errorf("err = %v, files %+v", err, sum.Files)
	}
	// The file the ingest stopped on is not said to be loaded: nothing of
	// it was stored.
	if f := sum.Files[0]; f.Status == Loaded || f.Accepted != 0 || f.FileErr == nil || f.FileErr.Code != "not_stored" {
		t.Errorf("the file whose commit failed: %s, %d accepted, %+v; want not stored", f.Status, f.Accepted, f.FileErr)
	}
	if acc, _, _ := sum.Totals(); acc != 0 {
		t.Errorf("totals count %d values accepted, none stored", acc)
	}
	// Nor is a file whose quarantine failed said to be quarantined.
	bad := writeTree(t, map[string]string{"c.json": "{not json"})
	sink = newMemSink()
	sink.failQuarantine = errors.New("disk full")
	sum, err = in.Files(context.Background(), []string{bad}, sink)
	if err == nil || len(sum.Files) != 1 {
		t.Fatalf("err = %v, files %+v", err, sum.Files)
	}
	if f := sum.Files[0]; f.Status != Failed || f.FileErr == nil || f.FileErr.Code != "not_stored" {
		t.Errorf("the file whose quarantine failed: %s, %+v; want not stored", f.Status, f.FileErr)
	}
	if _, _, quar := sum.Totals(); quar != 0 {
		t.Errorf("totals count %d files quarantined, none was", quar)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := in.Check(ctx, []string{dir}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if _, err := in.Check(context.Background(), []string{filepath.Join(dir, "missing.csv")}); err == nil {
		t.Errorf("a missing path must be an error")
	}
}

// TestReadPanics: a reader that panics costs its file, not the run.
func TestReadPanics(t *testing.T) {
	Readers[".boom"] = func(*pipeline.Reference, string, []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
		panic("boom")
	}
	defer delete(Readers, ".boom")
	dir := writeTree(t, map[string]string{"a.boom": "x", "b.json": `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`})
	sum, err := newTestIngester(t).Check(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 2 || sum.Files[0].FileErr == nil || sum.Files[0].FileErr.Code != "internal_error" ||
		!strings.Contains(sum.Files[0].FileErr.Reason, "Lỗi nội bộ khi đọc tệp") || sum.Files[1].Accepted != 1 {
		t.Errorf("summary = %+v", sum.Files)
	}
}

// TestLateBadUTF8: bytes that are not UTF-8 after the part of the file its
// encoding is guessed from quarantine the file, naming the line, whether
// they sit in a column whose values repeat or in one whose values do not.
func TestLateBadUTF8(t *testing.T) {
	var b strings.Builder
	b.WriteString("tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri,ghi_chu\n")
	lines := 1
	for b.Len() < sniffSize+1000 {
		fmt.Fprintf(&b, "Hà Tĩnh,Thạch Hà,2023,dialogues,,3,ghi chú %d\n", lines)
		lines++
	}
	for _, bad := range []string{
		"Hà Tĩnh,Th\x81ch Hà,2023,dialogues,,3,x\n",         // a repeated column
		"Hà Tĩnh,Thạch Hà,2023,dialogues,,3,ghi ch\xfa 0\n", // the notes, all different
	} {
		data := b.String() + bad + strings.Repeat("Hà Tĩnh,Thạch Hà,2023,dialogues,,3,ghi chú\n", 10)
		dir := writeTree(t, map[string]string{"late.csv": data})
		sum, err := newTestIngester(t).Check(context.Background(), []string{dir})
		if err != nil {
			t.Fatal(err)
		}
		fe := sum.Files[0].FileErr
		if fe == nil || fe.Code != "bad_encoding" || !strings.Contains(fe.Reason, fmt.Sprintf("Dòng %d ", lines+1)) {
			t.Errorf("%q: file error %+v, want bad_encoding on line %d", bad, fe, lines+1)
		}
	}
}

// TestWriterCalls: the calls ingest makes of a Sink and its Writers, per
// kind of file. A streamed file's Writer is flushed after its last record;
// one whose whole-file checks refuse records already added is rolled back
// and written again; an unreadable one is rolled back and quarantined.
func TestWriterCalls(t *testing.T) {
	var late strings.Builder
	late.WriteString(header)
	for late.Len() < sniffSize+1000 {
		late.WriteString("Hà Tĩnh,Thạch Hà,2023,dialogues,,3,\n")
	}
	late.WriteString("Hà Tĩnh,Th\x81ch Hà,2023,dialogues,,3,\n")
	retro := header + good + "Hà Tĩnh,Thạch Hà,2023,dialogues,,4,\n" + "Hà Tĩnh,Thạch Hà,2023,dialogues,,5,\n"
	json := `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1},{"indicator":"nope","value":1}]}`
	cases := []struct {
		name, file, data string
		fail             string // the Writer call that fails: commit, add
		want             string
	}{
		// A Writer gets refused rows as they come: none here.
		{"streamed", "a.csv", header + good, "", "open a.csv|add|flush|commit"},
		{"streamed again without refused rows", "r.csv", retro, "",
			"open r.csv|add|flush|rollback|open r.csv|add|flush|reject|commit"},
		{"unreadable part-way", "late.csv", late.String(), "", "open late.csv|add|rollback|quarantine late.csv"},
		{"read whole", "a.json", json, "", "open a.json|add|reject|commit"},
		{"unreadable", "b.json", "{", "", "quarantine b.json"},
		{"commit fails", "a.csv", header + good, "commit", "open a.csv|add|flush|commit"},
		// A failed Add ends the Writer: rolled back, whichever way the file is read.
		{"add fails, streamed", "a.csv", header + good, "add", "open a.csv|add|rollback"},
		{"add fails, read whole", "a.json", json, "add", "open a.json|add|rollback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{c.file: c.data})
			sink := newMemSink()
			switch c.fail {
			case "commit":
				sink.failCommit = errors.New("disk full")
			case "add":
				sink.failAdd = errors.New("disk full")
			}
			in := newTestIngester(t)
			_, err := in.Files(context.Background(), []string{dir}, sink)
			if (err != nil) != (c.fail != "") {
				t.Fatalf("error %v, want one: %v", err, c.fail != "")
			}
			if got := strings.Join(sink.log, "|"); got != c.want {
				t.Errorf("calls\n%s\nwant\n%s", got, c.want)
			}
			if c.fail != "" {
				return
			}
			// The same file again: committed, skipped, no Writer.
			sink.log = nil
			if _, err := in.Files(context.Background(), []string{dir}, sink); err != nil || len(sink.log) != 0 {
				t.Errorf("second run: %v, calls %v", err, sink.log)
			}
		})
	}
}

// The CSV reader's cell numbers stand for texts within one pass over one
// file: the answers kept by number must not carry into another file read by
// the same Validator, and a breakdown cell's answer depends on the
// indicator it comes with.
func TestCellNumbersStayInTheirFile(t *testing.T) {
	// Both files number their cells in the same order, so "Cẩm Xuyên" of
	// the first and "thị xã Kỳ Anh" of the second get the same numbers.
	first := header + "Hà Tĩnh,Cẩm Xuyên,2023,models_registered,kinh tế,4,\n"
	second := header + "Hà Tĩnh,thị xã Kỳ Anh,2022-H1,exemplars_total,kinh tế,5,\n" +
		"Hà Tĩnh,thị xã Kỳ Anh,2022-H1,dialogues,kinh tế,6,\n" // dialogues has no breakdown
	dir := writeTree(t, map[string]string{"1.csv": first, "2.csv": second})
	sink := newMemSink()
	sum, err := newTestIngester(t).Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range sum.Files {
		for _, r := range sink.files[f.Hash].Records {
			got = append(got, r.Unit.Code+" "+r.Period.Code+" "+r.Indicator.Code+" "+r.Disaggregation)
		}
		for _, e := range f.Rejects {
			got = append(got, e.Ref+" "+e.Column)
		}
	}
	want := "446 2023 models_registered kinh_te|449 2022-H1 exemplars_total kinh_te|dòng 3 phan_to"
	if strings.Join(got, "|") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}
