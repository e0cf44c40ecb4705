package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// Report workbooks made the way district and provincial offices make them
// (issue 16): titles in merged rows, two- and three-row headers, rows of
// column numbers, sections numbered I, II with their subtotals, totals by
// formula with their cached values, numbers typed as text ("12.450",
// "1.250.000.000"), an empty cell beside a real 0, a data row below a blank
// line, the date line, the signature block and "Nơi nhận:", a sheet of
// instructions, the province only in the title or in the file name. They
// are written by formWorkbooks below into testdata/forms (go test -run
// TestForms -update); testdata/forms-want holds, per file, the values
// accepted, the refusals, the warnings, where the province and period came
// from, and the file's own problem, each reviewed by hand.

const (
	formsDir     = "testdata/forms"
	formsWantDir = "testdata/forms-want"
)

// sheetBuilder lays out a sheet row by row.
type sheetBuilder struct {
	s     xsheet
	width int // columns of the table, for titles merged across it
}

func newSheet(name string, width int) *sheetBuilder {
	return &sheetBuilder{s: xsheet{name: name}, width: width}
}

// row adds a row of cells (nil is an empty cell) and returns its number.
func (b *sheetBuilder) row(cells ...any) int {
	b.s.rows = append(b.s.rows, cells)
	return len(b.s.rows)
}

func (b *sheetBuilder) blank() { b.row() }

// title adds a title merged across the table.
func (b *sheetBuilder) title(text string) {
	r := b.row(text)
	b.merge(1, r, b.width, r)
}

// heading adds the two blocks Vietnamese documents open with: the sender
// on the left, the motto or the date line on the right, each merged.
func (b *sheetBuilder) heading(left, right string) {
	half := b.width / 2
	cells := make([]any, half+1)
	if left != "" {
		cells[0] = left
	}
	if right != "" {
		cells[half] = right
	}
	r := b.row(cells...)
	b.merge(1, r, half, r)
	b.merge(half+1, r, b.width, r)
}

// at puts cells in row r from column col on (both from 1).
func (b *sheetBuilder) at(r, col int, cells ...any) {
	for len(b.s.rows) < r {
		b.s.rows = append(b.s.rows, nil)
	}
	row := b.s.rows[r-1]
	for len(row) < col-1+len(cells) {
		row = append(row, nil)
	}
	copy(row[col-1:], cells)
	b.s.rows[r-1] = row
}

func (b *sheetBuilder) merge(c1, r1, c2, r2 int) {
	if c1 == c2 && r1 == r2 {
		return
	}
	b.s.merges = append(b.s.merges, [2]string{fmt.Sprintf("%s%d", colName(c1), r1), fmt.Sprintf("%s%d", colName(c2), r2)})
}

// sum is a SUM formula over a column's rows, with its cached value.
func sum(col, from, to int, cached int) string {
	return fmt.Sprintf("=SUM(%s%d:%s%d)|%d", colName(col), from, colName(col), to, cached)
}

// signature adds the block under a table: "Nơi nhận:" and its list on the
// left, the signer's title, the signing note and the name on the right.
func (b *sheetBuilder) signature(recipients []string, right ...string) {
	start := len(b.s.rows) + 1
	n := max(len(recipients)+1, len(right))
	for i := 0; i < n; i++ {
		b.blank()
	}
	half := b.width/2 + 1
	if recipients != nil {
		b.at(start, 1, "Nơi nhận:")
		for i, r := range recipients {
			b.at(start+1+i, 1, r)
		}
	}
	for i, t := range right {
		if t == "" {
			continue
		}
		b.at(start+i, half, t)
		b.merge(half, start+i, b.width, start+i)
	}
}

// realForm is a workbook of testdata/forms and what the test knows of it
// besides its golden file.
type realForm struct {
	file   string
	sheets []xsheet
	// correct: no refusal, no warning, no file error.
	correct bool
	// refusedAt: exactly one refusal, a total's, at this cell.
	refusedAt string
}

// formWorkbooks are the realistic forms.
func formWorkbooks() []realForm {
	var forms []realForm

	// 1. A province's summary of its districts for a year: the sender and
	// the date line as the two blocks of the heading, the province only
	// there, the year only in the title; a two-row header with a
	// breakdown, a row of column numbers with a formula's marker, "Tổng
	// số" by formula, money typed as text, a merged "Tổng cộng", the
	// signature block, and a sheet of instructions whose example table
	// must not be read.
	{
		b := newSheet("Biểu 01", 9)
		b.heading("TỈNH ỦY HÀ TĨNH", "ĐẢNG CỘNG SẢN VIỆT NAM")
		b.heading("BAN DÂN VẬN", "Hà Tĩnh, ngày 15 tháng 12 năm 2023")
		b.blank()
		b.title("BÁO CÁO TỔNG HỢP KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2023")
		b.title("(Kèm theo Báo cáo số 125-BC/BDVTU ngày 15/12/2023 của Ban Dân vận Tỉnh ủy)")
		b.blank()
		h := b.row("STT", "Đơn vị", "Số mô hình đăng ký", nil, nil, "Số mô hình được công nhận", "Số cuộc tiếp xúc, đối thoại",
			"Kinh phí Nhân dân đóng góp, huy động (đồng)", "Ghi chú")
		b.row(nil, nil, "Tổng số", "Kinh tế", "Văn hóa – xã hội")
		for _, c := range []int{1, 2, 6, 7, 8, 9} {
			b.merge(c, h, c, h+1)
		}
		b.merge(3, h, 5, h)
		b.row("(1)", "(2)", "(3)=(4)+(5)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)")
		units := []struct {
			name                 string
			econ, culture, recog int
			dialogues            int
			funds                string
			note                 string
			fundsValue           int
		}{
			{name: "Thành phố Hà Tĩnh", econ: 18, culture: 12, recog: 25, dialogues: 14, funds: "1.250.000.000", fundsValue: 1250000000},
			{name: "Thị xã Hồng Lĩnh", econ: 9, culture: 6, recog: 13, dialogues: 8, funds: "640.500.000", fundsValue: 640500000, note: "Số liệu đến 10/12"},
			{name: "Huyện Cẩm Xuyên", econ: 21, culture: 15, recog: 30, dialogues: 22, funds: "2.015.000.000", fundsValue: 2015000000},
			{name: "H. Thạch Hà", econ: 17, culture: 11, recog: 24, dialogues: 19, funds: "1.105.000.000", fundsValue: 1105000000},
		}
		first := h + 3
		var totals [6]int
		for i, u := range units {
			r := first + i
			var note any
			if u.note != "" {
				note = u.note
			}
			b.row(i+1, u.name, fmt.Sprintf("=SUM(D%d:E%d)|%d", r, r, u.econ+u.culture), u.econ, u.culture, u.recog, u.dialogues, u.funds, note)
			totals[0] += u.econ + u.culture
			totals[1] += u.econ
			totals[2] += u.culture
			totals[3] += u.recog
			totals[4] += u.dialogues
			totals[5] += u.fundsValue
		}
		last := first + len(units) - 1
		t := b.row("Tổng cộng", nil, sum(3, first, last, totals[0]), sum(4, first, last, totals[1]), sum(5, first, last, totals[2]),
			sum(6, first, last, totals[3]), sum(7, first, last, totals[4]), sum(8, first, last, totals[5]))
		b.merge(1, t, 2, t)
		b.blank()
		b.signature([]string{"- Ban Dân vận Trung ương;", "- Thường trực Tỉnh ủy;", "- Lưu VP."},
			"K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "(Ký tên, đóng dấu)", "", "Nguyễn Văn Hùng")
		help := newSheet("Hướng dẫn", 3)
		help.row("HƯỚNG DẪN GHI BIỂU")
		help.row("Cột (3) bằng tổng cột (4) và (5). Ô để trống là chưa báo cáo; ghi 0 nếu bằng không.")
		help.row("Ví dụ:")
		help.row("Đơn vị", "Số mô hình đăng ký", "Số cuộc tiếp xúc, đối thoại")
		help.row("Huyện A", 12, 3)
		forms = append(forms, realForm{file: "ha-tinh-2023-tong-hop-huyen.xlsx", sheets: []xsheet{b.s, help.s}, correct: true})
	}

	// 2. A district's half-year report: the province only in the title
	// ("ĐẢNG BỘ TỈNH NGHỆ AN", "BAN DÂN VẬN HUYỆN ỦY NAM ĐÀN"), the period
	// only in the title, bare column numbers, numbers typed as text with
	// thousands dots, a real 0 beside an empty cell, a signature block
	// with the clerk and the signer side by side.
	{
		b := newSheet("BC 6 thang", 10)
		b.heading("ĐẢNG BỘ TỈNH NGHỆ AN", "ĐẢNG CỘNG SẢN VIỆT NAM")
		b.heading("BAN DÂN VẬN HUYỆN ỦY NAM ĐÀN", "")
		b.heading("*", "Nam Đàn, ngày 20 tháng 6 năm 2024")
		b.blank()
		b.title("BÁO CÁO")
		b.title("Kết quả thực hiện phong trào thi đua “Dân vận khéo” 6 tháng đầu năm 2024")
		b.blank()
		b.row("TT", "Đơn vị", "Số mô hình đăng ký", "Số mô hình được công nhận", "Điển hình tập thể", "Điển hình cá nhân",
			"Hội thi “Dân vận khéo”", "Số đội, đơn vị tham gia hội thi", "Ngày công đóng góp", "Kinh phí Nhân dân đóng góp, huy động (đồng)")
		b.row(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
		b.row(1, "Huyện Nam Đàn", 37, 30, 6, 11, 0, nil, "12.450", "1.250.000.000")
		b.blank()
		r := b.row(nil, "Người lập biểu")
		b.at(r, 7, "TM. BAN THƯỜNG VỤ")
		b.merge(7, r, 10, r)
		r = b.row(nil, "(Ký, ghi rõ họ tên)")
		b.at(r, 7, "PHÓ BÍ THƯ")
		b.merge(7, r, 10, r)
		b.blank()
		b.blank()
		r = b.row(nil, "Trần Thị Lan")
		b.at(r, 7, "Lê Văn Bình")
		b.merge(7, r, 10, r)
		forms = append(forms, realForm{file: "nam-dan-bao-cao-6-thang.xlsx", sheets: []xsheet{b.s}, correct: true})
	}

	// 3. A province's districts in sections (I, II) with their subtotals
	// on the section rows, a row of column letters and numbers, a key line
	// with its value in the next cell, a data row below a blank line, a
	// grand total "(I+II)", a note and signatures after the table.
	{
		b := newSheet("Tổng hợp", 6)
		b.title("BAN DÂN VẬN TỈNH ỦY THANH HÓA")
		b.title("TỔNG HỢP KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2023")
		b.row("Tỉnh:", "Thanh Hoá")
		b.row("Kỳ báo cáo: Năm 2023")
		b.blank()
		b.row("STT", "Đơn vị", "Số mô hình đăng ký", "Số mô hình được công nhận", "Số cuộc tiếp xúc, đối thoại", "Diện tích đất Nhân dân hiến (m²)")
		b.row("A", "B", 1, 2, 3, 4)
		type unit struct {
			stt  int
			name string
			v    [4]any
		}
		section := func(stt, name string, units []unit, blankBefore int) (int, [4]int) {
			r := len(b.s.rows) + 1
			var s [4]int
			for _, u := range units {
				for k, v := range u.v {
					switch x := v.(type) {
					case int:
						s[k] += x
					case string:
						s[k] += int(mustFloat(strings.ReplaceAll(x, ".", "")))
					}
				}
			}
			b.row(stt, name, s[0], s[1], s[2], s[3])
			for i, u := range units {
				if i == blankBefore {
					b.blank()
				}
				b.row(u.stt, u.name, u.v[0], u.v[1], u.v[2], u.v[3])
			}
			return r, s
		}
		_, s1 := section("I", "Khối thành phố, thị xã", []unit{
			{1, "TP. Sầm Sơn", [4]any{24, 20, 15, 1200}},
			{2, "Thị xã Bỉm Sơn", [4]any{18, 15, 9, "2.500"}},
			{3, "Thị xã Nghi Sơn", [4]any{31, 27, 21, 5400}},
		}, -1)
		_, s2 := section("II", "Khối huyện", []unit{
			{1, "Thọ Xuân", [4]any{42, 38, 30, 12000}},
			{2, "Huyện Quảng Xương", [4]any{35, 30, 26, 8750}},
			{3, "Hoằng Hóa", [4]any{40, 36, 28, 9100}},
		}, 2)
		b.row(nil, "Tổng cộng (I+II)", s1[0]+s2[0], s1[1]+s2[1], s1[2]+s2[2], s1[3]+s2[3])
		b.blank()
		b.row("Ghi chú: số liệu tính đến ngày 15/12/2023; diện tích tính bằng m².")
		r := b.row(nil, "Người tổng hợp", nil, nil, "TRƯỞNG BAN")
		b.blank()
		b.at(r+2, 2, "Lê Thị Mai")
		b.at(r+2, 5, "Phạm Văn Nam")
		forms = append(forms, realForm{file: "thanh-hoa-2023-theo-khoi.xlsx", sheets: []xsheet{b.s}, correct: true})
	}

	// 4. A quarterly form whose total of one column is wrong: exactly one
	// refusal, on that total's cell.
	{
		b := newSheet("Quý III", 5)
		b.title("BAN DÂN VẬN TỈNH ỦY HÀ TĨNH")
		b.title("BÁO CÁO SỐ CUỘC TIẾP XÚC, ĐỐI THOẠI VÀ HỘI THI QUÝ III NĂM 2024")
		b.row("Tỉnh: Hà Tĩnh")
		b.row("Kỳ báo cáo: Quý III/2024")
		b.row("Ngày gửi: 10/10/2024")
		b.blank()
		b.row("STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", "Hội thi “Dân vận khéo”", "Ghi chú")
		b.row(1, "Can Lộc", 6, 1)
		b.row(2, "Đức Thọ", 4, 0, "Chưa tổ chức hội thi")
		b.row(3, "Hương Sơn", 5, 2)
		b.row(nil, "Tổng cộng", 16, 3)
		b.signature([]string{"- Như trên;", "- Lưu."}, "TRƯỞNG BAN", "", "", "Đặng Quốc Vinh")
		forms = append(forms, realForm{file: "ha-tinh-quy-3-2024-tong-sai.xlsx", sheets: []xsheet{b.s}, refusedAt: "Quý III!C11"})
	}

	// 5. Communes after the 2025 reform, half-year: a three-row header (a
	// group over indicators over breakdowns, "Mô hình" over "đăng ký"),
	// the merged commission's name, the date line in the heading, and a
	// sheet of notes.
	{
		b := newSheet("Biểu mẫu", 8)
		b.heading("ĐẢNG BỘ TỈNH NGHỆ AN", "ĐẢNG CỘNG SẢN VIỆT NAM")
		b.heading("BAN TUYÊN GIÁO VÀ DÂN VẬN", "Nghệ An, ngày 05 tháng 12 năm 2025")
		b.blank()
		b.title("BÁO CÁO SƠ KẾT PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” 6 THÁNG CUỐI NĂM 2025")
		b.blank()
		h := b.row("STT", "Tên xã, phường", "Kết quả phong trào thi đua", nil, nil, nil, "Khen thưởng")
		b.row(nil, nil, "Mô hình", nil, "Số cuộc tiếp xúc, đối thoại", "Hội thi “Dân vận khéo”", "Tập thể được khen thưởng")
		b.row(nil, nil, "đăng ký", "được công nhận", nil, nil, "Cấp tỉnh", "Cấp xã")
		b.merge(1, h, 1, h+2)
		b.merge(2, h, 2, h+2)
		b.merge(3, h, 6, h)
		b.merge(7, h, 8, h)
		b.merge(3, h+1, 4, h+1)
		b.merge(5, h+1, 5, h+2)
		b.merge(6, h+1, 6, h+2)
		b.merge(7, h+1, 8, h+1)
		b.row(1, "Phường Vinh Phú", 12, 9, 4, 1, 1, 3)
		b.row(2, "Xã Nam Đàn", 8, 6, 3, nil, nil, 2)
		b.row(3, "Anh Sơn", 7, 7, 2, 1, 0, 1)
		r := b.row(nil, "Tổng cộng", 27, 22, 9, 2, 1, 6)
		_ = r
		b.signature([]string{"- Thường trực Tỉnh ủy (b/c);", "- Lưu VT."}, "TRƯỞNG BAN", "", "", "Nguyễn Thị Hoa")
		notes := newSheet("Ghi chú", 2)
		notes.row("Số liệu tổng hợp từ báo cáo của các xã, phường gửi về.")
		forms = append(forms, realForm{file: "nghe-an-xa-phuong-2025.xlsx", sheets: []xsheet{b.s, notes.s}, correct: true})
	}

	// 6. A form that says its province nowhere: one problem, said once,
	// naming the province its units are in.
	{
		b := newSheet("Sheet1", 4)
		b.title("BÁO CÁO KẾT QUẢ PHONG TRÀO “DÂN VẬN KHÉO” NĂM 2023")
		b.blank()
		b.row("STT", "Đơn vị", "Số mô hình đăng ký", "Số mô hình được công nhận")
		b.row(1, "Cẩm Xuyên", 45, 41)
		b.row(2, "Thạch Hà", 30, 28)
		b.row(3, "Kỳ Anh (huyện)", nil, nil)
		b.signature(nil, "NGƯỜI LẬP BIỂU", "", "Hoàng Văn Tú")
		forms = append(forms, realForm{file: "bieu-mau-khong-ghi-tinh.xlsx", sheets: []xsheet{b.s}})
	}

	// 7. Rows that are not units of the province: a district of another
	// province, a party committee that is no administrative unit, a typo.
	// Each is one problem, said once; the total of the columns they are in
	// cannot be checked, which is a warning, not a refusal.
	{
		b := newSheet("Biểu 1", 4)
		b.title("BAN DÂN VẬN TỈNH ỦY HÀ TĨNH")
		b.title("KẾT QUẢ “DÂN VẬN KHÉO” NĂM 2024")
		b.blank()
		b.row("STT", "Đơn vị", "Số mô hình đăng ký", "Số cuộc tiếp xúc, đối thoại")
		b.row(1, "Can Lộc", 20, 7)
		b.row(2, "Nam Đàn", 15, 4)
		b.row(3, "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", 6, 2)
		b.row(4, "Cẩm Xuyeen", 25, 9)
		b.row(nil, "Tổng cộng", 66, 22)
		b.signature(nil, "TRƯỞNG BAN", "", "Võ Thị Hương")
		forms = append(forms, realForm{file: "ha-tinh-2024-don-vi-sai.xlsx", sheets: []xsheet{b.s}})
	}

	// 8. The province and the period only in the file name.
	{
		b := newSheet("Sheet1", 4)
		b.title("BÁO CÁO KẾT QUẢ PHONG TRÀO “DÂN VẬN KHÉO”")
		b.blank()
		b.row("TT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", "Tập thể được khen thưởng")
		b.row(1, "Hương Khê", 11, 4)
		b.row(2, "Vũ Quang", 5, 2)
		b.signature(nil, "Người lập biểu", "", "Phan Thị Thu")
		forms = append(forms, realForm{file: "bao-cao-dvk-ha-tinh-nam-2022.xlsx", sheets: []xsheet{b.s}, correct: true})
	}
	// 9. A district's own report whose one row leaves the unit cell empty:
	// the title names the unit, and so the province; the period is in the
	// title, the date in the date line.
	{
		b := newSheet("Sheet1", 5)
		b.heading("HUYỆN ỦY CAN LỘC", "ĐẢNG CỘNG SẢN VIỆT NAM")
		b.heading("BAN DÂN VẬN", "Can Lộc, ngày 28 tháng 6 năm 2024")
		b.blank()
		b.title("BÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN QUÝ II NĂM 2024")
		b.blank()
		b.row("STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", "Hội thi “Dân vận khéo”", "Số đội, đơn vị tham gia hội thi")
		b.row(1, nil, 7, 1, 12)
		b.signature([]string{"- Ban Dân vận Tỉnh ủy;", "- Lưu."}, "TRƯỞNG BAN", "", "", "Nguyễn Thị Hà")
		forms = append(forms, realForm{file: "bao-cao-quy-2.xlsx", sheets: []xsheet{b.s}, correct: true})
	}
	// 10. The total on top ("Tổng số" first), sections named with their
	// letter in the unit column ("A. ...") and their subtotals below them
	// ("Cộng A"), headers with a unit of measure in parentheses, the unit
	// column headed "Đơn vị (huyện, thị xã, thành phố)", the guideline the
	// form follows in a title ("Hướng dẫn số 05-HD/BDVTU"), and a second
	// sheet of instructions with an example table under an ordinary name.
	{
		b := newSheet("Biểu số 2", 5)
		b.title("BAN DÂN VẬN TỈNH ỦY NGHỆ AN")
		b.title("Hướng dẫn số 05-HD/BDVTU")
		b.title("BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2024")
		b.row("Tỉnh: Nghệ An")
		b.blank()
		b.row("TT", "Đơn vị (huyện, thị xã, thành phố)", "Số mô hình đăng ký", "Số cuộc đối thoại (cuộc)", "Ngày công đóng góp (ngày công)")
		b.row(nil, "Tổng số", 150, 61, "24.500")
		b.row(nil, "A. Khối thành phố, thị xã")
		b.row(1, "TP. Vinh", 40, 20, 8000)
		b.row(2, "TX Thái Hòa", 25, 9, 3500)
		b.row(3, "TX Hoàng Mai", 22, 8, 3000)
		b.row(nil, "Cộng A", 87, 37, 14500)
		b.row(nil, "B. Các huyện")
		b.row(1, "Nam Đàn", 33, 14, 5200)
		b.row(2, "Hưng Nguyên", 30, 10, 4800)
		b.row(nil, "Cộng B", 63, 24, 10000)
		b.signature(nil, "TRƯỞNG BAN", "", "Đinh Văn Quang")
		help := newSheet("Sheet2", 3)
		help.row("HƯỚNG DẪN GHI BIỂU")
		help.row("Ví dụ:")
		help.row("Đơn vị", "Số mô hình đăng ký", "Số cuộc đối thoại (cuộc)")
		help.row("Nam Đàn", 5, 2)
		forms = append(forms, realForm{file: "nghe-an-2024-tong-tren.xlsx", sheets: []xsheet{b.s, help.s}, correct: true})
	}
	return forms
}

// formGolden is what a form file comes to, as a reviewer reads it.
type formGolden struct {
	Records   []goldenRecord      `json:"records"`
	Rejects   []pipeline.RowError `json:"rejects"`
	Warnings  []pipeline.Warning  `json:"warnings"`
	Context   []Context           `json:"context"`
	FileError *pipeline.FileError `json:"file_error,omitempty"`
}

// TestForms reads every workbook of testdata/forms and compares the
// outcome with its golden file; a correct form must also come out without
// a refusal or a warning, and the form with one wrong total with exactly
// one refusal, on that total's cell.
func TestForms(t *testing.T) {
	forms := formWorkbooks()
	if *update {
		if err := os.MkdirAll(formsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(formsWantDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range forms {
			if err := os.WriteFile(filepath.Join(formsDir, f.file), fixtureXLSX(t, f.sheets...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	in := newTestIngester(t)
	for _, f := range forms {
		t.Run(strings.TrimSuffix(f.file, ".xlsx"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(formsDir, f.file))
			if err != nil {
				t.Fatal(err)
			}
			v := pipeline.NewValidator(in.opts.Reference, testNow)
			out := in.validate(v, f.file, data)
			g := formGolden{Records: toGolden(out.recs, nil, nil).Records, Rejects: out.rejects, Warnings: out.warnings,
				Context: out.context, FileError: out.fe}
			if g.Rejects == nil {
				g.Rejects = []pipeline.RowError{}
			}
			if g.Warnings == nil {
				g.Warnings = []pipeline.Warning{}
			}
			if g.Context == nil {
				g.Context = []Context{}
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			want := filepath.Join(formsWantDir, strings.TrimSuffix(f.file, ".xlsx")+".json")
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, w) {
				t.Errorf("outcome differs from %s (run with -update and review the diff):\n%s", want, got)
			}
			if f.refusedAt != "" && (len(out.rejects) != 1 || out.rejects[0].Ref != f.refusedAt || out.rejects[0].Code != "total_mismatch" ||
				len(out.warnings) > 0 || out.fe != nil) {
				t.Errorf("one wrong total: want one total_mismatch at %s, got refusals %+v, warnings %+v, file error %+v", f.refusedAt, out.rejects, out.warnings, out.fe)
			}
			if f.correct && (len(out.rejects) > 0 || warnedBeyondSheets(out.warnings) || out.fe != nil || len(out.recs) == 0) {
				t.Errorf("a correct form: %d values, refusals %+v, warnings %+v, file error %+v", len(out.recs), out.rejects, out.warnings, out.fe)
			}
		})
	}
}

// TestFormHeadersWithoutSuggestions: finding a form's header and reading
// its rows looks names up and builds no message, so it computes no
// suggestion, however many header cells name no indicator (issue 20: the
// suggestions were 80 % of the demo's ingest CPU).
func TestFormHeadersWithoutSuggestions(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	fr := &formReader{file: "f.xlsx", res: res, name: nameContext(res, "f.xlsx")}
	n := 0
	for _, f := range formWorkbooks() {
		for _, s := range f.sheets {
			rows, _, _ := newForm(fr, textGrid(s)).read()
			n += len(rows)
		}
	}
	if n < 50 {
		t.Fatalf("only %d values read", n)
	}
	if got := res.Suggestions(); got != 0 {
		t.Errorf("reading the forms computed %d suggestions, want none", got)
	}
}

// TestNameContext: what a file name says of its province and period, and
// what it leaves unsaid rather than guessed.
func TestNameContext(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	for name, want := range map[string][2]string{
		"bao-cao-dvk-ha-tinh-nam-2022.xlsx":           {"Hà Tĩnh", "2022"},
		"BC DVK Nghe An 6 thang dau nam 2024.xlsx":    {"Nghệ An", "2024-H1"},
		"ThanhHoa_2023.xlsx":                          {"Thanh Hóa", "2023"},
		"demo-42-ha-tinh-2023-H1-bieu-mau.xlsx":       {"Hà Tĩnh", "2023-H1"},
		"q3-2024-hatinh.xlsx":                         {"Hà Tĩnh", "2024-Q3"},
		"bao-cao-quy-III-2023.xlsx":                   {"", "2023-Q3"},
		"bao-cao-9-thang-2024.xlsx":                   {"", ""},
		"nghe-an-va-ha-tinh-2023.xlsx":                {"", "2023"},
		"bieu-mau-2023-2024.xlsx":                     {"", ""},
		"so-lieu-thang-13-2024.xlsx":                  {"", ""},
		"Báo cáo tháng 7 năm 2024 - Thanh Hoá.xlsx":   {"Thanh Hóa", "2024-07"},
		"bao cao so 125 ngay 15-12-2023 nghe an.xlsx": {"Nghệ An", ""},
	} {
		fc := nameContext(res, name)
		got := [2]string{"", fc.period}
		if fc.province != nil {
			got[0] = fc.province.Name
		}
		if got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// TestFormsAreTheGenerators: testdata/forms is what formWorkbooks writes,
// so the golden files speak of the forms this file describes.
func TestFormsAreTheGenerators(t *testing.T) {
	for _, f := range formWorkbooks() {
		got, err := os.ReadFile(filepath.Join(formsDir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, fixtureXLSX(t, f.sheets...)) {
			t.Errorf("%s is not what formWorkbooks writes (go test -run TestForms -update, and review the golden diff)", f.file)
		}
	}
}

// TestFormsOneWrongTotal makes each figure of each total and subtotal row
// of every correct form wrong in turn: exactly one refusal, a
// total_mismatch on that cell, no warning, and every other value accepted
// as before. A total row is found here by what the clerk wrote in its
// first two cells ("Tổng ...", "Cộng ...", or a section's numeral with
// figures), not by the reader's own judgement.
func TestFormsOneWrongTotal(t *testing.T) {
	in := newTestIngester(t)
	read := func(sheets []xsheet) validated {
		v := pipeline.NewValidator(in.opts.Reference, testNow)
		return in.validate(v, "f.xlsx", fixtureXLSX(t, sheets...))
	}
	tried := 0
	for _, f := range formWorkbooks() {
		if !f.correct {
			continue
		}
		base := read(f.sheets)
		for si, s := range f.sheets {
			for r, row := range s.rows {
				if !isTotalRow(row) {
					continue
				}
				for c := 2; c < len(row); c++ {
					wrong, ok := wrongFigure(row[c])
					if !ok {
						continue
					}
					tried++
					sheets := cloneSheets(f.sheets)
					sheets[si].rows[r][c] = wrong
					cell := fmt.Sprintf("%s!%s%d", s.name, colName(c+1), r+1)
					out := read(sheets)
					if len(out.rejects) != 1 || out.rejects[0].Ref != cell || out.rejects[0].Code != "total_mismatch" ||
						len(out.warnings) != len(base.warnings) || out.fe != nil { // the correct form's: its sheets not read
						t.Errorf("%s, %s made %v: want one total_mismatch at %s, got refusals %+v, warnings %+v, file error %+v",
							f.file, cell, wrong, cell, out.rejects, out.warnings, out.fe)
						continue
					}
					if len(out.recs) != len(base.recs) {
						t.Errorf("%s, %s wrong: %d values accepted, want the %d of the correct form", f.file, cell, len(out.recs), len(base.recs))
					}
				}
			}
		}
	}
	t.Logf("%d total cells made wrong", tried)
	if tried < 30 {
		t.Fatalf("only %d total cells tried: the test no longer finds the forms' totals", tried)
	}
}

// isTotalRow: a row the clerk marked as a total or a section's subtotal.
func isTotalRow(row []any) bool {
	for c := 0; c < 2 && c < len(row); c++ {
		s, ok := row[c].(string)
		if !ok {
			continue
		}
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "tổng") || strings.HasPrefix(l, "cộng") {
			return true
		}
		if c == 0 && (s == "I" || s == "II") && len(row) > 2 && row[2] != nil {
			return true
		}
	}
	return false
}

// wrongFigure is a figure made wrong the way it was written: a number one
// more, a formula's cached result one more, a number typed as text with
// thousands dots a thousand more.
func wrongFigure(v any) (any, bool) {
	switch x := v.(type) {
	case int:
		return x + 1, true
	case string:
		if formula, cached, ok := strings.Cut(x, "|"); ok && strings.HasPrefix(x, "=") {
			return fmt.Sprintf("%s|%d", formula, int(mustFloat(cached))+1), true
		}
		digits := strings.ReplaceAll(x, ".", "")
		if digits == "" || strings.Trim(digits, "0123456789") != "" {
			return nil, false
		}
		n := int(mustFloat(digits)) + 1000
		s := fmt.Sprint(n)
		var b strings.Builder
		for i, d := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteRune(d)
		}
		return b.String(), true
	}
	return nil, false
}

func cloneSheets(sheets []xsheet) []xsheet {
	out := make([]xsheet, len(sheets))
	for i, s := range sheets {
		out[i] = s
		out[i].rows = make([][]any, len(s.rows))
		for r, row := range s.rows {
			out[i].rows[r] = append([]any(nil), row...)
		}
	}
	return out
}

// TestFormTotalsExact: a total agrees when it is the sum of its rows as
// written, decimals included, and disagrees however small the difference
// is beside the figures: a money total one đồng off among billions, or an
// area total off in its last decimal.
func TestFormTotalsExact(t *testing.T) {
	in := newTestIngester(t)
	form := func(area, money any) []byte {
		return fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
			{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo: 2023"},
			{"STT", "Đơn vị", "Diện tích đất Nhân dân hiến (m²)", "Kinh phí Nhân dân đóng góp, huy động (đồng)"},
			{1, "Thạch Hà", "0,1", "1.250.000.000"},
			{2, "Can Lộc", "0,2", "2.015.000.000"},
			{3, "Hương Sơn", "1.234,55", "1.745.500.000"},
			{nil, "Tổng cộng", area, money},
		}})
	}
	for _, c := range []struct {
		area, money any
		refused     []string
	}{
		{"1.234,85", "5.010.500.000", nil},
		{"=SUM(C4:C6)|1234.85", "=SUM(D4:D6)|5010500000", nil},
		{"1.234,86", "5.010.500.000", []string{"Biểu 1!C7"}},
		{"1.234,85", "5.010.500.001", []string{"Biểu 1!D7"}},
		{"1.234,85", "=SUM(D4:D6)|5010499999", []string{"Biểu 1!D7"}},
	} {
		out := in.validate(pipeline.NewValidator(in.opts.Reference, testNow), "f.xlsx", form(c.area, c.money))
		var got []string
		for _, r := range out.rejects {
			if r.Code != "total_mismatch" {
				t.Errorf("%v, %v: refusal %+v", c.area, c.money, r)
			}
			got = append(got, r.Ref)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.refused) || len(out.recs) != 6 || len(out.warnings) > 0 || out.fe != nil {
			t.Errorf("total %v, %v: refused at %v, want %v; %d values, warnings %+v, file error %+v",
				c.area, c.money, got, c.refused, len(out.recs), out.warnings, out.fe)
		}
	}
}

// TestFormReaderRemembersPerFile: the form reader works out what a title
// text and a header column say once per file (formReader.says, column);
// reading every test form's sheets through one reader, twice, gives the
// same rows and refusals as a fresh reader for each sheet, and the second
// pass works out nothing new.
func TestFormReaderRemembersPerFile(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	type read struct {
		rows    []pipeline.RawRow
		rejects []pipeline.RowError
		found   bool
	}
	var grids []*sheetGrid
	for _, f := range formWorkbooks() {
		for _, s := range f.sheets {
			grids = append(grids, textGrid(s))
		}
	}
	const file = "bao-cao-ha-tinh-2023.xlsx"
	fresh := make([]read, len(grids))
	for i, g := range grids {
		// A reference of its own: nothing worked out for another sheet
		// (columnMemo).
		own, err := pipeline.DefaultReference()
		if err != nil {
			t.Fatal(err)
		}
		ores := pipeline.NewResolver(own)
		fr := &formReader{file: file, res: ores, name: nameContext(ores, file)}
		rows, rejects, found := newForm(fr, g).read()
		fresh[i] = read{rows, rejects, found}
	}
	shared := &formReader{file: file, res: res, name: nameContext(res, file)}
	said, columns := 0, 0
	for pass := range 2 {
		for i, g := range grids {
			rows, rejects, found := newForm(shared, g).read()
			if got := (read{rows, rejects, found}); !reflect.DeepEqual(got, fresh[i]) {
				t.Errorf("pass %d, sheet %s: a reader of the whole file read\n%+v\nwhere a fresh one read\n%+v", pass, g.name, got, fresh[i])
			}
		}
		if pass == 0 {
			said, columns = len(shared.said), shared.memo().worked
			if said == 0 || columns == 0 {
				t.Fatalf("the reader remembered %d texts and worked out %d columns", said, columns)
			}
		} else if len(shared.said) != said || shared.memo().worked != columns {
			t.Errorf("the second pass worked out new texts or columns: %d texts then %d, %d columns then %d",
				said, len(shared.said), columns, shared.memo().worked)
		}
	}
}

// TestFormReaderSharesColumnsAcrossFiles: what a header column's texts
// make, and a value column's names, are worked out once for the files read
// with one reference (columnMemo): a reader of another file, with a
// Resolver of its own over the same reference, works out no column and
// makes no names the first did, and reads
// the same rows and refusals as a reader over a reference of its own.
func TestFormReaderSharesColumnsAcrossFiles(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	var grids []*sheetGrid
	for _, f := range formWorkbooks() {
		for _, s := range f.sheets {
			grids = append(grids, textGrid(s))
		}
	}
	type read struct {
		rows    []pipeline.RawRow
		rejects []pipeline.RowError
		found   bool
	}
	readAll := func(ref *pipeline.Reference, file string) ([]read, *formReader) {
		res := pipeline.NewResolver(ref)
		fr := &formReader{file: file, res: res, name: nameContext(res, file)}
		var got []read
		for _, g := range grids {
			rows, rejects, found := newForm(fr, g).read()
			got = append(got, read{rows, rejects, found})
		}
		return got, fr
	}
	_, first := readAll(ref, "bao-cao-ha-tinh-2023.xlsx")
	worked, made := first.memo().worked, first.memo().made
	if worked == 0 || made == 0 {
		t.Fatalf("the first file's reader kept %d columns and made %d value columns' names", worked, made)
	}
	got, second := readAll(ref, "bao-cao-nghe-an-2024.xlsx")
	if second.memo() != first.memo() {
		t.Fatal("two readers over one reference keep their columns apart")
	}
	if n := second.memo().worked; n != worked {
		t.Errorf("the second file's reader worked out %d columns the first had worked out", n-worked)
	}
	if n := second.memo().made; n != made {
		t.Errorf("the second file's reader made %d value columns' names the first had made", n-made)
	}
	own, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readAll(own, "bao-cao-nghe-an-2024.xlsx")
	for i := range grids {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("sheet %s: read with the shared columns\n%+v\nwith a reference of its own\n%+v", grids[i].name, got[i], want[i])
		}
	}
}

// TestFormReaderKeepsLongColumnsItself: a column whose texts are over the
// shared memo's bound is remembered by the file's reader alone, and read
// the same the second time.
func TestFormReaderKeepsLongColumnsItself(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	fr := &formReader{file: "f.xlsx", res: res, name: nameContext(res, "f.xlsx")}
	path := []string{strings.Repeat("Mô hình ", maxMemoKey/8), "Kinh tế"}
	first := fr.column(path)
	worked := fr.memo().worked
	if got := fr.column(path); got != first || fr.memo().worked != worked {
		t.Errorf("read again: %+v (worked out %d times), first %+v", got, fr.memo().worked-worked+1, first)
	}
	if len(fr.columns) != 1 {
		t.Errorf("the file's reader kept %d columns of its own, want 1", len(fr.columns))
	}
}

// TestTitleSaysOnceAsEither: a text first met below a table (looked at
// for its date line only) says all it says when met later as a title.
func TestTitleSaysOnceAsEither(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	for _, text := range []string{"BAN DÂN VẬN HUYỆN ỦY NAM ĐÀN", "ĐẢNG BỘ TỈNH NGHỆ AN", "BÁO CÁO 6 THÁNG ĐẦU NĂM 2024",
		"Nghệ An, ngày 15 tháng 12 năm 2023", "Tỉnh: Hà Tĩnh"} {
		fresh := (&formReader{res: res}).says(text, true)
		fr := &formReader{res: res}
		below := *fr.says(text, false)
		if below.date != fresh.date || below.province != nil || below.unit != nil || below.period != "" {
			t.Errorf("%q below a table: %+v, want its date line %q alone", text, below, fresh.date)
		}
		if got := fr.says(text, true); *got != *fresh {
			t.Errorf("%q as a title after below a table: %+v, want %+v", text, *got, *fresh)
		}
	}
	if s := (&formReader{res: res}).says("BAN DÂN VẬN HUYỆN ỦY NAM ĐÀN", true); s.unit == nil || s.province == nil || s.province.Name != "Nghệ An" {
		t.Errorf("a unit's title says %+v, want Nam Đàn of Nghệ An", s)
	}
}

// colName is the letters of a 1-based column number, written apart from
// appendColName (cellRef's) so that TestCellRef holds one to the other; the
// fixtures name their cells with it.
func colName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// TestCellRef: the cell names a form's messages give, held to the
// formatted way (fmt.Sprintf of the sheet, colName's letters and the row).
func TestCellRef(t *testing.T) {
	for _, sheet := range []string{"", "Biểu số 1", "TP. Thanh Hóa"} {
		for col := 1; col <= 16384; col += 1 + col/7 {
			for _, row := range []int{1, 9, 10, 4567, 1 << 20} {
				if got, want := cellRef(sheet, col, row), fmt.Sprintf("%s!%s%d", sheet, colName(col), row); got != want {
					t.Fatalf("cellRef(%q, %d, %d) = %q, want %q", sheet, col, row, got, want)
				}
			}
		}
	}
	for col, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 702: "ZZ", 703: "AAA", 16384: "XFD"} {
		if got := cellRef("S", col, 3); got != "S!"+want+"3" {
			t.Errorf("column %d: %q, want S!%s3", col, got, want)
		}
	}
}

// TestNewFormLeavesTheSheet: a form fills its merged ranges' cells in rows
// of its own; the sheet's rows stay as read, and the rows no range touches
// are the sheet's.
func TestNewFormLeavesTheSheet(t *testing.T) {
	rows := [][]string{
		{"ĐẢNG BỘ TỈNH HÀ TĨNH", "", ""},
		{"Đơn vị", "Số cuộc đối thoại", ""},
		{"", "Tổng", "Trong đó"},
		{"Cẩm Xuyên", "12", "3"},
	}
	rows[0] = rows[0][:1] // room behind the row, which a merge must not write into
	sheet := make([][]string, len(rows))
	for r := range rows {
		sheet[r] = slices.Clone(rows[r])
	}
	g := &sheetGrid{name: "S", rows: rows, merges: []cellRange{{0, 0, 0, 2}, {1, 0, 2, 0}, {1, 1, 1, 2}}}
	f := newForm(nil, g)
	if !reflect.DeepEqual(g.rows, sheet) || rows[0][:3][1] != "" {
		t.Errorf("the sheet's rows became %q, want %q as read", g.rows, sheet)
	}
	want := [][]string{
		{"ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG BỘ TỈNH HÀ TĨNH"},
		{"Đơn vị", "Số cuộc đối thoại", "Số cuộc đối thoại"},
		{"Đơn vị", "Tổng", "Trong đó"},
		{"Cẩm Xuyên", "12", "3"},
	}
	if !reflect.DeepEqual(f.filled, want) {
		t.Errorf("filled %q, want %q", f.filled, want)
	}
	if &f.filled[3][0] != &rows[3][0] {
		t.Errorf("a row no merged range touches was copied")
	}
	if o, ok := f.originOf(2, 0); !ok || o != [2]int{1, 0} {
		t.Errorf("origin of A3: %v %v, want A2", o, ok)
	}
}

// textGrid is a fixture sheet as the form reader gets it, every cell as its
// text (a formula as its cached value), with no cell typed as a number.
func textGrid(s xsheet) *sheetGrid {
	grid := make([][]string, len(s.rows))
	for r, row := range s.rows {
		for _, v := range row {
			text := ""
			if v != nil {
				text = fmt.Sprint(v)
			}
			if _, cached, formula := strings.Cut(text, "|"); formula {
				text = cached
			}
			grid[r] = append(grid[r], text)
		}
	}
	return &sheetGrid{name: s.name, rows: grid, number: func(r, c int) (string, bool) { return "", false }}
}

// TestFormUnitsRow: a row of units of measure under the header ("mô hình",
// "cuộc", "ha", "triệu đồng"), as district forms have, says what each
// column's numbers are in: no breakdown (each value was refused as one:
// "Phân tổ \"mô hình\" không dùng …"), and a unit that scales them (ha,
// triệu đồng) is read as if written after each number, typed or text, as
// is one in parentheses after the indicator's name. A unit that is not
// the indicator's is refused as such, naming it.
func TestFormUnitsRow(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "don-vi-tinh.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"HUYỆN ỦY NAM ĐÀN"}, {"BIỂU TỔNG HỢP KẾT QUẢ NĂM 2024"},
		{"STT", "Đơn vị", "Số mô hình đăng ký", "Số cuộc tiếp xúc, đối thoại", "Diện tích đất Nhân dân hiến", "Kinh phí Nhân dân đóng góp", "Ngày công đóng góp (nghìn ngày công)"},
		{nil, nil, "mô hình", "cuộc", "ha", "triệu đồng", nil},
		{"(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"},
		{1, "Nam Đàn", 45, "4", "1,5", 350.5, 2},
		{nil, "Tổng cộng", 45, 4, 1.5, "350,5", 2},
	}}))
	if out.fe != nil {
		t.Fatalf("file error %+v", out.fe)
	}
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Indicator.Code+"/"+r.Disaggregation] = r.Value
	}
	want := map[string]float64{"models_registered/total": 45, "dialogues/total": 4, "land_donated_m2/total": 15000, "funds_mobilized_vnd/total": 350.5e6,
		"workdays_contributed/total": 2000}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], w, got)
		}
	}
	// The total row is read in the same units: it adds up.
	if len(out.rejects) != 0 || len(out.warnings) != 0 {
		t.Errorf("refusals %+v, warnings %+v, want none", out.rejects, out.warnings)
	}
	if len(out.recs) != 5 {
		t.Errorf("%d values, want 5", len(out.recs))
	}
}

// TestFormDash: a dash typed for a figure, in a unit's row and in the total
// row, is one problem said once, with both places and what to write
// instead: 0 when there is none, nothing when it is not reported. (The
// total row's was a second message in other words.)
func TestFormDash(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "gach.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Nghệ An"}, {"Kỳ báo cáo: Năm 2024"},
		{"STT", "Đơn vị", "Số mô hình đăng ký", "Số cuộc tiếp xúc, đối thoại"},
		{1, "Nam Đàn", 45, "-"},
		{nil, "Tổng cộng", 45, "-"},
	}}))
	ps := Problems(out.rejects)
	if len(out.recs) != 1 || len(ps) != 1 || ps[0].Code != "not_a_number" || !strings.Contains(ps[0].Reason, "ghi 0 nếu không có") ||
		!strings.Contains(ps[0].ReasonEN, "write 0 when there is none") {
		t.Fatalf("values %d, problems %+v; want one problem for both dashes, saying what to write", len(out.recs), ps)
	}
	if where, _ := ps[0].Places(); !strings.Contains(where, "Biểu 1!D4") || !strings.Contains(where, "Biểu 1!D5") {
		t.Errorf("places %q, want both cells", where)
	}
}

// TestCommuneOwnReport: a commune's own report since July 2025, laid out
// one indicator a row ("STT | Nội dung | Đơn vị tính | Kết quả") with the
// commune in its title, is read: it was quarantined as having no table.
// The unit of measure column scales its row ("triệu đồng"); a row naming
// no indicator but holding a figure is refused as an unknown indicator,
// not passed over; a dash is refused as a dash; the signature is no row.
func TestCommuneOwnReport(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "xa-cam-xuyen.xlsx", fixtureXLSX(t, xsheet{name: "Biểu số 01", rows: [][]any{
		{"ĐẢNG ỦY XÃ CẨM XUYÊN", nil, nil, "ĐẢNG CỘNG SẢN VIỆT NAM"},
		{"TỈNH HÀ TĨNH", nil, nil, "Cẩm Xuyên, ngày 15 tháng 12 năm 2025"},
		{"BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA \"DÂN VẬN KHÉO\" 6 THÁNG CUỐI NĂM 2025"},
		{"STT", "Nội dung", "Đơn vị tính", "Kết quả"},
		{"I", "Phong trào thi đua", nil, nil},
		{1, "Số mô hình \"Dân vận khéo\" đăng ký xây dựng", "mô hình", 12},
		{2, "Số mô hình được công nhận", "mô hình", 9},
		{3, "Số cuộc tiếp xúc, đối thoại", "cuộc", "04"},
		{4, "Kinh phí Nhân dân đóng góp", "triệu đồng", "350,5"},
		{5, "Ngày công đóng góp", "ngày công", "-"},
		{6, "Số hội nghị đã tổ chức", "hội nghị", 3},
		{nil, nil, nil, "TM. ĐẢNG ỦY"},
		{nil, nil, nil, "BÍ THƯ"},
	}}))
	if out.fe != nil {
		t.Fatalf("file error %+v", out.fe)
	}
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Indicator.Code] = r.Value
		if r.Unit.Code != "18673" || r.Period.Code != "2025-H2" {
			t.Errorf("%s: unit %s, period %s; want xã Cẩm Xuyên (18673), 2025-H2", r.Ref, r.Unit.Code, r.Period.Code)
		}
	}
	want := map[string]float64{"models_registered": 12, "models_recognized": 9, "dialogues": 4, "funds_mobilized_vnd": 350.5e6}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	codes := map[string]string{}
	for _, e := range out.rejects {
		codes[e.Ref] = e.Code
	}
	if len(out.rejects) != 2 || codes["Biểu số 01!D10"] != "not_a_number" || codes["Biểu số 01!B11"] != "unknown_indicator" {
		t.Errorf("refusals %+v, want the dash (D10) and the unknown indicator (B11)", out.rejects)
	}
}

// TestFormScaledFormat: a cell whose format shows its number scaled
// ("#,##0,,": 350,400,000 shown "350"), as a template under a "triệu
// đồng" header sets it, holds the full amount the clerk typed: read as the
// sheet shows it, in the header's unit (it was read as 350,400,000 triệu
// đồng, a million times over); without a unit in its header, as stored.
// A refusal quotes the number as the sheet shows it, not as stored.
func TestFormScaledFormat(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	scaled := func(f float64, code string) dateCell { return dateCell{serial: f, code: code} }
	out := in.validate(v, "thu-gon.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Nghệ An"}, {"Kỳ báo cáo: Năm 2024"},
		{"STT", "Đơn vị", "Kinh phí Nhân dân đóng góp (triệu đồng)", "Ngày công đóng góp"},
		{1, "Nam Đàn", scaled(350_400_000, "#,##0,,"), scaled(12_500, "#,##0,")},
		{2, "Hưng Nguyên", scaled(-5_000_000, `#,##0.0,," tr"`), 30},
	}}))
	if out.fe != nil {
		t.Fatalf("file error %+v", out.fe)
	}
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Ref] = r.Value
	}
	if want := map[string]float64{"Biểu 1!C4": 350_400_000, "Biểu 1!D4": 12_500, "Biểu 1!D5": 30}; !reflect.DeepEqual(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	if len(out.rejects) != 1 || out.rejects[0].Code != "negative_value" || out.rejects[0].Value != "-5" || !strings.Contains(out.rejects[0].Reason, "Giá trị -5 âm") {
		t.Errorf("refusals %+v, want the negative amount quoted as shown, -5", out.rejects)
	}
	// A long table's value column has no unit: as stored.
	out = in.validate(v, "dai-thu-gon.xlsx", fixtureXLSX(t, xsheet{name: "Sheet1", rows: [][]any{
		{"tinh", "don_vi", "ky_bao_cao", "chi_tieu", "gia_tri"},
		{"Nghệ An", "Nam Đàn", "2024", "workdays_contributed", scaled(12_500, "#,##0,")},
	}}))
	if out.fe != nil || len(out.recs) != 1 || out.recs[0].Value != 12_500 {
		t.Errorf("long table: %+v, %+v; want 12,500 workdays", out.fe, out.recs)
	}
}

// TestFormPlanAchieved: a form that puts beside each figure its plan, last
// year's figure or a rate ("Kế hoạch | Thực hiện | Tỷ lệ (%)", "Cùng kỳ năm
// trước | Năm nay | So sánh (%)" under an indicator, a rate column of its
// own) gives the achieved figures, and says which columns it did not read
// and why: every value was refused, the sub-columns taken for breakdowns
// and the rate for an unknown indicator.
func TestFormPlanAchieved(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "ke-hoach.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo: Năm 2023"},
		{"STT", "Đơn vị", "Số mô hình đăng ký", nil, nil, "Số cuộc tiếp xúc, đối thoại", nil, nil, "Số mô hình được công nhận", "Tỷ lệ công nhận (%)"},
		{nil, nil, "Kế hoạch", "Thực hiện", "Tỷ lệ (%)", "Cùng kỳ năm trước", "Năm nay", "So sánh (%)", nil, nil},
		{1, "Thạch Hà", 20, 18, 90, 30, 35, 116.7, 9, 50},
		{2, "Can Lộc", 15, 15, 100, 12, 10, 83.3, 7, 46.7},
	}, merges: [][2]string{{"C3", "E3"}, {"F3", "H3"}, {"A3", "A4"}, {"B3", "B4"}, {"I3", "I4"}, {"J3", "J4"}}}))
	if out.fe != nil {
		t.Fatalf("file error %+v", out.fe)
	}
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Unit.Name+"/"+r.Indicator.Code+"/"+r.Disaggregation] = r.Value
	}
	want := map[string]float64{"Thạch Hà/models_registered/total": 18, "Can Lộc/models_registered/total": 15,
		"Thạch Hà/dialogues/total": 35, "Can Lộc/dialogues/total": 10, "Thạch Hà/models_recognized/total": 9, "Can Lộc/models_recognized/total": 7}
	if !maps.Equal(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	if len(out.rejects) != 0 {
		t.Errorf("refusals %+v, want none", out.rejects)
	}
	notRead := map[string]string{}
	for _, w := range out.warnings {
		if w.Code == "column_not_read" && w.File == "ke-hoach.xlsx" && w.ReasonEN != "" {
			notRead[w.Ref] = w.Reason
		}
	}
	for ref, says := range map[string]string{"Biểu 1!C4": "kế hoạch", "Biểu 1!E4": "tỷ lệ", "Biểu 1!F4": "kỳ trước",
		"Biểu 1!H4": "tỷ lệ", "Biểu 1!J3": "tỷ lệ"} {
		if !strings.Contains(notRead[ref], says) {
			t.Errorf("no notice at %s saying %q: %v (all %+v)", ref, says, notRead[ref], out.warnings)
		}
	}
	if len(notRead) != 5 {
		t.Errorf("%d columns said not read, want 5: %v", len(notRead), notRead)
	}
}

// TestFormYearColumns: a figure beside the same figure of a year before,
// each under its year ("Năm 2022 | Năm 2023"), gives the report's period's
// figure, and says the other was not read: both were refused, the years
// taken for breakdowns. A sheet that states no period keeps them refused.
func TestFormYearColumns(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "hai-nam.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo: Năm 2023"},
		{"STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", nil, "Số mô hình đăng ký", nil},
		{nil, nil, "Năm 2022", "Năm 2023", "Năm 2022", "Năm 2023"},
		{1, "Thạch Hà", 30, 35, 4, 6},
		{2, "Can Lộc", 12, 10, 3, 3},
	}, merges: [][2]string{{"C3", "D3"}, {"E3", "F3"}, {"A3", "A4"}, {"B3", "B4"}}}))
	if out.fe != nil {
		t.Fatalf("file error %+v", out.fe)
	}
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Unit.Name+"/"+r.Period.Code+"/"+r.Indicator.Code+"/"+r.Disaggregation] = r.Value
	}
	want := map[string]float64{"Thạch Hà/2023/dialogues/total": 35, "Can Lộc/2023/dialogues/total": 10,
		"Thạch Hà/2023/models_registered/total": 6, "Can Lộc/2023/models_registered/total": 3}
	if !maps.Equal(got, want) || len(out.rejects) != 0 {
		t.Errorf("values %v, refusals %+v; want %v and none", got, out.rejects, want)
	}
	notRead := map[string]string{}
	for _, w := range out.warnings {
		if w.Code == "column_not_read" {
			notRead[w.Ref] = w.Reason
		}
	}
	if len(notRead) != 2 || !strings.Contains(notRead["Biểu 1!C4"], "là số liệu của \"Năm 2022\", không phải của kỳ báo cáo (\"Năm 2023\")") ||
		!strings.Contains(notRead["Biểu 1!E4"], "2022") {
		t.Errorf("notices %v", notRead)
	}
	// The years typed as numbers, as Excel keeps "2022" typed in a cell:
	// the row of them is the header's (it ended the header, both columns
	// then the indicator's, refused as conflicting).
	out = in.validate(v, "hai-nam-so.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo: Năm 2023"},
		{"STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", nil},
		{nil, nil, 2022, 2023},
		{1, "Thạch Hà", 30, 35},
		{2, "Can Lộc", 12, 10},
	}, merges: [][2]string{{"C3", "D3"}, {"A3", "A4"}, {"B3", "B4"}}}))
	got = map[string]float64{}
	for _, r := range out.recs {
		got[r.Unit.Name+"/"+r.Period.Code+"/"+r.Indicator.Code+"/"+r.Disaggregation] = r.Value
	}
	if want := map[string]float64{"Thạch Hà/2023/dialogues/total": 35, "Can Lộc/2023/dialogues/total": 10}; !maps.Equal(got, want) || len(out.rejects) != 0 {
		t.Errorf("years as numbers: values %v, refusals %+v; want %v and none", got, out.rejects, want)
	}
	// No period stated: the years are what they were, refused.
	out = in.validate(v, "hai-nam-khong-ky.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"},
		{"STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", nil},
		{nil, nil, "Năm 2022", "Năm 2023"},
		{1, "Thạch Hà", 30, 35},
	}, merges: [][2]string{{"C2", "D2"}}}))
	if len(out.recs) != 0 {
		t.Errorf("values %+v read with no period stated", out.recs)
	}
}

// TestFormAchievedOfPeriod: an achieved column that names its period
// ("Thực hiện năm 2022 | Thực hiện năm 2023") is settled by it as "Năm
// 2022 | Năm 2023" is, and a running total beside the period's figure
// ("Trong kỳ | Lũy kế từ đầu nhiệm kỳ") is said not read: both columns
// were refused (as conflicting, as breakdowns).
func TestFormAchievedOfPeriod(t *testing.T) {
	in := newTestIngester(t)
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	out := in.validate(v, "thuc-hien.xlsx", fixtureXLSX(t, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo: Năm 2023"},
		{"STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", nil, "Số mô hình đăng ký", nil},
		{nil, nil, "Thực hiện năm 2022", "Thực hiện năm 2023", "Trong kỳ", "Lũy kế từ đầu nhiệm kỳ"},
		{1, "Thạch Hà", 30, 35, 6, 40},
	}, merges: [][2]string{{"C3", "D3"}, {"E3", "F3"}, {"A3", "A4"}, {"B3", "B4"}}}))
	got := map[string]float64{}
	for _, r := range out.recs {
		got[r.Period.Code+"/"+r.Indicator.Code+"/"+r.Disaggregation] = r.Value
	}
	if want := map[string]float64{"2023/dialogues/total": 35, "2023/models_registered/total": 6}; !maps.Equal(got, want) || len(out.rejects) != 0 {
		t.Errorf("values %v, refusals %+v; want %v and none", got, out.rejects, want)
	}
	notRead := map[string]string{}
	for _, w := range out.warnings {
		if w.Code == "column_not_read" {
			notRead[w.Ref] = w.Reason
		}
	}
	if len(notRead) != 2 || !strings.Contains(notRead["Biểu 1!C4"], "năm 2022\"") || !strings.Contains(notRead["Biểu 1!F4"], "lũy kế") {
		t.Errorf("notices %v", notRead)
	}
}

// TestPeriodInTwoDigitYear: a title's period with a two-digit year, which
// ParsePeriod reads where the words say a period, is found in the title;
// periodIn looked only in runs of words with four digits and found none
// (FuzzPeriodIn, its corpus).
func TestPeriodInTwoDigitYear(t *testing.T) {
	for title, want := range map[string]string{
		"BÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN QUÝ III/23": "2023-Q3",
		"Báo cáo 6 tháng đầu năm 24":                  "2024-H1",
		"BÁO CÁO NĂM 2023":                            "2023",
		"Biểu số 12 kèm theo công văn 7/24":           "",
	} {
		if got := periodIn(pipeline.Fold(title)); got != want {
			t.Errorf("periodIn(%q) = %q, want %q", title, got, want)
		}
	}
}
