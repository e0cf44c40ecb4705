package narrative

import (
	"fmt"
	"strconv"
)

// numeral is one word of a number written in words (lexicon/numerals.tsv).
type numeral struct {
	role  string
	value int
	alone bool
}

func buildNumerals(k *keyer, rows [][]string) (map[string]numeral, error) {
	out := map[string]numeral{}
	for _, r := range rows {
		if len(r) < 3 {
			return nil, fmt.Errorf("lexicon numerals: %q: want word, role, value", r[0])
		}
		v, err := strconv.Atoi(r[2])
		if err != nil {
			return nil, fmt.Errorf("lexicon numerals: %q: bad value %q", r[0], r[2])
		}
		switch r[1] {
		case "digit", "ten", "tens", "hundred", "last", "zero":
		default:
			return nil, fmt.Errorf("lexicon numerals: %q: unknown role %q", r[0], r[1])
		}
		out[k.of(r[0])] = numeral{role: r[1], value: v, alone: len(r) > 3 && r[3] == "alone"}
	}
	return out, nil
}

// mergeNumerals turns each run of number words ("ba mươi hai") into one
// number token: its span the words as written (quotes, cut from the text by
// span, stay exact), its text the value in digits. A capitalised run counts
// only at the start of a line or sentence: inside one it is a name ("giải
// Ba", "ông Hai"). After "thứ" it is an ordinal, which is no figure either
// way.
//
// Only a run followed by a multiplier or a unit noun is merged (measure
// needs one anyway): the others ("hai năm qua", "ba bên") stay words, and a
// sentence holding only those is still skipped as having no number.
func mergeNumerals(toks []token, nums map[string]numeral, ordinal string, counted func([]token, int) bool) []token {
	if len(nums) == 0 {
		return toks
	}
	out := toks[:0]
	for i := 0; i < len(toks); {
		n, v := 0, 0
		if toks[i].kind == tWord {
			if _, ok := nums[toks[i].key]; ok {
				n, v = readNumeral(toks, i, nums)
				if n > 0 && !counted(toks, i+n) {
					n = 0
				}
			}
		}
		if n > 0 && toks[i].upper && !(i == 0 || toks[i].nl || isPunct(toks, i-1, ".!?…:;-–•+*\"“(")) {
			n = 0
		}
		if n > 0 && i > 0 && !toks[i].nl && (toks[i-1].kind == tNum || toks[i-1].key == ordinal) {
			n = 0
		}
		if n == 0 {
			out = append(out, toks[i])
			i++
			continue
		}
		t := toks[i]
		t.kind, t.end = tNum, toks[i+n-1].end
		t.text = strconv.Itoa(v)
		t.key = t.text
		t.upper, t.caps = false, false
		out = append(out, t)
		i += n
	}
	return out
}

// readNumeral reads the number words at toks[i]: how many tokens, and the
// value; 0 tokens when there is none. Up to 999: nghìn, triệu and tỷ after
// it are read as multipliers.
func readNumeral(toks []token, i int, nums map[string]numeral) (int, int) {
	at := func(j int) (numeral, bool) {
		if j >= len(toks) || toks[j].kind != tWord || j > i && (toks[j].nl || !toks[j].space || toks[j].upper) {
			return numeral{}, false
		}
		w, ok := nums[toks[j].key]
		return w, ok
	}
	j, v := i, 0
	w, ok := at(j)
	if !ok {
		return 0, 0
	}
	// hundreds: "hai trăm", "một trăm linh năm"
	if w.role == "digit" {
		if h, ok := at(j + 1); ok && h.role == "hundred" {
			v = w.value * h.value
			j += 2
			if z, ok := at(j); ok && z.role == "zero" {
				if d, ok := at(j + 1); ok && d.role == "digit" {
					return j + 2 - i, v + d.value
				}
				return j - i, v
			}
		}
	}
	w, ok = at(j)
	switch {
	case ok && w.role == "ten":
		v += 10
		j++
	case ok && w.role == "digit":
		t, ok2 := at(j + 1)
		if !ok2 || t.role != "tens" || w.value < 2 {
			if j > i {
				return j - i, v // "hai trăm" then another word
			}
			if !w.alone {
				return 0, 0
			}
			return 1, w.value
		}
		v += w.value * 10
		j += 2
	default:
		if j > i {
			return j - i, v
		}
		return 0, 0
	}
	// the last digit after the tens
	if d, ok := at(j); ok && (d.role == "digit" || d.role == "last") && !(d.value == 1 && d.role == "last" && v%100 == 10) {
		v += d.value
		j++
	}
	return j - i, v
}
