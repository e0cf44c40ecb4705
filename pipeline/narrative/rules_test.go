package narrative

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// want is an expected figure: "indicator value qualifier period[ province[/district]]".
type want struct {
	ind   string
	value float64
	q     pipeline.Qualifier
	p     string
	prov  string // "" means do not check
	dist  string // checked when prov is set
}

func w(ind string, v float64, q pipeline.Qualifier, p string) want {
	return want{ind: ind, value: v, q: q, p: p}
}

func (x want) at(prov, dist string) want { x.prov, x.dist = prov, dist; return x }

const (
	ex = pipeline.Exact
	ap = pipeline.Approx
	al = pipeline.AtLeast
)

// Sentences in the style of the provinces' press and committee reports, one
// per rule and per trap. Each text gets a dateline of 20/12/2023 unless it
// has its own.
var ruleCases = []struct {
	name string
	text string
	want []want
}{
	// Rules.
	{"thanh hoa cumulative with parts in brackets, contests, teams, awards",
		"Từ năm 2021 đến tháng 10/2023, toàn tỉnh Thanh Hóa đã xây dựng được 8.419 mô hình “Dân vận khéo” (4.810 mô hình tập thể, 3.609 mô hình cá nhân); tổ chức 236 hội thi “Dân vận khéo” với 396 đơn vị tham gia; biểu dương, khen thưởng 1.064 tập thể và 1.623 cá nhân.",
		[]want{w("models_total", 8419, ex, "to-date@2023-10").at("Thanh Hóa", ""), w("contests", 236, ex, "to-date@2023-10"),
			w("contest_teams", 396, ex, "to-date@2023-10"), w("awards_collective", 1064, ex, "to-date@2023-10"), w("awards_individual", 1623, ex, "to-date@2023-10")}},
	{"registered with recognised part of its own",
		"Năm 2022, các cấp trong tỉnh Nghệ An đã đăng ký xây dựng 3.245 mô hình “Dân vận khéo”, trong đó có 2.890 mô hình được công nhận đạt hiệu quả.",
		[]want{w("models_registered", 3245, ex, "2022").at("Nghệ An", ""), w("models_recognized", 2890, ex, "2022").at("Nghệ An", "")}},
	{"dialogues in the first half",
		"6 tháng đầu năm 2023, người đứng đầu cấp ủy, chính quyền các cấp đã tổ chức 1.452 cuộc tiếp xúc, đối thoại trực tiếp với Nhân dân.",
		[]want{w("dialogues", 1452, ex, "2023-H1")}},
	{"dialogue verb before the count",
		"Năm 2023, Bí thư cấp ủy các cấp trong tỉnh đã trực tiếp đối thoại với Nhân dân được hơn 600 cuộc.",
		[]want{w("dialogues", 600, al, "2023")}},
	{"land, money and workdays in one clause",
		"Năm 2022, Nhân dân toàn tỉnh đã hiến trên 125.000 m2 đất, đóng góp hơn 45 tỷ đồng và 30.500 ngày công để làm đường giao thông nông thôn.",
		[]want{w("land_donated_m2", 125000, al, "2022"), w("funds_mobilized_vnd", 45e9, al, "2022"), w("workdays_contributed", 30500, ex, "2022")}},
	{"hectares become square metres",
		"Qua phong trào, Nhân dân huyện Hương Khê đã tự nguyện hiến 12,5 ha đất để mở rộng đường giao thông năm 2021.",
		[]want{w("land_donated_m2", 125000, ex, "2021").at("Hà Tĩnh", "Hương Khê")}},
	{"district subject and compound amount",
		"Năm 2023, huyện Cẩm Xuyên đã vận động Nhân dân hiến 35.000 m2 đất, đóng góp 12 tỷ 500 triệu đồng.",
		[]want{w("land_donated_m2", 35000, ex, "2023").at("Hà Tĩnh", "Cẩm Xuyên"), w("funds_mobilized_vnd", 12.5e9, ex, "2023").at("Hà Tĩnh", "Cẩm Xuyên")}},
	{"district committee recognises models of its district",
		"Ban Thường vụ Huyện ủy Thạch Hà đã công nhận 45 mô hình “Dân vận khéo” cấp huyện năm 2023.",
		[]want{w("models_recognized", 45, ex, "2023").at("Hà Tĩnh", "Thạch Hà")}},
	{"awards for a range, period after the figure",
		"Nhân dịp này, UBND tỉnh tặng Bằng khen cho 15 tập thể và 20 cá nhân có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” giai đoạn 2016 - 2020.",
		[]want{w("awards_collective", 15, ex, "2016..2020"), w("awards_individual", 20, ex, "2016..2020")}},
	{"exemplary collectives and individuals",
		"Năm 2023, toàn tỉnh có 1.250 điển hình tập thể và 2.130 điển hình cá nhân “Dân vận khéo” được biểu dương.",
		[]want{w("exemplars_collective", 1250, ex, "2023"), w("exemplars_individual", 2130, ex, "2023")}},
	{"contest teams named as đội thi",
		"Năm 2023, các huyện, thị xã, thành phố tổ chức 27 hội thi “Dân vận khéo” với sự tham gia của 312 đội thi.",
		[]want{w("contests", 27, ex, "2023"), w("contest_teams", 312, ex, "2023")}},
	{"approximate total",
		"Năm 2021, toàn tỉnh có khoảng 1.500 mô hình “Dân vận khéo” trên các lĩnh vực kinh tế, văn hóa - xã hội, quốc phòng - an ninh.",
		[]want{w("models_total", 1500, ap, "2021")}},
	{"effective models",
		"Trong năm, có 1.120 mô hình đạt hiệu quả cao, được nhân rộng.",
		[]want{w("models_effective", 1120, ex, "2023")}},
	{"range written as giai đoạn, province bare",
		"Giai đoạn 2016-2020, Hà Tĩnh đã xây dựng 9.800 mô hình dân vận khéo.",
		[]want{w("models_total", 9800, ex, "2016..2020").at("Hà Tĩnh", "")}},
	{"cumulative since a year",
		"Từ năm 2010 đến nay, toàn tỉnh đã có trên 15.560 tập thể, cá nhân điển hình “Dân vận khéo”.",
		[]want{w("exemplars_total", 15560, al, "to-date@2023-12")}},
	{"official dateline gives the report date",
		"BAN DÂN VẬN TỈNH ỦY HÀ TĨNH\nHà Tĩnh, ngày 15 tháng 10 năm 2020\nĐến nay, toàn tỉnh đã có 4.200 mô hình “Dân vận khéo”.",
		[]want{w("models_total", 4200, ex, "to-date@2020-10").at("Hà Tĩnh", "")}},
	{"text without diacritics",
		"Nam 2022, toan tinh Ha Tinh da to chuc 392 cuoc tiep xuc, doi thoai voi Nhan dan.",
		[]want{w("dialogues", 392, ex, "2022").at("Hà Tĩnh", "")}},
	{"tone marks placed the old way",
		"Năm 2023, toàn tỉnh Thanh Hoá đã công nhận 740 mô hình “Dân vận khéo”.",
		[]want{w("models_recognized", 740, ex, "2023").at("Thanh Hóa", "")}},
	{"leading zeros",
		"Năm 2023, Ban Dân vận Huyện ủy Nghi Xuân khen thưởng 03 tập thể, 05 cá nhân.",
		[]want{w("awards_collective", 3, ex, "2023"), w("awards_individual", 5, ex, "2023")}},
	{"a proposal granted is an award",
		"Theo đề nghị của Ban Dân vận, UBND tỉnh đã tặng Bằng khen cho 10 tập thể năm 2023.",
		[]want{w("awards_collective", 10, ex, "2023")}},
	{"money without the word đồng",
		"Năm 2023, các mô hình đã huy động được trên 4,3 tỷ.",
		[]want{w("funds_mobilized_vnd", 4.3e9, al, "2023")}},

	{"recognised total with a field list over semicolons",
		"Năm 2023, toàn tỉnh có 2.351 mô hình, điển hình “Dân vận khéo” được các cấp công nhận, trong đó: lĩnh vực kinh tế 1.029 mô hình; văn hóa - xã hội 635 mô hình; quốc phòng - an ninh 309 mô hình; xây dựng hệ thống chính trị 378 mô hình.",
		[]want{w("models_recognized", 2351, ex, "2023")}},
	{"coordinated figures share the predicate after them",
		"Năm 2022, đã có 2.120 tập thể, 3.540 cá nhân được khen thưởng các cấp.",
		[]want{w("awards_collective", 2120, ex, "2022"), w("awards_individual", 3540, ex, "2022")}},
	{"millions of square metres and of workdays",
		"Giai đoạn 2016 - 2020, Ủy ban MTTQ các cấp đã vận động Nhân dân đóng góp trên 1.500 tỷ đồng, hiến 2,3 triệu m2 đất, 1,5 triệu ngày công.",
		[]want{w("funds_mobilized_vnd", 1.5e12, al, "2016..2020"), w("land_donated_m2", 2.3e6, ex, "2016..2020"), w("workdays_contributed", 1.5e6, ex, "2016..2020")}},
	{"teams taking part in a numbered contest",
		"Hội thi “Dân vận khéo” tỉnh Nghệ An lần thứ III năm 2023 có 21 đội thi tham gia.",
		[]want{w("contest_teams", 21, ex, "2023").at("Nghệ An", "")}},
	{"quarter",
		"Quý III/2023, các cấp ủy đã tổ chức 156 cuộc đối thoại với Nhân dân.",
		[]want{w("dialogues", 156, ex, "2023-Q3")}},
	{"exemplary people introduced",
		"Năm 2023, MTTQ và các đoàn thể đã giới thiệu 235 gương điển hình tiên tiến trong phong trào.",
		[]want{w("exemplars_total", 235, ex, "2023")}},
	{"models awarded by the province",
		"Năm 2023, có 45 mô hình được UBND tỉnh tặng Bằng khen.",
		[]want{w("awards_collective", 45, ex, "2023")}},

	// Traps.
	{"numbers in a model's name", "Năm 2023, xây dựng mô hình “Mỗi cán bộ gắn với 01 mô hình” và mô hình “5 cá nhân giúp 1 hộ nghèo”.", nil},
	{"a ratio of units", "Năm 2023, có 27/27 huyện, thị xã, thành phố tổ chức hội thi; đạt 112% kế hoạch.", nil},
	{"a delta in brackets", "Năm 2023, toàn tỉnh xây dựng được 1.750 mô hình “Dân vận khéo” (tăng 120 mô hình so với năm 2022).",
		[]want{w("models_total", 1750, ex, "2023")}},
	{"a person's donation", "Năm 2023, chị Nguyễn Thị Hoa đã vận động được 200 triệu đồng.", nil},
	{"decree number and dates", "Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 32-CT/TU ngày 20/5/2022 về tăng cường xây dựng mô hình “Dân vận khéo”; Kết luận số 114-KL/TW, ngày 14-7-2015 của Ban Bí thư.", nil},
	{"a delta after the total", "Năm 2023, toàn tỉnh có 1.320 mô hình, tăng 276 mô hình so với năm 2022.",
		[]want{w("models_total", 1320, ex, "2023")}},
	{"more than as a delta", "Năm 2022 có 1.200 mô hình, nhiều hơn 150 mô hình so với năm 2021.",
		[]want{w("models_total", 1200, ex, "2022")}},
	{"a proposal", "Ban Dân vận Tỉnh ủy đề nghị UBND tỉnh khen thưởng 18 mô hình tiêu biểu.", nil},
	{"a proposal over a list", "Ban Chỉ đạo đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho 5 tập thể, 12 cá nhân.", nil},
	{"page furniture", "Lượt xem: 2.869\nĐang online: 56\nTrong tuần: 12.323\nBài viết có 1.245 lượt xem.", nil},
	{"a land price", "Giá đất ở khu vực này khoảng 5 triệu đồng/m2.", nil},
	{"a land value", "Năm 2023, Nhân dân hiến 3.000 m2 đất, trị giá khoảng 6 tỷ đồng.",
		[]want{w("land_donated_m2", 3000, ex, "2023")}},
	{"value of donated land", "Tổng giá trị đất hiến ước tính 20 tỷ đồng.", nil},
	{"an ordinal", "Đây là lần thứ 2 tập thể này được tặng Bằng khen.", nil},
	{"a target per commune", "Năm 2024, phấn đấu mỗi xã, phường xây dựng ít nhất 02 mô hình “Dân vận khéo”.", nil},
	{"a target year", "Phấn đấu đến năm 2025 toàn tỉnh có 500 mô hình kiểu mẫu.", nil},
	{"a plan", "Thời gian tới, tỉnh sẽ tổ chức 20 cuộc đối thoại với Nhân dân.", nil},
	{"breakdown by field after the total",
		"Năm 2023, toàn tỉnh xây dựng 1.200 mô hình, trong đó lĩnh vực kinh tế 450 mô hình, văn hóa - xã hội 380 mô hình, quốc phòng - an ninh 170 mô hình, xây dựng hệ thống chính trị 200 mô hình.",
		[]want{w("models_total", 1200, ex, "2023")}},
	{"breakdown by field without an opener",
		"Năm 2023, toàn tỉnh có 900 mô hình: kinh tế 400 mô hình, văn hóa - xã hội 500 mô hình.",
		[]want{w("models_total", 900, ex, "2023")}},
	{"figure repeated in title and body",
		"Năm 2023, Hà Tĩnh xây dựng 1.950 mô hình “Dân vận khéo”\n\nNăm 2023, toàn tỉnh Hà Tĩnh xây dựng 1.950 mô hình “Dân vận khéo” trên các lĩnh vực, góp phần phát triển kinh tế - xã hội.",
		[]want{w("models_total", 1950, ex, "2023").at("Hà Tĩnh", "")}},
	{"a percentage", "Có 98% mô hình đạt hiệu quả; 100 % xã có mô hình.", nil},
	{"meetings with voters are not dialogues", "Năm 2023, đại biểu Quốc hội tỉnh đã tổ chức 45 cuộc tiếp xúc cử tri.", nil},
	{"one family's donation", "Gia đình ông Nguyễn Văn Hùng ở xã Cẩm Bình đã hiến 500 m2 đất.", nil},
	{"durations, counts of provinces, documents", "Sau 10 năm thực hiện phong trào, 3 tỉnh Thanh Hóa, Nghệ An, Hà Tĩnh ký kết 01 bản ghi nhớ về 7 nhóm nhiệm vụ.", nil},
	{"an average", "Bình quân mỗi năm toàn tỉnh xây dựng 400 mô hình.", nil},
	{"a rate per year", "Toàn tỉnh xây dựng 400 mô hình mỗi năm.", nil},
	{"a phone number", "Điện thoại: 0239.3855.126 - Fax: 0239.3855.127", nil},
	{"a central committee session and a ranking", "Nghị quyết Hội nghị Trung ương 7 khóa XI; Hà Tĩnh xếp thứ 3 cả nước.", nil},
	{"state budget is not the people's contribution",
		"Năm 2023, tổng kinh phí làm đường 15 tỷ đồng, trong đó ngân sách nhà nước 10 tỷ đồng, Nhân dân đóng góp 5 tỷ đồng.",
		[]want{w("funds_mobilized_vnd", 5e9, ex, "2023")}},
	{"gifts and people", "Năm 2023, trao 40 suất quà cho 40 hộ nghèo; 1.200 người tham dự.", nil},
	{"number words", "Năm 2023, huyện có hai mô hình và hàng nghìn điển hình.", nil},
	{"a future year in a dated report", "Năm 2024, toàn tỉnh có 2.000 mô hình.", nil},
	{"comparison year is not the figure's", "Toàn tỉnh có 1.100 mô hình, so với năm 2021 tăng 10%.",
		[]want{w("models_total", 1100, ex, "2023")}},
}

func TestRules(t *testing.T) {
	x := testExtractor(t)
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.text
			if !strings.Contains(text, "ngày") || !strings.Contains(text, "tháng") {
				text = "DATE: 2023-12-20\n\n" + text
			}
			figs, err := x.Extract("t.txt", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			checkFigures(t, figs, tc.want)
		})
	}
}

func checkFigures(t *testing.T, figs []Figure, wants []want) {
	t.Helper()
	used := make([]bool, len(figs))
	for _, wt := range wants {
		hit := -1
		for i, f := range figs {
			if !used[i] && f.Indicator == wt.ind && f.Value == wt.value {
				hit = i
				break
			}
		}
		if hit < 0 {
			t.Errorf("missing %s %v", wt.ind, wt.value)
			continue
		}
		used[hit] = true
		f := figs[hit]
		if f.Qualifier != wt.q || f.Period != wt.p {
			t.Errorf("%s %v: got %s %s, want %s %s", wt.ind, wt.value, f.Qualifier, f.Period, wt.q, wt.p)
		}
		if wt.prov != "" && (f.Province != wt.prov || f.District != wt.dist) {
			t.Errorf("%s %v: place %q/%q, want %q/%q", wt.ind, wt.value, f.Province, f.District, wt.prov, wt.dist)
		}
		if !strings.Contains(f.Sentence, f.Quote) || f.Quote == "" {
			t.Errorf("%s %v: quote %q not in sentence %q", wt.ind, wt.value, f.Quote, f.Sentence)
		}
	}
	for i, f := range figs {
		if !used[i] {
			t.Errorf("extra %s %v %s %s (%q)", f.Indicator, f.Value, f.Qualifier, f.Period, f.Quote)
		}
	}
}

func TestReportDateFromOptions(t *testing.T) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(ref, Options{ReportDate: time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC), Province: "Nghệ An", District: "Nam Đàn"})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := x.Extract("t.txt", []byte("Đến nay, toàn huyện có 50 mô hình dân vận khéo."))
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, figs, []want{w("models_total", 50, ex, "to-date@2021-06").at("Nghệ An", "Nam Đàn")})
}

func TestRows(t *testing.T) {
	x := testExtractor(t)
	text := "DATE: 2023-12-20\n\nNăm 2023, huyện Cẩm Xuyên đã vận động Nhân dân hiến 1,5 ha đất và tổ chức 28 cuộc đối thoại."
	rows, err := x.Rows("cx.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2: %+v", len(rows), rows)
	}
	r := rows[0]
	if r.Indicator != "land_donated_m2" || r.Value != "15000" || !r.Plain || r.Qualifier != "exact" || r.Period != "2023" ||
		r.Province != "Hà Tĩnh" || r.Unit != "huyện Cẩm Xuyên" || r.Ref != "câu 2" || r.Origin != pipeline.FromExtracted || !strings.Contains(r.Quote, "1,5 ha") {
		t.Errorf("row = %+v", r)
	}
	// The rows pass the pipeline's own validation.
	v := pipeline.NewValidator(x.ref, time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC))
	recs, errs := v.File("cx.txt", rows)
	if len(errs) != 0 || len(recs) != 2 {
		t.Errorf("validation: %d records, errors %v", len(recs), errs)
	}
}

func makeDocx(t testing.TB, paras ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paras {
		// split each paragraph over two runs, as Word does
		half := strings.Index(p, " ")
		if half < 0 {
			half = len(p)
		}
		fmt.Fprintf(f, `<w:p><w:r><w:t>%s</w:t></w:r><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, p[:half], p[half:])
	}
	fmt.Fprint(f, `</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDocx(t *testing.T) {
	x := testExtractor(t)
	data := makeDocx(t, "BAN DÂN VẬN TỈNH ỦY NGHỆ AN", "Nghệ An, ngày 20 tháng 12 năm 2023",
		"Năm 2023, toàn tỉnh đã tổ chức 1.210 cuộc tiếp xúc, đối thoại; công nhận 615 mô hình “Dân vận khéo”.")
	figs, err := x.Extract("bao-cao.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, figs, []want{w("dialogues", 1210, ex, "2023").at("Nghệ An", ""), w("models_recognized", 615, ex, "2023").at("Nghệ An", "")})
}

func TestDocxBounds(t *testing.T) {
	x := testExtractor(t)
	old := maxDocumentXML
	maxDocumentXML = 1 << 10
	defer func() { maxDocumentXML = old }()
	big := makeDocx(t, strings.Repeat("Năm 2023 có 5 mô hình. ", 200))
	_, err := x.Extract("big.docx", big)
	var fe *pipeline.FileError
	if !errors.As(err, &fe) || fe.Code != "unreadable_docx" {
		t.Errorf("oversized document.xml: err = %v", err)
	}
	_, err = x.Extract("broken.docx", []byte("PK\x03\x04 not really"))
	if !errors.As(err, &fe) {
		t.Errorf("broken zip: err = %v", err)
	}
}

func TestNotUTF8(t *testing.T) {
	x := testExtractor(t)
	_, err := x.Extract("old.txt", []byte("N\xe3m 2023 c\xf3 5 m\xf4 h\xecnh"))
	var fe *pipeline.FileError
	if !errors.As(err, &fe) || fe.Code != "not_utf8" {
		t.Errorf("err = %v", err)
	}
}

func TestDecomposedUnicode(t *testing.T) {
	x := testExtractor(t)
	nfd := "DATE: 2023-12-20\n\nNa\u0306m 2023, toa\u0300n ti\u0309nh Ha\u0300 Ti\u0303nh co\u0301 1.950 mô hi\u0300nh."
	figs, err := x.Extract("nfd.txt", []byte(nfd))
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, figs, []want{w("models_total", 1950, ex, "2023").at("Hà Tĩnh", "")})
}
