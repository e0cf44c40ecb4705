package narrative

import (
	"fmt"
	"strconv"
	"strings"
)

// numeral is one word of a number written in words (lexicon/numerals.tsv):
// the roles it may play and its value. Folded ("muoi" for mười and mươi),
// one word may play two roles of one value.
type numeral struct {
	roles uint8
	value int
	alone bool
}

const (
	rDigit uint8 = 1 << iota
	rTen
	rTens
	rHundred
	rLast
	rZero
	rHalf
	rHalfOf
)

var numeralRoles = map[string]uint8{"digit": rDigit, "ten": rTen, "tens": rTens, "hundred": rHundred, "last": rLast, "zero": rZero, "half": rHalf, "halfof": rHalfOf}

func (n numeral) is(role uint8) bool { return n.roles&role != 0 }

// buildNumerals keys the number words. For a text written without
// diacritics (k folds) the words are keyed folded, and a word marked
// "marked" is no number by itself there: folded, it is mostly another
// word ("sau", after; "tam", "bay").
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
		role, ok := numeralRoles[r[1]]
		if !ok {
			return nil, fmt.Errorf("lexicon numerals: %q: unknown role %q", r[0], r[1])
		}
		alone := false
		if len(r) > 3 {
			switch r[3] {
			case "alone":
				alone = true
			case "marked":
				alone = !k.folded
			default:
				return nil, fmt.Errorf("lexicon numerals: %q: unknown flag %q", r[0], r[3])
			}
		}
		key := k.of(r[0])
		if o, ok := out[key]; ok {
			// two words that fold alike: one word of two roles, which
			// the grammar tells apart, if they have one value
			if o.value != v {
				return nil, fmt.Errorf("lexicon numerals: %q: folds like another word of value %d", r[0], o.value)
			}
			o.roles |= role
			o.alone = o.alone || alone
			out[key] = o
			continue
		}
		out[key] = numeral{roles: role, value: v, alone: alone}
	}
	return out, nil
}

// counting says what follows a number: nothing it counts, a unit noun or a
// multiplier.
type counting uint8

const (
	notCounted counting = iota
	byUnit
	byMultiplier
)

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
//
// A digit word that is no number alone ("một", "năm") is one before a
// multiplier: "một nghìn hai trăm", "năm triệu đồng", and before a unit
// after a qualifier (qualified: one ends right before toks[i]): "gần một
// héc-ta".
func mergeNumerals(toks []token, nums map[string]numeral, ordinal string, counted func([]token, int) counting, qualified func([]token, int) bool) []token {
	if len(nums) == 0 {
		return toks
	}
	out := toks[:0]
	for i := 0; i < len(toks); {
		n, v := 0, 0
		if toks[i].kind == tWord || digitWord(toks[i]) {
			if _, ok := nums[toks[i].key]; ok || toks[i].kind == tNum {
				n, v = readNumeral(toks, i, nums, false)
				if n == 0 {
					if n1, v1 := readNumeral(toks, i, nums, true); n1 == 1 && (counted(toks, i+1) == byMultiplier || counted(toks, i+1) == byUnit && qualified(toks, i)) {
						n, v = n1, v1
					}
				}
				// "mười bốn (14) cuộc": the digits restating the words
				// in brackets stand between them and their unit
				if n > 0 && counted(toks, i+n) == notCounted && !(bracketed(toks, i+n) && counted(toks, i+n+3) != notCounted) {
					n = 0
				}
			}
		}
		// "nửa tỷ": half of the multiplier after it.
		if n == 0 && toks[i].kind == tWord && !toks[i].upper {
			if w, ok := nums[toks[i].key]; ok && w.is(rHalfOf) && counted(toks, i+1) == byMultiplier {
				t := toks[i]
				t.kind, t.text, t.key = tNum, "0,5", "0,5"
				out = append(out, t)
				i++
				continue
			}
		}
		if n > 0 && toks[i].upper && !(i == 0 || toks[i].nl || isPunct(toks, i-1, ".!?…:;-–•+*\"“(")) {
			n = 0
		}
		if n > 0 && i > 0 && !toks[i].nl && (toks[i-1].kind == tNum && toks[i].kind == tWord || toks[i-1].key == ordinal) {
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

// digitWord: one digit 1–9 written as a digit, which stands for its word
// before "trăm" or "chục" ("2 trăm", "1 nghìn 2 trăm", "2 chục").
func digitWord(t token) bool {
	return t.kind == tNum && len(t.text) == 1 && t.text[0] >= '1' && t.text[0] <= '9'
}

// readNumeral reads the number words at toks[i]: how many tokens, and the
// value; 0 tokens when there is none. Up to 999: nghìn, triệu and tỷ after
// it are read as multipliers. lone reads a digit word by itself even when
// it is not one that stands alone (the caller knows a count is there: "năm
// năm qua").
func readNumeral(toks []token, i int, nums map[string]numeral, lone bool) (int, int) {
	at := func(j int, role uint8) (numeral, bool) {
		if j >= len(toks) || toks[j].kind != tWord || j > i && (toks[j].nl || !toks[j].space || toks[j].upper) {
			return numeral{}, false
		}
		w, ok := nums[toks[j].key]
		return w, ok && w.is(role)
	}
	j, v := i, 0
	if digitWord(tokAt(toks, i)) {
		// "1 trăm 15", "3 trăm triệu", "2 chục": a digit written as a
		// digit before trăm or chục, and the tens and units after trăm
		// written in digits
		d := int(toks[i].text[0] - '0')
		if t, ok := at(i+1, rTens); ok {
			return 2, d * t.value
		}
		h, ok := at(i+1, rHundred)
		if !ok {
			return 0, 0
		}
		v = d * h.value
		if _, ok := at(i+2, rHalf); ok {
			return 3, v + h.value/2
		}
		if t := tokAt(toks, i+2); t.kind == tNum && t.space && !t.nl && len(t.text) <= 2 && strings.Trim(t.text, "0123456789") == "" {
			n, _ := strconv.Atoi(t.text)
			return 3, v + n
		}
		return 2, v
	}
	if _, ok := nums[tokAt(toks, i).key]; !ok || toks[i].kind != tWord {
		return 0, 0
	}
	// hundreds: "hai trăm", "một trăm linh năm"
	if w, ok := at(j, rDigit); ok {
		if h, ok := at(j+1, rHundred); ok {
			v = w.value * h.value
			j += 2
			if _, ok := at(j, rHalf); ok {
				return j + 1 - i, v + h.value/2 // "một trăm rưỡi"
			}
			if _, ok := at(j, rZero); ok {
				if d, ok := at(j+1, rDigit); ok {
					return j + 2 - i, v + d.value
				}
				return j - i, v
			}
		}
	}
	if w, ok := at(j, rDigit); ok {
		if t, ok := at(j+1, rTens); ok && w.value >= 2 {
			v += w.value * t.value
			j += 2
		} else {
			if j > i {
				return j - i, v // "hai trăm" then another word
			}
			if !w.alone && !lone {
				return 0, 0
			}
			return 1, w.value
		}
	} else if w, ok := at(j, rTen); ok {
		v += w.value
		j++
	} else {
		if j > i {
			return j - i, v
		}
		return 0, 0
	}
	// The last digit after the tens: "lăm", not "năm", is five there, so
	// "mười năm qua" is ten years; "mốt" is no one after "mười".
	if d, ok := at(j, rDigit|rLast); ok {
		five := d.value == 5 && !d.is(rLast)
		mot := d.value == 1 && !d.is(rDigit) && v%100 == 10
		if !five && !mot {
			v += d.value
			j++
		}
	}
	return j - i, v
}

// bracketed: "(14)" at toks[i], a number alone in brackets.
func bracketed(toks []token, i int) bool {
	return isPunct(toks, i, "(") && tokAt(toks, i+1).kind == tNum && isPunct(toks, i+2, ")")
}
