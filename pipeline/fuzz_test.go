package pipeline

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vietnamese writes v as reports do, exactly: "." between thousands, ","
// before the decimals, as many decimals as v needs (strconv's shortest form).
func vietnamese(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// FuzzParseNumber: any text is read or refused, never a panic. A number
// read is finite with a known qualifier; the fast paths answer as the
// general one; and the number written back the Vietnamese way, or the
// plain way when it is whole, reads as itself.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"15.560", "2,5", "1.234,5", "1234.5", "04 cá nhân", "gần 2.000", "trên 15.560",
		"1,2 tỷ đồng", "1 tỷ 250 triệu đồng", "3 ngàn tỷ đồng", "1 nghìn tỷ 200 tỷ", "12 ha", "1,234,567", "1e309", "0x10", "1,23E+11", "-3", "NaN", "Inf",
		"999999999999999999999", "0,000001", "1.000.000,123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			if !errors.Is(err, ErrNotNumber) {
				t.Fatalf("ParseNumber(%q): %v does not wrap ErrNotNumber", s, err)
			}
			return
		}
		if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
			t.Fatalf("ParseNumber(%q) = %v", s, n.Value)
		}
		switch n.Qualifier {
		case Exact, Approx, AtLeast, AtMost:
		default:
			t.Fatalf("ParseNumber(%q): qualifier %q", s, n.Qualifier)
		}
		if slow, serr := parseNumber(s); serr != nil || slow != n {
			t.Fatalf("ParseNumber(%q) = %+v; general path %+v, %v", s, n, slow, serr)
		}
		if math.Abs(n.Value) > 1e15 {
			return // refused as not sensible by the validator; digits past 2^53 are not kept
		}
		w := vietnamese(n.Value)
		if back, err := ParseNumber(w); err != nil || back.Value != n.Value || back.Unit != "" || back.Qualifier != Exact {
			t.Fatalf("ParseNumber(%q) = %v, written %q, reads back as %+v, %v", s, n.Value, w, back, err)
		}
		if n.Value == math.Trunc(n.Value) {
			p := strconv.FormatFloat(n.Value, 'f', -1, 64)
			if back, err := ParseNumber(p); err != nil || back.Value != n.Value {
				t.Fatalf("ParseNumber(%q) = %v, written %q, reads back as %+v, %v", s, n.Value, p, back, err)
			}
		}
	})
}

// FuzzParsePeriod: any text is read or refused, never a panic. A period
// read starts no later than it ends, within the years reports can be about,
// its type matches its code, and its code reads back as the same period.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2023", "năm 2023", "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", "sơ kết 6 tháng 2023",
		"2023-H1", "Quý III/2023", "quý 3 năm 2023", "Q3/2023", "tháng 7/2023", "07/2023", "2023-07", "giai đoạn 2016-2020",
		"2016 – 2020", "2016..2020", "to-date@2020-10", "to-date@1990-01", "quý 5/2023", "năm 1800", "27/12/2022"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if !errors.Is(err, ErrBadPeriod) {
				t.Fatalf("ParsePeriod(%q): %v does not wrap ErrBadPeriod", s, err)
			}
			return
		}
		if p.Start.After(p.End) || p.Start.Year() < 1945 || p.End.Year() > 2100 || p.Year() != p.End.Year() {
			t.Fatalf("ParsePeriod(%q) = %+v", s, p)
		}
		var want Period
		switch p.Type {
		case Year:
			want = YearPeriod(p.End.Year())
		case Half:
			want = HalfPeriod(p.End.Year(), int(p.End.Month())/6)
		case Quarter:
			want = QuarterPeriod(p.End.Year(), int(p.End.Month())/3)
		case Month:
			want = MonthPeriod(p.End.Year(), p.End.Month())
		case Range:
			want = RangePeriod(p.Start.Year(), p.End.Year())
		case ToDate:
			want = ToDatePeriod(p.End.Year(), p.End.Month())
		}
		if p != want {
			t.Fatalf("ParsePeriod(%q) = %+v, but its type and end make %+v", s, p, want)
		}
		if back, err := ParsePeriod(p.Code); err != nil || back != p {
			t.Fatalf("ParsePeriod(%q) = %+v; its code reads back as %+v, %v", s, p, back, err)
		}
	})
}

// FuzzParseDate: any text is read or refused, never a panic. A day read is
// a midnight in UTC, and written as reports write days (2022-12-27,
// 27/12/2022) it reads back as itself. The fast paths for YYYY-MM-DD and
// D/M/YYYY answer as time.Parse does.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"27/12/2022", "2022-12-27", "27-12-2022", "2/1/2006", "27.12.2022", "2022-12-27T23:30:00+07:00",
		"2022-12-27T20:00:00Z", "2022-12-27 08:00", "32/13/2023", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fast, ok := isoDate(s); ok {
			if want, err := time.Parse("2006-01-02", s); err != nil || !fast.Equal(want) || fast.Location() != time.UTC {
				t.Fatalf("isoDate(%q) = %v; time.Parse says %v, %v", s, fast, want, err)
			}
		}
		fast, ok := dmyDate(s)
		if want, err := time.Parse("2/1/2006", s); ok != (err == nil) || ok && (!fast.Equal(want) || fast.Location() != time.UTC) {
			t.Fatalf("dmyDate(%q) = %v, %v; time.Parse says %v, %v", s, fast, ok, want, err)
		}
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		if d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) {
			t.Fatalf("ParseDate(%q) = %v, not a day", s, d)
		}
		for _, layout := range []string{"2006-01-02", "02/01/2006"} {
			w := d.Format(layout)
			if back, ok := ParseDate(w); !ok || !back.Equal(d) {
				t.Fatalf("ParseDate(%q) = %v, written %q, reads back as %v, %v", s, d, w, back, ok)
			}
		}
	})
}

// sscanFloat is plainFloat as it was, by fmt.Sscan alone: its oracle.
func sscanFloat(s string) (float64, bool) {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789.-+eE", c) {
			return 0, false
		}
	}
	return f, true
}

func FuzzPlainFloat(f *testing.F) {
	for _, s := range []string{"1234.5", "-3", "1e6", "1.5.3", "1-2", "+-1", "e5", "1e", ".5", "1.", "+.5e+2",
		"1e400", "-0", "0x10", "1_000", " 1", "1 ", "", "-", "NaN", "Inf", "12abc", "00012", "1e-400", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := plainFloat(s)
		want, wok := sscanFloat(s)
		if gok != wok || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("plainFloat(%q) = %v, %v; by fmt.Sscan %v, %v", s, got, gok, want, wok)
		}
	})
}

// TestPlainFloatAllocatesNothing: every value of a workbook goes through
// plainFloat (twice: its check and the file's totals).
func TestPlainFloatAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { plainFloat("1234.5") }); n != 0 {
		t.Errorf("plainFloat allocates %.0f times a value", n)
	}
}
