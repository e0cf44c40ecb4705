// Package fold computes the two forms by which danvan compares names
// (pipeline.Fold and pipeline.Key define them): Fold, lower case without any
// mark, and Key, lower case with its marks and the tone moved to the end of
// each syllable.
//
// Both are defined on the canonical decomposition (NFD) of the text. Fold
// decomposes rune by rune from a table instead when every rune of the text
// is Latin (U+0000–U+024F, the combining marks U+0300–U+036F, and U+1E00–
// U+1EFF, where Vietnamese's precomposed letters are) or punctuation
// (U+2000–U+206F: curly quotes, dashes): there a rune
// decomposes to at most one letter followed by marks, and Fold drops the
// marks, so the canonical reordering of marks that NFD does across runes
// cannot change the result. Any other text takes the definition's own way.
// Measured reason (a profile of `danvan run` over 365 commune forms): NFD
// and NFC made a form's header finding 13 % of the run's CPU time, most of
// it folding header cells that name nothing.
package fold

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is the diacritic-free form of s: lower case, no marks, đ (and the
// eth that stands for it, isD) as d, words
// separated by one space.
func Fold(s string) string {
	if out, ok := fast(s); ok {
		return out
	}
	return slow(s)
}

// isD reports whether r is đ, or the eth (Ð, ð) that some converters from
// the old Vietnamese fonts write for it and that looks the same: "Ðơn vị"
// folds as "Đơn vị" does.
func isD(r rune) bool { return r == 'đ' || r == 'Đ' || r == 'Ð' || r == 'ð' }

// slow is Fold by its definition.
func slow(s string) string {
	var out []byte
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case isD(r):
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

// effect is what Fold makes of one rune of the table's range: a separator
// (between words), nothing (a mark), a letter (its folded rune), or "not
// known here" (the text takes the slow way).
type effect struct {
	kind uint8
	r    rune
}

const (
	slowRune uint8 = iota
	separator
	mark
	letter
)

// The table covers runes below tableEnd; of those, only the ranges of
// tableRanges are worked out, the others are left to the slow way.
const tableEnd = 0x2070

var tableRanges = [][2]rune{
	{0x80, 0x250},    // Latin-1 Supplement, Latin Extended-A and -B
	{0x300, 0x370},   // combining diacritical marks
	{0x1E00, 0x1F00}, // Latin Extended Additional (Vietnamese's precomposed letters)
	{0x2000, 0x2070}, // general punctuation: curly quotes, dashes, spaces
}

var table = sync.OnceValue(buildTable)

func buildTable() *[tableEnd]effect {
	var t [tableEnd]effect
	for _, rg := range tableRanges {
		for r := rg[0]; r < rg[1]; r++ {
			t[r] = effectOf(r)
		}
	}
	return &t
}

// effectOf works out the effect of rune r from its decomposition, by
// Fold's definition, or says slowRune when the rune decomposes to more than
// one rune that Fold keeps, or to one that is not first or could be
// reordered. The decomposition is the normalisation tables' own (the full
// canonical one, as NFD writes it for a rune alone), read without running
// NFD over each rune: that made the table ~1 ms of every process that
// folds a name (2,800 allocations for its ~950 runes).
func effectOf(r rune) effect {
	var buf [utf8.UTFMax]byte
	s := buf[:utf8.EncodeRune(buf[:], r)]
	d := norm.NFD.Properties(s).Decomposition()
	if d == nil {
		d = s
	}
	e := effect{kind: mark}
	for i := 0; i < len(d); {
		x, n := utf8.DecodeRune(d[i:])
		first := i == 0
		i += n
		if unicode.Is(unicode.Mn, x) {
			continue
		}
		if !first || e.kind != mark || norm.NFD.Properties(d[i-n:i]).CCC() != 0 {
			return effect{kind: slowRune}
		}
		switch {
		case isD(x):
			e = effect{letter, 'd'}
		case unicode.IsLetter(x) || unicode.IsDigit(x):
			e = effect{letter, unicode.ToLower(x)}
		default:
			e = effect{kind: separator}
		}
	}
	return e
}

// fast is Fold by the table; ok is false when s holds a rune the table
// does not know (or bytes that are not UTF-8).
func fast(s string) (string, bool) {
	var out []byte
	space := false
	var t *[tableEnd]effect
	for i := 0; i < len(s); {
		c := s[i]
		var e effect
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				e = effect{letter, rune(c)}
			case 'A' <= c && c <= 'Z':
				e = effect{letter, rune(c + 'a' - 'A')}
			default:
				e = effect{kind: separator}
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r >= tableEnd || (r == utf8.RuneError && n == 1) {
				return "", false
			}
			if t == nil {
				t = table()
			}
			e = t[r]
			i += n
		}
		switch e.kind {
		case slowRune:
			return "", false
		case mark:
			continue
		case separator:
			space = len(out) > 0
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(s))
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		if e.r < utf8.RuneSelf {
			out = append(out, byte(e.r))
		} else {
			out = utf8.AppendRune(out, e.r)
		}
	}
	return string(out), true
}

// Key is the spelling-insensitive form of a Vietnamese name that still
// tells apart names that differ only by diacritics: lower case, its marks
// kept, the tone mark of each syllable after its letters (recomposed, NFC),
// words separated by one space. Text of ASCII only has no marks, so its Key
// is its Fold.
//
// Key is worked out space by space: a space never composes with a mark
// nor moves past one in NFD or NFC, and it ends a word, so the Key of a
// text is the Keys of its space-separated pieces joined by spaces (empty
// ones left out). The Key of a piece with letters beyond ASCII is
// remembered (words), up to maxWords of them: names repeat their words
// ("xã", "không", "có"), and NFD and NFC of each made 32 % of the CPU of
// ingesting 200,000 rows naming a different unknown commune each (a
// profile of `danvan ingest`, DANVAN_CPUPROFILE).
func Key(s string) string {
	if isASCII(s) {
		out, _ := fast(s)
		return out
	}
	var out []byte
	for rest := s; rest != ""; {
		piece, after, _ := strings.Cut(rest, " ")
		rest = after
		if piece == "" {
			continue
		}
		k, ok := pieceKey(piece)
		if !ok {
			k, _ = slowKey(s)
			return k
		}
		if k == "" {
			continue
		}
		if out == nil {
			if rest == "" {
				return k // one piece
			}
			out = make([]byte, 0, len(s)+8)
		} else {
			out = append(out, ' ')
		}
		out = append(out, k...)
	}
	return string(out)
}

// isASCII reports whether s has no byte beyond ASCII: such text needs no
// table and no normalisation.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// maxWords bounds the Keys words remembers; past it, pieces are worked out
// each time.
const maxWords = 1 << 14

var words struct {
	sync.RWMutex
	m map[string]pieceOut
}

type pieceOut struct {
	key string
	ok  bool
}

// pieceKey is the Key of a text without spaces; ok is false when a tone
// mark of it follows no letter and so goes to the next word, in the next
// piece (the whole text is then worked out at once).
func pieceKey(s string) (string, bool) {
	if isASCII(s) {
		out, _ := fast(s)
		return out, true
	}
	words.RLock()
	p, ok := words.m[s]
	words.RUnlock()
	if ok {
		return p.key, p.ok
	}
	k, fast := fastKey(s)
	p = pieceOut{k, true}
	if !fast {
		var carry bool
		k, carry = slowKey(s)
		p = pieceOut{k, !carry}
	}
	words.Lock()
	if words.m == nil {
		words.m = map[string]pieceOut{}
	}
	if len(words.m) < maxWords {
		words.m[strings.Clone(s)] = p
	}
	words.Unlock()
	return p.key, p.ok
}

// slowKey is Key by its definition; carry says a tone mark after the last
// word is left for a word that would follow.
func slowKey(s string) (string, bool) {
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
	return out.String(), tones.Len() > 0
}

// isTone reports whether r is a Vietnamese tone mark as a combining
// character (NFD). Vowel-quality marks (circumflex, breve, horn) are not
// tones: they change the letter.
func isTone(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// keyRune is what Key makes of one rune of the table's range: a separator
// (between words), a letter (lower case, its tone taken off, the marks it
// keeps composed with it, as NFC writes them) with its tone, or "not known
// here" (the piece takes slowKey's way).
type keyRune struct {
	kind   uint8 // slowRune, separator or letter
	marked bool  // the letter has marks of its own
	r      rune
	tone   rune // 0: none
}

// keyTables are fastKey's tables: each rune's keyRune, and the letter a
// tone composes into with a letter before it (none: after a letter without
// marks the tone stays a mark after it, as NFC leaves it; after one with
// marks NFC may reorder them, and the word takes slowKey's way).
type keyTables struct {
	runes   [tableEnd]keyRune
	compose map[[2]rune]rune
}

var keyTable = sync.OnceValue(buildKeyTables)

// buildKeyTables works the tables out from the normalisation tables'
// decompositions (the full canonical ones): a letter with marks is found
// again by its decomposition, and a precomposed letter with one tone is
// that tone composed onto the letter without it. TestKeyTables holds both
// to NFC for every rune of the range.
func buildKeyTables() *keyTables {
	t := &keyTables{compose: make(map[[2]rune]rune, 512)}
	// decomp is r's decomposition in UTF-8, nil when it has none.
	decomp := func(r rune) []byte {
		var buf [utf8.UTFMax]byte
		return norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	}
	byDecomp := make(map[string]rune, 1024)
	for _, rg := range tableRanges {
		for r := rg[0]; r < rg[1]; r++ {
			if d := decomp(r); d != nil {
				byDecomp[string(d)] = r
			}
		}
	}
	// composed is the rune whose decomposition is base and marks, or base
	// itself without marks; ok is false when there is none.
	composed := func(base rune, marks []rune) (rune, bool) {
		if len(marks) == 0 {
			return base, decomp(base) == nil
		}
		var buf [32]byte
		b := utf8.AppendRune(buf[:0], base)
		for _, m := range marks {
			b = utf8.AppendRune(b, m)
		}
		r, ok := byDecomp[string(b)]
		return r, ok
	}
	var d, kept []rune
	for _, rg := range tableRanges {
		for r := rg[0]; r < rg[1]; r++ {
			d = d[:0]
			if b := decomp(r); b != nil {
				for _, x := range string(b) {
					d = append(d, x)
				}
			} else {
				d = append(d, r)
			}
			x := d[0]
			if unicode.Is(unicode.Mn, x) || ccc(x) != 0 {
				continue // slowRune
			}
			if !unicode.IsLetter(x) && !unicode.IsDigit(x) {
				if len(d) == 1 {
					t.runes[r] = keyRune{kind: separator}
				}
				continue
			}
			kept = kept[:0]
			var tone rune
			ok := true
			// inOrder: the tone comes where NFD puts it after the kept
			// marks (each mark after it of a higher combining class), so
			// the tone written after the letter composes back into r.
			inOrder := true
			for _, m := range d[1:] {
				switch {
				case !unicode.Is(unicode.Mn, m):
					ok = false
				case isTone(m):
					ok = ok && tone == 0
					tone = m
				default:
					kept = append(kept, m)
					if tone != 0 && ccc(m) <= ccc(tone) {
						inOrder = false
					}
				}
			}
			if !ok {
				continue
			}
			lower, ok := composed(unicode.ToLower(x), kept)
			if !ok {
				continue
			}
			t.runes[r] = keyRune{kind: letter, marked: len(kept) > 0, r: lower, tone: tone}
			if tone != 0 && inOrder {
				if base, ok := composed(x, kept); ok {
					t.compose[[2]rune{base, tone}] = r
				}
			}
		}
	}
	return t
}

// ccc is the canonical combining class of r.
func ccc(r rune) uint8 {
	var buf [utf8.UTFMax]byte
	return norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).CCC()
}

// fastKey is the Key of a text without spaces by keyTable, where slowKey
// ran NFD over it and NFC over each word: the Key of each new word of a
// name was worked out that way, ~1,200 of them for the reference's index
// of names at the start of every ingest. ok is false when the text holds
// a rune the table does not know (a mark on its own, more than one tone in
// a word, a tone that NFC would put among a letter's marks, a rune past
// the table, bytes that are not UTF-8): slowKey then.
func fastKey(s string) (string, bool) {
	kt := keyTable()
	out := make([]byte, 0, len(s)+4)
	open := false    // a word is open
	var last keyRune // its last letter,
	var lastAt int   // where that letter starts in out,
	var tone rune    // and its tone, written after its letters
	flush := func() bool {
		if open && tone != 0 {
			if c, ok := kt.compose[[2]rune{last.r, tone}]; ok {
				out = utf8.AppendRune(out[:lastAt], c)
			} else if last.marked {
				return false
			} else {
				out = utf8.AppendRune(out, tone)
			}
		}
		open, tone = false, 0
		return true
	}
	for i := 0; i < len(s); {
		var k keyRune
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				k = keyRune{kind: letter, r: rune(c)}
			case 'A' <= c && c <= 'Z':
				k = keyRune{kind: letter, r: rune(c + 'a' - 'A')}
			default:
				k = keyRune{kind: separator}
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r >= tableEnd || (r == utf8.RuneError && n == 1) {
				return "", false
			}
			k = kt.runes[r]
			i += n
		}
		switch k.kind {
		case slowRune:
			return "", false
		case separator:
			if !flush() {
				return "", false
			}
			continue
		}
		if !open {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			open = true
		}
		if k.tone != 0 {
			if tone != 0 {
				return "", false
			}
			tone = k.tone
		}
		last, lastAt = k, len(out)
		out = utf8.AppendRune(out, k.r)
	}
	if !flush() {
		return "", false
	}
	return string(out), true
}
