package pipeline

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

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

// CellText is a value as the text of a cell of a table danvan writes (the
// CSV and XLSX downloads, query results): nothing for null, numbers in full
// and never in exponent form, a midnight time as its date (YYYY-MM-DD),
// other times in RFC 3339 UTC, bytes in hex. Text is returned as it is: a
// CSV writer passes it through SpreadsheetText. Lists and structs are left
// to the caller, which knows how it writes them.
func CellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return fmt.Sprintf("%x", x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.UTC().Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}
