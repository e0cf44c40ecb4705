package ingest

import (
	"archive/zip"
	"bytes"
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
		rows, rejects, _, fe := xlsxIn(ref, name, data, DefaultLimits())
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
