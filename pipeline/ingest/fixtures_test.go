package ingest

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// testNow is the day the tests run "on": 2025-H2 has started, 2026 has not.
var testNow = time.Date(2025, 12, 15, 9, 0, 0, 0, pipeline.Vietnam)

func newTestIngester(t testing.TB) *Ingester {
	t.Helper()
	in, err := New(Options{Now: func() time.Time { return testNow }, ChunkSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// encode1258 writes NFC text in Windows-1258 the way Vietnamese Windows
// does: letters it has precomposed stay whole, others become base letter
// plus combining tone mark.
func encode1258(t testing.TB, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, err := enc.Bytes([]byte(string(r))); err == nil {
			out = append(out, b...)
			continue
		}
		var base, tone []rune
		for _, c := range norm.NFD.String(string(r)) {
			if strings.ContainsRune("\u0300\u0301\u0303\u0309\u0323", c) {
				tone = append(tone, c)
			} else {
				base = append(base, c)
			}
		}
		b1, err1 := enc.Bytes([]byte(norm.NFC.String(string(base))))
		b2, err2 := enc.Bytes([]byte(string(tone)))
		if err1 != nil || err2 != nil {
			t.Fatalf("cannot encode %q in Windows-1258", r)
		}
		out = append(append(out, b1...), b2...)
	}
	return out
}

func utf16le(t testing.TB, s string) []byte {
	t.Helper()
	b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TCVN3 (ABC) and VNI bytes of a few names, as old Vietnamese fonts stored
// them. TCVN3: à=0xB5, ĩ=0xDC, ª=ê (0xAA), ó=0xE3, ¸=á (0xB8); VNI: a base
// letter then a mark byte: ø (0xF8) grave, ù (0xF9) acute, ó (0xF3) ĩ, ä
// (0xE4) circumflex + dot below.
var (
	tcvn3CSV = []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\n" +
		"H\xb5 T\xdcnh,C\xb8m Xuy\xaan,2023,dialogues,12\n" +
		"H\xb5 T\xdcnh,Th\xb9ch H\xb5,2023,dialogues,7\n")
	vniCSV = []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\n" +
		"Nghe\xe4 An,Nam \xd1a\xf8n,2023,dialogues,12\n" +
		"Ha\xf8 T\xf3nh,Tha\xefch Ha\xf8,2023,dialogues,7\n")
)

// fixtureXLSX builds a workbook from sheets of rows; a cell is a string,
// a number, or a formula (a string starting with "=" whose cached value
// follows after "|", "=SUM(C8:C9)|86"; without "|", a formula never
// computed, as files written by programs other than Excel hold).
type xsheet struct {
	name   string
	rows   [][]any
	merges [][2]string
	hidden bool // hidden in the workbook (not the first sheet, which Excel shows)
	// hiddenRows are rows hidden (Excel's Hide, or an AutoFilter's), from 1.
	hiddenRows []int
}

// percentCell is a number in a cell formatted as a percent (0.5 shows 50%).
type percentCell float64

// dateCell is a number in a cell formatted as a date or a time, as Excel
// leaves what a clerk types that looks like one: "12/5" becomes the serial
// day 45424 (12 May 2024) under the built-in format 16 (d-mmm); "6/2024"
// becomes 45444 under 17 (mmm-yy). code, when set, is a format of the
// workbook's own ("dd/mm/yyyy") instead of the built-in numFmt.
type dateCell struct {
	serial float64
	numFmt int
	code   string
}

func fixtureXLSX(t testing.TB, sheets ...xsheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				if p, ok := v.(percentCell); ok {
					var style int
					if style, err = f.NewStyle(&excelize.Style{NumFmt: 9}); err == nil {
						if err = f.SetCellValue(s.name, name, float64(p)); err == nil {
							err = f.SetCellStyle(s.name, name, name, style)
						}
					}
				} else if d, ok := v.(dateCell); ok {
					st := &excelize.Style{NumFmt: d.numFmt}
					if d.code != "" {
						st = &excelize.Style{CustomNumFmt: &d.code}
					}
					var style int
					if style, err = f.NewStyle(st); err == nil {
						if err = f.SetCellValue(s.name, name, d.serial); err == nil {
							err = f.SetCellStyle(s.name, name, name, style)
						}
					}
				} else if str, ok := v.(string); ok && len(str) > 1 && str[0] == '=' {
					formula, cached, hasCached := bytes.Cut([]byte(str[1:]), []byte("|"))
					if err = f.SetCellFormula(s.name, name, string(formula)); err == nil && hasCached {
						err = setCached(f, s.name, name, string(cached))
					}
				} else {
					err = f.SetCellValue(s.name, name, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range s.hiddenRows {
			if err := f.SetRowVisible(s.name, r, false); err != nil {
				t.Fatal(err)
			}
		}
		if s.hidden {
			if err := f.SetSheetVisible(s.name, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setCached stores a formula's cached result the way Excel leaves it in a
// saved file: excelize writes formulas without one.
func setCached(f *excelize.File, sheet, cell, v string) error {
	formula, err := f.GetCellFormula(sheet, cell)
	if err != nil {
		return err
	}
	if err := f.SetCellValue(sheet, cell, mustFloat(v)); err != nil {
		return err
	}
	return f.SetCellFormula(sheet, cell, formula)
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return f
}

// formSheet is the form of formats.md section 2, with a two-row header
// (registered models split by field), a formula total and an STT column.
func formSheet() xsheet {
	return xsheet{
		name: "Biểu 1",
		rows: [][]any{
			{"BAN DÂN VẬN HUYỆN ỦY CẨM XUYÊN"},
			{"BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA \"DÂN VẬN KHÉO\""},
			{"Tỉnh: Hà Tĩnh"},
			{"Kỳ báo cáo:", nil, "Năm 2023"},
			{"Ngày gửi: 15/12/2023"},
			{},
			{"STT", "Đơn vị", "Số mô hình đăng ký", nil, "Số mô hình được công nhận", "Số cuộc tiếp xúc, đối thoại", "Ghi chú"},
			{nil, nil, "Tổng", "Kinh tế", nil, nil, nil},
			{1, "H. Cẩm Xuyên", 45, 20, 41, 28, "đủ hồ sơ"},
			{2, "Thạch Hà", 30, "12", nil, "1.043", nil},
			{nil, "Tổng cộng", "=SUM(C9:C10)|75", 32, 41, 1071, nil},
			{},
			{nil, "Người lập biểu"},
		},
		merges: [][2]string{{"A7", "A8"}, {"B7", "B8"}, {"C7", "D7"}, {"E7", "E8"}, {"F7", "F8"}, {"G7", "G8"}},
	}
}

func longSheet() xsheet {
	return xsheet{
		name: "Dữ liệu",
		rows: [][]any{
			{"Tỉnh", "Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Phân tổ", "Giá trị", "Ngày gửi", "Người nhập"},
			{"Thanh Hoá", "TP. Sầm Sơn", "6 tháng đầu năm 2024", "dialogues", nil, 12, "2024-06-30", "Lan"},
			{"Thanh Hóa", "Thọ Xuân", "2023", "Số mô hình đăng ký", "văn hóa - xã hội", "1.204", nil, nil},
			{"38", "Tĩnh Gia", "2019", "land_donated_m2", nil, 2.5, nil, nil},
		},
	}
}

// writeFixtures (re)writes the generated inputs of the golden cases.
func writeFixtures(t *testing.T, dir string) {
	t.Helper()
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("csv_windows1258/input.csv", encode1258(t, "Tỉnh;Huyện;Kỳ;Chỉ tiêu;Lĩnh vực;Giá trị\n"+
		"Hà Tĩnh;Hương Khê;Năm 2023;Số mô hình đăng ký;Kinh tế;17\n"+
		"Hà Tĩnh;Đức Thọ;Quý III/2023;Số cuộc tiếp xúc, đối thoại;;gần 40\n"))
	write("tsv_utf16/input.tsv", utf16le(t, "province\tdistrict\tperiod\tindicator\tvalue\tnote\r\n"+
		"Nghệ An\tNam Đàn\t2023-H1\tmodels_registered\t37\tbáo cáo sơ kết\r\n"+
		"Nghệ An\tCửa Lò\ttháng 7/2024\tdialogues\t3\t\r\n"))
	write("xlsx_form/input.xlsx", fixtureXLSX(t, formSheet(), xsheet{name: "Hướng dẫn", rows: [][]any{{"Điền số liệu vào Biểu 1."}}}))
	write("xlsx_long/input.xlsx", fixtureXLSX(t, longSheet()))
}

// zipOf is a ZIP package with the named parts (empty), as Office and
// OpenDocument files are; a name "mimetype:TEXT" is a stored part
// "mimetype" holding TEXT, first as OpenDocument writes it.
func zipOf(t testing.TB, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		name, body, isMime := strings.Cut(n, ":")
		if !isMime {
			body = ""
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// oleOf is the start of an OLE compound file (old Office formats) whose
// directory names a stream, in UTF-16 as the format stores it.
func oleOf(stream string) []byte {
	b := []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	b = append(b, make([]byte, 504)...)
	for i := 0; i < len(stream); i++ {
		b = append(b, stream[i], 0)
	}
	return append(b, make([]byte, 64)...)
}
