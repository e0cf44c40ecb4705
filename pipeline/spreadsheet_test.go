package pipeline

import (
	"testing"
	"time"
)

func TestSpreadsheetText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"=1+1", "'=1+1"},
		{"+84 912 345 678", "'+84 912 345 678"},
		{"-2+3", "'-2+3"},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-Inf", "'-Inf"},
		{"-", "'-"},
		{"-5", "-5"},
		{"+1.5e3", "+1.5e3"},
		{"-0.25", "-0.25"},
		{"-.5", "-.5"},
		{"", ""},
		{"Hà Tĩnh", "Hà Tĩnh"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"'=already", "'=already"},
	} {
		if got := SpreadsheetText(c.in); got != c.want {
			t.Errorf("SpreadsheetText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCellText(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, ""},
		{"=1+1", "=1+1"}, // text as it is: SpreadsheetText is the CSV writer's
		{1234567.5, "1234567.5"},
		{1e21, "1000000000000000000000"},
		{0.1, "0.1"},
		{float32(0.1), "0.1"},
		{[]byte{0xde, 0xad}, "dead"},
		{time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), "2025-06-30"},
		{time.Date(2025, 6, 30, 8, 30, 0, 500, time.FixedZone("ICT", 7*3600)), "2025-06-30T01:30:00.0000005Z"},
		{int64(-42), "-42"},
		{true, "true"},
	} {
		if got := CellText(c.in); got != c.want {
			t.Errorf("CellText(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}
