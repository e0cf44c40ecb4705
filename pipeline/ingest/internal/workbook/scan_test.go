package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// tokensOf is what encoding/xml's RawToken reads of data, as tokens, and
// its error, if any.
func tokensOf(data []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out []string
	for {
		t, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, tokenString(rawToken(t, nil)))
	}
}

// scannedOf is what the scanner reads of data.
func scannedOf(t *testing.T, data []byte) []string {
	s := newScanner(data)
	var out []string
	for {
		ok, end := s.next()
		if !ok {
			t.Fatalf("the scanner stopped inside data it said it reads: %q", data)
		}
		if end {
			return out
		}
		out = append(out, tokenString(s.tok))
	}
}

func tokenString(t token) string {
	switch t.kind {
	case tokStart:
		var attrs []string
		for _, a := range t.attrs {
			attrs = append(attrs, a.local+"="+a.value())
		}
		return fmt.Sprintf("<%s %q>", t.local, attrs)
	case tokEnd:
		return "</" + t.local + ">"
	case tokText:
		return fmt.Sprintf("%q", t.text)
	}
	return "?"
}

// scannable reports whether the scanner reads all of data, within a Token
// limit of max (0: none).
func scannable(data []byte, max int) bool {
	if !withinToken(data, max) {
		return false
	}
	s := newScanner(data)
	for {
		ok, end := s.next()
		if !ok {
			return false
		}
		if end {
			return true
		}
	}
}

// scannedBefore is what the scanner reads of data before it stops or ends.
func scannedBefore(data []byte) []string {
	s := newScanner(data)
	var out []string
	for {
		if ok, end := s.next(); !ok || end {
			return out
		}
		out = append(out, tokenString(s.tok))
	}
}

// checkScanner holds the scanner to encoding/xml on data: what it reads
// before it stops are the first tokens RawToken reads, without an error
// (Rows hands the part to encoding/xml there, past them); when it reads
// all of data, it reads the tokens RawToken reads, and RawToken meets no
// error.
func checkScanner(t *testing.T, data []byte) bool {
	if withinToken(data, 0) {
		got := scannedBefore(data)
		want, err := tokensOf(data)
		if len(want) < len(got) || strings.Join(want[:len(got)], "") != strings.Join(got, "") {
			t.Fatalf("%q: the scanner reads\n%s\nbefore it stops; encoding/xml (error %v)\n%s", data, strings.Join(got, "\n"), err, strings.Join(want, "\n"))
		}
	}
	if !scannable(data, 0) {
		return false
	}
	want, err := tokensOf(data)
	if err != nil {
		t.Fatalf("the scanner reads %q, where encoding/xml fails: %v", data, err)
	}
	if got := scannedOf(t, data); strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("%q: the scanner reads\n%s\nencoding/xml\n%s", data, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return true
}

var scannerSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="x"><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>`,
	`<x:worksheet xmlns:x="ns"><x:sheetData><x:row r='2'><x:c r='B2' t='inlineStr'><x:is><x:t xml:space="preserve"> a b </x:t><x:rPh><x:t>p</x:t></x:rPh></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
	"<a>line\r\nbreak\rlone</a >",
	`<a b = "1"	c="2" />`,
	`<a><b/></a>`,
	"<a>\u00e0\u1ec7 \U0001F600</a>",
	`<a>x &amp; y</a>`,
	`<a b="1"c="2"/>`,
	`<a><![CDATA[x]]></a>`,
	`<!-- c --><a/>`,
	`<?xml version="1.1"?><a/>`,
	"\ufeff<a/>",
	`<a:b:c/>`,
	`<:a/>`,
	`<a: x="1"/>`,
	`<a>]]></a>`,
	"<a>\x01</a>",
	"<a>\xff</a>",
	`<a b=1/>`,
	`<a b="<"/>`,
	`<1a/>`,
	`<a`,
	`</a`,
	`<a/`,
	`text`,
	`<a><b x="1"/>text &amp; more</a>`,
	`<r><c r="A1"><v>1</v></c><c r="B1"><v>2<!-- x --></v></c></r>`,
	"<a b=\"1\">x\r\ny</a><![CDATA[z]]>",
}

// TestScannerAsRawToken: on the seeds and on every sheet of the test
// workbooks, the scanner reads what encoding/xml reads, or leaves the part
// to it; and it does read the sheets of the workbooks Excel, LibreOffice and
// excelize write (else it would be of no use).
func TestScannerAsRawToken(t *testing.T) {
	for _, s := range scannerSeeds {
		checkScanner(t, []byte(s))
	}
	for _, s := range scannerSeeds[:6] {
		if !checkScanner(t, []byte(s)) {
			t.Errorf("the scanner leaves %q to encoding/xml", s)
		}
	}
	for _, s := range scannerSeeds[6:] {
		if scannable([]byte(s), 0) {
			t.Errorf("the scanner reads %q, outside its subset", s)
		}
	}
	names, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*.xlsx"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*.xlsx"))
	names = append(names, more...)
	scanned := 0
	for _, n := range names {
		zr, err := zip.OpenReader(n)
		if err != nil {
			continue // a damaged workbook of the tests
		}
		for _, f := range zr.File {
			if !strings.HasPrefix(f.Name, "xl/worksheets/") || !strings.HasSuffix(f.Name, ".xml") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				continue
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				continue
			}
			if checkScanner(t, data) {
				scanned++
			}
		}
		zr.Close()
	}
	if scanned == 0 {
		t.Errorf("the scanner read none of the sheets of %d test workbooks", len(names))
	}
}

// TestScannerTokenLimit: the scanner reads a part within the Token limit
// exactly when the streaming read's guard lets it through, so a run between
// two tags over the limit is left to encoding/xml, whose guard reports it.
func TestScannerTokenLimit(t *testing.T) {
	data := []byte(`<a><v>` + strings.Repeat("9", 100) + `</v></a>` + strings.Repeat(" ", 50))
	seen := map[bool]bool{}
	for max := 40; max < 120; max++ {
		_, err := io.ReadAll(guardOf(bytes.NewReader(data), "", Limits{Token: max}))
		if got := scannable(data, max); got != (err == nil) {
			t.Errorf("limit %d: scannable %v, the guard's error %v", max, got, err)
		}
		seen[err == nil] = true
	}
	if !seen[true] || !seen[false] {
		t.Errorf("the limits tried were all over or all under the data's longest run")
	}
}

// FuzzScannerAsRawToken: on any bytes, the scanner reads what encoding/xml
// reads, or leaves them to it.
func FuzzScannerAsRawToken(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScanner(t, data)
	})
}
