package pipeline

import "testing"

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
