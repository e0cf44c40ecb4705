package pipeline

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Problem is why a name or value could not be resolved, in both languages.
type Problem struct {
	Code     string
	Reason   string
	ReasonEN string
}

func problem(code, vi, en string, args ...any) *Problem {
	return &Problem{code, fmt.Sprintf(vi, args...), fmt.Sprintf(en, args...)}
}

// Resolver finds provinces, units, indicators and disaggregations by code,
// canonical name or any written variant of it. It keeps the suggestions it
// computed for unknown names, so it is not safe for concurrent use; its
// index of names is the Reference's, built once and shared.
type Resolver struct {
	ref *Reference
	*nameIndex
	near nearest // suggestions for unknown names (suggest.go)
}

// nameIndex is every name a Resolver looks up, by the keys of Key and
// Fold. It is read-only once built.
type nameIndex struct {
	provinces  map[string]*Unit
	units      map[string][]*Unit // province|key -> versions; see unitKeys
	codes      map[string][]*Unit // province|code -> versions
	indicators map[string]*Indicator
	disaggs    map[string]*Disaggregation // key -> value, any dimension
	// The pre-2025 communes, which never reported on their own: by
	// province|k:key and province|f:fold of their names (built the first
	// time a name is not found, by old; they are over half of the names to
	// fold, and a file naming only reporting units never needs them), and
	// each code's new communes; only messages use them (unknown.go).
	oldOnce    sync.Once
	oldByName  map[string][]*Unit
	oldSource  []*Unit
	mergedInto map[string][]string
	// named remembers what IndicatorNamed answered for a text, for every
	// Resolver of the index at once (safe for concurrent use): a form
	// reader asks it of every header cell, and offices send the same
	// headers in every sheet and file. At most maxNamed texts.
	named      sync.Map // text -> *Indicator (nil: names none)
	namedCount atomic.Int64
	// derived holds what readers work out from the reference alone, by
	// their key (Resolver.Derived).
	derived sync.Map
}

// maxNamed and maxNamedLen bound the texts nameIndex.named remembers (8 MB
// at most): past them, the answers are computed each time.
const maxNamed, maxNamedLen = 1 << 15, 256

// NewResolver returns a Resolver over ref. The index of names is built
// the first time for a Reference that LoadReference made (a few ms: it
// folds every spelling) and shared by the Resolvers after it, so a reader
// may take a Resolver per file.
func NewResolver(ref *Reference) *Resolver {
	var ix *nameIndex
	if ref.names != nil {
		ref.names.once.Do(func() { ref.names.ix = indexNames(ref) })
		ix = ref.names.ix
	} else {
		ix = indexNames(ref)
	}
	return &Resolver{ref: ref, nameIndex: ix, near: newNearest()}
}

// sharedNames holds a Reference's index of names, built once.
type sharedNames struct {
	once sync.Once
	ix   *nameIndex
}

// oldCommunes is the index of the pre-2025 communes' names, built on
// first use.
func (r *nameIndex) oldCommunes() map[string][]*Unit {
	r.oldOnce.Do(func() {
		r.oldByName = make(map[string][]*Unit, 2*len(r.oldSource))
		for _, u := range r.oldSource {
			for _, k := range []string{"k:" + Key(u.Name), "f:" + Fold(u.Name)} {
				r.oldByName[u.ProvinceCode+"|"+k] = append(r.oldByName[u.ProvinceCode+"|"+k], u)
			}
		}
	})
	return r.oldByName
}

func indexNames(ref *Reference) *nameIndex {
	// The maps made at about their size: grown from empty, their
	// rehashing was a fifth of the index's CPU. The communes before the
	// reform (two thirds of the units) are not indexed here, so they do not
	// count: sized by all units, the maps were ~160 KB of fresh memory that
	// every ingest's index made and cleared for nothing.
	indexed := 0
	for _, u := range ref.Units {
		if u.Level != LevelProvince && (u.Level != LevelCommune || u.From.Equal(ReformDate)) {
			indexed++
		}
	}
	r := &nameIndex{
		provinces: map[string]*Unit{}, units: make(map[string][]*Unit, 2*indexed+2*len(ref.NameVariants)),
		codes: make(map[string][]*Unit, indexed), indicators: map[string]*Indicator{}, disaggs: map[string]*Disaggregation{},
		mergedInto: make(map[string][]string, len(ref.Lineage)),
	}
	for _, l := range ref.Lineage {
		r.mergedInto[l.OldCode] = append(r.mergedInto[l.OldCode], l.NewCode)
	}
	variants := map[string][]string{}
	for _, v := range ref.NameVariants {
		variants[string(v.Level)+"|"+v.Code] = append(variants[string(v.Level)+"|"+v.Code], v.Variant)
	}
	for _, u := range ref.Units {
		switch {
		case u.Level == LevelProvince:
			for _, k := range []string{u.Code, Key(u.Name), Fold(u.Name)} {
				r.provinces[k] = u
			}
			continue
		case u.Level == LevelCommune && !u.From.Equal(ReformDate):
			// Before the reform communes reported through their district;
			// only districts and the new communes are reporting units.
			r.oldSource = append(r.oldSource, u)
			continue
		}
		r.codes[u.ProvinceCode+"|"+u.Code] = append(r.codes[u.ProvinceCode+"|"+u.Code], u)
		names := append([]string{u.Name}, variants[string(u.Level)+"|"+u.Code]...)
		for _, n := range names {
			for _, k := range []string{"k:" + Key(n), "f:" + Fold(n)} {
				r.units[u.ProvinceCode+"|"+k] = appendUnique(r.units[u.ProvinceCode+"|"+k], u)
			}
		}
	}
	for _, ind := range ref.Indicators {
		for _, n := range append([]string{ind.Code, ind.LabelVI, ind.LabelEN}, ind.Aliases...) {
			r.indicators["k:"+Key(n)] = ind
			r.indicators["f:"+Fold(n)] = ind
		}
	}
	for _, d := range ref.Disaggregations {
		for _, n := range append([]string{d.Code, d.LabelVI, d.LabelEN}, d.Aliases...) {
			r.disaggs["k:"+d.Dimension+"|"+Key(n)] = d
			r.disaggs["f:"+d.Dimension+"|"+Fold(n)] = d
		}
	}
	return r
}

func appendUnique(us []*Unit, u *Unit) []*Unit {
	for _, x := range us {
		if x == u {
			return us
		}
	}
	return append(us, u)
}

// Province resolves a province by GSO code or any spelling of its name.
func (r *Resolver) Province(s string) (*Unit, *Problem) {
	name, _ := splitType(strings.TrimSpace(s))
	for _, k := range []string{strings.TrimSpace(s), Key(s), Fold(s), Key(name), Fold(name)} {
		if u := r.provinces[k]; u != nil {
			return u, nil
		}
	}
	if strings.TrimSpace(s) == "" {
		return nil, problem("missing_province", "Thiếu tên tỉnh.", "The province is missing.")
	}
	if t, _ := TotalRow(s); t {
		// A total typed under the rows, its period and indicator filled
		// down with them: no province, as a total is no unit.
		return nil, problem("total_row",
			"%q là dòng tổng, không phải tỉnh: mỗi dòng là số liệu của một đơn vị, tổng do hệ thống tự cộng.",
			"%q is a total row, not a province: each row is one unit's figures, and totals are added up here.", strings.TrimSpace(s))
	}
	return nil, problem("unknown_province",
		"Không nhận ra tỉnh %q; chỉ nhận Thanh Hóa (38), Nghệ An (40), Hà Tĩnh (42).",
		"Unknown province %q; expected Thanh Hóa (38), Nghệ An (40) or Hà Tĩnh (42).", s)
}

// wholeProvince are the folded ways of saying "the province itself".
var wholeProvince = map[string]bool{"": true, "toan tinh": true, "tinh": true, "cap tinh": true, "tong": true, "tong cong": true}

// Unit resolves a district or commune of province that existed throughout
// period p. An empty name, "toàn tỉnh" or "tỉnh <name>" means the province.
// A bare name that is also the province's name ("Hà Tĩnh") means the city.
func (r *Resolver) Unit(province *Unit, s string, p Period) (*Unit, *Problem) {
	return r.unitOn(province, r.lookupUnit(province, s), p)
}

// unitLookup is what Unit finds from a name alone, before the period
// decides: a Validator keeps it for every period the name comes with.
type unitLookup struct {
	raw, name, tried string
	whole            bool    // the name means the province itself
	found            []*Unit // every version of the units the name may mean
	keys             nameKeys
}

// nameKeys are the Key and Fold of a unit lookup's raw text and of its
// name, each computed once: the message for a name that is no unit looks
// them up in every province's index, and folding (Unicode normalisation)
// was half the CPU of a file naming a different unknown unit on each row
// (see unknownUnit).
type nameKeys struct {
	rawKey, rawFold, nameKey, nameFold string
	rawKeyed, nameKeyed                bool
}

// raw and name fill in the keys of l.raw and l.name not computed yet.
func (l *unitLookup) rawKeys() (key, fold string) {
	k := &l.keys
	if !k.rawKeyed {
		k.rawKey, k.rawFold, k.rawKeyed = Key(l.raw), Fold(l.raw), true
	}
	return k.rawKey, k.rawFold
}

func (l *unitLookup) nameKeys() (key, fold string) {
	if l.name == l.raw {
		return l.rawKeys()
	}
	k := &l.keys
	if !k.nameKeyed {
		k.nameKey, k.nameFold, k.nameKeyed = Key(l.name), Fold(l.name), true
	}
	return k.nameKey, k.nameFold
}

func (r *Resolver) lookupUnit(province *Unit, s string) unitLookup {
	l := r.lookupUnitName(province, s)
	if len(l.found) == 0 && !l.whole {
		// A unit numbered in its own cell, as a list is typed: "1. Thạch
		// Hà", "a) Nghi Xuân". Only when the whole text names none.
		if m := reListMarker.FindStringIndex(l.raw); m != nil {
			if n := r.lookupUnitName(province, l.raw[m[1]:]); len(n.found) > 0 || n.whole {
				return n
			}
		}
		// A footnote's number after it: "Nghi Xuân (1)", "Can Lộc 2)".
		if m := reFootnoteMark.FindStringIndex(l.raw); m != nil && m[0] > 0 {
			if n := r.lookupUnitName(province, l.raw[:m[0]]); len(n.found) > 0 || n.whole {
				return n
			}
		}
	}
	return l
}

// reFootnoteMark is a footnote's number after a name, in parentheses or
// before one, as a form marks a unit whose note is under the table.
var reFootnoteMark = regexp.MustCompile(`\s*(?:\(\d{1,2}\)|\d{1,2}\))$`)

// reListMarker is a list's number or letter before a name: "1. ", "12) ",
// "a) ", "b. ". The letters stop at g: "H.", "P.", "X." are the unit's
// type (splitType), and "X. Cẩm Xuyên" naming no commune must not become
// the district.
var reListMarker = regexp.MustCompile(`^(?:\d{1,2}|[a-gA-G])[.)]\s*`)

func (r *Resolver) lookupUnitName(province *Unit, s string) unitLookup {
	raw := strings.TrimSpace(s)
	l := unitLookup{raw: raw, name: raw, tried: "mã"}
	rawKey, rawFold := l.rawKeys()
	if wholeProvince[rawFold] {
		l.whole = true
		return l
	}
	typ := ""
	if isDigits(raw) {
		l.found = r.codes[province.ProvinceCode+"|"+raw]
	} else {
		// The whole text first: "Tĩnh Gia" is a name, not "tỉnh" + "Gia".
		l.tried = "tên"
		l.found = r.unitsKeyed(province, rawKey, rawFold)
		if len(l.found) == 0 {
			l.name, typ = splitType(raw)
			nameKey, nameFold := l.nameKeys()
			if typ == "tinh" && r.provinces[nameFold] == province {
				l.whole = true
				return l
			}
			l.found = r.unitsKeyed(province, nameKey, nameFold)
		}
	}
	if typ != "" {
		// The units of the type written, else of its level: "Thị trấn
		// Cẩm Xuyên" is a commune of the district Cẩm Xuyên, never the
		// district (its figures are a part of the district's), while a
		// type of the same level is only out of date ("TX Sầm Sơn" for
		// the city since 2017) and still matches.
		var typed, level []*Unit
		for _, u := range l.found {
			if u.Type == typ {
				typed = append(typed, u)
			}
			if communeType[u.Type] == communeType[typ] {
				level = append(level, u)
			}
		}
		if len(typed) > 0 {
			l.found = typed
		} else {
			l.found = level
		}
	}
	return l
}

// communeType are the unit types of the commune level; the others
// (huyện, thị xã, thành phố, quận) are of the district level.
var communeType = map[string]bool{"xa": true, "phuong": true, "thi_tran": true}

// unitOn is Unit for a name already looked up.
func (r *Resolver) unitOn(province *Unit, l unitLookup, p Period) (*Unit, *Problem) {
	if l.whole {
		return province, nil
	}
	found, raw := l.found, l.raw
	if len(found) == 0 {
		return nil, r.unknownUnit(province, l, p)
	}
	// Group versions by code; keep the codes that existed throughout p.
	var valid []*Unit
	seen := map[string]bool{}
	for _, u := range found {
		if seen[u.Code+string(u.Level)] {
			continue
		}
		seen[u.Code+string(u.Level)] = true
		if v := r.versionThroughout(province.ProvinceCode, u, p); v != nil {
			valid = append(valid, v)
		}
	}
	switch len(valid) {
	case 1:
		return valid[0], nil
	case 0:
		// Name the unit of the level that reported in p's era: "Cửa Lò"
		// in 2024 means the thị xã, not the phường created in 2025.
		u := found[0]
		for _, f := range found {
			if (f.Level == LevelDistrict) == p.End.Before(ReformDate) {
				u = f
				break
			}
		}
		if u.Level == LevelCommune && p.End.Before(ReformDate) {
			// A new commune took the name of an old one ("Thị trấn Cẩm
			// Xuyên" in 2023): the old commune is what was meant, and
			// what to do with its figures is the district's row.
			if pr := r.oldCommune(province, &l, p); pr != nil {
				return nil, pr
			}
		}
		vi := fmt.Sprintf("Đơn vị %s %s (mã %s) không tồn tại trong suốt kỳ %s (hiệu lực %s).",
			typeLabel(u.Type), u.Name, u.Code, p.Code, r.validity(province.ProvinceCode, u, "trước 2015", "nay", "02/01/2006"))
		en := fmt.Sprintf("Unit %s (%s, code %s) did not exist throughout period %s (valid %s).",
			u.Name, typeLabelEN(u.Type), u.Code, p.Code, r.validity(province.ProvinceCode, u, "before 2015", "now", time.DateOnly))
		switch {
		case u.Level == LevelDistrict && !p.End.Before(ReformDate):
			vi += " Từ 01/07/2025 cấp huyện không còn; báo cáo theo xã, phường mới."
			en += " The district level ended on 2025-07-01; the new communes report since."
		case u.Level == LevelCommune && p.Start.Before(ReformDate):
			vi += " Xã, phường mới có từ 01/07/2025; kỳ trước đó báo cáo theo huyện."
			en += " The new communes exist from 2025-07-01; earlier periods are reported by district."
		}
		return nil, &Problem{"unit_not_valid_on_period", vi, en}
	}
	var names, namesEN []string
	for _, u := range valid {
		names = append(names, fmt.Sprintf("%s %s (mã %s)", typeLabel(u.Type), u.Name, u.Code))
		namesEN = append(namesEN, fmt.Sprintf("%s (%s, code %s)", u.Name, typeLabelEN(u.Type), u.Code))
	}
	return nil, &Problem{"ambiguous_unit",
		fmt.Sprintf("Tên %q chỉ nhiều đơn vị: %s. Ghi rõ loại (huyện, thị xã, thành phố, xã, phường) hoặc mã.", raw, strings.Join(names, "; ")),
		fmt.Sprintf("Name %q matches several units: %s. Write the type before the name (\"huyện\", \"thị xã\", \"thành phố\", \"xã\", \"phường\") or the code.", raw, strings.Join(namesEN, "; "))}
}

func (r *Resolver) unitsNamed(province *Unit, name string) []*Unit {
	if found := r.units[province.ProvinceCode+"|k:"+Key(name)]; len(found) > 0 {
		return found
	}
	return r.units[province.ProvinceCode+"|f:"+Fold(name)]
}

// unitsKeyed is unitsNamed for a name whose Key and Fold are known.
func (r *Resolver) unitsKeyed(province *Unit, key, fold string) []*Unit {
	if found := r.units[province.ProvinceCode+"|k:"+key]; len(found) > 0 {
		return found
	}
	return r.units[province.ProvinceCode+"|f:"+fold]
}

// versionThroughout returns the version of u's code valid at the end of p if
// the code's versions together cover all of p (only its end for a to-date
// total, whose start is unknown).
func (r *Resolver) versionThroughout(province string, u *Unit, p Period) *Unit {
	var from, to time.Time
	var atEnd *Unit
	first := true
	for _, v := range r.codes[province+"|"+u.Code] {
		if v.Level != u.Level || (v.Level == LevelCommune) != (u.Level == LevelCommune) {
			continue
		}
		if first || (!from.IsZero() && (v.From.IsZero() || v.From.Before(from))) {
			from = v.From
		}
		if first || (!to.IsZero() && (v.To.IsZero() || v.To.After(to))) {
			to = v.To
		}
		first = false
		if v.ValidOn(p.End) {
			atEnd = v
		}
	}
	if atEnd == nil {
		return nil
	}
	if p.Type != ToDate && !from.IsZero() && p.Start.Before(from) {
		return nil
	}
	if !to.IsZero() && p.End.After(to) {
		return nil
	}
	return atEnd
}

// validity is when u's code existed, dates written in layout.
func (r *Resolver) validity(province string, u *Unit, before, now, layout string) string {
	var from, to string
	for _, v := range r.codes[province+"|"+u.Code] {
		if v.Level != u.Level {
			continue
		}
		if from == "" || v.From.IsZero() {
			from = fmtDate(v.From, before, layout)
		}
		to = fmtDate(v.To, now, layout)
	}
	return from + " – " + to
}

func fmtDate(t time.Time, zero, layout string) string {
	if t.IsZero() {
		return zero
	}
	return t.Format(layout)
}

var typeLabels = map[string]string{
	"tinh": "tỉnh", "thanh_pho": "thành phố", "thi_xa": "thị xã", "huyen": "huyện",
	"phuong": "phường", "xa": "xã", "thi_tran": "thị trấn",
}

func typeLabel(t string) string { return typeLabels[t] }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Indicator resolves an indicator by code, Vietnamese label or a known alias.
func (r *Resolver) Indicator(s string) (*Indicator, *Problem) {
	if ind := r.IndicatorNamed(s); ind != nil {
		return ind, nil
	}
	if strings.TrimSpace(s) == "" {
		return nil, problem("missing_indicator", "Thiếu chỉ tiêu.", "The indicator is missing.")
	}
	vi := fmt.Sprintf("Không nhận ra chỉ tiêu %q.", s)
	en := fmt.Sprintf("Unknown indicator %q.", s)
	if nearVI, nearEN := r.suggestIndicators(s); nearVI != "" {
		vi += " Có phải: " + nearVI + "?"
		en += " Did you mean: " + nearEN + "?"
	}
	return nil, &Problem{"unknown_indicator", vi, en}
}

// IndicatorNamed is the indicator s names, or nil: Indicator without the
// message, for a reader that asks of every header cell whether it names an
// indicator. Most cells do not, and the message's suggestions cost an edit
// distance per indicator, which made them 80 % of a form's reading time.
// The answers are remembered (nameIndex.named).
func (r *Resolver) IndicatorNamed(s string) *Indicator {
	if v, ok := r.named.Load(s); ok {
		return v.(*Indicator)
	}
	ind := r.indicatorNamed(s)
	if len(s) <= maxNamedLen && r.namedCount.Load() < maxNamed {
		if _, had := r.named.LoadOrStore(s, ind); !had {
			r.namedCount.Add(1)
		}
	}
	return ind
}

// Derived is the value readers keep under key beside the index of names,
// made by mk the first time: what they work out from the reference alone
// (a form reader's header columns), shared like the index by every
// Resolver of the Reference, so a run's files do not each work it out
// again. The value must be safe for concurrent use.
func (r *Resolver) Derived(key any, mk func() any) any {
	if v, ok := r.derived.Load(key); ok {
		return v
	}
	v, _ := r.derived.LoadOrStore(key, mk())
	return v
}

// indicatorNamed is IndicatorNamed computed. The Fold is looked up first:
// two texts with the same Key have the same Fold, so a text whose Fold
// names nothing has a Key that names nothing either, and most header cells
// are answered without their Key (NFD and NFC), which was half of a form's
// header finding.
func (r *Resolver) indicatorNamed(s string) *Indicator {
	folded := r.indicators["f:"+Fold(s)]
	if folded == nil && utf8.ValidString(s) {
		return nil
	}
	if ind := r.indicators["k:"+Key(s)]; ind != nil {
		return ind
	}
	return folded
}

var totalWords = map[string]bool{"": true, "tong": true, "tong so": true, "tong cong": true, "total": true, "chung": true}

// Disaggregation resolves a breakdown value allowed for ind; "" and "tổng"
// mean the undivided total.
func (r *Resolver) Disaggregation(ind *Indicator, s string) (string, *Problem) {
	if totalWords[Fold(s)] {
		return Total, nil
	}
	if ind.Dimension != "" {
		for _, k := range []string{"k:" + ind.Dimension + "|" + Key(s), "f:" + ind.Dimension + "|" + Fold(s)} {
			if d := r.disaggs[k]; d != nil {
				return d.Code, nil
			}
		}
	}
	var allowed, allowedEN []string
	for _, d := range r.ref.Disaggregations {
		if d.Dimension == ind.Dimension {
			allowed, allowedEN = append(allowed, d.LabelVI), append(allowedEN, d.LabelEN)
		}
	}
	if len(allowed) == 0 {
		return "", problem("disaggregation_not_allowed",
			"Chỉ tiêu %s không chia theo phân tổ; để trống cột phân tổ.",
			"Indicator %s has no breakdown; leave the disaggregation empty.", ind.Code)
	}
	return "", &Problem{"unknown_disaggregation",
		fmt.Sprintf("Phân tổ %q không dùng cho chỉ tiêu %s; dùng một trong: %s.", s, ind.Code, strings.Join(allowed, ", ")),
		fmt.Sprintf("Disaggregation %q is not allowed for %s; use one of: %s.", s, ind.Code, strings.Join(allowedEN, ", "))}
}
