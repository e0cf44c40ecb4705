package pipeline

import (
	"errors"
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
		{"1,2 tỷ đồng", 1.2e9, Exact, "đồng"},
		{"4,3 tỷ", 4.3e9, Exact, ""},
		{"1 tỷ 250 triệu đồng", 1.25e9, Exact, "đồng"},
		{"12 ha", 12, Exact, "ha"},
		{"1,234,567", 1234567, Exact, ""},
		// Decimals are read exactly, as strconv reads them: summed digit by
		// digit this one came out one ulp below.
		{"0,5168804691962643", 0.5168804691962643, Exact, ""},
		{"14.675.622,151637424", 14675622.151637424, Exact, ""},
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
	for _, bad := range []string{"", "abc", "NaN", "1.23.4", "2 3", "Inf", "--5"} {
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
	for _, bad := range []string{"", "27/12/2022", "quý 5/2023", "tháng 13/2023", "2020-2016", "hôm qua", "năm 1800", "to-date@1800-01", "to-date@2101-01"} {
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
		{"Nghệ An", "Nghi Xuân", "2023", "", "unknown_unit"},
		{"Nghệ An", "Cửa Lò", "2024-H1", "413", ""},
		{"Nghệ An", "Cửa Lò", "2024", "", "unit_not_valid_on_period"},
		{"Nghệ An", "Cẩm Xuyen", "2023", "", "unknown_unit"},
		{"Nghệ An", "Thái Hoà", "2023", "414", ""},
		{"Hà Tĩnh", "", "2023", "42", ""},
		{"Hà Tĩnh", "Hà Tĩnh", "2023", "436", ""},
		{"Hà Tĩnh", "H. Cẩm Xuyên", "2025-H2", "", "unit_not_valid_on_period"},
		{"Hà Tĩnh", "xã Cẩm Xuyên", "2025-H2", "18673", ""},
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
	recs, errs := v.File("t.csv", rows)
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
