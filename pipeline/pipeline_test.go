package pipeline

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestKeyAndFold(t *testing.T) {
	same := [][2]string{
		{"Thanh Hóa", "Thanh Hoá"}, {"Thủy", "Thuỷ"}, {"Hòa Hiếu", "Hoà Hiếu"},
		{"Thanh Hóa", "THANH  HÓA"}, {"Thanh Hóa", "Thanh Ho\u0301a"}, // NFD
	}
	for _, c := range same {
		if Key(c[0]) != Key(c[1]) {
			t.Errorf("Key(%q)=%q != Key(%q)=%q", c[0], Key(c[0]), c[1], Key(c[1]))
		}
	}
	if Key("Văn Sơn") == Key("Vân Sơn") {
		t.Errorf("Key must tell Văn Sơn from Vân Sơn")
	}
	if got := Fold("Hà Tĩnh"); got != "ha tinh" {
		t.Errorf("Fold = %q", got)
	}
	if got := Fold("Đông-Sơn"); got != "dong son" {
		t.Errorf("Fold = %q", got)
	}
}

func TestParseNumber(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		q    Qualifier
		unit string
	}{
		{"15.560", 15560, Exact, ""},
		{"2,5", 2.5, Exact, ""},
		{"1.234,5", 1234.5, Exact, ""},
		{"1234.5", 1234.5, Exact, ""},
		{"04", 4, Exact, ""},
		{"04 cá nhân", 4, Exact, "ca nhan"},
		{"gần 2.000", 2000, Approx, ""},
		{"trên 15.560", 15560, AtLeast, ""},
		{"hơn 150", 150, AtLeast, ""},
		{"khoảng 40", 40, Approx, ""},
		// The list's words written after a figure (qualifiers.tsv, side
		// "after"): "12 trở lên" was refused, its unit "trở lên".
		{"12 trở lên", 12, AtLeast, ""},
		{"12 mô hình trở lên", 12, AtLeast, "mo hinh"},
		// An estimate noted after the figure, in brackets, as templates
		// ask for a period not yet closed (qualifiers.tsv, where "cell"):
		// each was refused, its unit "ước".
		{"12 (ước)", 12, Approx, ""},
		{"12 (ước tính)", 12, Approx, ""},
		{"350 (tạm tính)", 350, Approx, ""},
		{"1.200 người (ước)", 1200, Approx, "nguoi"},
		// Signs typed for the words in a cell (qualifiers.tsv, where
		// "cell"): each before the figure was refused as no number, and
		// "12+" was read as exactly 12, its sign dropped.
		{"~12", 12, Approx, ""},
		{"≈ 1.200", 1200, Approx, ""},
		{"> 50", 50, AtLeast, ""},
		{"≥50", 50, AtLeast, ""},
		{"< 5", 5, AtMost, ""},
		{"≤5 ha", 5, AtMost, "ha"},
		{"12+", 12, AtLeast, ""},
		{"12 mô hình+", 12, AtLeast, "mo hinh"},
		{"1,2 tỷ đồng", 1.2e9, Exact, "đồng"},
		{"4,3 tỷ", 4.3e9, Exact, ""},
		{"1 tỷ 250 triệu đồng", 1.25e9, Exact, "đồng"},
		{"3 ngàn tỷ đồng", 3e12, Exact, "đồng"},
		{"1,2 nghìn tỷ", 1.2e12, Exact, ""},
		{"12 ha", 12, Exact, "ha"},
		{"1,234,567", 1234567, Exact, ""},
		// Decimals are read exactly, as strconv reads them: summed digit by
		// digit this one came out one ulp below.
		{"0,5168804691962643", 0.5168804691962643, Exact, ""},
		{"14.675.622,151637424", 14675622.151637424, Exact, ""},
		// Thousands grouped by a space, as French-style locales, web
		// pages and Word write them: a plain, no-break, narrow no-break
		// or thin space, each group after the first of three digits.
		{"1 234", 1234, Exact, ""},
		{"1\u00a0234\u00a0567", 1234567, Exact, ""},
		{"12\u202f500", 12500, Exact, ""},
		{"3\u2009000 m2", 3000, Exact, "m²"},
		{"1 234,5", 1234.5, Exact, ""},
		{"gần 1 200", 1200, Approx, ""},
		{"-1 500", -1500, Exact, ""},
	}
	for _, c := range cases {
		n, err := ParseNumber(c.in)
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", c.in, err)
			continue
		}
		if n.Value != c.want || n.Qualifier != c.q || n.Unit != c.unit {
			t.Errorf("ParseNumber(%q) = %+v, want %v %v %q", c.in, n, c.want, c.q, c.unit)
		}
	}
	for _, bad := range []string{"", "abc", "NaN", "1.23.4", "2 3", "Inf", "--5", "1 23", "1234 567", "1 2345", "12  345", "1 234 5"} {
		if n, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q) = %+v, want error", bad, n)
		}
	}
	// Scientific and hexadecimal notation are refused as such, not read
	// as a number followed by the unit "e309".
	for in, want := range map[string]error{"1e309": ErrScientific, "1,23E+11": ErrScientific, "2.5e-3": ErrScientific,
		"gần 1E6": ErrScientific, "0x10": ErrHex, "0XfF đồng": ErrHex} {
		if n, err := ParseNumber(in); !errors.Is(err, want) || !errors.Is(err, ErrNotNumber) {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %v", in, n, err, want)
		}
	}
	for _, ok := range []string{"3 e", "2 ea", "0 xã", "10 x 2"} {
		if _, err := ParseNumber(ok); errors.Is(err, ErrScientific) || errors.Is(err, ErrHex) {
			t.Errorf("ParseNumber(%q): %v", ok, err)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	cases := map[string]string{
		"2023": "2023", "năm 2023": "2023", "Năm 2023": "2023", "NĂM 2023": "2023",
		"6 tháng đầu năm 2023": "2023-H1", "6 tháng cuối năm 2023": "2023-H2", "sơ kết 6 tháng 2023": "2023-H1",
		"2023-H1": "2023-H1", "2023-h2": "2023-H2",
		"Quý III/2023": "2023-Q3", "quý 3 năm 2023": "2023-Q3", "Q3/2023": "2023-Q3", "2023-Q3": "2023-Q3",
		"tháng 7/2023": "2023-07", "tháng 07 năm 2023": "2023-07", "07/2023": "2023-07", "2023-07": "2023-07",
		"giai đoạn 2016-2020": "2016..2020", "2016 – 2020": "2016..2020", "2016..2020": "2016..2020",
		"to-date@2020-10": "to-date@2020-10",
		// Two-digit years, in 20yy as dates are, where the words say a
		// period: a quarter, a half-year, a month after "tháng", a
		// year after "năm".
		"Quý III/23": "2023-Q3", "Q3/23": "2023-Q3", "quý 3 năm 23": "2023-Q3", "QUÝ IV/24": "2024-Q4",
		"6 tháng đầu năm 23": "2023-H1", "6 tháng cuối năm 24": "2024-H2", "sơ kết 6 tháng năm 25": "2025-H1",
		"tháng 7/24": "2024-07", "Tháng 07 năm 24": "2024-07", "năm 23": "2023", "Năm 23": "2023",
		// A span of days that is exactly a period, as a form's key line
		// writes it: the period.
		"Từ 01/01/2023 đến 31/12/2023": "2023", "Từ ngày 01/01/2024 đến ngày 30/6/2024": "2024-H1", "01/07/2024 - 30/09/2024": "2024-Q3",
		"từ 1/7/2024 đến 31/12/2024": "2024-H2", "Từ ngày 01/02/2024 đến ngày 29/02/2024": "2024-02",
	}
	for in, want := range cases {
		p, err := ParsePeriod(in)
		if err != nil || p.Code != want {
			t.Errorf("ParsePeriod(%q) = %q, %v; want %q", in, p.Code, err, want)
		}
	}
	// A total as of a month before the study window (2010) starts with
	// that month, never after its end.
	if p, err := ParsePeriod("to-date@1990-01"); err != nil || p.Start != date(1990, 1, 1) || p.End != date(1990, 1, 31) {
		t.Errorf("ParsePeriod(to-date@1990-01) = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "27/12/2022", "quý 5/2023", "tháng 13/2023", "2020-2016", "hôm qua", "năm 1800", "to-date@1800-01", "to-date@2101-01",
		// Two digits alone, or after a number only, say no period: a
		// count, a date (7/24, 07/24), "6 tháng 23".
		"23", "7/24", "07/24", "6 tháng 23", "giai đoạn 16-20", "quý 5/23", "tháng 13/24",
		// A span that is no period (the Party's year from 15/12, a part
		// of a month), or no days.
		"Từ 15/12/2022 đến 14/12/2023", "từ 01/01/2024 đến 15/01/2024", "từ 31/02/2024 đến 31/03/2024", "01/01/2023 - 31/12/2022"} {
		if p, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) = %q, want error", bad, p.Code)
		}
	}
	h := HalfPeriod(2024, 2)
	if h.Start != date(2024, 7, 1) || h.End != date(2024, 12, 31) || h.Year() != 2024 {
		t.Errorf("HalfPeriod(2024,2) = %+v", h)
	}
}

func newTestValidator(t *testing.T) *Validator {
	t.Helper()
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	return NewValidator(ref, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
}

func TestResolveUnits(t *testing.T) {
	v := newTestValidator(t)
	cases := []struct {
		province, unit, period string
		code, problem          string
	}{
		{"Hà Tĩnh", "Cẩm Xuyên", "2023", "446", ""},
		{"Ha Tinh", "H. Cẩm Xuyên", "Năm 2023", "446", ""},
		{"Thanh Hoá", "TP. Sầm Sơn", "6 tháng đầu năm 2024", "382", ""},
		{"38", "Tĩnh Gia", "2019", "407", ""},
		{"38", "TX Nghi Sơn", "2021", "407", ""},
		{"Hà Tĩnh", "Kỳ Anh", "2023", "", "ambiguous_unit"},
		{"Hà Tĩnh", "TX Kỳ Anh", "2023", "449", ""},
		{"Hà Tĩnh", "huyện Kỳ Anh", "2023", "447", ""},
		{"Hà Tĩnh", "Nghi Xuân", "2023", "442", ""},
		{"Nghệ An", "Nghi Xuân", "2023", "", "commune_before_reform"},
		{"Nghệ An", "Cửa Lò", "2024-H1", "413", ""},
		{"Nghệ An", "Cửa Lò", "2024", "", "unit_not_valid_on_period"},
		{"Nghệ An", "Cẩm Xuyen", "2023", "", "unit_in_other_province"},
		{"Hà Tĩnh", "Cẩm Xuân", "2023", "", "unknown_unit"},
		{"Nghệ An", "Thái Hoà", "2023", "414", ""},
		{"Hà Tĩnh", "", "2023", "42", ""},
		{"Hà Tĩnh", "Hà Tĩnh", "2023", "436", ""},
		{"Hà Tĩnh", "H. Cẩm Xuyên", "2025-H2", "", "unit_not_valid_on_period"},
		{"Hà Tĩnh", "xã Cẩm Xuyên", "2025-H2", "18673", ""},
		// A commune's type word never names the district of the same
		// name: the town of Cẩm Xuyên is not the district (its figures
		// are part of the district's, not all of them). Before 2025-07-01
		// it is the old commune, reported through its district, even
		// where a new commune took the name later.
		{"Hà Tĩnh", "Thị trấn Cẩm Xuyên", "2023", "", "commune_before_reform"},
		{"Hà Tĩnh", "TT Cẩm Xuyên", "2023", "", "commune_before_reform"},
		{"Nghệ An", "thị trấn Nam Đàn", "2023", "", "commune_before_reform"},
		{"Thanh Hóa", "Thị trấn Lang Chánh", "2023", "", "commune_before_reform"},
		{"Thanh Hóa", "Lang Chánh", "2023", "388", ""},
		{"Nghệ An", "Xã Nam Đàn", "2023", "", "commune_before_reform"},
		{"Nghệ An", "Xã Nam Đàn", "2025", "", "unit_not_valid_on_period"},
		{"Thanh Hoá", "TX Sầm Sơn", "2024", "382", ""},
		{"Thanh Hóa", "Hạc Thành", "2025-H2", "14797", ""},
		{"Thanh Hóa", "phường Hạc Thành", "2026-H1", "14797", ""},
		{"Thanh Hóa", "Hạc Thành", "2024", "", "unit_not_valid_on_period"},
		{"Quảng Nam", "", "2023", "", "unknown_province"},
		{"Hà Tĩnh", "Cẩm Xuyên", "2027", "", "future_period"},
	}
	for _, c := range cases {
		rec, err := v.Row("t.csv", RawRow{Ref: "dòng 2", Province: c.province, Unit: c.unit, Period: c.period, Indicator: "dialogues", Value: "1"})
		switch {
		case c.problem != "" && (err == nil || err.Code != c.problem):
			t.Errorf("%s/%s/%s: got %v, want problem %s", c.province, c.unit, c.period, err, c.problem)
		case c.problem == "" && err != nil:
			t.Errorf("%s/%s/%s: %v", c.province, c.unit, c.period, err)
		case c.problem == "" && rec.Unit.Code != c.code:
			t.Errorf("%s/%s/%s: unit %s, want %s", c.province, c.unit, c.period, rec.Unit.Code, c.code)
		}
	}
}

func TestValidatorFileRules(t *testing.T) {
	v := newTestValidator(t)
	row := func(ref, ind, dis, val string) RawRow {
		return RawRow{Ref: ref, Province: "Hà Tĩnh", Unit: "Cẩm Xuyên", Period: "2023", Indicator: ind, Disaggregation: dis, Value: val}
	}
	rows := []RawRow{
		row("dòng 2", "models_registered", "", "45"),
		row("dòng 3", "Số mô hình được công nhận", "", "46"), // > registered
		row("dòng 4", "dialogues", "", "12"),
		row("dòng 5", "dialogues", "", "12"), // identical duplicate
		row("dòng 6", "contests", "", "3"),
		row("dòng 7", "contests", "", "4"), // conflicting
		row("dòng 8", "models_registered", "kinh tế", "2,5"),
		row("dòng 9", "dialogues", "kinh tế", "1"),
		row("dòng 10", "land_donated_m2", "", "1,5 ha"),
	}
	recs, errs, _ := v.File("t.csv", rows)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Ref] = e.Code
	}
	want := map[string]string{"dòng 3": "rule_violated", "dòng 5": "duplicate", "dòng 6": "conflicting_duplicate",
		"dòng 7": "conflicting_duplicate", "dòng 8": "not_whole_number", "dòng 9": "disaggregation_not_allowed"}
	for ref, code := range want {
		if got[ref] != code {
			t.Errorf("%s: got %q, want %q", ref, got[ref], code)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	if len(recs) != 3 || recs[2].Value != 15000 {
		t.Errorf("records = %+v", recs)
	}
}

// TestUnitAnswers checks what a name that is no unit of its province is
// told: where it belongs instead, what it is, or the units it is close to,
// and nothing at random.
func TestUnitAnswers(t *testing.T) {
	v := newTestValidator(t)
	cases := []struct {
		province, unit, period, code string
		want, wantEN                 []string // fragments of the reasons
		not                          []string // fragments the Vietnamese reason must not have
	}{
		{"Hà Tĩnh", "Nam Đàn", "2023", "unit_in_other_province",
			[]string{"Nam Đàn thuộc tỉnh Nghệ An, không thuộc Hà Tĩnh", "huyện Nam Đàn (mã 430"},
			[]string{"Nam Đàn is in Nghệ An province, not in Hà Tĩnh", "Nam Đàn (district, code 430"}, []string{"Có phải"}},
		{"Hà Tĩnh", "H. Nam Đàn", "2023", "unit_in_other_province", []string{"Nam Đàn thuộc tỉnh Nghệ An"}, nil, nil},
		{"Thanh Hóa", "Nghệ An", "2023", "unit_in_other_province", []string{"\"Nghệ An\" là tỉnh Nghệ An"}, []string{"is the province of Nghệ An"}, nil},
		{"Hà Tĩnh", "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", "2023", "not_administrative_unit",
			[]string{"không phải đơn vị hành chính", "báo cáo theo đơn vị hành chính"},
			[]string{"is not an administrative unit", "reported by administrative unit"}, []string{"Có phải", "Ghi"}},
		{"Nghệ An", "Huyện ủy Nam Đàn", "2023", "not_administrative_unit", []string{"Nếu đây là số liệu của huyện Nam Đàn, ghi \"Nam Đàn\""},
			[]string{"If these are the figures of Nam Đàn (district), write \"Nam Đàn\""}, nil},
		{"Hà Tĩnh", "Khối huyện", "2023", "not_administrative_unit", []string{"không phải đơn vị hành chính"}, nil, nil},
		{"Hà Tĩnh", "Hội Nông dân tỉnh", "2023", "not_administrative_unit", []string{"không phải đơn vị hành chính"}, nil, nil},
		{"Hà Tĩnh", "Cẩm Xuân", "2023", "unknown_unit", []string{"Có phải: Cẩm Xuyên?"}, []string{"Did you mean: Cẩm Xuyên?"}, nil},
		{"Hà Tĩnh", "Người lập biểu", "2023", "unknown_unit", []string{"Không tìm thấy đơn vị \"Người lập biểu\" (theo tên)"},
			[]string{"(by name)"}, []string{"Có phải", "Gần nhất"}},
		{"Hà Tĩnh", "(2)", "2023", "unknown_unit", nil, nil, []string{"Có phải", "Gần nhất"}},
		{"Nghệ An", "Nghi Xuân", "2023", "commune_before_reform", []string{"xã Nghi Xuân thuộc", "không báo cáo riêng"}, nil, nil},
		{"Hà Tĩnh", "Thị trấn Cẩm Xuyên", "2023", "commune_before_reform",
			[]string{"thị trấn Cẩm Xuyên thuộc huyện Cẩm Xuyên", "Ghi \"Cẩm Xuyên\" vào ô đơn vị"},
			[]string{"Cẩm Xuyên (township) is in Cẩm Xuyên (district)"}, []string{"mã 18673", "01/07/2025 – nay"}},
		// A subtotal's words are TotalRow's, one rule: "Tổng khối huyện" is
		// a subtotal (it was an unknown unit here, a subtotal in forms);
		// "Tổng công ty …" a body (it was a subtotal in forms).
		{"Hà Tĩnh", "Tổng khối huyện", "2023", "total_row", []string{"\"Tổng khối huyện\" là dòng tổng, không phải đơn vị"},
			[]string{"is a total row, not a unit"}, nil},
		{"Hà Tĩnh", "Tổng công ty Sông Đà", "2023", "not_administrative_unit", []string{"không phải đơn vị hành chính"}, nil, []string{"dòng tổng"}},
		// A total in the province cell of a row that names its period and
		// indicator: a total row, not an unknown province.
		{"Tổng cộng", "", "2023", "total_row", []string{"\"Tổng cộng\" là dòng tổng, không phải tỉnh"},
			[]string{"\"Tổng cộng\" is a total row, not a province"}, []string{"Không nhận ra tỉnh"}},
		{"Cộng", "Thạch Hà", "2023", "total_row", []string{"\"Cộng\" là dòng tổng, không phải tỉnh"}, nil, nil},
		{"Hà Tĩnh", "Thạch Trung", "2025-H2", "commune_merged", []string{"Từ 01/07/2025 phường Thạch Trung (cũ) đã nhập vào"}, []string{"became part of"}, nil},
	}
	for _, c := range cases {
		_, err := v.Row("t.csv", RawRow{Ref: "dòng 2", Province: c.province, Unit: c.unit, Period: c.period, Indicator: "dialogues", Value: "1"})
		if err == nil || err.Code != c.code {
			t.Errorf("%s/%s/%s: got %v, want %s", c.province, c.unit, c.period, err, c.code)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Reason, w) {
				t.Errorf("%s/%s: reason %q lacks %q", c.province, c.unit, err.Reason, w)
			}
		}
		for _, w := range c.wantEN {
			if !strings.Contains(err.ReasonEN, w) {
				t.Errorf("%s/%s: English reason %q lacks %q", c.province, c.unit, err.ReasonEN, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(err.Reason, w) {
				t.Errorf("%s/%s: reason %q has %q", c.province, c.unit, err.Reason, w)
			}
		}
	}
}

// TestProvincesMadeOnce: Provinces gives the reference's three provinces in
// code order, the same slice each time (made when the reference is loaded,
// not by going through every unit per call), and a caller's append does
// not write into it.
func TestProvincesMadeOnce(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range ref.Units {
		if u.Level == LevelProvince {
			want = append(want, u.Code)
		}
	}
	ps := ref.Provinces()
	var got []string
	for _, p := range ps {
		got = append(got, p.Code)
	}
	if strings.Join(got, ",") != "38,40,42" || strings.Join(want, ",") != "38,40,42" {
		t.Fatalf("provinces %v (units of the province level %v), want 38, 40, 42", got, want)
	}
	if again := ref.Provinces(); &again[0] != &ps[0] {
		t.Errorf("Provinces made a new slice on the second call")
	}
	_ = append(ps, ref.Units[0])
	if n := len(ref.Provinces()); n != 3 || cap(ref.Provinces()) != 3 {
		t.Errorf("after a caller's append: %d provinces, room for %d", n, cap(ref.Provinces()))
	}
}

// TestValidatorFileRecordsAsRow: File writes each record in place; a row
// refused between accepted ones leaves nothing of itself behind, and every
// record is what Row makes of its row alone.
func TestValidatorFileRecordsAsRow(t *testing.T) {
	v := newTestValidator(t)
	row := func(ref, unit, ind, val string) RawRow {
		return RawRow{Ref: ref, Province: "Hà Tĩnh", Unit: unit, Period: "2023", Indicator: ind, Value: val, Note: "ghi chú " + ref}
	}
	rows := []RawRow{
		row("dòng 2", "Cẩm Xuyên", "dialogues", "12"),
		row("dòng 3", "Nơi Không Có", "dialogues", "4"), // unknown unit
		row("dòng 4", "Can Lộc", "contests", "3"),
		row("dòng 5", "Cẩm Xuyên", "không có chỉ tiêu này", "4"),                                  // unknown indicator
		{Ref: "dòng 6", Total: true, Province: "Hà Tĩnh", Period: "2023", Indicator: "dialogues"}, // a total, not a record
		row("dòng 7", "Hương Khê", "models_registered", "45"),
	}
	recs, errs, _ := v.File("t.csv", rows)
	var want []Record
	for _, raw := range rows {
		if raw.Total {
			continue
		}
		if rec, err := v.Row("t.csv", raw); err == nil {
			want = append(want, rec)
		}
	}
	if len(want) != 3 || len(errs) != 2 {
		t.Fatalf("%d rows accepted by Row and %d errors from File, want 3 and 2: %v", len(want), len(errs), errs)
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("File's records\n%+v\nwant Row's\n%+v", recs, want)
	}
}

// Two submissions of one unit and period in one file (a form tool's export
// of a unit's first and corrected report): when the dates they state tell
// which is later, the later one's value counts and the earlier is passed
// over with a notice, as if they had come as two files in that order;
// when they do not (one date, or a date missing), both are refused.
func TestLaterSubmissionWinsInFile(t *testing.T) {
	v := newTestValidator(t)
	row := func(ref, unit, ind, val, sent string) RawRow {
		return RawRow{Ref: ref, Province: "Hà Tĩnh", Unit: unit, Period: "2023", Indicator: ind, Value: val, SubmittedAt: sent}
	}
	rows := []RawRow{
		// The corrected report first, as exports newest first do.
		row("[0].values[0]", "Cẩm Xuyên", "dialogues", "15", "20/01/2024"),
		row("[0].values[1]", "Cẩm Xuyên", "models_recognized", "40", "20/01/2024"),
		row("[0].values[2]", "Cẩm Xuyên", "models_registered", "45", "20/01/2024"),
		row("[1].values[0]", "Cẩm Xuyên", "dialogues", "12", "10/01/2024"),
		row("[1].values[1]", "Cẩm Xuyên", "models_recognized", "46", "10/01/2024"), // above registered: corrected
		row("[1].values[2]", "Cẩm Xuyên", "models_registered", "45", "10/01/2024"), // sent again unchanged
		row("[1].values[3]", "Cẩm Xuyên", "contests", "3", "10/01/2024"),           // not in the correction: stands
		// One date: which is later cannot be told.
		row("[2].values[0]", "Can Lộc", "dialogues", "7", "10/01/2024"),
		row("[3].values[0]", "Can Lộc", "dialogues", "8", "10/01/2024"),
		// A date missing: neither.
		row("[4].values[0]", "Thạch Hà", "dialogues", "5", ""),
		row("[5].values[0]", "Thạch Hà", "dialogues", "6", "12/01/2024"),
	}
	recs, errs, warns := v.File("t.json", rows)
	got := map[string]float64{}
	for _, r := range recs {
		got[r.Ref] = r.Value
	}
	want := map[string]float64{"[0].values[0]": 15, "[0].values[1]": 40, "[0].values[2]": 45, "[1].values[3]": 3}
	if !maps.Equal(got, want) {
		t.Errorf("records %v, want %v", got, want)
	}
	refused := map[string]string{}
	for _, e := range errs {
		refused[e.Ref] = e.Code
	}
	wantRefused := map[string]string{"[2].values[0]": "conflicting_duplicate", "[3].values[0]": "conflicting_duplicate",
		"[4].values[0]": "conflicting_duplicate", "[5].values[0]": "conflicting_duplicate"}
	if !maps.Equal(refused, wantRefused) {
		t.Errorf("refused %v, want %v", refused, wantRefused)
	}
	var passed []string
	for _, w := range warns {
		if w.Code != "replaced_in_file" {
			t.Errorf("notice %+v", w)
			continue
		}
		passed = append(passed, w.Ref)
		if !strings.Contains(w.Reason, "lần gửi sau, ngày 20/01/2024") || !strings.Contains(w.Reason, "ngày 10/01/2024") ||
			!strings.Contains(w.ReasonEN, "20/01/2024") || w.UnitCode == "" || w.File != "t.json" {
			t.Errorf("notice %+v", w)
		}
	}
	if want := []string{"[1].values[0]", "[1].values[1]", "[1].values[2]"}; !slices.Equal(passed, want) {
		t.Errorf("passed over %v, want %v", passed, want)
	}
}
