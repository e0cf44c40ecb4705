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
// total ("Tổng cộng ..."), unset for a section's ("Cộng khối huyện"). It is
// the one rule of what a total row is: for forms and long tables alike
// (package ingest), and for a refusal that says a total is no unit.
// Written with marks, the words are compared with their marks (the text's
// Key): the communes "Công Chính" and "Tống Sơn" (Thanh Hóa) fold to a
// total's letters, and were read as subtotals. Text without marks has a
// Key that is its Fold, and is compared with the words without theirs.
func TotalRow(t string) (total, grand bool) {
	f := Key(t)
	if f == "" || f[0] != 't' && f[0] != 'c' {
		return false, false
	}
	w := markedTotalRowWords
	if f == Fold(f) {
		w = totalRowWords
	}
	all, sum, count, bare := w[0], w[1], w[2], w[3]
	switch {
	case f == all || strings.HasPrefix(f, all+" "), f == sum, f == count, f == "total":
		return true, true
	case f == bare || strings.HasPrefix(f, bare+" "), strings.HasPrefix(f, sum+" "), strings.HasPrefix(f, count+" "):
		return true, false
	}
	return false, false
}

// totalRowWords are a total row's words as TotalRow compares them: the Keys of
// "tổng cộng", "tổng số", "tổng", "cộng", and their Folds.
var (
	markedTotalRowWords = [4]string{Key("tổng cộng"), Key("tổng số"), Key("tổng"), Key("cộng")}
	totalRowWords       = [4]string{"tong cong", "tong so", "tong", "cong"}
)
