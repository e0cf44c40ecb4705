package ingest

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// XLSX reads every sheet of a workbook: a sheet whose first row is a long
// table's header is read as a long table, any other sheet as a form
// ("biểu mẫu", one report per sheet). Sheets with neither are skipped
// (instructions, charts); a workbook where no sheet has a table is refused.
func XLSX(ref *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	return xlsxIn(ref, file, data, readOpts{})
}

// xlsxIn is XLSX with excelize's temp files (a sheet over 16 MiB
// unzipped) in o.tmp, and a workbook that unzips to more than o.unzipped
// (when set) refused from its zip directory, before excelize decompresses
// anything.
func xlsxIn(ref *pipeline.Reference, file string, data []byte, o readOpts) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, nil, emptyFile(file)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, nil, oldExcel(file)
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, nil, notSpreadsheet(file, "không phải tệp nén Office Open XML", "not an Office Open XML package")
	}
	xo := excelize.Options{TmpDir: o.tmp}
	if o.unzipped > 0 {
		if n, ok := unzippedSize(data); ok && n > o.unzipped {
			return nil, nil, unzippedTooLarge(file, n, o.unzipped)
		}
		xo.UnzipSizeLimit, xo.UnzipXMLSizeLimit = o.unzipped, min(o.unzipped, excelize.StreamChunkSize)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), xo)
	if err != nil {
		return nil, nil, notSpreadsheet(file, "tệp bị hỏng hoặc không đúng định dạng", err.Error())
	}
	defer f.Close()
	res := pipeline.NewResolver(ref)
	x := &workbook{f: f, file: file, res: res, forms: &formReader{file: file, res: res, name: nameContext(res, file)}}
	var rows, forms []pipeline.RawRow
	var rejects []pipeline.RowError
	tables := 0
	sheets := f.GetSheetList()
	for _, sheet := range sheets {
		got, rej, found, form, fe := x.sheet(sheet)
		if fe != nil {
			return nil, nil, fe
		}
		if found {
			tables++
		}
		if form {
			forms = append(forms, got...)
		}
		rows, rejects = append(rows, got...), append(rejects, rej...)
	}
	if len(forms) == len(rows) {
		if fe := x.forms.unstated(forms); fe != nil {
			return nil, nil, fe
		}
	}
	switch {
	case tables == 0:
		return nil, nil, fileError(file, "no_header",
			"Không tìm thấy bảng số liệu trong trang nào (%s): cần một dòng tiêu đề có ô \"Đơn vị\" và tên chỉ tiêu, hoặc các cột tinh, ky_bao_cao, chi_tieu, gia_tri.",
			"No table found in any sheet (%s): expected a header row with an \"Đơn vị\" cell and indicator names, or the columns tinh, ky_bao_cao, chi_tieu, gia_tri.",
			quoteAll(sheets))
	case len(rows) == 0 && len(rejects) == 0:
		return nil, nil, noValues(file, "bảng có dòng tiêu đề nhưng không ô số liệu nào được điền",
			"the table has a header but no cell of figures is filled in")
	}
	return rows, rejects, nil
}

func notSpreadsheet(file, why, whyEN string) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: "not_spreadsheet",
		Reason:   "Tệp không phải bảng tính Excel (.xlsx) đọc được (" + why + ").",
		ReasonEN: "The file is not a readable Excel (.xlsx) workbook (" + whyEN + ")."}
}

type workbook struct {
	f     *excelize.File
	file  string
	res   *pipeline.Resolver
	forms *formReader
}

// instructionSheet reports whether a sheet's name says it holds
// instructions or examples, not a report: its tables are never data.
func instructionSheet(name string) bool {
	f := pipeline.Fold(name)
	for _, w := range []string{"huong dan", "hd", "ghi chu", "chu thich", "vi du", "mau vi du", "danh muc", "instructions", "instruction", "readme", "example"} {
		if f == w || strings.HasPrefix(f, w+" ") {
			return true
		}
	}
	return false
}

// sheet reads one sheet; found reports whether it held a table.
func (x *workbook) sheet(sheet string) (rows []pipeline.RawRow, rejects []pipeline.RowError, found, form bool, fe *pipeline.FileError) {
	if instructionSheet(sheet) {
		return nil, nil, false, false, nil
	}
	grid, err := x.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, false, false, fileError(x.file, "not_spreadsheet", "Không đọc được trang %q.", "Cannot read sheet %q: "+err.Error()+".", sheet)
	}
	for r := range grid {
		for c := range grid[r] {
			grid[r][c] = norm.NFC.String(strings.TrimSpace(grid[r][c]))
		}
	}
	first := -1
	for r, row := range grid {
		if !emptyRow(row) {
			first = r
			break
		}
	}
	if first < 0 {
		return nil, nil, false, false, nil
	}
	if longHeader(grid[first]) {
		rows, fe := x.long(sheet, grid, first)
		return rows, nil, fe == nil, false, fe
	}
	g := &sheetGrid{name: sheet, rows: grid, number: func(r, c int) (string, bool) {
		return x.number(sheet, r, c, cell(grid, r, c))
	}}
	if merges, err := x.f.GetMergeCells(sheet); err == nil {
		for _, m := range merges {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 == nil && err2 == nil {
				g.merges = append(g.merges, cellRange{r1 - 1, c1 - 1, r2 - 1, c2 - 1})
			}
		}
	}
	rows, rejects, found = newForm(x.forms, g).read()
	return rows, rejects, found, found, nil
}

// longHeader tells a long table's header from a form's: a form has unit and
// maybe province and period columns, but never the indicator or value
// column of a long table.
func longHeader(row []string) bool {
	long := false
	for _, h := range row {
		if f := headerAliases[headerKey(h)]; f == pipeline.FieldIndicator || f == pipeline.FieldValue {
			long = true
		}
	}
	return long && recognised(row) >= 3
}

func emptyRow(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}

func cell(grid [][]string, r, c int) string {
	if r < 0 || r >= len(grid) || c < 0 || c >= len(grid[r]) {
		return ""
	}
	return grid[r][c]
}

// number returns the cell's value in machine form when the cell holds a
// number (typed, or a formula's cached number), rounded to the 15 digits a
// spreadsheet keeps, so 0.1+0.2 reads 0.3.
func (x *workbook) number(sheet string, r, c int, v string) (string, bool) {
	if v == "" {
		return v, false
	}
	name, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return v, false
	}
	t, err := x.f.GetCellType(sheet, name)
	if err != nil || (t != excelize.CellTypeUnset && t != excelize.CellTypeNumber) {
		return v, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v, false
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// date renders a date cell (a serial day number) as a date.
func (x *workbook) date(sheet string, r, c int, v string) string {
	s, ok := x.number(sheet, r, c, v)
	if !ok {
		return v
	}
	return serialDate(s, v)
}

// serialDate is the date of a spreadsheet's serial day number s, or v when
// s is no date.
func serialDate(s, v string) string {
	f, _ := strconv.ParseFloat(s, 64)
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil || f < 1 || f > 2958465 {
		return v
	}
	return t.Format("2006-01-02")
}

// long reads a long table whose header is row first.
func (x *workbook) long(sheet string, grid [][]string, first int) ([]pipeline.RawRow, *pipeline.FileError) {
	l, fe := newLayout(x.file, append([]string(nil), grid[first]...))
	if fe != nil {
		fe.Reason = "Trang " + strconvQuote(sheet) + ": " + fe.Reason
		fe.ReasonEN = "Sheet " + strconvQuote(sheet) + ": " + fe.ReasonEN
		return nil, fe
	}
	valueCol, dateCol := -1, -1
	for i, f := range l.fields {
		switch f {
		case pipeline.FieldValue:
			valueCol = i
		case pipeline.FieldSubmittedAt:
			dateCol = i
		}
	}
	var rows []pipeline.RawRow
	for r := first + 1; r < len(grid); r++ {
		var raw pipeline.RawRow
		if !l.fill(&raw, nil, grid[r], nil) {
			continue
		}
		raw.Ref = cellRef(sheet, valueCol+1, r+1)
		if raw.Value != "" {
			raw.Value, raw.Plain = x.number(sheet, r, valueCol, raw.Value)
		}
		if dateCol >= 0 && raw.SubmittedAt != "" {
			raw.SubmittedAt = x.date(sheet, r, dateCol, raw.SubmittedAt)
		}
		rows = append(rows, raw)
	}
	return rows, nil
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// totalUnits are the folded texts that mean "the total" in a header.
var totalUnits = map[string]bool{"tong cong": true, "tong": true, "cong": true, "tong so": true}

var sttHeaders = map[string]bool{"stt": true, "tt": true, "so tt": true, "so thu tu": true}

// quoteAll quotes names for a message: "Biểu 1", "Hướng dẫn".
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
