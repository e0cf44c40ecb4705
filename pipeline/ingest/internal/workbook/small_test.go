package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// openedAs is what Open made of a workbook, read with the scanner where it
// can (scan) or with encoding/xml's Decode alone: its sheets, their parts
// and states, the styles that show numbers otherwise (percents, dates), or its error.
func openedAs(data []byte, scan bool) string {
	decodeSmallOnly = !scan
	defer func() { decodeSmallOnly = false }()
	b, err := Open(bytes.NewReader(data), int64(len(data)), Limits{Token: 1 << 10})
	if err != nil {
		return "error: " + err.Error()
	}
	var out strings.Builder
	for i, s := range b.sheets {
		name := ""
		if s.file != nil {
			name = s.file.Name
		}
		fmt.Fprintf(&out, "%q %s hidden=%v; ", b.Sheets()[i], name, b.Hidden(i))
	}
	fmt.Fprintf(&out, "shown %v", b.shown)
	return out.String()
}

// smallParts is a workbook whose relationships, workbook part and styles
// are the given texts (empty: excelize's own).
func smallParts(t testing.TB, rels, wb, wbRels, styles string) []byte {
	t.Helper()
	baseOnce.Do(func() { base = smallBase(t) })
	parts := map[string][]byte{}
	for name, p := range map[string]string{"_rels/.rels": rels, "xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": wbRels, "xl/styles.xml": styles} {
		if p != "" {
			parts[name] = []byte(p)
		}
	}
	return rezip(t, base, parts)
}

var (
	baseOnce sync.Once
	base     []byte
)

// smallBase is excelize's workbook of two sheets, one hidden, with
// styles showing numbers otherwise.
func smallBase(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("Ẩn"); err != nil {
		t.Fatal(err)
	}
	code := "0.0%"
	for i, st := range []*excelize.Style{{NumFmt: 9}, {CustomNumFmt: &code}, {NumFmt: 3}, {NumFmt: 14}} {
		id, err := f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i+1), 0.5)
		f.SetCellStyle("Sheet1", fmt.Sprintf("A%d", i+1), fmt.Sprintf("A%d", i+1), id)
	}
	if err := f.SetSheetVisible("Ẩn", false); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	relsPart   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbPart     = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="Ẩn" sheetId="2" state="hidden" r:id="rId2"></sheet></sheets></workbook>`
	wbRelsPart = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	stylesPart = `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId=" 165 " formatCode="#,##0"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="9"></xf><xf numFmtId=""/><xf numFmtId="165"/></cellXfs></styleSheet>`
)

// smallCases are the parts (rels, workbook, its rels, styles) of workbooks
// the scanner must read as Decode does, or leave to it: Excel's and
// excelize's shapes, and what each path could take differently (prefixes,
// entities, comments, an element closed by another name, a number Decode
// refuses, a root never closed, attributes repeated, nesting).
var smallCases = [][4]string{
	{"", "", "", ""},
	{relsPart, wbPart, wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, "<sheet ", "<x:sheet "), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, "</sheet>", "</x:sheet>"), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, "</sheets>", "</sheet>"), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, "</workbook>", ""), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, "</workbook>", "</workbook><junk"), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, `name="Sheet1"`, `name="A&amp;B"`), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, `name="Sheet1"`, `name="A" x:name="B" state="visible" x:state="hidden"`), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, `<sheets>`, `<sheets><!-- c -->`), wbRelsPart, stylesPart},
	{relsPart, strings.ReplaceAll(wbPart, `<sheets>`, `<other><sheets><sheet name="deep" r:id="rId1"/></sheets></other><sheets>`), wbRelsPart, stylesPart},
	{strings.ReplaceAll(relsPart, "<Relationship ", "<Relationship><Relationship "), wbPart, wbRelsPart, stylesPart},
	{relsPart, wbPart, strings.ReplaceAll(wbRelsPart, `Id="rId1"`, `Id="rId1" x:Id="rId2"`), stylesPart},
	{relsPart, wbPart, strings.ReplaceAll(wbRelsPart, "<Relationships ", "\uFEFF<Relationships "), stylesPart},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `numFmtId="164" formatCode="0.0%"`, `numFmtId="164" formatCode="0.0&quot;%&quot;"`)},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `numFmtId="9"`, `numFmtId="9x"`)},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `numFmtId="9"`, `numFmtId="99999999999999999999"`)},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `<xf numFmtId="0"/>`, `<xf numFmtId="0" s:numFmtId="10"/>`)},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `<cellXfs`, `<x><cellXfs><xf numFmtId="9"/></cellXfs></x><cellXfs`)},
	{relsPart, wbPart, wbRelsPart, strings.ReplaceAll(stylesPart, `</styleSheet>`, ``)},
	{relsPart, wbPart, wbRelsPart, strings.Repeat(" ", 2000) + stylesPart},
	{relsPart, wbPart, wbRelsPart, `<?xml version="1.1"?>` + stylesPart},
}

// TestSmallPartsAsDecode: a workbook's relationships, workbook part and
// styles read by the scanner make the same Book, or the same error, as
// read by encoding/xml's Decode.
func TestSmallPartsAsDecode(t *testing.T) {
	for i, c := range smallCases {
		data := smallParts(t, c[0], c[1], c[2], c[3])
		if got, want := openedAs(data, true), openedAs(data, false); got != want {
			t.Errorf("case %d: scanned %s\ndecoded %s", i, got, want)
		}
	}
}

// FuzzSmallPartsAsDecode holds the scanner's reading of the small parts to
// Decode's on the fuzzer's texts.
func FuzzSmallPartsAsDecode(f *testing.F) {
	for _, c := range smallCases {
		f.Add(c[0], c[1], c[2], c[3])
	}
	f.Fuzz(func(t *testing.T, rels, wb, wbRels, styles string) {
		data := smallParts(t, rels, wb, wbRels, styles)
		if got, want := openedAs(data, true), openedAs(data, false); got != want {
			t.Errorf("scanned %s\ndecoded %s", got, want)
		}
	})
}

// TestSmallPartsRemembered: a part's bytes met again are not scanned again
// (scannedParts): the second workbook of the same small parts hands its
// relationships, workbook part and styles from what the first gave, and
// both make what Decode makes, for each of the cases.
func TestSmallPartsRemembered(t *testing.T) {
	forgetParts()
	byBytes := func(data []byte) string { // the parts met by their bytes, not their stored bytes (storedParts)
		storedParts = partMemo{m: map[string]scannedPart{}}
		return openedAs(data, true)
	}
	for i, c := range smallCases {
		data := smallParts(t, c[0], c[1], c[2], c[3])
		want := openedAs(data, false)
		kept := scannedParts.kept
		first := byBytes(data)
		between, kept := scannedParts.recalled, scannedParts.kept-kept
		second := byBytes(data)
		if first != want || second != want {
			t.Errorf("case %d: scanned %s\nscanned again %s\ndecoded %s", i, first, second, want)
		}
		if i <= 1 && kept < 3 {
			t.Errorf("case %d: the first workbook of its parts left %d of its 4 small parts to remember", i, kept)
		}
		if got := scannedParts.recalled - between; got < kept {
			t.Errorf("case %d: the second workbook of the same parts recalled %d of the %d the first left", i, got, kept)
		}
	}
}

// TestStoredPartsRemembered: a part stored as one read before (the same
// compression, checksum, sizes and stored bytes: storedKey) is not
// unzipped again, and makes what Decode makes, for each of the cases; a
// part whose stored bytes are the same under another checksum is read
// (and fails) as it would be were nothing remembered.
func TestStoredPartsRemembered(t *testing.T) {
	forgetParts()
	for i, c := range smallCases {
		data := smallParts(t, c[0], c[1], c[2], c[3])
		want := openedAs(data, false)
		first := openedAs(data, true)
		before := storedParts.recalled
		second := openedAs(data, true)
		if first != want || second != want {
			t.Errorf("case %d: scanned %s\nscanned again %s\ndecoded %s", i, first, second, want)
		}
		if got := storedParts.recalled - before; i <= 1 && got < 3 {
			t.Errorf("case %d: the second workbook of the same stored parts recalled %d of its 4 small parts by their stored bytes", i, got)
		}
	}
	// The parts remembered; then the same stored bytes under a directory
	// that says otherwise: the workbook part shorter than it unzips to
	// (which Decode refuses), the styles under another checksum.
	// Stored as Excel stores parts, sizes before the data, no descriptor
	// after it.
	data := smallParts(t, relsPart, wbPart, wbRelsPart, stylesPart)
	openedAs(withHeader(t, data, "", nil), true)
	for _, c := range []struct {
		part string
		edit func(*zip.FileHeader)
	}{
		{"xl/workbook.xml", func(fh *zip.FileHeader) { fh.UncompressedSize64 -= 10 }},
		{"xl/styles.xml", func(fh *zip.FileHeader) { fh.CRC32++ }},
	} {
		bad := withHeader(t, data, c.part, c.edit)
		if got, want := openedAs(bad, true), openedAs(bad, false); got != want {
			t.Errorf("%s stored as before under another directory entry: scanned %s\ndecoded %s", c.part, got, want)
		}
	}
}

// forgetParts forgets the small parts remembered (scannedParts,
// storedParts).
func forgetParts() {
	scannedParts = partMemo{m: map[string]scannedPart{}}
	storedParts = partMemo{m: map[string]scannedPart{}}
}

// withHeader is the workbook data with part name's directory entry edited,
// its stored bytes as they were, every part's sizes in its local header
// (no data descriptor).
func withHeader(t *testing.T, data []byte, name string, edit func(*zip.FileHeader)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		fh := f.FileHeader
		fh.Flags &^= 0x8
		if f.Name == name {
			edit(&fh)
		}
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
