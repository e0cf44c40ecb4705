package pipeline

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
