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
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, nil, emptyFile(file)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, nil, oldExcel(file)
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, nil, notSpreadsheet(file, "không phải tệp nén Office Open XML / not an Office Open XML package")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, notSpreadsheet(file, err.Error())
	}
	defer f.Close()
	x := &workbook{f: f, file: file, res: pipeline.NewResolver(ref)}
	var rows []pipeline.RawRow
	tables := 0
	sheets := f.GetSheetList()
	for _, sheet := range sheets {
		got, found, fe := x.sheet(sheet)
		if fe != nil {
			return nil, nil, fe
		}
		if found {
			tables++
		}
		rows = append(rows, got...)
	}
	switch {
	case tables == 0:
		return nil, nil, fileError(file, "no_header",
			"Không tìm thấy bảng số liệu trong trang nào (%s): cần một dòng tiêu đề có ô \"Đơn vị\" và tên chỉ tiêu, hoặc các cột tinh, ky_bao_cao, chi_tieu, gia_tri.",
			"No table found in any sheet (%s): expected a header row with an \"Đơn vị\" cell and indicator names, or the columns tinh, ky_bao_cao, chi_tieu, gia_tri.",
			strings.Join(sheets, ", "))
	case len(rows) == 0:
		return nil, nil, noValues(file, "bảng có dòng tiêu đề nhưng không ô số liệu nào được điền",
			"the table has a header but no cell of figures is filled in")
	}
	return rows, nil, nil
}

func notSpreadsheet(file, why string) *pipeline.FileError {
	return fileError(file, "not_spreadsheet",
		"Tệp không phải bảng tính Excel (.xlsx) đọc được (%s).", "The file is not a readable Excel (.xlsx) workbook (%s).", why)
}

type workbook struct {
	f    *excelize.File
	file string
	res  *pipeline.Resolver
}

// sheet reads one sheet; found reports whether it held a table.
func (x *workbook) sheet(sheet string) (rows []pipeline.RawRow, found bool, fe *pipeline.FileError) {
	grid, err := x.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, false, fileError(x.file, "not_spreadsheet", "Không đọc được trang %q: %v.", "Cannot read sheet %q: %v.", sheet, err)
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
		return nil, false, nil
	}
	if longHeader(grid[first]) {
		rows, fe := x.long(sheet, grid, first)
		return rows, fe == nil, fe
	}
	return x.form(sheet, grid)
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

// unitHeaders are the folded texts of a form's unit column header.
var unitHeaders = map[string]bool{"don vi": true, "ten don vi": true, "don vi bao cao": true, "unit": true}

// totalUnits are the folded unit cells of a form's total row.
var totalUnits = map[string]bool{"tong cong": true, "tong": true, "cong": true, "tong so": true}

var sttHeaders = map[string]bool{"stt": true, "tt": true, "so tt": true, "so thu tu": true}

// formColumn is one column of a form's table.
type formColumn struct {
	field     pipeline.Field // FieldValue for an indicator column
	indicator string
	disagg    string
	columns   map[pipeline.Field]string
}

// form reads a form sheet: key-value lines, then a table with one row per
// unit and one column per indicator (and maybe per field below it).
func (x *workbook) form(sheet string, grid [][]string) ([]pipeline.RawRow, bool, *pipeline.FileError) {
	filled := x.fillMerges(sheet, grid)
	h, unitCol := x.findHeader(filled)
	if h < 0 {
		return nil, false, nil
	}
	// A second header row sits under the first when the unit cell there is
	// empty (merged down) and indicator columns carry text, not numbers.
	sub := false
	if cell(grid, h+1, unitCol) == "" {
		for c := range filled[h] {
			t := cell(filled, h+1, c)
			if c != unitCol && t != "" && t != cell(filled, h, c) && !looksNumeric(t) {
				sub = true
				break
			}
		}
	}
	// Key-value lines above the table: "Tỉnh: Hà Tĩnh", or "Tỉnh:" | "Hà Tĩnh".
	meta := map[pipeline.Field]string{}
	metaName := map[pipeline.Field]string{}
	metaRef := map[pipeline.Field]string{}
	for r := 0; r < h; r++ {
		for c, t := range grid[r] {
			k, v, ok := strings.Cut(t, ":")
			if !ok {
				continue
			}
			f, known := headerAliases[headerKey(k)]
			if !known || (f != pipeline.FieldProvince && f != pipeline.FieldPeriod && f != pipeline.FieldSubmittedAt) {
				continue
			}
			v = strings.TrimSpace(v)
			vc := c
			if v == "" {
				for j := c + 1; j < len(grid[r]); j++ {
					if grid[r][j] != "" {
						v, vc = grid[r][j], j
						break
					}
				}
			}
			if f == pipeline.FieldSubmittedAt && vc != c {
				v = x.date(sheet, r, vc, v)
			}
			if _, seen := meta[f]; !seen {
				meta[f], metaName[f], metaRef[f] = v, strings.TrimSpace(k), cellRef(sheet, vc+1, r+1)
			}
		}
	}
	cols := make([]formColumn, len(filled[h]))
	for c, t := range filled[h] {
		if c == unitCol {
			cols[c].field = pipeline.FieldUnit
			continue
		}
		if t == "" || sttHeaders[pipeline.Fold(t)] {
			continue
		}
		if f, ok := headerAliases[headerKey(t)]; ok && f != pipeline.FieldValue && f != pipeline.FieldIndicator {
			cols[c].field = f
			continue
		}
		col := formColumn{field: pipeline.FieldValue, indicator: t}
		name := t
		if sub {
			d := cell(filled, h+1, c)
			if d != t && !totalUnits[pipeline.Fold(d)] {
				col.disagg = d
				name = t + " / " + d
			}
		}
		col.columns = map[pipeline.Field]string{
			pipeline.FieldIndicator: t, pipeline.FieldDisaggregation: name, pipeline.FieldValue: name,
			pipeline.FieldUnit: filled[h][unitCol],
		}
		cols[c] = col
	}
	// Province, period and date come from table columns when present, from
	// the lines above otherwise.
	for c, col := range cols {
		switch col.field {
		case pipeline.FieldProvince, pipeline.FieldPeriod, pipeline.FieldSubmittedAt:
			metaName[col.field] = filled[h][c]
		}
	}
	for c := range cols {
		if cols[c].field != pipeline.FieldValue {
			continue
		}
		for f, n := range metaName {
			cols[c].columns[f] = n
		}
	}
	start := h + 1
	if sub {
		start++
	}
	var rows []pipeline.RawRow
	for r := start; r < len(grid); r++ {
		row := grid[r]
		unit := cell(grid, r, unitCol)
		total := totalUnits[pipeline.Fold(unit)]
		base := pipeline.RawRow{Unit: unit, Origin: pipeline.FromForm, Group: sheet, Total: total,
			Province: meta[pipeline.FieldProvince], Period: meta[pipeline.FieldPeriod], SubmittedAt: meta[pipeline.FieldSubmittedAt]}
		if total {
			base.Unit = ""
		}
		var notes []string
		for c, col := range cols {
			v := cell(grid, r, c)
			if v == "" {
				continue
			}
			switch col.field {
			case pipeline.FieldProvince:
				base.Province = v
			case pipeline.FieldPeriod:
				base.Period = v
			case pipeline.FieldSubmittedAt:
				base.SubmittedAt = x.date(sheet, r, c, v)
			case fieldNote:
				notes = append(notes, v)
			}
		}
		base.Note = strings.Join(notes, "; ")
		for c, col := range cols {
			if col.field != pipeline.FieldValue || c >= len(row) || row[c] == "" {
				continue
			}
			raw := base
			raw.Ref = cellRef(sheet, c+1, r+1)
			raw.Indicator, raw.Disaggregation, raw.Columns = col.indicator, col.disagg, col.columns
			raw.Value, raw.Plain = x.number(sheet, r, c, row[c])
			rows = append(rows, raw)
		}
	}
	return rows, true, nil
}

// findHeader finds the form's header row by content: a cell naming the unit
// column and at least one cell naming an indicator.
func (x *workbook) findHeader(grid [][]string) (row, unitCol int) {
	for r, cells := range grid {
		unitCol = -1
		indicators := 0
		for c, t := range cells {
			if t == "" {
				continue
			}
			if unitCol < 0 && unitHeaders[pipeline.Fold(t)] {
				unitCol = c
				continue
			}
			if x.res.IndicatorNamed(t) != nil {
				indicators++
			}
		}
		if unitCol >= 0 && indicators > 0 {
			return r, unitCol
		}
	}
	return -1, -1
}

// fillMerges copies each merged range's value into all its cells, so a
// header spanning columns or rows names every column under it. Data cells
// are read from the unfilled grid, so a merged value is not counted twice.
func (x *workbook) fillMerges(sheet string, grid [][]string) [][]string {
	filled := make([][]string, len(grid))
	for r := range grid {
		filled[r] = append([]string(nil), grid[r]...)
	}
	merges, err := x.f.GetMergeCells(sheet)
	if err != nil {
		return filled
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(grid) {
			continue
		}
		v := cell(grid, r1-1, c1-1)
		for r := r1; r <= r2 && r <= len(filled); r++ {
			for c := c1; c <= c2 && c <= 1<<14; c++ {
				for len(filled[r-1]) < c {
					filled[r-1] = append(filled[r-1], "")
				}
				if filled[r-1][c-1] == "" {
					filled[r-1][c-1] = v
				}
			}
		}
	}
	return filled
}

func looksNumeric(s string) bool {
	_, err := pipeline.ParseNumber(s)
	return err == nil
}
