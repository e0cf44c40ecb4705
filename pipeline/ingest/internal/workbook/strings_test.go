package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// stringsAs is what sharedStrings.read made of part, read with the scanner
// where it can (scan) or with encoding/xml alone: the strings, or the error.
func stringsAs(t testing.TB, part string, lim Limits, scan bool) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/sharedStrings.xml")
	if err == nil {
		_, err = w.Write([]byte(part))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	decodeSmallOnly = !scan
	defer func() { decodeSmallOnly = false }()
	var s sharedStrings
	if err := s.read(zr.File[0], lim); err != nil {
		return "error: " + err.Error()
	}
	var out strings.Builder
	for i := range s.ends {
		v, _ := s.get(i)
		fmt.Fprintf(&out, "%q ", v)
	}
	return out.String()
}

const sstHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">`

// sstCases are shared strings parts the scanner must read as encoding/xml
// does, or leave to it part way through (an entity, a comment, CDATA after
// some strings were read): Excel's shapes, rich text, phonetic guides,
// escapes, line ends, prefixes, a byte order mark, a part cut short.
var sstCases = []string{
	sstHead + `<si><t>Số hộ nghèo</t></si><si><t xml:space="preserve"> Xã Tân Lập </t></si><si><t/></si><si><t></t></si></sst>`,
	sstHead + `<si><r><rPr><b/></rPr><t>Tổng </t></r><r><t>số</t></r></si><si><t>A</t><rPh sb="0" eb="1"><t>ignored</t></rPh></si></sst>`,
	sstHead + `<si><t>dòng 1_x000D_` + "\r\n" + `dòng 2` + "\r" + `dòng 3 _x005F_x000D_</t></si></sst>`,
	sstHead + `<si><t>một</t></si><si><t>A &amp; B</t></si><si><t>ba</t></si></sst>`,
	sstHead + `<si><t>một</t></si><!-- c --><si><t>hai</t></si></sst>`,
	sstHead + `<si><t>một</t></si><si><t><![CDATA[<hai>]]></t></si></sst>`,
	sstHead + `<x:si><x:t>một</x:t></x:si><si><t>hai</t></x:si></sst>`,
	sstHead + `<si><t>một</t></si><si><t>hai`,
	sstHead + `<si><t>một</t></si></sst><junk`,
	"\uFEFF" + sstHead + `<si><t>một</t></si></sst>`,
	sstHead + `<si><t>` + strings.Repeat("x", 2000) + `</t></si></sst>`,
	sstHead + strings.Repeat(`<si><t>s</t></si>`, 5) + `</sst>`,
	sstHead + `<si><t>một</t><si><t>lồng</t></si></si><t>ngoài</t></sst>`,
}

// TestSharedStringsScanned: the shared strings read by the scanner are
// those encoding/xml reads, and so are the errors, under limits of tokens
// and of strings too.
func TestSharedStringsScanned(t *testing.T) {
	for i, c := range sstCases {
		for _, lim := range []Limits{{}, {Token: 1 << 10}, {SharedStrings: 3}} {
			if got, want := stringsAs(t, c, lim, true), stringsAs(t, c, lim, false); got != want {
				t.Errorf("case %d, %+v: scanned %s\ndecoded %s", i, lim, got, want)
			}
		}
	}
}

// FuzzSharedStringsScanned holds the scanner's reading of the shared
// strings to encoding/xml's on the fuzzer's texts.
func FuzzSharedStringsScanned(f *testing.F) {
	for _, c := range sstCases {
		f.Add(c, 0)
	}
	f.Fuzz(func(t *testing.T, part string, count int) {
		lim := Limits{Token: 1 << 10, SharedStrings: count % 8}
		if got, want := stringsAs(t, part, lim, true), stringsAs(t, part, lim, false); got != want {
			t.Errorf("scanned %s\ndecoded %s", got, want)
		}
	})
}
