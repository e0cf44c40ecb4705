package pipeline

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese tone marks as combining characters (NFD). Vowel-quality marks
// (circumflex, breve, horn) are not tones: they change the letter.
func isTone(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// Key is the spelling-insensitive form of a Vietnamese name that still tells
// apart names that differ only by diacritics. Case, Unicode composition,
// punctuation, spacing and the position of the tone mark inside a syllable
// ("Hóa" and "Hoá", "Thủy" and "Thuỷ") do not change the key.
func Key(s string) string {
	d := norm.NFD.String(s)
	var out, word, tones strings.Builder
	flush := func() {
		if word.Len() == 0 {
			return
		}
		if out.Len() > 0 {
			out.WriteByte(' ')
		}
		// A syllable carries one tone; writing it after the letters makes
		// its position irrelevant, and NFC composes it back on the last
		// vowel it can sit on, which is stable.
		out.WriteString(norm.NFC.String(word.String() + tones.String()))
		word.Reset()
		tones.Reset()
	}
	for _, r := range d {
		switch {
		case isTone(r):
			tones.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			word.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out.String()
}

// Fold is the diacritic-free form of s: lower case, no marks, đ as d, words
// separated by one space. "Hà Tĩnh", "Ha Tinh" and "HA-TINH" fold alike.
func Fold(s string) string {
	var out []byte
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, string(r)...)
	}
	return string(out)
}

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
