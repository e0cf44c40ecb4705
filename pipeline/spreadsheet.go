package pipeline

import "regexp"

// plainNumber is a decimal number as a spreadsheet reads it: sign, digits,
// point, exponent, nothing else.
var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// SpreadsheetText returns a text cell of a CSV file so that a spreadsheet
// opening the file shows it as text instead of running it as a formula
// (CSV injection): text starting with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, the mark Excel and LibreOffice use for
// "this is text". Text that is a plain number ("-5", "+1.5e3") is left
// alone: a spreadsheet reads it as that number, and no formula fits in it.
//
// Every CSV danvan writes passes its text cells (and its header) through
// this one rule; numeric cells are written as numbers and never changed, so
// a negative value stays -5.
func SpreadsheetText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if plainNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}
