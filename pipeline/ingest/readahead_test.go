package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// TestSheetsReadAhead: a workbook of small sheets, whose next sheet's
// cells are read on another goroutine while the form before is made,
// reads exactly as it does one sheet after another (readAhead 0): the same
// rows in the same order, the same refusals, the same file error, also
// when a sheet in the middle cannot be read and the sheets after it are
// not used.
func TestSheetsReadAhead(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		Rows    []pipeline.RawRow
		Rejects []pipeline.RowError
		Fault   *pipeline.FileError
	}
	read := func(t *testing.T, name string, data []byte, ahead int64) outcome {
		t.Helper()
		defer func(old int64) { readAhead = old }(readAhead)
		readAhead = ahead
		rows, rejects, _, fe := xlsxIn(ref, name, data, DefaultLimits(), &zipDir{data: data})
		return outcome{rows, rejects, fe}
	}
	form := formSheet()
	other := form
	other.name = "Biểu 2"
	many := []xsheet{form, other, longSheet()}
	for i := 3; i <= 6; i++ {
		s := form
		s.name = "Biểu " + string(rune('0'+i))
		many = append(many, s)
	}
	cases := map[string][]byte{"many": fixtureXLSX(t, many...)}
	for _, f := range formWorkbooks() {
		cases[f.file] = fixtureXLSX(t, f.sheets...)
	}
	// The third sheet of "many" ("Dữ liệu", a long table) cut short: its
	// XML ends inside a cell.
	cases["broken third sheet"] = replacePart(t, cases["many"], "xl/worksheets/sheet3.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte("<c "))
		return b[:i+10]
	})
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			ahead, serial := read(t, name, data, 1<<20), read(t, name, data, 0)
			if !reflect.DeepEqual(ahead, serial) {
				t.Errorf("read ahead:\n%+v\none sheet after another:\n%+v", ahead, serial)
			}
			if name == "many" && (len(ahead.Rows) == 0 || ahead.Fault != nil) {
				t.Errorf("many: %d rows, file error %+v", len(ahead.Rows), ahead.Fault)
			}
			if name == "broken third sheet" && (ahead.Fault == nil || !strings.Contains(ahead.Fault.ReasonEN, "Dữ liệu: XML syntax error")) {
				t.Errorf("broken third sheet: want a file error naming the third sheet (Dữ liệu), got %+v", ahead.Fault)
			}
		})
	}
}

// replacePart rewrites one part of a zip package.
func replacePart(t testing.TB, data []byte, part string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == part {
			body, found = edit(body), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no part %s", part)
	}
	return buf.Bytes()
}

// TestSheetReaderPanics: a sheet reader that crashes on a workbook's third
// sheet quarantines that file as an internal error, whether the sheets are
// read ahead on another goroutine or one after another, and the other file
// of the inbox still lands: the crash does not end the process.
func TestSheetReaderPanics(t *testing.T) {
	defer func() { testHookLoad = nil }()
	testHookLoad = func(sheet int) {
		if sheet == 2 {
			panic("the sheet reader crashed")
		}
	}
	form := formSheet()
	other := form
	other.name = "Biểu 2"
	book := string(fixtureXLSX(t, form, other, longSheet()))
	good := `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`
	defer func(old int64) { readAhead = old }(readAhead)
	for _, ahead := range []int64{1 << 20, 0} {
		readAhead = ahead
		dir := writeTree(t, map[string]string{"a.xlsx": book, "b.json": good})
		sum, err := newTestIngester(t).Check(context.Background(), []string{dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Files) != 2 {
			t.Fatalf("read ahead %d: %d files in the summary, want 2", ahead, len(sum.Files))
		}
		fe := sum.Files[0].FileErr
		if fe == nil || fe.Code != "internal_error" || !strings.Contains(fe.Reason, "the sheet reader crashed") {
			t.Errorf("read ahead %d: a.xlsx's file error %+v, want internal_error naming the crash", ahead, fe)
		}
		if sum.Files[1].Accepted != 1 {
			t.Errorf("read ahead %d: b.json accepted %d values, want 1", ahead, sum.Files[1].Accepted)
		}
	}
}
