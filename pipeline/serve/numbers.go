package serve

import (
	"math"
	"strconv"
	"strings"
)

// Numbers as the pages write them (app.js, Intl.NumberFormat): in
// Vietnamese "." between thousands and "," before decimals (1.234,5), in
// English "," and "." (1,234.5).

// number writes v with at most digits decimals (trailing zeros dropped).
func number(v float64, digits int, lang string) string {
	return formatNumber(v, digits, false, false, lang)
}

// fixed writes v with exactly digits decimals: per-capita figures and
// percentages (3,0 and 3,8).
func fixed(v float64, digits int, lang string) string {
	return formatNumber(v, digits, true, false, lang)
}

// signedFixed is fixed with a sign on non-zero values: +5,6, -11,0.
func signedFixed(v float64, digits int, lang string) string {
	return formatNumber(v, digits, true, true, lang)
}

func formatNumber(v float64, digits int, keepZeros, signed bool, lang string) string {
	p := math.Pow(10, float64(digits))
	r := math.Round(math.Abs(v)*p) / p
	s := strconv.FormatFloat(r, 'f', digits, 64)
	ip, frac, _ := strings.Cut(s, ".")
	if !keepZeros {
		frac = strings.TrimRight(frac, "0")
	}
	thousands, decimal := byte('.'), ","
	if lang == "en" {
		thousands, decimal = ',', "."
	}
	n, _ := strconv.ParseInt(ip, 10, 64)
	out := group(n, thousands)
	if frac != "" {
		out += decimal + frac
	}
	switch {
	case v < 0 && r != 0:
		out = "-" + out
	case signed && r != 0:
		out = "+" + out
	}
	return out
}
