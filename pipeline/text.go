package pipeline

import (
	"strings"
	"unicode"

	"github.com/danvan/danvan/pipeline/internal/fold"
)

// Key is the spelling-insensitive form of a Vietnamese name that still tells
// apart names that differ only by diacritics. Case, Unicode composition,
// punctuation, spacing and the position of the tone mark inside a syllable
// ("Hóa" and "Hoá", "Thủy" and "Thuỷ") do not change the key. (Computed by
// pipeline/internal/fold, which defines it exactly.)
func Key(s string) string { return fold.Key(s) }

// Fold is the diacritic-free form of s: lower case, no marks, đ as d, words
// separated by one space. "Hà Tĩnh", "Ha Tinh" and "HA-TINH" fold alike.
// Two texts (UTF-8) with the same Key have the same Fold.
func Fold(s string) string { return fold.Fold(s) }

// typeWords are the unit type prefixes reports put before names, in folded
// form, longest first so "thi xa" wins over "thi".
var typeWords = []struct{ prefix, typ string }{
	{"thanh pho", "thanh_pho"}, {"thi xa", "thi_xa"}, {"thi tran", "thi_tran"},
	{"huyen", "huyen"}, {"phuong", "phuong"}, {"tinh", "tinh"}, {"quan", "quan"},
	{"xa", "xa"}, {"tp", "thanh_pho"}, {"tx", "thi_xa"}, {"tt", "thi_tran"},
	{"h", "huyen"}, {"p", "phuong"}, {"x", "xa"},
}

// splitType removes a leading type word ("huyện", "H.", "TX", "TP.", "xã")
// from a name and reports which type it named ("" when none).
func splitType(name string) (rest, typ string) {
	f := Fold(name)
	for _, tw := range typeWords {
		if f == tw.prefix || !strings.HasPrefix(f, tw.prefix+" ") {
			continue
		}
		// Drop the same number of words from the original spelling, so the
		// diacritics of the name itself survive for exact matching.
		words := len(strings.Fields(tw.prefix))
		fields := strings.FieldsFunc(name, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
		})
		if len(fields) <= words {
			return name, ""
		}
		return strings.Join(fields[words:], " "), tw.typ
	}
	return name, ""
}
