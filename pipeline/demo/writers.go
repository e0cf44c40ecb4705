package demo

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

// Note is written beside every demo value (ghi_chu, JSON note, form title),
// so nobody mistakes the demo for real reports.
const Note = "Dữ liệu minh họa (demo)"

// fixedTime stamps every XLSX so the same seed gives the same bytes.
var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// longRow is one long-table row: the eight columns as written, plus the
// typed number for spreadsheets and JSON.
type longRow struct {
	cells [8]string // tinh, don_vi, ky_bao_cao, chi_tieu, phan_to, gia_tri, ghi_chu, ngay_gui
	num   float64
	typed bool // the value is a number cell (XLSX) or JSON number
}

// header spellings of the long table, by style.
var longHeaders = map[string][8]string{
	"vi":    {"Tỉnh", "Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Phân tổ", "Giá trị", "Ghi chú", "Ngày gửi"},
	"ascii": {"tinh", "don_vi", "ky_bao_cao", "chi_tieu", "phan_to", "gia_tri", "ghi_chu", "ngay_gui"},
	"en":    {"province", "unit", "period", "indicator", "disaggregation", "value", "note", "submitted_at"},
	"mixed": {"TỈNH", "Huyện", "Kỳ", "Chỉ tiêu", "Lĩnh vực", "Số liệu", "Ghi chú", "Ngày gửi"},
}

// rawOf is what a long-table reader should make of row r at ref.
func rawOf(r longRow, ref string) pipeline.RawRow {
	raw := pipeline.RawRow{
		Ref: ref, Province: r.cells[0], Unit: r.cells[1], Period: r.cells[2], Indicator: r.cells[3],
		Disaggregation: r.cells[4], Value: r.cells[5], Note: r.cells[6], SubmittedAt: r.cells[7], Plain: r.typed,
	}
	if r.typed {
		raw.Value = plain(r.num)
	}
	return raw
}

// csvFile writes rows as a delimited text file. extra adds a leading STT
// column, which readers must ignore or keep as a note.
func csvFile(header [8]string, rows []longRow, sep rune, enc encoding, crlf, extra bool) ([]byte, []pipeline.RawRow, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = sep, crlf
	rec := func(stt string, cells [8]string) []string {
		out := cells[:]
		if extra {
			out = append([]string{stt}, out...)
		}
		return out
	}
	if err := w.Write(rec("STT", header)); err != nil {
		return nil, nil, err
	}
	raws := make([]pipeline.RawRow, 0, len(rows))
	for i, r := range rows {
		if err := w.Write(rec(fmt.Sprint(i+1), r.cells)); err != nil {
			return nil, nil, err
		}
		r.typed = false
		raws = append(raws, rawOf(r, fmt.Sprintf("dòng %d", i+2)))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, nil, err
	}
	data, err := encode(b.String(), enc)
	return data, raws, err
}

// jsonlFile writes one long-table row per line, with the ASCII column names;
// typed values are JSON numbers.
func jsonlFile(rows []longRow) ([]byte, []pipeline.RawRow, error) {
	var b bytes.Buffer
	raws := make([]pipeline.RawRow, 0, len(rows))
	for i, r := range rows {
		var v any = r.cells[5]
		if r.typed {
			v = json.Number(plain(r.num))
		}
		line := struct {
			Tinh    string `json:"tinh"`
			DonVi   string `json:"don_vi"`
			Ky      string `json:"ky_bao_cao"`
			ChiTieu string `json:"chi_tieu"`
			PhanTo  string `json:"phan_to,omitempty"`
			GiaTri  any    `json:"gia_tri"`
			GhiChu  string `json:"ghi_chu"`
			NgayGui string `json:"ngay_gui"`
		}{r.cells[0], r.cells[1], r.cells[2], r.cells[3], r.cells[4], v, r.cells[6], r.cells[7]}
		enc, err := json.Marshal(line)
		if err != nil {
			return nil, nil, err
		}
		b.Write(enc)
		b.WriteByte('\n')
		raws = append(raws, rawOf(r, fmt.Sprintf("dòng %d", i+1)))
	}
	return b.Bytes(), raws, nil
}

// jsonValue and jsonReport are the JSON report of formats.md section 3.
type jsonValue struct {
	Indicator      string `json:"indicator"`
	Disaggregation string `json:"disaggregation,omitempty"`
	Value          any    `json:"value"`
	Qualifier      string `json:"qualifier,omitempty"`
}

type jsonReport struct {
	Province    string      `json:"province"`
	Unit        string      `json:"unit"`
	Period      string      `json:"period"`
	SubmittedAt string      `json:"submitted_at"`
	Note        string      `json:"note"`
	Values      []jsonValue `json:"values"`
}

func jsonFile(rep jsonReport) ([]byte, []pipeline.RawRow, error) {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	var raws []pipeline.RawRow
	for i, v := range rep.Values {
		raw := pipeline.RawRow{
			Ref: fmt.Sprintf("values[%d]", i), Province: rep.Province, Unit: rep.Unit, Period: rep.Period,
			Indicator: v.Indicator, Disaggregation: v.Disaggregation, Qualifier: v.Qualifier,
			Note: rep.Note, SubmittedAt: rep.SubmittedAt,
		}
		switch x := v.Value.(type) {
		case json.Number:
			raw.Value, raw.Plain = string(x), true
		case string:
			raw.Value = x
		default:
			return nil, nil, fmt.Errorf("json value of type %T", v.Value)
		}
		raws = append(raws, raw)
	}
	return append(data, '\n'), raws, nil
}

// workbook is an excelize file with fixed metadata.
func workbook(title string) (*excelize.File, error) {
	f := excelize.NewFile()
	err := f.SetDocProps(&excelize.DocProperties{
		Creator: "danvan demo", LastModifiedBy: "danvan demo", Title: title, Description: Note,
		Created: fixedTime.Format(time.RFC3339), Modified: fixedTime.Format(time.RFC3339), Language: "vi-VN",
	})
	return f, err
}

var strFormula = regexp.MustCompile(`(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="str"(><f>)`)

// finish serialises a workbook and rewrites its zip with fixed timestamps.
// excelize types the cached result of every formula as text (t="str"); the
// demo's formulas all give numbers, so the type is dropped and readers see
// the cached number, as Excel writes it.
func finish(f *excelize.File) ([]byte, error) {
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			content = strFormula.ReplaceAll(content, []byte("$1$2"))
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(content); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), f.Close()
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// xlsxLong writes rows as a long table on one sheet.
func xlsxLong(sheet string, header [8]string, rows []longRow) ([]byte, []pipeline.RawRow, error) {
	f, err := workbook("Báo cáo Dân vận khéo (dạng bảng dài) - " + Note)
	if err != nil {
		return nil, nil, err
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, nil, err
	}
	for c, h := range header {
		if err := f.SetCellStr(sheet, cellName(c+1, 1), h); err != nil {
			return nil, nil, err
		}
	}
	raws := make([]pipeline.RawRow, 0, len(rows))
	for i, r := range rows {
		row := i + 2
		for c, v := range r.cells {
			if c == 5 && r.typed {
				err = f.SetCellFloat(sheet, cellName(c+1, row), r.num, -1, 64)
			} else {
				err = f.SetCellStr(sheet, cellName(c+1, row), v)
			}
			if err != nil {
				return nil, nil, err
			}
		}
		raws = append(raws, rawOf(r, sheet+"!"+cellName(6, row)))
	}
	data, err := finish(f)
	return data, raws, err
}

// formCol is one value column of a form: indicator and disaggregation, the
// header texts, and whether its cells are formulas over other columns.
type formCol struct {
	ind, dis  string
	top, sub  string // sub is "" on a one-row header
	sumOfCols []int  // value columns (indexes) this column adds up, as a formula
}

// formRow is one unit's row of a form.
type formRow struct {
	unit   string
	values []float64 // by column
	words  []string  // by column: text to write instead of the number ("1.043", "khoảng 12.300")
}

// formSheet is a "biểu mẫu": titles, key lines, a table, maybe a total row.
type formSheet struct {
	name                 string
	titles               []string
	province, period     string
	submitted            string
	cols                 []formCol
	rows                 []formRow
	total, formulaTotals bool
	// badTotals replaces the total of some columns, for the bad file.
	badTotals map[int]float64

	// What offices put around a table, none of it data (issue 16):
	// provinceInTitle leaves out the "Tỉnh:" line, the titles naming the
	// province; dateLine ("Hà Tĩnh, ngày 15 tháng 12 năm 2023") replaces the
	// "Ngày gửi:" line; columnNumbers puts a row of "(1) (2) (3)=(4)+(5)"
	// under the header; sections groups the rows, each under a numbered
	// heading row carrying its subtotal; signature ends the sheet with
	// "Nơi nhận:" and the signer's block.
	provinceInTitle bool
	dateLine        string
	columnNumbers   bool
	sections        []formSection
	signature       []string
}

// formSection is a numbered group of a form's rows ("I", "Khối huyện"),
// rows[from:to].
type formSection struct {
	number, name string
	from, to     int
}

// writeForm lays s out on a sheet of f and returns the rows a form reader
// should produce from it.
func writeForm(f *excelize.File, s formSheet) ([]pipeline.RawRow, error) {
	const firstCol = 3 // A: STT, B: Đơn vị
	width := firstCol + len(s.cols) - 1
	set := func(cell string, v any) error { return f.SetCellValue(s.name, cell, v) }
	row := 1
	for _, t := range s.titles {
		if err := set(cellName(1, row), t); err != nil {
			return nil, err
		}
		if err := f.MergeCell(s.name, cellName(1, row), cellName(width, row)); err != nil {
			return nil, err
		}
		row++
	}
	if s.dateLine != "" {
		if err := set(cellName(1, row), s.dateLine); err != nil {
			return nil, err
		}
		if err := f.MergeCell(s.name, cellName(1, row), cellName(width, row)); err != nil {
			return nil, err
		}
		row++
	}
	var lines []string
	if !s.provinceInTitle {
		lines = append(lines, "Tỉnh: "+s.province)
	}
	lines = append(lines, "Kỳ báo cáo: "+s.period)
	if s.dateLine == "" {
		lines = append(lines, "Ngày gửi: "+s.submitted)
	}
	for _, l := range lines {
		if err := set(cellName(1, row), l); err != nil {
			return nil, err
		}
		row++
	}
	row++ // a blank line before the table
	twoRow := false
	for _, c := range s.cols {
		twoRow = twoRow || c.sub != ""
	}
	head := row
	last := head
	if twoRow {
		last = head + 1
	}
	if err := set(cellName(1, head), "STT"); err != nil {
		return nil, err
	}
	if err := set(cellName(2, head), "Đơn vị"); err != nil {
		return nil, err
	}
	if twoRow {
		for _, c := range []int{1, 2} {
			if err := f.MergeCell(s.name, cellName(c, head), cellName(c, last)); err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i < len(s.cols); {
		c := s.cols[i]
		j := i
		for j+1 < len(s.cols) && s.cols[j+1].top == c.top && c.sub != "" {
			j++
		}
		if err := set(cellName(firstCol+i, head), c.top); err != nil {
			return nil, err
		}
		switch {
		case twoRow && c.sub == "":
			if err := f.MergeCell(s.name, cellName(firstCol+i, head), cellName(firstCol+i, last)); err != nil {
				return nil, err
			}
		case twoRow:
			if j > i {
				if err := f.MergeCell(s.name, cellName(firstCol+i, head), cellName(firstCol+j, head)); err != nil {
					return nil, err
				}
			}
			for k := i; k <= j; k++ {
				if err := set(cellName(firstCol+k, last), s.cols[k].sub); err != nil {
					return nil, err
				}
			}
		}
		i = j + 1
	}
	var raws []pipeline.RawRow
	group := s.name
	rawFor := func(col formCol, ref, unit, v string, plainNum, total bool) pipeline.RawRow {
		return pipeline.RawRow{
			Ref: s.name + "!" + ref, Province: s.province, Unit: unit, Period: s.period,
			Indicator: col.top, Disaggregation: col.sub, Value: v, Plain: plainNum,
			SubmittedAt: s.submitted, Total: total, Group: group,
		}
	}
	first := last + 1
	if s.columnNumbers {
		// "(1) (2) (3) ...", a sum column as "(3)=(4)+(5)".
		if err := set(cellName(1, first), "(1)"); err != nil {
			return nil, err
		}
		if err := set(cellName(2, first), "(2)"); err != nil {
			return nil, err
		}
		for ci, col := range s.cols {
			mark := fmt.Sprintf("(%d)", firstCol+ci)
			if len(col.sumOfCols) > 0 {
				var parts []string
				for _, k := range col.sumOfCols {
					parts = append(parts, fmt.Sprintf("(%d)", firstCol+k))
				}
				mark += "=" + strings.Join(parts, "+")
			}
			if err := set(cellName(firstCol+ci, first), mark); err != nil {
				return nil, err
			}
		}
		first++
	}
	// A column's total over rows, as a formula with its cached value: a
	// plain sum, or SUBTOTAL(9, …) when there are sections, so the
	// total of the sheet leaves out the sections' subtotals as Excel does.
	writeTotal := func(rn, from, to int, rows []formRow, label string) error {
		fn := "SUM"
		if len(s.sections) > 0 {
			fn = "SUBTOTAL(9,"
		}
		for ci, col := range s.cols {
			ref := cellName(firstCol+ci, rn)
			tot := 0.0
			for _, r := range rows {
				tot += r.values[ci]
			}
			if bad, ok := s.badTotals[ci]; ok && label == "Tổng cộng" {
				tot = bad
			}
			if err := f.SetCellFloat(s.name, ref, tot, -1, 64); err != nil {
				return err
			}
			if s.formulaTotals {
				rng := cellName(firstCol+ci, from) + ":" + cellName(firstCol+ci, to)
				formula := fn + "(" + rng + ")"
				if fn != "SUM" {
					formula = fn + rng + ")"
				}
				if err := f.SetCellFormula(s.name, ref, formula); err != nil {
					return err
				}
			}
			raws = append(raws, rawFor(col, ref, label, plain(tot), true, true))
		}
		return nil
	}
	sectionAt := map[int]formSection{}
	for _, sec := range s.sections {
		sectionAt[sec.from] = sec
	}
	rn := first
	n := 0 // the rows' own numbers, from 1 in each section
	for i, r := range s.rows {
		if sec, ok := sectionAt[i]; ok {
			group = s.name
			if err := set(cellName(1, rn), sec.number); err != nil {
				return nil, err
			}
			if err := set(cellName(2, rn), sec.name); err != nil {
				return nil, err
			}
			group = s.name + string(pipeline.GroupSep) + sec.number + " " + sec.name
			if err := writeTotal(rn, rn+1, rn+sec.to-sec.from, s.rows[sec.from:sec.to], sec.name); err != nil {
				return nil, err
			}
			rn++
			n = 0
		}
		n++
		if err := set(cellName(1, rn), n); err != nil {
			return nil, err
		}
		if err := set(cellName(2, rn), r.unit); err != nil {
			return nil, err
		}
		for ci, col := range s.cols {
			ref := cellName(firstCol+ci, rn)
			v := r.values[ci]
			switch {
			case len(col.sumOfCols) > 0:
				var parts []string
				for _, k := range col.sumOfCols {
					parts = append(parts, cellName(firstCol+k, rn))
				}
				if err := f.SetCellFloat(s.name, ref, v, -1, 64); err != nil {
					return nil, err
				}
				if err := f.SetCellFormula(s.name, ref, "SUM("+strings.Join(parts, ",")+")"); err != nil {
					return nil, err
				}
				raws = append(raws, rawFor(col, ref, r.unit, plain(v), true, false))
			case r.words != nil && r.words[ci] != "":
				t := r.words[ci]
				if err := f.SetCellStr(s.name, ref, t); err != nil {
					return nil, err
				}
				raws = append(raws, rawFor(col, ref, r.unit, t, false, false))
			default:
				if err := f.SetCellFloat(s.name, ref, v, -1, 64); err != nil {
					return nil, err
				}
				raws = append(raws, rawFor(col, ref, r.unit, plain(v), true, false))
			}
		}
		rn++
	}
	group = s.name
	if s.total && len(s.rows) > 0 {
		if err := set(cellName(2, rn), "Tổng cộng"); err != nil {
			return nil, err
		}
		if err := writeTotal(rn, first, rn-1, s.rows, "Tổng cộng"); err != nil {
			return nil, err
		}
		rn++
	}
	if len(s.signature) > 0 {
		// A blank line, then "Nơi nhận:" and its list on the left, the
		// signer's block on the right, merged over the value columns.
		rn++
		left := []string{"Nơi nhận:", "- Ban Dân vận Tỉnh ủy;", "- Lưu VP."}
		for k := 0; k < max(len(left), len(s.signature)); k++ {
			if k < len(left) {
				if err := set(cellName(1, rn+k), left[k]); err != nil {
					return nil, err
				}
			}
			if k < len(s.signature) && s.signature[k] != "" {
				from := firstCol + len(s.cols)/2
				if err := set(cellName(from, rn+k), s.signature[k]); err != nil {
					return nil, err
				}
				if from < width {
					if err := f.MergeCell(s.name, cellName(from, rn+k), cellName(width, rn+k)); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if err := f.SetColWidth(s.name, "B", "B", 22); err != nil {
		return nil, err
	}
	return raws, nil
}
