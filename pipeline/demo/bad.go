package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// resubmission writes a corrected report of Diễn Châu (Nghệ An) for 2023,
// sent weeks after the first: it repeats the report with three values
// changed, which replace the first file's values.
func (g *gen) resubmission() error {
	var orig *report
	for _, r := range g.data.groups["40"]["2023"] {
		if r.unit.Name == "Diễn Châu" {
			orig = r
		}
	}
	if orig == nil {
		return fmt.Errorf("resubmission: no 2023 report of Diễn Châu")
	}
	origFile := ""
	for _, f := range g.files {
		if _, ok := f.want[keyOf(orig, orig.values[0])]; ok {
			origFile = f.name
		}
	}
	fixed := *orig
	fixed.values = append([]value(nil), orig.values...)
	fixed.submitted = orig.submitted.AddDate(0, 0, 38)
	change := map[[2]string]float64{
		{"models_registered", ""}: 5, {"models_registered", "kinh_te"}: 5,
		{"dialogues", ""}: 4, {"funds_mobilized_vnd", ""}: 150e6,
	}
	name := "demo-nop-lai-40-nghe-an-2023-dien-chau.csv"
	for i, v := range fixed.values {
		d, ok := change[[2]string{v.ind, v.dis}]
		if !ok {
			continue
		}
		fixed.values[i].v += d
		dis := v.dis
		if dis == "" {
			dis = pipeline.Total
		}
		g.sup = append(g.sup, Superseded{
			File: name, Replaces: origFile, Province: "40", Unit: orig.unit.Code, Period: "2023",
			Indicator: v.ind, Disaggregation: dis, Old: v.v, New: v.v + d,
		})
	}
	st := longStyle{province: "Nghệ An", names: nameTyped, period: periodWords, ind: indAlias, num: numVN}
	rows := g.longRows([]*report{&fixed}, st)
	for i := range rows {
		rows[i].cells[6] = Note + "; nộp lại, thay thế báo cáo gửi ngày " + dateText(orig.submitted, false)
	}
	data, raws, err := csvFile(longHeaders["vi"], rows, ',', encUTF8, false, false)
	if err != nil {
		return err
	}
	g.add(&file{name: name, format: "csv", data: data, rows: raws}, &fixed)
	return nil
}

// strayFiles writes the reports outside the usual rhythm (dataset.strays):
// Can Lộc's 2024-H2 report in a CSV of its own, and a commune's monthly
// reports as JSON Lines.
func (g *gen) strayFiles() error {
	r := g.data.halves
	st := longStyle{province: "Hà Tĩnh", names: nameTyped, period: periodWords, ind: indAlias, num: numVN}
	data, raws, err := csvFile(longHeaders["vi"], g.longRows([]*report{r}, st), ',', encUTF8, false, false)
	if err != nil {
		return err
	}
	g.add(&file{name: fmt.Sprintf("%s-%s.csv", g.baseName(r.prov, r.period), slug(r.unit.Name)), format: "csv", data: data, rows: raws}, r)
	m := g.data.monthly
	st = longStyle{province: "Nghệ An", names: namePlain, period: periodWords, ind: indCode, num: numPlain, typed: 1}
	data, raws, err = jsonlFile(g.longRows(m, st))
	if err != nil {
		return err
	}
	g.add(&file{name: fmt.Sprintf("demo-40-nghe-an-2026-thang-%s.jsonl", slug(m[0].unit.Name)), format: "jsonl", data: data, rows: raws}, m...)
	return nil
}

// badRow is one hand-made long-table row of a bad file.
type badRow struct {
	prov, unit, period, ind, dis, val, date string
}

func badRows(rows []badRow) []longRow {
	var out []longRow
	for _, r := range rows {
		out = append(out, longRow{cells: [8]string{r.prov, r.unit, r.period, r.ind, r.dis, r.val, Note, r.date}})
	}
	return out
}

// badFiles writes the deliberately wrong files, each named demo-loi-... and
// each with the row errors it must produce.
func (g *gen) badFiles() error {
	res := g.sp.res
	unit := func(prov, code string, p pipeline.Period) *pipeline.Unit {
		u, pr := res.Unit(g.sp.province(prov), code, p)
		if pr != nil {
			panic("demo: bad-file unit " + code + ": " + pr.ReasonEN)
		}
		return u
	}
	// 1. Units that do not exist.
	data, raws, err := csvFile(longHeaders["vi"], badRows([]badRow{
		{"Thanh Hóa", "Huyện Đông Hưng", "Năm 2023", "models_registered", "", "45", "12/01/2024"},
		{"Thanh Hóa", "Huyện Đông Hưng", "Năm 2023", "dialogues", "", "21", "12/01/2024"},
		{"Nghệ An", "Sông Lam", "6 tháng đầu năm 2023", "dialogues", "", "12", "10/07/2023"},
	}), ',', encUTF8, false, false)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-don-vi-khong-ton-tai.csv", format: "csv", data: data, rows: raws,
		bad:   "đơn vị không tồn tại (Đông Hưng, Sông Lam) / unknown districts",
		codes: map[string]int{"unknown_unit": 3}})

	// 2. Districts reporting for periods they did not exist throughout.
	data, raws, err = csvFile(longHeaders["ascii"], badRows([]badRow{
		{"Hà Tĩnh", "H. Cẩm Xuyên", "6 tháng cuối năm 2025", "models_registered", "", "9", "08/01/2026"},
		{"Hà Tĩnh", "H. Cẩm Xuyên", "6 tháng cuối năm 2025", "dialogues", "", "14", "08/01/2026"},
		{"Hà Tĩnh", "huyện Hương Khê", "2025-H2", "dialogues", "", "10", "2026-01-09"},
		{"Nghệ An", "TX Cửa Lò", "Năm 2024", "dialogues", "", "18", "2025-01-10"},
	}), ';', encUTF8, false, false)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-huyen-khong-con-ton-tai.csv", format: "csv", data: data, rows: raws,
		bad:   "huyện báo cáo cho kỳ sau khi đã giải thể/sáp nhập (2025-H2, Cửa Lò 2024) / district reporting after it ceased to exist",
		codes: map[string]int{"unit_not_valid_on_period": 4}})

	// 3. A period in the future (2030 typed for 2023).
	data, raws, err = jsonFile(jsonReport{
		Province: "Nghệ An", Unit: "", Period: "2030", SubmittedAt: "2024-01-12", Note: Note,
		Values: []jsonValue{
			{Indicator: "dialogues", Value: jsonNum(512)},
			{Indicator: "models_registered", Value: jsonNum(1430)},
			{Indicator: "contests", Value: jsonNum(40)},
		},
	})
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-ky-bao-cao-tuong-lai.json", format: "json", data: data, rows: raws,
		bad: "kỳ báo cáo ở tương lai (2030) / future period", codes: map[string]int{"future_period": 3}})

	// 4. A quarterly form whose total row does not add up.
	if err := g.badTotalForm(); err != nil {
		return err
	}

	// 5. A value that is not a number, among good monthly rows.
	m := pipeline.MonthPeriod(2024, 3)
	var lines []longRow
	var good []*report
	for i, code := range []string{"380", "389", "399", "401", "407"} {
		u := unit("38", code, m)
		v := 2 + g.rng.IntN(6)
		r := &report{prov: g.sp.province("38"), unit: u, period: m, values: []value{{ind: "dialogues", v: float64(v)}}}
		val := fmt.Sprint(v)
		if i == 2 {
			val = "abc"
		} else {
			good = append(good, r)
		}
		row := longRow{cells: [8]string{"Thanh Hóa", u.Name, "tháng 3/2024", "dialogues", "", val, Note, "2024-04-05"}}
		if val != "abc" {
			row.num, row.typed = float64(v), true
		}
		lines = append(lines, row)
	}
	data, raws, err = jsonlFile(lines)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-gia-tri-abc.jsonl", format: "jsonl", data: data, rows: raws,
		bad: "một giá trị là \"abc\" / a value \"abc\"", codes: map[string]int{"not_a_number": 1}}, good...)

	// 6. A negative value and recognized > registered, among good rows.
	q := pipeline.QuarterPeriod(2024, 2)
	var qrows []longRow
	good = nil
	for i, code := range []string{"412", "421", "425", "430"} {
		u := unit("40", code, q)
		reg := float64(8 + g.rng.IntN(10))
		rec := math.Floor(reg * 0.7)
		land := float64(1200 + 100*g.rng.IntN(30))
		r := &report{prov: g.sp.province("40"), unit: u, period: q}
		regText, recText, landText := vnNumber(reg), vnNumber(rec), vnNumber(land)
		switch i {
		case 1:
			landText = "-" + landText
			r.values = []value{{ind: "models_registered", v: reg}, {ind: "models_recognized", v: rec}}
		case 2:
			recText = vnNumber(reg + 3)
			r.values = []value{{ind: "models_registered", v: reg}, {ind: "land_donated_m2", v: land}}
		default:
			r.values = []value{{ind: "models_registered", v: reg}, {ind: "models_recognized", v: rec}, {ind: "land_donated_m2", v: land}}
		}
		good = append(good, r)
		for _, c := range [][2]string{{"Số mô hình đăng ký", regText}, {"Số mô hình được công nhận", recText}, {"Diện tích đất hiến", landText}} {
			qrows = append(qrows, longRow{cells: [8]string{"Nghệ An", u.Name, "Quý II/2024", c[0], "", c[1], Note, "08/07/2024"}})
		}
	}
	data, raws, err = csvFile(longHeaders["vi"], qrows, ';', encUTF8BOM, true, false)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-gia-tri-am-va-vuot-dang-ky.csv", format: "csv", data: data, rows: raws,
		bad:   "giá trị âm; số mô hình được công nhận lớn hơn số đăng ký / a negative value; recognized > registered",
		codes: map[string]int{"negative_value": 1, "rule_violated": 1}}, good...)

	// 7. A workbook that is not one: a zip signature, then noise.
	junk := []byte("PK\x03\x04")
	for len(junk) < 4096 {
		junk = append(junk, byte(g.rng.IntN(256)))
	}
	g.add(&file{name: "demo-loi-file-hong.xlsx", format: "xlsx", data: junk, unreadable: true,
		bad: "tệp .xlsx hỏng (byte ngẫu nhiên) / corrupted .xlsx (random bytes)"})

	// 8. A CSV saved from an old TCVN3 (ABC) font: every byte of the
	// Vietnamese letters is wrong in UTF-8 and Windows-1258, and "m²" is
	// in UTF-8, which TCVN3 cannot write: a file in two encodings, refused
	// naming the line. Its figures are those of Hà Tĩnh's 2022-H1 reports,
	// so decoding it right would change nothing.
	reps := g.data.groups["42"]["2022-H1"][:3]
	st := longStyle{province: "Hà Tĩnh", names: namePlain, period: periodWords, ind: indAlias, num: numVN}
	var tcRows []longRow
	for _, r := range reps {
		for _, row := range g.longRows([]*report{onlyColumns([]*report{r}, formColumns(formSimple, ""))[0]}, st) {
			row.cells[4] = ""
			tcRows = append(tcRows, row)
		}
	}
	data, _, err = csvFile(longHeaders["vi"], tcRows, ',', encTCVN3, true, false)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-ma-hoa-tcvn3.csv", format: "csv", data: data, unreadable: true,
		bad: "mã hóa cũ TCVN3 (ABC), không phải UTF-8 / legacy TCVN3 encoding"})
	return nil
}

func jsonNum(v float64) any { return json.Number(plain(v)) }

// badTotalForm writes Hà Tĩnh's third-quarter 2024 dialogues and contests
// by district, with a total row that overstates dialogues.
func (g *gen) badTotalForm() error {
	q := pipeline.QuarterPeriod(2024, 3)
	prov := g.sp.province("42")
	cols := []formCol{{ind: "dialogues", top: "Số cuộc tiếp xúc, đối thoại"}, {ind: "contests", top: "Số hội thi"}}
	f, err := workbook("Biểu mẫu quý III/2024 - " + Note)
	if err != nil {
		return err
	}
	s := formSheet{
		name:     "Quý III",
		titles:   []string{"BAN DÂN VẬN TỈNH ỦY HÀ TĨNH", "TỔNG HỢP TIẾP XÚC, ĐỐI THOẠI VÀ HỘI THI QUÝ III/2024", "(" + Note + ")"},
		province: "Hà Tĩnh", period: "Quý III/2024", submitted: "10/10/2024", cols: cols, total: true,
	}
	var good []*report
	units := g.sp.res
	var codes []string
	for _, u := range g.ref.UnitsOn("42", pipeline.LevelDistrict, q.End) {
		codes = append(codes, u.Code)
	}
	sort.Strings(codes)
	sumD := 0.0
	for _, code := range codes {
		u, pr := units.Unit(prov, code, q)
		if pr != nil {
			continue
		}
		d, c := float64(4+g.rng.IntN(12)), float64(g.rng.IntN(3))
		sumD += d
		r := &report{prov: prov, unit: u, period: q, values: []value{{ind: "dialogues", v: d}, {ind: "contests", v: c}}}
		good = append(good, r)
		s.rows = append(s.rows, rowOf(r, cols, g.sp.unitName(u, q, nameAbbrev)))
	}
	s.badTotals = map[int]float64{0: sumD + 7}
	raws, err := writeSheets(f, []formSheet{s})
	if err != nil {
		return err
	}
	data, err := finish(f)
	if err != nil {
		return err
	}
	g.add(&file{name: "demo-loi-dong-tong-khong-khop.xlsx", format: "xlsx-form", data: data, rows: raws, cols: cols,
		bad:   "dòng Tổng cộng không bằng tổng các dòng (đối thoại) / total row does not add up",
		codes: map[string]int{"total_mismatch": 1}}, good...)
	return nil
}

// readme explains the inbox. It is plain text but no report: it states no
// figures, so a narrative reader finds nothing in it.
func (g *gen) readme(seed uint64) *file {
	var b strings.Builder
	b.WriteString(`DỮ LIỆU MINH HỌA (DEMO) - KHÔNG PHẢI SỐ LIỆU THẬT
DEMO DATA - NOT REAL REPORTS

Thư mục này do lệnh "danvan demo" tạo ra để chạy thử hệ thống. Các số liệu
được sinh ngẫu nhiên (có hạt giống cố định) theo độ lớn hợp lý; không dùng
cho bất kỳ báo cáo, thống kê hay quyết định nào.

This inbox was written by "danvan demo" to try the pipeline. The figures are
drawn at random, with a fixed seed, at realistic magnitudes. Do not use them
for anything.

Nội dung / Contents:
- Báo cáo các huyện, thị xã, thành phố đến 6 tháng đầu năm 2025, các xã,
  phường từ 6 tháng cuối năm 2025, và báo cáo cấp tỉnh hằng năm, dưới mọi
  định dạng hệ thống nhận: CSV/TSV (UTF-8, UTF-8 BOM, UTF-16, Windows-1258),
  Excel dạng bảng dài và dạng biểu mẫu, JSON, JSON Lines, bài viết (.txt).
- Một số đơn vị cố ý không gửi báo cáo một số kỳ.
- Tệp demo-nop-lai-*: báo cáo nộp lại, thay thế một phần báo cáo trước.
- Tệp demo-loi-*: cố ý có lỗi, để thấy hệ thống báo lỗi thế nào:
`)
	for _, f := range g.files {
		if f.bad != "" {
			fmt.Fprintf(&b, "    %s: %s\n", f.name, f.bad)
		}
	}
	fmt.Fprintf(&b, "\nseed: %d\n", seed)
	return &file{name: layout.DemoMarker, format: "readme", data: []byte(b.String())}
}
