package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

// formKind is the layout of a form workbook.
type formKind int

const (
	formSimple   formKind = iota // one sheet, one row per unit, totals only, some text numbers
	formTwoRow                   // two-row header with breakdowns, formulas with cached values
	formPerUnit                  // one sheet per unit, as each office filled it (two-row header)
	formProvince                 // one sheet per province, one "Toàn tỉnh" row
)

// formColumns are the value columns of a form of kind for units of level.
func formColumns(kind formKind, level pipeline.Level) []formCol {
	var cols []formCol
	if kind == formSimple || kind == formProvince {
		for _, ind := range demoIndicators {
			cols = append(cols, formCol{ind: ind, top: shortLabels[ind]})
		}
		return cols
	}
	withParts := func(ind string, parts []string) {
		first := len(cols)
		var idx []int
		for k := range parts {
			idx = append(idx, first+1+k)
		}
		cols = append(cols, formCol{ind: ind, top: shortLabels[ind], sub: "Tổng số", sumOfCols: idx})
		for _, d := range parts {
			sub := disaggHeader[d]
			if d == "cap_co_so" && level == pipeline.LevelCommune {
				sub = "Cấp xã"
			}
			cols = append(cols, formCol{ind: ind, dis: d, top: shortLabels[ind], sub: sub})
		}
	}
	for _, ind := range demoIndicators[:5] {
		withParts(ind, fields)
	}
	for _, ind := range demoIndicators[5:8] {
		cols = append(cols, formCol{ind: ind, top: shortLabels[ind]})
	}
	withParts("awards_collective", levels)
	for _, ind := range demoIndicators[9:] {
		cols = append(cols, formCol{ind: ind, top: shortLabels[ind]})
	}
	return cols
}

// onlyColumns keeps the values of reps that cols hold.
func onlyColumns(reps []*report, cols []formCol) []*report {
	var out []*report
	for _, r := range reps {
		c := *r
		c.values = nil
		for _, v := range r.values {
			for _, col := range cols {
				if col.ind == v.ind && col.dis == v.dis {
					c.values = append(c.values, v)
					break
				}
			}
		}
		out = append(out, &c)
	}
	return out
}

// rowOf lays a report out along cols.
func rowOf(r *report, cols []formCol, unit string) formRow {
	fr := formRow{unit: unit, values: make([]float64, len(cols))}
	for i, c := range cols {
		fr.values[i], _ = r.get(c.ind, c.dis)
	}
	return fr
}

func median(ts []time.Time) time.Time {
	s := append([]time.Time(nil), ts...)
	sort.Slice(s, func(i, j int) bool { return s[i].Before(s[j]) })
	return s[len(s)/2]
}

// commission names the sending office: before the 2025 reform the
// mass-mobilisation commission, after it the merged propaganda and
// mass-mobilisation commission.
func commission(p pipeline.Period) string {
	if p.End.Before(pipeline.ReformDate) {
		return "BAN DÂN VẬN TỈNH ỦY "
	}
	return "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY "
}

var committee = map[string]string{"huyen": "HUYỆN ỦY ", "thi_xa": "THỊ ỦY ", "thanh_pho": "THÀNH ỦY "}

// formWorkbook writes a province's unit reports of one period as a form.
func (g *gen) formWorkbook(prov *pipeline.Unit, p pipeline.Period, reps []*report, kind formKind) ([]byte, []pipeline.RawRow, []formCol, error) {
	level := reps[0].unit.Level
	cols := formColumns(kind, level)
	f, err := workbook("Biểu mẫu báo cáo Dân vận khéo - " + Note)
	if err != nil {
		return nil, nil, nil, err
	}
	provText := g.sp.provinceName(prov.Code)
	periodSt := []periodStyle{periodWords, periodShort, periodWords}[g.rng.IntN(3)]
	names := []nameStyle{namePlain, nameTyped, nameAbbrev, nameMixed}[g.rng.IntN(4)]
	unitsWord := "CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"
	if level == pipeline.LevelCommune {
		unitsWord = "CÁC XÃ, PHƯỜNG"
	}
	var sheets []formSheet
	switch kind {
	case formSimple, formTwoRow:
		s := formSheet{
			name: []string{"Biểu 1", "Tổng hợp", "BC"}[g.rng.IntN(3)],
			titles: []string{
				commission(p) + strings.ToUpper(prov.Name),
				"TỔNG HỢP KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” CỦA " + unitsWord,
				"(" + Note + ")",
			},
			province: provText, period: periodText(p, periodSt), cols: cols, total: true,
			formulaTotals: kind == formTwoRow, columnNumbers: true, signature: signer(prov.Code),
		}
		if kind == formSimple {
			// The titles name the province; no "Tỉnh:" line.
			s.provinceInTitle = true
		} else {
			reps, s.sections = bySection(reps)
		}
		var dates []time.Time
		for _, r := range reps {
			fr := rowOf(r, cols, g.sp.unitName(r.unit, p, names))
			if kind == formSimple {
				fr.words = make([]string, len(cols))
				for i, v := range fr.values {
					switch {
					case g.rng.Float64() > 0.15:
					case v < 10:
						fr.words[i] = fmt.Sprintf("%02d", int(v))
					default:
						fr.words[i] = vnNumber(v)
					}
				}
			}
			s.rows = append(s.rows, fr)
			dates = append(dates, r.submitted)
		}
		s.submitted = dateText(median(dates), false)
		if kind == formSimple {
			s.dateLine = dateLine(prov.Name, median(dates))
		}
		sheets = append(sheets, s)
	case formPerUnit:
		used := map[string]bool{}
		for _, r := range reps {
			unit := g.sp.unitName(r.unit, p, names)
			name := sheetName(unit, used)
			sheets = append(sheets, formSheet{
				name: name,
				titles: []string{
					"BAN DÂN VẬN " + committee[r.unit.Type] + strings.ToUpper(r.unit.Name),
					"BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”",
					"(" + Note + ")",
				},
				province: provText, period: periodText(p, periodSt), submitted: dateText(r.submitted, false),
				cols: cols, rows: []formRow{rowOf(r, cols, unit)}, total: g.rng.IntN(2) == 0, formulaTotals: true,
				dateLine: dateLine(r.unit.Name, r.submitted), signature: signer(r.unit.Code),
			})
		}
	}
	raws, err := writeSheets(f, sheets)
	if err != nil {
		return nil, nil, nil, err
	}
	if kind == formTwoRow {
		if err := instructions(f); err != nil {
			return nil, nil, nil, err
		}
	}
	data, err := finish(f)
	return data, raws, cols, err
}

// bySection orders reps as a province's form groups its units: cities and
// towns (or wards) first, then districts (or communes), each group under a
// numbered heading.
func bySection(reps []*report) ([]*report, []formSection) {
	first := func(r *report) bool {
		return r.unit.Type == "thanh_pho" || r.unit.Type == "thi_xa" || r.unit.Type == "phuong"
	}
	var a, b []*report
	for _, r := range reps {
		if first(r) {
			a = append(a, r)
		} else {
			b = append(b, r)
		}
	}
	names := [2]string{"Khối thành phố, thị xã", "Khối huyện"}
	if len(reps) > 0 && reps[0].unit.Level == pipeline.LevelCommune {
		names = [2]string{"Khối phường", "Khối xã"}
	}
	var secs []formSection
	if len(a) > 0 {
		secs = append(secs, formSection{number: "I", name: names[0], from: 0, to: len(a)})
	}
	if len(b) > 0 {
		secs = append(secs, formSection{number: []string{"I", "II"}[len(secs)], name: names[1], from: len(a), to: len(a) + len(b)})
	}
	return append(a, b...), secs
}

// dateLine is a document's date line: "Hà Tĩnh, ngày 15 tháng 12 năm 2023".
func dateLine(place string, d time.Time) string {
	return fmt.Sprintf("%s, ngày %d tháng %d năm %d", place, d.Day(), int(d.Month()), d.Year())
}

// signers are the demo's made-up signers.
var signers = [][2]string{
	{"K/T TRƯỞNG BAN", "Nguyễn Văn An"}, {"TRƯỞNG BAN", "Trần Thị Bình"}, {"PHÓ TRƯỞNG BAN", "Lê Văn Cường"},
	{"TM. BAN THƯỜNG VỤ", "Phạm Thị Dung"}, {"K/T TRƯỞNG BAN", "Hoàng Văn Em"},
}

// signer is the signature block of a form from the office of code: the
// signer's title, the signing note, the name (chosen by the code, so the
// demo's formatting draws nothing more from its random source).
func signer(code string) []string {
	n := 0
	for _, c := range code {
		n += int(c)
	}
	s := signers[n%len(signers)]
	return []string{s[0], "(Ký tên, đóng dấu)", "", s[1]}
}

// instructions adds a sheet of instructions, with an example table that is
// no report, as offices' templates have.
func instructions(f *excelize.File) error {
	const sheet = "Hướng dẫn"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	for i, row := range [][]any{
		{"HƯỚNG DẪN GHI BIỂU"},
		{"Ghi số liệu của từng đơn vị; cột \"Tổng số\" bằng tổng các cột lĩnh vực. Ô để trống là chưa báo cáo; ghi 0 nếu bằng không."},
		{"Ví dụ:"},
		{"Đơn vị", "Số mô hình đăng ký", "Số cuộc tiếp xúc, đối thoại"},
		{"Huyện A", 12, 3},
	} {
		for j, v := range row {
			if err := f.SetCellValue(sheet, cellName(j+1, i+1), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// sheetName makes a valid, unique sheet name (31 characters at most).
func sheetName(s string, used map[string]bool) string {
	for utf8.RuneCountInString(s) > 28 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	name := s
	for i := 2; used[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s %d", s, i)
	}
	used[strings.ToLower(name)] = true
	return name
}

func writeSheets(f *excelize.File, sheets []formSheet) ([]pipeline.RawRow, error) {
	var raws []pipeline.RawRow
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.name, err)
		}
		rs, err := writeForm(f, s)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.name, err)
		}
		raws = append(raws, rs...)
	}
	f.SetActiveSheet(0)
	return raws, nil
}

// provinceWorkbook writes the provinces' 2025 annual reports, one sheet per
// province with one "Toàn tỉnh" row; rounded figures are written as text
// with their qualifier word.
func (g *gen) provinceWorkbook(reps []*report) ([]byte, []pipeline.RawRow, []formCol, error) {
	cols := formColumns(formProvince, pipeline.LevelProvince)
	f, err := workbook("Báo cáo tổng kết năm 2025 - " + Note)
	if err != nil {
		return nil, nil, nil, err
	}
	var sheets []formSheet
	for _, r := range reps {
		fr := rowOf(r, cols, "Toàn tỉnh")
		fr.words = make([]string, len(cols))
		for i, c := range cols {
			for _, v := range r.values {
				if v.ind == c.ind && v.dis == c.dis && v.q != "" {
					fr.words[i] = g.valueText(v, numVN)
				}
			}
		}
		sheets = append(sheets, formSheet{
			name: r.prov.Name,
			titles: []string{
				commission(r.period) + strings.ToUpper(r.prov.Name),
				"BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2025",
				"(" + Note + ")",
			},
			province: g.sp.provinceName(r.prov.Code), period: periodText(r.period, periodWords),
			submitted: dateText(r.submitted, false), cols: cols, rows: []formRow{fr},
		})
	}
	raws, err := writeSheets(f, sheets)
	if err != nil {
		return nil, nil, nil, err
	}
	data, err := finish(f)
	return data, raws, cols, err
}
