package pipeline

import (
	"fmt"
	"math"
	"strings"
)

// fmtValue writes a number the Vietnamese way: 1.234,5.
func fmtValue(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	whole := math.Trunc(f)
	frac := strings.TrimRight(strings.TrimPrefix(fmt.Sprintf("%.6f", f-whole), "0"), "0")
	frac = strings.TrimSuffix(frac, ".")
	digits := fmt.Sprintf("%.0f", whole)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + strings.TrimPrefix(frac, "."))
	}
	return b.String()
}

// fmtValueEN writes a number the English way: 1,234.5.
func fmtValueEN(f float64) string {
	vi := fmtValue(f)
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return ','
		case ',':
			return '.'
		}
		return r
	}, vi)
}
