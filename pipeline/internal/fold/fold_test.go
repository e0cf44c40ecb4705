package fold

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// definedKey is Key by its definition alone, without the ASCII shortcut:
// the oracle of Key.
func definedKey(s string) string {
	var out, word, tones strings.Builder
	flush := func() {
		if word.Len() == 0 {
			return
		}
		if out.Len() > 0 {
			out.WriteByte(' ')
		}
		out.WriteString(norm.NFC.String(word.String() + tones.String()))
		word.Reset()
		tones.Reset()
	}
	for _, r := range norm.NFD.String(s) {
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

var examples = []struct{ in, fold, key string }{
	{"Hà Tĩnh", "ha tinh", "hà tinh\u0303"}, // the tone after the syllable, on the h it cannot compose with
	{"HA-TINH", "ha tinh", "ha tinh"},
	{"  Thanh   Hoá ", "thanh hoa", "thanh hoá"},
	{"Thanh Hóa", "thanh hoa", "thanh hoá"},
	{"Thủy", "thuy", "thuỷ"},
	{"Đơn vị (huyện, thị xã)", "don vi huyen thi xa", "đơn vị huyê\u1e47 thị xã"},
	{"Ha\u0300 Ti\u0303nh", "ha tinh", "hà tinh\u0303"}, // decomposed
	{"Số hộ được hỗ trợ (m²)", "so ho duoc ho tro m", "số hộ đươc\u0323 hỗ trợ m"},
	// The eth for đ folds as đ; Key keeps it (a name is then found by Fold).
	{"\u00d0ức Thọ \u00f0ồng", "duc tho dong", "\u00f0\u01b0\u0107 th\u1ecd \u00f0\u00f4ng\u0300"},
	{"Ω ΣΙΣΥΦΟΣ", "ω σισυφοσ", "ω σισυφοσ"}, // the slow way
	{"", "", ""},
	{"---", "", ""},
	{"x\xffy", "x y", "x y"}, // not UTF-8
}

func TestExamples(t *testing.T) {
	for _, e := range examples {
		if got := Fold(e.in); got != e.fold {
			t.Errorf("Fold(%q) = %q, want %q", e.in, got, e.fold)
		}
		if got := Key(e.in); got != e.key {
			t.Errorf("Key(%q) = %q, want %q", e.in, got, e.key)
		}
	}
}

// TestEveryRuneOfTheTable folds each rune the table knows, alone and
// between letters and marks, both ways.
func TestEveryRuneOfTheTable(t *testing.T) {
	fast := 0
	for r := rune(0); r < tableEnd; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + "\u0301" + string(r), "Ơ\u0323" + string(r) + "\u0300 x"} {
			if got, want := Fold(s), slow(s); got != want {
				t.Fatalf("Fold(%q) = %q, by definition %q", s, got, want)
			}
		}
		if _, ok := fastOK(string(r)); ok {
			fast++
		}
	}
	// The table must answer for the letters of Vietnamese, or it is no
	// shortcut at all.
	for _, r := range "“”–—…ăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b" {
		if _, ok := fastOK(string(r)); !ok {
			t.Errorf("%q is folded the slow way", r)
		}
	}
	if fast < 900 {
		t.Errorf("only %d runes folded by the table", fast)
	}
}

func fastOK(s string) (string, bool) { return fast(s) }

func check(t *testing.T, s string) {
	if got, want := Fold(s), slow(s); got != want {
		t.Fatalf("Fold(%q) = %q, by definition %q", s, got, want)
	}
	if got, want := Key(s), definedKey(s); got != want {
		t.Fatalf("Key(%q) = %q, by definition %q", s, got, want)
	}
	// What pipeline's lookups rely on (Resolver.IndicatorNamed): two texts
	// of UTF-8 with the same Key have the same Fold. (Not so for other
	// bytes: NFD leaves a letter after a broken sequence whole.)
	if got, want := Fold(Key(s)), Fold(s); utf8.ValidString(s) && got != want {
		t.Fatalf("Fold(Key(%q)) = %q, Fold = %q", s, got, want)
	}
}

func FuzzFold(f *testing.F) {
	for _, e := range examples {
		f.Add(e.in)
	}
	f.Add("Số mô hình \"Dân vận khéo\" đăng ký (mô hình)")
	f.Add("TỔNG CỘNG (I+II)")
	f.Add("a\u0301\u0323\u0302b\u031b")
	f.Add(strings.Repeat("\u0301", 40) + "a")
	f.Add("ǅǈ İı ß ﬁ Å Ω K")
	f.Fuzz(func(t *testing.T, s string) {
		check(t, s)
		if utf8.ValidString(s) {
			check(t, norm.NFD.String(s))
			check(t, strings.ToUpper(s))
		}
	})
}

// effectInContext is the effect of rune r observed, not worked out: what
// Fold's definition (slow) makes of r between a word's letters, with
// combining marks of other classes on either side (which NFD's canonical
// reordering could move across a mark r decomposes to) or precomposed
// before it. A rune that comes out as nothing is a mark, as a word break a
// separator, as one rune a letter; it is slowRune when it comes out as
// more, or when what it comes out as changes with what is around it, the
// one thing the table cannot say. Nothing of effectOf's reading of the
// decomposition (which rune is first, its combining class) is used: the
// oracle and the code agree only if the table is right.
func effectInContext(r rune) effect {
	c := string(r)
	var e effect
	switch got := slow("a" + c + "b"); {
	case got == "ab":
		e = effect{kind: mark}
	case got == "a b":
		e = effect{kind: separator}
	case strings.HasPrefix(got, "a") && strings.HasSuffix(got, "b") && utf8.RuneCountInString(got) == 3:
		x, _ := utf8.DecodeRuneInString(got[1:])
		e = effect{letter, x}
	default:
		return effect{kind: slowRune}
	}
	want := map[uint8]string{mark: "ab", separator: "a b", letter: "a" + string(e.r) + "b"}[e.kind]
	for _, before := range []string{"a", "A", "a\u0323", "a\u0301\u0323", "ạ", "ấ", "a\u0345"} {
		for _, after := range []string{"b", "B", "\u0301b", "\u0323b", "\u0345b", "\u031bb", "\u0323\u0301b"} {
			if slow(before+c+after) != want {
				return effect{kind: slowRune}
			}
		}
	}
	return e
}

// TestTableAsInContext holds every entry of the table to what Fold's
// definition makes of its rune in context.
func TestTableAsInContext(t *testing.T) {
	tab := buildTable()
	n := map[uint8]int{}
	for _, rg := range tableRanges {
		for r := rg[0]; r < rg[1]; r++ {
			if got, want := tab[r], effectInContext(r); got != want {
				t.Errorf("effect of %U %q = %+v, in context %+v", r, r, got, want)
			}
			n[tab[r].kind]++
		}
	}
	// The test sees every kind of entry but slowRune: in the table's ranges
	// every rune decomposes to at most one letter and marks, the same in
	// every context (effectOf's slowRune is for a range added later).
	for k, name := range map[uint8]string{separator: "separator", mark: "mark", letter: "letter"} {
		if n[k] == 0 {
			t.Errorf("no %s rune in the table's ranges", name)
		}
	}
}

// TestTableBuiltCheaply: every process that folds a name builds the table
// (the narrative reader's initialisation, the reference's index of names),
// so it is built from the normalisation tables without allocating per rune.
func TestTableBuiltCheaply(t *testing.T) {
	if n := testing.AllocsPerRun(3, func() { buildTable() }); n > 1 {
		t.Errorf("building the table allocates %.0f times, want 1 (the table)", n)
	}
}

func BenchmarkBuildTable(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buildTable()
	}
}

// TestKeyTables holds fastKey's tables to Key's definition: every rune of
// the table's range in words around it, and every tone after every letter
// fastKey may write.
func TestKeyTables(t *testing.T) {
	fast := 0
	for _, rg := range tableRanges {
		for r := rg[0]; r < rg[1]; r++ {
			c := string(r)
			for _, s := range []string{c, "a" + c, c + "h", "ư" + c + "n", "th" + c + "nh", c + c, "x" + c + "-y", "Đ" + c + "ờ", "ậ" + c} {
				if got, want := Key(s), definedKey(s); got != want {
					t.Fatalf("Key(%q) = %q, by definition %q", s, got, want)
				}
			}
			if _, ok := fastKey(c); ok {
				fast++
			}
		}
	}
	if fast < 700 {
		t.Errorf("only %d runes keyed by the table", fast)
	}
	kt := keyTable()
	letters := []keyRune{}
	for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789" {
		letters = append(letters, keyRune{kind: letter, r: c})
	}
	for _, k := range kt.runes {
		if k.kind == letter {
			letters = append(letters, k)
		}
	}
	for _, l := range letters {
		for _, tone := range []rune{'\u0300', '\u0301', '\u0303', '\u0309', '\u0323'} {
			want := norm.NFC.String(norm.NFD.String(string(l.r)) + string(tone))
			got := string(l.r) + string(tone)
			c, ok := kt.compose[[2]rune{l.r, tone}]
			if ok {
				got = string(c)
			} else if l.marked {
				continue // slowKey's way
			}
			if got != want {
				t.Errorf("%q with tone %U: %q, NFC %q", l.r, tone, got, want)
			}
		}
	}
	// The letters of Vietnamese, in either case, with any tone, are keyed
	// by the table.
	for _, w := range []string{"Thành", "HÓA", "Tĩnh", "huyện", "Đường", "Nghệ", "Quỳnh", "Lưu", "Hoằng", "Thiệu", "Mường", "Ngọc", "Lặc"} {
		if _, ok := fastKey(w); !ok {
			t.Errorf("%q is keyed the slow way", w)
		}
	}
}

// TestNewWordsKeyedCheaply: the reference's index of names keys ~1,200
// new words at the start of every ingest, each with NFD and NFC before.
func TestNewWordsKeyedCheaply(t *testing.T) {
	var ws []string
	for _, a := range []string{"Thành", "Hóa", "Tĩnh", "huyện", "Đường", "Nghệ", "Quỳnh", "Lưu", "Hoằng", "Thiệu"} {
		for _, b := range []string{"ư", "ơn", "ân", "ê", "ôi", "ăm"} {
			ws = append(ws, a+b)
		}
	}
	n := testing.AllocsPerRun(2, func() {
		words.Lock()
		words.m = nil
		words.Unlock()
		for _, w := range ws {
			pieceKey(w)
		}
	})
	if per := n / float64(len(ws)); per > 4 {
		t.Errorf("a new word's Key allocates %.1f times, want at most 4", per)
	}
}

func BenchmarkBuildKeyTables(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buildKeyTables()
	}
}
