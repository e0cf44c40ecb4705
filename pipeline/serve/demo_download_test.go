package serve

import (
	"bytes"
	"encoding/csv"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline/layout"
)

// readVietnameseCSV reads a CSV as Excel set to Vietnamese does: UTF-8 with
// a byte order mark, ";" between cells.
func readVietnameseCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV has no UTF-8 byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// viNumber reads a number a Vietnamese CSV cell holds: decimal comma, no
// thousands separator.
func viNumber(t *testing.T, s string) float64 {
	t.Helper()
	if strings.Contains(s, ".") {
		t.Errorf("%q: a point in a Vietnamese number cell (read as thousands by Excel)", s)
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		t.Errorf("%q is not a number: %v", s, err)
	}
	return f
}

func readXLSX(t *testing.T, body []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func colOf(t *testing.T, head []string, name string) int {
	t.Helper()
	for i, h := range head {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, head)
	return -1
}

// TestDemoDownloads: every table downloads for people, as CSV and Excel,
// with Vietnamese headers, names beside codes, the unit in the header, and
// the numbers of the JSON.
func TestDemoDownloads(t *testing.T) {
	dir, _ := demoDir(t)
	_, ts := newTestServer(t, Options{DataDir: dir})
	snake := regexp.MustCompile(`^[a-z0-9_]+$`)
	for _, o := range append(layout.Outputs, layout.Output{Name: "sources-38-2025"}, layout.Output{Name: "sources/38-2025"}) {
		json := o.Name + ".json"
		if strings.HasPrefix(o.Name, "sources") {
			json = "sources/38-2025.json"
		}
		var objs []map[string]any
		demoSnapshot(t, dir, json, &objs)
		res, body := get(t, ts.URL+"/download/"+o.Name+".csv")
		if res.StatusCode != 200 {
			t.Errorf("%s.csv: %s", o.Name, res.Status)
			continue
		}
		recs := readVietnameseCSV(t, body)
		if len(recs)-1 != len(objs) {
			t.Errorf("%s.csv: %d rows, the JSON has %d", o.Name, len(recs)-1, len(objs))
		}
		for _, h := range recs[0] {
			if snake.MatchString(h) {
				t.Errorf("%s.csv: header %q is a program's name, not a person's", o.Name, h)
			}
		}
		res, body = get(t, ts.URL+"/download/"+o.Name+".xlsx")
		base := strings.ReplaceAll(o.Name, "/", "-")
		if res.StatusCode != 200 {
			t.Errorf("%s.xlsx: %s", o.Name, res.Status)
			continue
		}
		rows := readXLSX(t, body, base[:min(len(base), 31)])
		if len(rows) != len(recs) || strings.Join(rows[0], "|") != strings.Join(recs[0], "|") {
			t.Errorf("%s: the Excel file has %d rows and header %q, the CSV %d and %q", o.Name, len(rows), rows[0], len(recs), recs[0])
		}
	}

	// The numbers and names of the main tables, read back from both files.
	var pys []map[string]any
	demoSnapshot(t, dir, "province_year.json", &pys)
	want := map[string]map[string]any{}
	for _, r := range pys {
		if r["indicator"] == "land_donated_m2" {
			want[r["province_code"].(string)+"/"+strconv.Itoa(int(r["year"].(float64)))] = r
		}
	}
	_, body := get(t, ts.URL+"/download/province_year.csv?indicator=land_donated_m2")
	recs := readVietnameseCSV(t, body)
	head := recs[0]
	if strings.Join(head[:6], "|") != "Tỉnh|Mã tỉnh|Năm|Chỉ tiêu|Mã chỉ tiêu|Đơn vị tính" {
		t.Errorf("province_year header %q", head)
	}
	vCol, pCol := colOf(t, head, "Giá trị (m²)"), colOf(t, head, "Trên 100.000 dân (m²)")
	_, xbody := get(t, ts.URL+"/download/province_year.xlsx?indicator=land_donated_m2")
	xrows := readXLSX(t, xbody, "province_year")
	names := map[string]string{"38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh"}
	for i, rec := range recs[1:] {
		w := want[rec[1]+"/"+rec[2]]
		if w == nil || rec[0] != names[rec[1]] || rec[3] != "Diện tích đất Nhân dân hiến" || rec[5] != "m²" {
			t.Errorf("row %q", rec)
			continue
		}
		if v := viNumber(t, rec[vCol]); v != w["value"].(float64) {
			t.Errorf("%s %s: CSV value %v, JSON %v", rec[1], rec[2], v, w["value"])
		}
		if v := viNumber(t, rec[pCol]); math.Abs(v-w["per_100k"].(float64)) > 0.05 {
			t.Errorf("%s %s: CSV per 100k %v, JSON %v", rec[1], rec[2], v, w["per_100k"])
		}
		if x, _ := strconv.ParseFloat(xrows[i+1][vCol], 64); x != w["value"].(float64) {
			t.Errorf("%s %s: Excel value %q, JSON %v", rec[1], rec[2], xrows[i+1][vCol], w["value"])
		}
	}
	// In English, and for programs.
	_, body = get(t, ts.URL+"/download/province_year.csv?indicator=land_donated_m2&lang=en")
	r := csv.NewReader(bytes.NewReader(body[3:]))
	en, err := r.ReadAll()
	if err != nil || strings.Join(en[0][:3], "|") != "Province|Province code|Year" || en[1][3] != "Land donated by the people" {
		t.Errorf("English CSV: %v %q", err, en[:min(len(en), 2)])
	}
	_, body = get(t, ts.URL+"/download/province_year.csv?indicator=land_donated_m2&format=machine")
	r = csv.NewReader(bytes.NewReader(body[3:]))
	mach, err := r.ReadAll()
	if err != nil || strings.Join(mach[0][:3], ",") != "province_code,year,indicator" {
		t.Errorf("machine CSV: %v %q", err, mach[0])
	}

	// The units: names beside codes, the unit's type in words.
	_, body = get(t, ts.URL+"/download/unit_year.csv?province_code=38&year=2023&indicator=dialogues&unit_code=380")
	recs = readVietnameseCSV(t, body)
	h := recs[0]
	if len(recs) != 2 || recs[1][colOf(t, h, "Đơn vị")] != "Thanh Hóa" || recs[1][colOf(t, h, "Loại đơn vị")] != "Thành phố" ||
		recs[1][colOf(t, h, "Mã đơn vị")] != "380" || recs[1][colOf(t, h, "Các kỳ đã gửi")] != "2023-H1" {
		t.Errorf("the city of Thanh Hóa in unit_year.csv: %q", recs)
	}
}

// TestDemoFeedbackWorkbook: each file's feedback workbook lists its refused
// rows with reasons and fixes, in Vietnamese; a quarantined file's says why
// and what to do.
func TestDemoFeedbackWorkbook(t *testing.T) {
	dir, sum := demoDir(t)
	_, ts := newTestServer(t, Options{DataDir: dir})
	checked := 0
	for _, f := range sum.Files {
		if f.Rejected == 0 && f.FileErr == nil {
			continue
		}
		res, body := get(t, ts.URL+"/download/feedback/"+f.Hash+".xlsx")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "phan-hoi-") {
			t.Errorf("%s: %s %v", f.File, res.Status, res.Header)
			continue
		}
		summary := readXLSX(t, body, "Tóm tắt")
		if summary[0][0] != "PHẢN HỒI VỀ TỆP BÁO CÁO ĐÃ GỬI" || summary[2][1] != f.File {
			t.Errorf("%s: summary %q", f.File, summary[:3])
		}
		rows := readXLSX(t, body, "Dòng bị từ chối")
		if f.FileErr != nil {
			found := false
			for _, r := range summary {
				found = found || (len(r) > 1 && r[1] == f.FileErr.Reason)
			}
			if !found || len(rows) != 1 {
				t.Errorf("%s: quarantined, the workbook does not say why: %q", f.File, summary)
			}
			checked++
			continue
		}
		if strings.Join(rows[0], "|") != "Vị trí trong tệp|Cột|Giá trị đã ghi|Lý do|Cách sửa|Đơn vị|Mã lỗi" || len(rows)-1 != len(f.Rejects) {
			t.Errorf("%s: %d refused rows in the workbook, ingest refused %d; header %q", f.File, len(rows)-1, len(f.Rejects), rows[0])
			continue
		}
		// In the order of the file (refusals of the whole file, such as
		// duplicates, come after the rows in ingest's list).
		var got, want []string
		for _, r := range rows[1:] {
			if r[4] == "" {
				t.Errorf("%s: no fix for %q", f.File, r)
			}
			got = append(got, strings.Join([]string{r[0], r[1], r[2], r[3], r[6]}, " | "))
		}
		for _, e := range f.Rejects {
			want = append(want, strings.Join([]string{e.Ref, e.Column, e.Value, e.Reason, e.Code}, " | "))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the workbook lists\n%s\nwant\n%s", f.File, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d files with refusals checked", checked)
	}
	if res, _ := get(t, ts.URL+"/download/feedback/0000000000000000.xlsx"); res.StatusCode != 404 {
		t.Errorf("an unknown file: %s", res.Status)
	}
}
