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

// memSink keeps committed batches in memory. store.Store is the real sink;
// it lives in another package that ingest must not import.
type memSink struct {
	batches map[string]Batch
	streams int
}

func (m *memSink) Has(hash string) bool { _, ok := m.batches[hash]; return ok }

func (m *memSink) Commit(_ context.Context, b Batch) error {
	m.batches[b.Hash] = b
	return nil
}

// streamSink also takes records in chunks, discarding them when the
// stream fails, as a store must.
type streamSink struct{ memSink }

func (s *streamSink) CommitStream(_ context.Context, b *Batch, records func(func([]pipeline.Record) error) error) error {
	s.streams++
	var got []pipeline.Record
	err := records(func(chunk []pipeline.Record) error {
		got = append(got, chunk...)
		return nil
	})
	if err != nil {
		return err
	}
	c := *b
	c.Records = got
	s.batches[b.Hash] = c
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
	for _, sink := range []Sink{&memSink{batches: map[string]Batch{}}, &streamSink{memSink{batches: map[string]Batch{}}}} {
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
			b := sinkBatches(sink)[f.Hash]
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

func sinkBatches(s Sink) map[string]Batch {
	switch s := s.(type) {
	case *memSink:
		return s.batches
	case *streamSink:
		return s.batches
	}
	return nil
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
	sink := &streamSink{memSink{batches: map[string]Batch{}}}
	in := newTestIngester(t)
	sum, err := in.Files(context.Background(), []string{dir}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if sink.streams != 2 {
		t.Errorf("streamed %d times, want 2", sink.streams)
	}
	b := sink.batches[sum.Files[0].Hash]
	var refs []string
	for _, r := range b.Records {
		refs = append(refs, r.Ref)
	}
	if got := strings.Join(refs, ","); got != "dòng 4,dòng 5,dòng 7" {
		t.Errorf("records %s, want dòng 4,dòng 5,dòng 7", got)
	}
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	recs, rejects, _ := in.validate(v, "r.csv", []byte(data))
	if len(recs) != len(b.Records) || len(rejects) != len(b.Rejects) || sum.Files[0].Rejected != 4 {
		t.Errorf("stream kept %d/%d, in memory %d/%d", len(b.Records), len(b.Rejects), len(recs), len(rejects))
	}
	for i := range rejects {
		if rejects[i] != b.Rejects[i] {
			t.Errorf("reject %d: stream %+v, in memory %+v", i, b.Rejects[i], rejects[i])
		}
	}
}

// failSink fails every commit: the run stops with the error.
type failSink struct{ memSink }

func (f *failSink) Commit(context.Context, Batch) error { return errors.New("disk full") }

func TestFilesSinkError(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.json": `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`, "b.json": "{}"})
	in := newTestIngester(t)
	sum, err := in.Files(context.Background(), []string{dir}, &failSink{memSink{batches: map[string]Batch{}}})
	if err == nil || !strings.Contains(err.Error(), "disk full") || len(sum.Files) != 1 {
		t.Errorf("err = %v, files %+v", err, sum.Files)
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
