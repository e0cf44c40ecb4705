package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// excelizeRead is the oracle: every sheet's rows as excelize's GetRows
// gives them (raw values), and the cell kinds as GetCellType says, for the
// non-empty cells.
func excelizeRead(t testing.TB, data []byte) (names []string, grids [][][]string, kinds []map[[2]int]Kind) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("excelize GetRows %q: %v", name, err)
		}
		k := map[[2]int]Kind{}
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				typ, err := f.GetCellType(name, cell)
				if err != nil {
					t.Fatal(err)
				}
				k[[2]int{r + 1, c + 1}] = map[excelize.CellType]Kind{
					excelize.CellTypeUnset: Number, excelize.CellTypeNumber: Number, excelize.CellTypeBool: Bool,
					excelize.CellTypeDate: Date, excelize.CellTypeError: Error, excelize.CellTypeFormula: Text,
					excelize.CellTypeInlineString: Text, excelize.CellTypeSharedString: Text,
				}[typ]
			}
		}
		names = append(names, name)
		grids = append(grids, rows)
		kinds = append(kinds, k)
	}
	return names, grids, kinds
}

// read gives the same from this package.
func read(t testing.TB, data []byte, lim Limits) (names []string, grids [][][]string, kinds []map[[2]int]Kind, merges [][]Range, err error) {
	t.Helper()
	b, err := Open(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	names = b.Sheets()
	for i := range names {
		rows, err := b.Rows(i)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		rows.KeepMerges()
		var grid [][]string
		k := map[[2]int]Kind{}
		for rows.Next() {
			for len(grid) < rows.Row() {
				grid = append(grid, nil)
			}
			row := &grid[rows.Row()-1]
			for _, c := range rows.Cells() {
				for len(*row) < c.Col {
					*row = append(*row, "")
				}
				if c.Kind == Formula {
					// excelize reads a formula saved without its
					// result as an empty cell (TestFormulaWithoutResult).
					continue
				}
				(*row)[c.Col-1] = c.Text
				k[[2]int{rows.Row(), c.Col}] = c.Kind
			}
		}
		if err := rows.Err(); err != nil {
			return nil, nil, nil, nil, err
		}
		grids = append(grids, grid)
		kinds = append(kinds, k)
		merges = append(merges, rows.Merges())
	}
	return names, grids, kinds, merges, nil
}

// sample is a workbook with what offices' files hold: shared and inline
// strings, rich text, numbers, formulas with cached values, booleans,
// empty rows and cells, merged header cells, a second sheet.
func sample(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	s := "Biểu 1"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set(s, "A1", "Tỉnh: Hà Tĩnh")
	set(s, "A3", "Đơn vị")
	set(s, "B3", "Số cuộc tiếp xúc, đối thoại")
	set(s, "A4", "Thạch Hà")
	set(s, "B4", 10)
	set(s, "C4", 0.1)
	set(s, "D4", "1.043")
	set(s, "E4", true)
	set(s, "A6", "Tổng cộng")
	if err := f.SetCellFormula(s, "B6", "SUM(B4:B5)"); err != nil {
		t.Fatal(err)
	}
	set(s, "XFD7", "far")
	set(s, "A8", "dòng _x000D_ và _x005F_ và <&>")
	if err := f.SetCellRichText(s, "A9", []excelize.RichTextRun{{Text: "Dân "}, {Text: "vận", Font: &excelize.Font{Bold: true}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell(s, "B2", "D2"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Hướng dẫn"); err != nil {
		t.Fatal(err)
	}
	set("Hướng dẫn", "A1", "Điền số liệu vào Biểu 1.")
	// A large sheet written by the stream writer, with inline strings.
	sw, err := f.NewStreamWriter("Hướng dẫn")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 300; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("dòng %d", r), r, float64(r) / 7, nil, "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAsExcelize(t *testing.T) {
	data := sample(t)
	wantNames, wantGrids, wantKinds := excelizeRead(t, data)
	names, grids, kinds, merges, err := read(t, data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("sheets %q, want %q", names, wantNames)
	}
	compare(t, names, grids, kinds, wantGrids, wantKinds)
	if want := []Range{{2, 2, 4, 2}}; !reflect.DeepEqual(merges[0], want) {
		t.Errorf("merges %v, want %v", merges[0], want)
	}
	if grids[0][7][0] != "dòng \r và _ và <&>" {
		t.Errorf("escapes read as %q", grids[0][7][0])
	}
	if kinds[0][[2]int{4, 4}] != Text || kinds[0][[2]int{4, 3}] != Number || grids[0][3][2] != "0.1" {
		t.Errorf("the text 1.043 and the number 0.1 are told apart wrong: %v", kinds[0])
	}
}

func compare(t *testing.T, names []string, grids [][][]string, kinds []map[[2]int]Kind, wantGrids [][][]string, wantKinds []map[[2]int]Kind) {
	t.Helper()
	for i := range names {
		if r := diffGrids(grids[i], wantGrids[i]); r >= 0 {
			row := func(g [][]string) string {
				if r >= len(g) {
					return "(none)"
				}
				s := fmt.Sprintf("%q", g[r])
				if len(s) > 300 {
					s = s[:300] + "…"
				}
				return s
			}
			t.Errorf("sheet %q row %d:\n got %s\nwant %s", names[i], r+1, row(grids[i]), row(wantGrids[i]))
		}
		if wantKinds != nil && !reflect.DeepEqual(kinds[i], wantKinds[i]) {
			t.Errorf("sheet %q kinds:\n got %v\nwant %v", names[i], kinds[i], wantKinds[i])
		}
	}
}

// diffGrids is the first row where a and b differ, ignoring trailing empty
// cells and rows; -1 when they agree.
func diffGrids(a, b [][]string) int {
	trim := func(g [][]string) [][]string {
		var out [][]string
		for _, r := range g {
			for len(r) > 0 && r[len(r)-1] == "" {
				r = r[:len(r)-1]
			}
			if len(r) == 0 {
				r = nil
			}
			out = append(out, r)
		}
		for len(out) > 0 && len(out[len(out)-1]) == 0 {
			out = out[:len(out)-1]
		}
		return out
	}
	a, b = trim(a), trim(b)
	for r := range max(len(a), len(b)) {
		if r >= len(a) || r >= len(b) || !reflect.DeepEqual(a[r], b[r]) {
			return r
		}
	}
	return -1
}

// rezip copies a workbook, replacing or adding parts.
func rezip(t testing.TB, data []byte, parts map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	done := map[string]bool{}
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := parts[f.Name]; ok {
			w.Write(p)
			done[f.Name] = true
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b := new(bytes.Buffer)
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	for name, p := range parts {
		if !done[name] {
			w, _ := zw.Create(name)
			w.Write(p)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHandWrittenCells: cell types excelize does not write but other
// programs do, read as excelize reads them.
func TestHandWrittenCells(t *testing.T) {
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="2"><c r="A2" t="str"><f>A1&amp;"x"</f><v>abc</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="b"><v>1</v></c>` +
		`<c r="D2" t="d"><v>2023-05-01T00:00:00Z</v></c><c r="E2" t="n"><v>1.5E-3</v></c><c r="F2"><v> 7 </v></c></row>` +
		`<row><c t="inlineStr"><is><r><t>Tổng </t></r><r><t xml:space="preserve">cộng </t></r><rPh><t>x</t></rPh></is></c><c/><c t="inlineStr"><is><t>_x0041_</t></is></c></row>` +
		`<row r="5" spans="1:3"><c r="C5" t="s"><v>0</v></c></row>` +
		`</sheetData><mergeCells count="1"><mergeCell ref="A2:B3"/></mergeCells></worksheet>`
	data := rezip(t, sample(t), map[string][]byte{"xl/worksheets/sheet2.xml": []byte(sheet)})
	// GetCellType disagrees with excelize's own GetRows on rows and cells
	// without a reference, so the kinds are checked by hand here.
	wantNames, wantGrids, _ := excelizeRead(t, data)
	names, grids, kinds, merges, err := read(t, data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("sheets %q, want %q", names, wantNames)
	}
	compare(t, names, grids, kinds, wantGrids, nil)
	if want := []Range{{1, 2, 2, 3}}; !reflect.DeepEqual(merges[1], want) {
		t.Errorf("merges %v, want %v", merges[1], want)
	}
	want := map[[2]int]Kind{{2, 1}: Text, {2, 2}: Error, {2, 3}: Bool, {2, 4}: Date, {2, 5}: Number, {2, 6}: Number, {3, 1}: Text, {3, 3}: Text, {5, 3}: Text}
	if !reflect.DeepEqual(kinds[1], want) {
		t.Errorf("kinds %v, want %v", kinds[1], want)
	}
	if got := grids[1][2]; len(got) != 3 || got[0] != "Tổng cộng " || got[2] != "A" {
		t.Errorf("inline strings read as %q", got)
	}
}

func TestLimits(t *testing.T) {
	data := sample(t)
	bigCell := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` +
		strings.Repeat("x", 3<<20) + `</t></is></c></row></sheetData></worksheet>`
	manyStrings := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + strings.Repeat("<si><t>a</t></si>", 200_000) + `</sst>`
	for _, c := range []struct {
		name  string
		data  []byte
		lim   Limits
		limit Limit
	}{
		{"unzipped", data, Limits{Unzipped: 4 << 10}, LimitUnzipped},
		{"token", rezip(t, data, map[string][]byte{"xl/worksheets/sheet1.xml": []byte(bigCell)}), Limits{Token: 1 << 20}, LimitToken},
		{"shared_strings", rezip(t, data, map[string][]byte{"xl/sharedStrings.xml": []byte(manyStrings)}), Limits{SharedStrings: 100_000}, LimitSharedStrings},
		{"shared_bytes", rezip(t, data, map[string][]byte{"xl/sharedStrings.xml": []byte(manyStrings)}), Limits{SharedBytes: 1 << 20}, LimitSharedBytes},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, err := read(t, c.data, c.lim)
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != c.limit || le.Figure <= le.Max {
				t.Fatalf("err = %v, want the %s limit", err, c.limit)
			}
		})
	}
}

// TestScannerHandsOnMidSheet: a sheet whose XML leaves the scanner's subset
// after some rows (an entity, a comment, CDATA, a malformed entity) is read
// by the scanner up to there and by encoding/xml from there on, and yields
// the rows, merged ranges and error that encoding/xml yields reading it all.
func TestScannerHandsOnMidSheet(t *testing.T) {
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Tổng</t></is></c><c r="C2"><v>7</v></c></row>`
	tail := `<row r="9"><c r="B9"><v>2</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>`
	for _, mid := range []string{
		`<row r="3"><c r="A3" t="inlineStr"><is><t>a &amp; b</t></is></c></row>`,
		`<row r="3"><c r="A3"><v>3</v></c></row><!-- a comment -->`,
		`<row r="3"><c r="A3" t="inlineStr"><is><t><![CDATA[x < y]]></t></is></c></row>`,
		`<row r="3"><c r="A3"><v>&bogus;</v></c></row>`,
		`<row r="3"><c r="A3"><v>3<!-- x --></v></c></row>`,
		`<row r="3"><c r="A3"><v>4</v></c></row>`, // all in the subset
	} {
		data := rezip(t, sample(t), map[string][]byte{"xl/worksheets/sheet2.xml": []byte(head + mid + tail)})
		b, err := Open(bytes.NewReader(data), int64(len(data)), Limits{Token: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.Rows(1)
		if err != nil {
			t.Fatal(err)
		}
		if r.scan == nil {
			t.Fatalf("%s: the sheet is not scanned at all", mid)
		}
		got := rowsRead(r)
		if r.scanned == 0 {
			t.Errorf("%s: the scanner read no token", mid)
		}
		d := &Rows{b: b, part: b.sheets[1].name}
		if err := d.decode(b.sheets[1].file, 0); err != nil {
			t.Fatal(err)
		}
		if want := rowsRead(d); got != want {
			t.Errorf("%s: read\n%s\nwant (encoding/xml throughout)\n%s", mid, got, want)
		}
	}
}

// rowsRead is every row, merged range and the error of r, as text.
func rowsRead(r *Rows) string {
	r.KeepMerges()
	var b strings.Builder
	for r.Next() {
		fmt.Fprintf(&b, "%d: %v\n", r.Row(), r.Cells())
	}
	fmt.Fprintf(&b, "merges %v, error %v", r.Merges(), r.Err())
	r.Close()
	return b.String()
}

// TestFormulaWithoutResult: a formula saved without its result (no <v>,
// as programs that write workbooks without calculating them leave it) is a
// cell of kind Formula holding "=" and the formula, not an empty cell: its
// value is unknown, not unreported. A shared formula's later cells have no
// text of their own; a formula with a result is its result.
func TestFormulaWithoutResult(t *testing.T) {
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1"><f>SUM(B1:C1)</f></c><c r="B1"><f t="shared" ref="B1:B2" si="0">C1*2</f></c><c r="C1"><v>4</v></c></row>` +
		`<row r="2"><c r="A2"><f>A1&amp;"x"</f><v>12</v></c><c r="B2"><f t="shared" si="0"/></c><c r="C2" t="str"><f>"a"</f><v></v></c></row>` +
		`</sheetData></worksheet>`
	data := rezip(t, sample(t), map[string][]byte{"xl/worksheets/sheet2.xml": []byte(sheet)})
	b, err := Open(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := b.Rows(1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []Cell
	for rows.Next() {
		got = append(got, rows.Cells()...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []Cell{{1, "=SUM(B1:C1)", Formula, 0}, {2, "=C1*2", Formula, 0}, {3, "4", Number, 0}, {1, "12", Number, 0}, {2, "=", Formula, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells %+v, want %+v", got, want)
	}
}

// TestPercentCells: a number whose style shows it as a percent (the
// built-in 0% and 0.00%, or a format of the workbook's own with a % that is
// not quoted text) is marked, so a message can quote it as the clerk sees it.
func TestPercentCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	code, quoted := "0.0%", `0" %"`
	styles := []*excelize.Style{{NumFmt: 9}, {NumFmt: 10}, {CustomNumFmt: &code}, {CustomNumFmt: &quoted}, {NumFmt: 3}}
	for i, st := range styles {
		styledCell(t, f, fmt.Sprintf("A%d", i+1), 0.5, st)
	}
	if err := f.SetCellValue("Sheet1", "B1", "50%"); err != nil {
		t.Fatal(err)
	}
	rows := firstSheetRows(t, f)
	defer rows.Close()
	var got []bool
	for rows.Next() {
		for _, c := range rows.Cells() {
			got = append(got, c.Shown == ShownPercent)
		}
	}
	if want := []bool{true, false, true, true, false, false}; !reflect.DeepEqual(got, want) {
		t.Errorf("percent %v, want %v (A1 0%%, B1 text, A2 0.00%%, A3 0.0%%, A4 quoted %%, A5 #,##0)", got, want)
	}
}

// TestHiddenSheets: a sheet's state in the workbook part says whether the
// workbook shows it.
func TestHiddenSheets(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for _, n := range []string{"Cũ", "Ẩn hẳn"} {
		if _, err := f.NewSheet(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetVisible("Cũ", false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetVisible("Ẩn hẳn", false, true); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for i := range b.Sheets() {
		got = append(got, b.Hidden(i))
	}
	if want := []bool{false, true, true}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q hidden %v, want %v", b.Sheets(), got, want)
	}
}

// TestDateCells: a number whose style shows it as a date or a time (the
// built-in formats Excel gives what is typed as one, or a format of the
// workbook's own) is marked with how, so a reader can tell a count typed
// "12/5" that Excel made the day 45424 from the count 45424.
func TestDateCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	own := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	styles := []struct {
		st   *excelize.Style
		want Shown
	}{
		{&excelize.Style{NumFmt: 14}, ShownDate}, {&excelize.Style{NumFmt: 16}, ShownDate}, {&excelize.Style{NumFmt: 17}, ShownMonth},
		{&excelize.Style{NumFmt: 20}, ShownTime}, {&excelize.Style{NumFmt: 22}, ShownDate}, {&excelize.Style{NumFmt: 3}, 0},
		{own("dd/mm/yyyy"), ShownDate}, {own("[$-42A]dd/mm/yyyy;@"), ShownDate}, {own("mm/yyyy"), ShownMonth},
		{own("yyyy"), ShownYear}, {own("hh:mm AM/PM"), ShownTime}, {own("[h]:mm"), ShownTime}, {own("mm:ss"), ShownTime},
		{own(`#,##0 "ngày"`), 0}, {own(`0\d`), 0}, {own("[Red]#,##0;[Blue]-#,##0"), 0}, {own("0.00E+00"), 0},
		{own("General"), 0}, {own(`#,##0_);(#,##0)`), 0}, {own("0.0%"), ShownPercent},
		// A comma after the last digit scales by a thousand ("#,##0,,":
		// millions); one between digits parts thousands.
		{own("#,##0,"), ShownThousands}, {own("#,##0,,"), ShownMillions}, {own(`#,##0.0,," tr"`), ShownMillions},
		{own("0,,,"), ShownBillions}, {own(`#,##0," nghìn";-#,##0`), ShownThousands}, {own(`#,##0 "ng, đ"`), 0},
	}
	for i, s := range styles {
		styledCell(t, f, fmt.Sprintf("A%d", i+1), 45424, s.st)
	}
	// A text in a date's style is a text.
	styledCell(t, f, "B1", "12/5", &excelize.Style{NumFmt: 14})
	rows := firstSheetRows(t, f)
	defer rows.Close()
	for rows.Next() {
		for _, c := range rows.Cells() {
			if c.Col == 2 {
				if c.Shown != 0 {
					t.Errorf("text B1 shown %d, want 0", c.Shown)
				}
				continue
			}
			s := styles[rows.Row()-1]
			if c.Shown != s.want {
				t.Errorf("A%d (%+v) shown %d, want %d", rows.Row(), *s.st, c.Shown, s.want)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// styledCell sets the cell of Sheet1 to v in style st, as a clerk's
// formatting leaves it.
func styledCell(t *testing.T, f *excelize.File, cell string, v any, st *excelize.Style) {
	t.Helper()
	id, err := f.NewStyle(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Sheet1", cell, v); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", cell, cell, id); err != nil {
		t.Fatal(err)
	}
}

// firstSheetRows saves f and opens its first sheet's rows with this
// package's reader.
func firstSheetRows(t *testing.T, f *excelize.File) *Rows {
	t.Helper()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := b.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCheckDirectory: a zip's directory is measured from its end record,
// found at the end or before a comment, through a zip64 locator when the
// record says so, and refused past maxDirectory either way.
func TestCheckDirectory(t *testing.T) {
	eocd := func(offset uint32, comment string) []byte {
		b := make([]byte, 22, 22+len(comment))
		binary.LittleEndian.PutUint32(b, 0x06054b50)
		binary.LittleEndian.PutUint32(b[16:], offset)
		binary.LittleEndian.PutUint16(b[20:], uint16(len(comment)))
		return append(b, comment...)
	}
	// zip64 is a zip64 end record saying the directory starts at offset,
	// its locator, then the end record pointing to them.
	zip64 := func(before int, offset uint64, comment string) []byte {
		b := make([]byte, before+56+20)
		rec := b[before:]
		binary.LittleEndian.PutUint32(rec, 0x06064b50)
		binary.LittleEndian.PutUint64(rec[48:], offset)
		loc := b[before+56:]
		binary.LittleEndian.PutUint32(loc, 0x07064b50)
		binary.LittleEndian.PutUint64(loc[8:], uint64(before))
		return append(b, eocd(0xffffffff, comment)...)
	}
	large := make([]byte, maxDirectory+100)
	var book bytes.Buffer
	zw := zip.NewWriter(&book)
	if _, err := zw.Create("a.xml"); err != nil {
		t.Fatal(err)
	}
	if err := zw.SetComment(strings.Repeat("ghi chú ", 100)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	comment := strings.Repeat("c", 300)
	for _, c := range []struct {
		name string
		data []byte
		want string // "", "limit" or "format"
	}{
		{"a zip with a comment", book.Bytes(), ""},
		{"a small directory", append(make([]byte, 100), eocd(40, "")...), ""},
		{"after a comment", append(make([]byte, 100), eocd(40, comment)...), ""},
		{"a large directory", append(large, eocd(0, "")...), "limit"},
		{"a large directory, a comment after", append(large, eocd(0, comment)...), "limit"},
		{"zip64, a small directory", zip64(200, 150, ""), ""},
		{"zip64, a large directory", zip64(maxDirectory+100, 0, ""), "limit"},
		{"zip64, a large directory, a comment after", zip64(maxDirectory+100, 0, comment), "limit"},
		{"the directory past the end", append(make([]byte, 10), eocd(1000, "")...), "format"},
		{"no end record", make([]byte, 1000), "format"},
		{"shorter than an end record", []byte("PK\x05\x06"), "format"},
		{"an end record alone", eocd(0, ""), ""},
	} {
		err := checkDirectory(bytes.NewReader(c.data), int64(len(c.data)))
		var le *LimitError
		var fe *FormatError
		got := ""
		switch {
		case errors.As(err, &le) && le.Limit == LimitDirectory:
			got = "limit"
		case errors.As(err, &fe):
			got = "format"
		case err != nil:
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, got, err, c.want)
		}
	}
}

// TestOpenListed: a workbook whose directory its caller listed is read
// from that listing, not listed again, and read as Open reads it.
func TestOpenListed(t *testing.T) {
	baseOnce.Do(func() { base = smallBase(t) })
	r := bytes.NewReader(base)
	zr, err := zip.NewReader(r, int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	listed, err := OpenListed(r, int64(len(base)), zr, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if listed.file(f.Name) != f {
			t.Errorf("%s: not the listing's entry", f.Name)
		}
	}
	own, err := Open(r, int64(len(base)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(listed.Sheets(), listed.shown), fmt.Sprint(own.Sheets(), own.shown); got != want {
		t.Errorf("listed: %s, opened: %s", got, want)
	}
}
