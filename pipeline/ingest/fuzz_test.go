package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// accountFor checks the invariants every reader keeps: each row has its own
// Ref, and validation accounts for every row: a record or a refusal, except
// a form total that checked out.
func accountFor(t *testing.T, v *pipeline.Validator, file string, rows []pipeline.RawRow, fe *pipeline.FileError) {
	t.Helper()
	if fe != nil {
		if len(rows) != 0 || fe.Code == "" || fe.Reason == "" || fe.File != file {
			t.Fatalf("file error %+v with %d rows", fe, len(rows))
		}
		return
	}
	refs := map[string]bool{}
	details := 0
	for _, r := range rows {
		if r.Ref == "" || refs[r.Ref] {
			t.Fatalf("Ref %q empty or repeated", r.Ref)
		}
		refs[r.Ref] = true
		if !r.Total {
			details++
		}
	}
	recs, errs := v.File(file, rows)
	refused := 0
	total := map[string]bool{}
	for _, r := range rows {
		total[r.Ref] = r.Total
	}
	for _, e := range errs {
		if !refs[e.Ref] {
			t.Fatalf("refusal at unknown Ref %q", e.Ref)
		}
		if !total[e.Ref] {
			refused++
		}
	}
	if len(recs)+refused != details {
		t.Fatalf("%d rows, %d records + %d refusals", details, len(recs), refused)
	}
}

func seeds(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzCSV also checks that the streaming path agrees with the in-memory one.
func FuzzCSV(f *testing.F) {
	seeds(f, "testdata/*/input.csv")
	seeds(f, "testdata/*/input.tsv")
	f.Add([]byte(header + good + "\"Hà Tĩnh\",\"a\"\"b\nc\",2023,dialogues,,3\n"))
	f.Add(tcvn3CSV)
	f.Add(vniCSV)
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, fe := CSV(in.opts.Reference, "f.csv", data)
		accountFor(t, v, "f.csv", rows, fe)
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pass, err := in.csvPass(context.Background(), v, "f.csv", path, nil, nil)
		var fe2 *pipeline.FileError
		if err != nil && !errors.As(err, &fe2) {
			t.Fatal(err)
		}
		recs, rejects, fe3 := in.validate(v, "f.csv", data)
		if !reflect.DeepEqual(fe2, fe3) || (fe2 == nil && (pass.accepted != len(recs) || !reflect.DeepEqual(pass.rejects, rejects))) {
			t.Fatalf("streamed %+v, %+v\nin memory %d records, %+v, %+v", pass, fe2, len(recs), rejects, fe3)
		}
	})
}

func FuzzJSON(f *testing.F) {
	seeds(f, "testdata/*/input.json")
	f.Add([]byte(`{"province":"Hà Tĩnh","values":[{"indicator":"dialogues","value":1e400}]}`))
	f.Add([]byte(`[1,2]`))
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rejects, fe := JSON(in.opts.Reference, "f.json", data)
		if len(rejects) != 0 {
			t.Fatalf("JSON reports refuse files, not rows: %+v", rejects)
		}
		accountFor(t, v, "f.json", rows, fe)
	})
}

func FuzzJSONL(f *testing.F) {
	seeds(f, "testdata/*/input.jsonl")
	f.Add([]byte("{}\n[]\nnull\n{\"gia_tri\": {\"a\": 1}}\n"))
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rejects, fe := JSONL(in.opts.Reference, "f.jsonl", data)
		accountFor(t, v, "f.jsonl", rows, fe)
		for _, r := range rejects {
			for _, row := range rows {
				if row.Ref == r.Ref {
					t.Fatalf("line %s both read and refused", r.Ref)
				}
			}
		}
	})
}

func FuzzXLSX(f *testing.F) {
	seeds(f, "testdata/*/input.xlsx")
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, fe := XLSX(in.opts.Reference, "f.xlsx", data)
		accountFor(t, v, "f.xlsx", rows, fe)
	})
}

// FuzzRead: any bytes under an unknown name are sniffed and read or
// refused, never a panic (Read recovers, so a panic shows as internal_error).
func FuzzRead(f *testing.F) {
	seeds(f, "testdata/*/input.*")
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, fe := Read(in.opts.Reference, "inbox-file", data)
		if fe != nil && fe.Code == "internal_error" {
			t.Fatalf("reader panicked: %s", fe.ReasonEN)
		}
		accountFor(t, v, "inbox-file", rows, fe)
	})
}
