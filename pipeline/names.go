package pipeline

import "strings"

// Questions a form reader asks of the texts around a table: is this cell a
// unit's name, which province does a title name. Each is a lookup in the
// Resolver's indexes and builds no message: a reader asks them of every
// row and title, and most of the answers are no.

// NamesUnit reports whether s names, in province, a unit of any time (a
// district, a commune before or after the 2025 reform), its code, or the
// province itself ("Toàn tỉnh", the province's name, empty). Whether the
// unit may report for a period is the Validator's to say.
func (r *Resolver) NamesUnit(province *Unit, s string) bool {
	l := r.lookupUnit(province, s)
	if l.whole || len(l.found) > 0 {
		return true
	}
	if len(r.oldCommunes()[province.ProvinceCode+"|k:"+Key(l.name)]) > 0 ||
		len(r.oldCommunes()[province.ProvinceCode+"|f:"+Fold(l.name)]) > 0 {
		return true
	}
	return r.provinces[Fold(s)] == province
}

// UnitsNamed is the reporting units (districts, new communes) of any of the
// provinces whose name, with or without its type word, is s.
func (r *Resolver) UnitsNamed(s string) []*Unit {
	var out []*Unit
	for _, p := range r.ref.Provinces() {
		l := r.lookupUnit(p, s)
		if !l.whole {
			out = append(out, l.found...)
		}
	}
	return out
}

// ProvinceNamed is the province whose name or code s is, or nil.
func (r *Resolver) ProvinceNamed(s string) *Unit {
	u, _ := r.Province(s)
	return u
}

// Reference is what the Resolver resolves against.
func (r *Resolver) Reference() *Reference { return r.ref }

// Suggestions is how many suggestion lists the Resolver computed for
// messages: a reader that only looks names up computes none.
func (r *Resolver) Suggestions() int { return r.near.computed }

// TotalRow reports whether a unit cell marks a total row: "Tổng cộng",
// "Tổng số", "Cộng", "Tổng cộng (I+II)". grand is set for the sheet's
// total ("Tổng cộng ..."), unset for a section's ("Cộng khối huyện",
// "Tổng khối huyện", "Tổng I+II"). It is the one rule of what a total row
// is: for forms and long tables alike (package ingest), and for a refusal
// that says a total is no unit or province.
// Written with marks, the words are compared with their marks (the text's
// Key): the communes "Công Chính" and "Tống Sơn" (Thanh Hóa) fold to a
// total's letters, and were read as subtotals. Text without marks has a
// Key that is its Fold, and is compared with the words without theirs.
// "Tổng" and "Cộng" also open compounds that are no total: "Tổng công ty",
// "Tổng cục", "Tổng đội" (bodies), "Cộng hòa" (the national motto),
// "Cộng đồng". So "Tổng" opens a subtotal only before a section's words
// ("khối", "các", "cả") or its marks ("I", "A", "(1)+(2)"), and "Cộng"
// before anything but such a compound's second word.
func TotalRow(t string) (total, grand bool) {
	f := Key(t)
	if f == "" || f[0] != 't' && f[0] != 'c' {
		return false, false
	}
	w := &markedTotal
	if f == Fold(f) {
		w = &foldedTotal
	}
	first, rest, _ := strings.Cut(f, " ")
	next, more, _ := strings.Cut(rest, " ")
	switch first {
	case w.tong:
		switch {
		case rest == "", next == w.so && rest == next:
			return true, true
		case next == w.cong:
			// Folded, "tong cong ty" is a corporation ("Tổng công ty").
			third, _, _ := strings.Cut(more, " ")
			total := !w.notAfterTongCong[third]
			return total, total
		case next == w.so, w.afterTong[next], sectionMark(next):
			return true, false
		}
	case w.cong:
		return !w.notAfterCong[next], false
	case "total":
		return rest == "", true
	}
	return false, false
}

// sectionMark reports whether a word is a section's mark after "Tổng": a
// number, a Roman numeral or one letter ("Tổng I", "Tổng A", "Tổng 1").
func sectionMark(w string) bool {
	if w == "" {
		return false
	}
	if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
		return true
	}
	return strings.Trim(w, "0123456789") == "" || strings.Trim(w, "ivxl") == ""
}

// totalRowWords are a total row's words as TotalRow compares them, as Keys
// (text with marks) or as Folds (text without).
type totalRowWords struct {
	tong, cong, so string
	// afterTong: the words after "Tổng" that make a subtotal.
	afterTong map[string]bool
	// notAfterCong: the second words of compounds opening with "Cộng"
	// (and, folded, with "Công", whose letters are the same).
	notAfterCong map[string]bool
	// notAfterTongCong: folded, what follows "tong cong" in "Tổng công ty".
	notAfterTongCong map[string]bool
}

var (
	markedTotal = totalRowWords{tong: Key("tổng"), cong: Key("cộng"), so: Key("số"),
		afterTong:    keys(Key, "khối", "các", "cả", "toàn", "chung", "cụm", "nhóm"),
		notAfterCong: keys(Key, "hòa", "đồng", "sản", "tác", "sự", "hưởng")}
	foldedTotal = totalRowWords{tong: "tong", cong: "cong", so: "so",
		afterTong: keys(Fold, "khối", "các", "cả", "toàn", "chung", "cụm", "nhóm"),
		notAfterCong: keys(Fold, "hòa", "đồng", "sản", "tác", "sự", "hưởng",
			"ty", "an", "đoàn", "nghiệp", "thương", "chức", "nhân", "trình", "văn", "viên"),
		notAfterTongCong: keys(Fold, "ty")}
)

// keys is the set of the words by k.
func keys(k func(string) string, words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[k(w)] = true
	}
	return m
}
