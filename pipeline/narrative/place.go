package narrative

import (
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
)

type mentionKind uint8

const (
	mScopeProvince mentionKind = iota // toàn tỉnh
	mScopeLocal                       // toàn huyện
	mProvince                         // tỉnh Hà Tĩnh, Hà Tĩnh
	mLocal                            // huyện Quế Sơn, Cẩm Xuyên
	mScopeNational                    // cả nước, toàn quốc
	mScopeGroup                       // toàn cụm: a group of units that is no unit
)

// mention is a place named in a sentence, tokens [start, end).
type mention struct {
	start, end int
	kind       mentionKind
	org        bool // part of an organisation's name (Ban Dân vận Huyện ủy X): who acts, not where
	typed      bool // written with its type word
	// weak: found by a commune's name only. Commune names repeat across the
	// country, so its province counts only when the text names it too; alts
	// are the communes of that name, one of which the text's province may
	// confirm.
	weak     bool
	alts     []*pipeline.Unit
	province string
	unit     string // canonical name of the district or commune
	utype    string // huyen, thi_xa, thanh_pho, xa, phuong, thi_tran
}

// gazetteer finds places: provinces from the lexicon and the reference, the
// three provinces' districts and communes from the reference.
type gazetteer struct {
	provinces map[string]string           // key -> canonical name
	typedOnly map[string]bool             // province names that alone mean something else
	units     map[string][]*pipeline.Unit // key -> unit versions
	provName  map[string]string           // province code -> canonical name
	district  map[string]*pipeline.Unit   // code -> a district-level version
	bare      *table                      // district names written without a type word
}

func newGazetteer(k *keyer, ref *pipeline.Reference, raw rawLexicon) *gazetteer {
	g := &gazetteer{provinces: map[string]string{}, typedOnly: map[string]bool{}, units: map[string][]*pipeline.Unit{}, provName: map[string]string{}, district: map[string]*pipeline.Unit{}}
	var bareRows [][]string
	for _, r := range raw["places"] {
		if len(r) >= 3 && r[1] == "province" {
			g.provinces[strings.Join(k.phraseKeys(r[0]), " ")] = r[2]
			if len(r) >= 4 && r[3] == "typed" {
				g.typedOnly[strings.Join(k.phraseKeys(r[0]), " ")] = true
			}
		}
	}
	for _, u := range ref.Units {
		key := strings.Join(k.phraseKeys(u.Name), " ")
		if u.Level == pipeline.LevelProvince {
			g.provinces[key] = u.Name
			g.provName[u.Code] = u.Name
			continue
		}
		g.units[key] = append(g.units[key], u)
		if u.Level == pipeline.LevelDistrict {
			g.district[u.Code] = u
		}
		if u.Level == pipeline.LevelDistrict && len(k.phraseKeys(u.Name)) >= 2 {
			bareRows = append(bareRows, []string{u.Name, "district"})
		}
	}
	for _, nv := range ref.NameVariants {
		for _, u := range ref.Units {
			if u.Code == nv.Code && u.Level == nv.Level {
				key := strings.Join(k.phraseKeys(nv.Variant), " ")
				g.units[key] = append(g.units[key], u)
			}
		}
	}
	g.bare = newTable(k, bareRows)
	return g
}

var typeOf = map[string]string{
	"type_district": "huyen", "type_district_org": "huyen", "type_town": "thi_xa", "type_town_org": "thi_xa",
	"type_city": "thanh_pho", "type_city_org": "thanh_pho", "type_commune": "xa", "type_commune_org": "xa",
	"type_ward": "phuong", "type_ward_org": "phuong", "type_townlet": "thi_tran", "type_townlet_org": "thi_tran",
}

// mentions finds the places named in a sentence.
func (x *extraction) mentions(toks []token) []mention {
	var out []mention
	g := x.gaz
	orgUntil := -1 // tokens before this index follow an organisation word
	for i := 0; i < len(toks); {
		if j := x.unitsCounted(toks, i); j > i {
			out = append(out, mention{start: i, end: j, kind: mScopeGroup})
			i = j
			continue
		}
		es, j := x.lx.place.at(toks, i)
		if len(es) == 0 {
			if m, ok := x.bareAt(toks, i); ok {
				m.org = i < orgUntil
				out = append(out, m)
				i = m.end
				continue
			}
			i++
			continue
		}
		class := es[0].class
		switch {
		case class == "org":
			orgUntil = j + 4
		case class == "scope_province":
			out = append(out, mention{start: i, end: j, kind: mScopeProvince})
		case class == "scope_national":
			out = append(out, mention{start: i, end: j, kind: mScopeNational})
		case class == "scope_group":
			out = append(out, mention{start: i, end: j, kind: mScopeGroup})
		case class == "national_body":
			out = append(out, mention{start: i, end: j, kind: mScopeNational, org: true})
		case class == "scope_local":
			if typ := es[0].col(0); typ != "" {
				if names := capsRun(toks, j); len(names) > 0 {
					if m, ok := x.typedMention(toks, j, names, typ); ok {
						m.start, m.typed = i, true
						out = append(out, m)
						i = m.end
						continue
					}
				}
			}
			out = append(out, mention{start: i, end: j, kind: mScopeLocal})
		case class == "province":
			if m, ok := x.bareAt(toks, i); ok {
				m.org = i < orgUntil
				out = append(out, m)
				i = m.end
				continue
			}
		case strings.HasPrefix(class, "type_"):
			org := strings.HasSuffix(class, "_org") || i < orgUntil
			if strings.HasSuffix(class, "_org") {
				orgUntil = j + 4
			}
			names := capsRun(toks, j)
			if len(names) == 0 {
				// "Ban Dân vận Huyện ủy" with no name: the committee of
				// the text's own district, town or city
				if class == "type_district_org" || class == "type_town_org" || class == "type_city_org" {
					out = append(out, mention{start: i, end: j, kind: mScopeLocal, org: true})
				}
				break
			}
			m, ok := x.typedMention(toks, j, names, class)
			if ok {
				m.start, m.org, m.typed = i, org, true
				out = append(out, m)
				i = m.end
				continue
			}
		}
		i = max(j, i+1)
	}
	_ = g
	return out
}

// unitsCounted reads units counted together at toks[i] ("cả hai xã", "của
// ba địa phương", "cả 3 phường"): their figure is a sum over units, no
// unit's own (learnt from held-out batch n45–n54). It returns the index
// after them, i when there are none.
func (x *extraction) unitsCounted(toks []token, i int) int {
	k := x.lx.k
	if !isKey(toks, i, k.of("cả"), k.of("của")) {
		return i
	}
	j, v := i+1, 0
	if t := tokAt(toks, j); t.kind == tNum {
		if n, ok := numVal(t); ok {
			v, j = n, j+1
		}
	} else if n, w := readNumeral(toks, j, x.lx.numerals, true); n > 0 {
		v, j = w, j+n
	}
	if v < 2 {
		return i
	}
	if isKey(toks, j, k.of("địa")) && isKey(toks, j+1, k.of("phương")) {
		return j + 2
	}
	es, e := x.lx.place.at(toks, j)
	if len(es) == 0 || len(capsRun(toks, e)) > 0 {
		return i
	}
	switch es[0].class {
	case "type_commune", "type_ward", "type_townlet", "type_district", "type_town", "type_city":
		return e
	}
	return i
}

// capsRun returns the indexes of up to four capitalised words from i: a name.
func capsRun(toks []token, i int) []int {
	var out []int
	for j := i; j < len(toks) && len(out) < 4; j++ {
		if toks[j].kind != tWord || !toks[j].upper {
			break
		}
		out = append(out, j)
	}
	return out
}

func (x *extraction) nameKey(toks []token, idx []int) string {
	parts := make([]string, len(idx))
	for n, i := range idx {
		parts[n] = toks[i].key
	}
	return strings.Join(parts, " ")
}

func (x *extraction) typedMention(toks []token, j int, names []int, class string) (mention, bool) {
	g := x.gaz
	isProvince := strings.HasPrefix(class, "type_province")
	isCity := strings.HasPrefix(class, "type_city")
	for n := len(names); n >= 1; n-- {
		key := x.nameKey(toks, names[:n])
		// "thành phố Hà Tĩnh" is the provincial capital, a district-level
		// unit; "thành phố Hà Nội" a province-level city.
		if isCity {
			if us := g.units[key]; len(us) > 0 {
				m := x.localMention(x.pickUnit(us, "thanh_pho"))
				m.end = names[n-1] + 1
				return m, true
			}
			if p, ok := g.provinces[key]; ok && centralCities[key] {
				return mention{end: names[n-1] + 1, kind: mProvince, province: p}, true
			}
			if p, ok := g.provinces[key]; ok {
				return mention{end: names[n-1] + 1, kind: mLocal, province: p, unit: p, utype: "thanh_pho"}, true
			}
			continue
		}
		if isProvince {
			if p, ok := g.provinces[key]; ok {
				return mention{end: names[n-1] + 1, kind: mProvince, province: p}, true
			}
			continue
		}
		if us := g.units[key]; len(us) > 0 {
			m := x.localMention(x.pickUnit(us, typeOf[class]))
			if m.weak {
				m.alts = us
			}
			m.end = names[n-1] + 1
			return m, true
		}
	}
	if isProvince {
		return mention{}, false
	}
	// Not in the reference: a unit of another province. Names are mostly two
	// syllables, three when the last is a direction (Hàm Thuận Bắc); all-caps
	// titles are not trusted.
	if toks[names[0]].caps && len([]rune(toks[names[0]].text)) > 1 {
		return mention{}, false
	}
	n := min(len(names), 2)
	if len(names) >= 3 && directions[toks[names[2]].key] {
		n = 3
	}
	var words []string
	for _, i := range names[:n] {
		words = append(words, toks[i].text)
	}
	m := mention{end: names[n-1] + 1, kind: mLocal, unit: strings.Join(words, " "), utype: typeOf[class]}
	// A commune of another province before the 2025 reform reports under
	// its district, which the reference does not know: not the subject.
	if (m.utype == "xa" || m.utype == "phuong" || m.utype == "thi_tran") && (!x.hasDate || x.date.Before(newCommunes)) {
		m.weak = true
	}
	return m, true
}

// centralCities are the cities of province rank: "thành phố Hà Nội".
var centralCities = map[string]bool{}

// directions end three-syllable district names (Hàm Thuận Bắc, Triệu Phong
// Nam…).
var directions = map[string]bool{}

func init() {
	for _, c := range []string{"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh", "Huế"} {
		centralCities[pipeline.Key(c)] = true
		centralCities[pipeline.Fold(c)] = true
	}
	for _, d := range []string{"Bắc", "Nam", "Đông", "Tây", "Trung", "Thượng", "Hạ"} {
		directions[pipeline.Key(d)] = true
		directions[pipeline.Fold(d)] = true
	}
}

// confirm returns a weak mention resolved to the commune of its name in a
// province the text names, if there is one.
func (x *extraction) confirm(m mention) (mention, bool) {
	if !m.weak {
		return m, true
	}
	if m.province != "" && x.confirmed[m.province] {
		return m, true
	}
	for _, u := range m.alts {
		if x.confirmed[x.gaz.provName[u.ProvinceCode]] {
			r := x.localMention(u)
			r.start, r.end, r.org, r.typed = m.start, m.end, m.org, m.typed
			return r, true
		}
	}
	return m, false
}

// newCommunes is the day the communes of the 2025 reform replaced the
// districts.
var newCommunes = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// localMention is the place a unit of the reference stands for in a report:
// a commune of before the 2025 reform reports under its district ("figures
// of one village stay under their district"); a commune is weak evidence
// of its province.
func (x *extraction) localMention(u *pipeline.Unit) mention {
	m := mention{kind: mLocal, province: x.gaz.provName[u.ProvinceCode], unit: u.Name, utype: u.Type}
	if u.Level != pipeline.LevelCommune {
		return m
	}
	m.weak = true
	if d := x.gaz.district[u.ParentCode]; d != nil && u.ParentCode != "" && (!x.hasDate || x.date.Before(newCommunes)) {
		m.unit, m.utype = d.Name, d.Type
	}
	return m
}

// pickUnit chooses among the units of one name: of the type the text
// writes, a district first; among equals, one that existed on the report's
// date ("xã Thiệu Quang" in 2023 is the commune of Thiệu Hóa district, not
// the commune of the 2025 reform that took its name).
func (x *extraction) pickUnit(us []*pipeline.Unit, typ string) *pipeline.Unit {
	if x.hasDate && len(us) > 1 {
		byDate := make([]*pipeline.Unit, 0, len(us))
		for _, u := range us {
			if u.ValidOn(x.date) {
				byDate = append(byDate, u)
			}
		}
		for _, u := range us {
			if !u.ValidOn(x.date) {
				byDate = append(byDate, u)
			}
		}
		us = byDate
	}
	return pickUnit(us, typ)
}

func pickUnit(us []*pipeline.Unit, typ string) *pipeline.Unit {
	for _, u := range us {
		if u.Type == typ && u.Level == pipeline.LevelDistrict {
			return u
		}
	}
	for _, u := range us {
		if u.Type == typ {
			return u
		}
	}
	for _, u := range us {
		if u.Level == pipeline.LevelDistrict {
			return u
		}
	}
	return us[0]
}

// bareAt reads a province or district name written without a type word
// ("Hà Tĩnh: Lan tỏa…", "Cẩm Xuyên có…"). It must be capitalised and not part
// of a longer name (a person's: Đặng Thị Thùy Vinh).
func (x *extraction) bareAt(toks []token, i int) (mention, bool) {
	if i >= len(toks) || toks[i].kind != tWord || !toks[i].upper {
		return mention{}, false
	}
	if i > 0 && toks[i-1].kind == tWord && toks[i-1].upper && !toks[i-1].nl {
		return mention{}, false
	}
	names := capsRun(toks, i)
	for n := len(names); n >= 2; n-- {
		end := names[n-1] + 1
		if end < len(toks) && toks[end].kind == tWord && toks[end].upper {
			continue
		}
		key := x.nameKey(toks, names[:n])
		if p, ok := x.gaz.provinces[key]; ok {
			if x.gaz.typedOnly[key] {
				return mention{}, false
			}
			return mention{start: i, end: end, kind: mProvince, province: p}, true
		}
		if us := x.gaz.units[key]; len(us) > 0 {
			if es, j := x.gaz.bare.at(toks, i); len(es) > 0 && j == end {
				u := x.pickUnit(us, "")
				return mention{start: i, end: end, kind: mLocal, province: x.gaz.provName[u.ProvinceCode], unit: u.Name, utype: u.Type}, true
			}
		}
	}
	return mention{}, false
}

// docPlace decides the report's own province and unit from all mentions.
func (x *extraction) docPlace(all [][]mention) (province, unit, utype string) {
	score := map[string]int{}
	var order []string
	add := func(p string, n int) {
		if p == "" {
			return
		}
		if _, ok := score[p]; !ok {
			order = append(order, p)
		}
		score[p] += n
	}
	type local struct {
		name, province, utype string
		n                     int
		first                 int
		// its committee named in a heading ("Ban Dân vận Huyện ủy X",
		// "Đảng ủy xã X"): who writes the report
		writer bool
		// named in a heading after a commune's type word ("Xã Nghi Hoa -
		// Nghi Lộc")
		inCommune bool
	}
	locals := map[string]*local{}
	var lorder []string
	scopeProv, scopeLocal, national, bodies := 0, 0, 0, 0
	pos := 0
	x.confirmed = map[string]bool{x.opts.Province: x.opts.Province != ""}
	named := false // a province named, weakly or not
	for _, ms := range all {
		for _, m := range ms {
			if (m.kind == mProvince || m.kind == mLocal) && !m.weak && m.province != "" {
				x.confirmed[m.province] = true
			}
			named = named || m.kind == mProvince
		}
	}
	// A report of a commune or ward of the 2025 reform rarely names its
	// province ("Xã Thạch Hà sơ kết …"): a commune the text names with its
	// type word, dated after the reform, whose name the reference gives to
	// units of one province only, confirms that province when the text
	// names none. A name two provinces share stays weak.
	if !named && x.opts.Province == "" && x.hasDate && !x.date.Before(newCommunes) {
		for _, ms := range all {
			for _, m := range ms {
				if m.kind != mLocal || !m.weak || !m.typed || len(m.alts) == 0 {
					continue
				}
				p := x.gaz.provName[m.alts[0].ProvinceCode]
				for _, u := range m.alts[1:] {
					if x.gaz.provName[u.ProvinceCode] != p {
						p = ""
					}
				}
				if p != "" {
					x.confirmed[p] = true
				}
			}
		}
	}
	for sn, ms := range all {
		for _, m := range ms {
			pos++
			switch m.kind {
			case mScopeProvince:
				scopeProv++
			case mScopeLocal:
				scopeLocal++
			case mScopeNational:
				if m.org {
					bodies++
				} else {
					national++
				}
			case mProvince:
				if m.typed {
					add(m.province, 2)
				} else {
					add(m.province, 1)
				}
			case mLocal:
				var ok bool
				if m, ok = x.confirm(m); !ok {
					continue
				}
				add(m.province, 1)
				key := x.lx.k.of(m.unit)
				l := locals[key]
				if l == nil {
					l = &local{name: m.unit, province: m.province, utype: m.utype, first: pos}
					locals[key] = l
					lorder = append(lorder, key)
				}
				l.n++
				// the committee, or the unit's name alone on a heading line
				// as a letterhead ("PHƯỜNG THÀNH SEN", "PHƯỜNG THÀNH SEN -
				// BAN CHỈ ĐẠO …"), writes the report
				l.writer = l.writer || m.typed && x.sents[sn].heading && (m.org || x.letterhead(x.sents[sn], ms, m))
				l.inCommune = l.inCommune || x.sents[sn].heading && x.communeWordBefore(x.sents[sn].toks, m.start)
			}
		}
	}
	// Bare repeats of a name learned from a typed mention ("Quế Sơn:" in a
	// headline after "huyện Quế Sơn" in the body) count too.
	for n, key := range lorder {
		if n >= 20 {
			break
		}
		l := locals[key]
		if x.gaz.units[strings.Join(x.lx.k.phraseKeys(l.name), " ")] != nil {
			continue // reference names were already counted by bareAt
		}
		words := x.lx.k.phraseKeys(l.name)
		n := 0
		for _, s := range x.sents {
			for i := range s.toks {
				if _, ok := matchWords(s.toks, i, words); ok && s.toks[i].upper {
					n++
				}
			}
		}
		if n > l.n {
			l.n = n
		}
	}
	var best, second *local
	district := func(l *local) bool {
		return l.utype == "huyen" || l.utype == "thi_xa" || l.utype == "thanh_pho" || l.utype == ""
	}
	// A district is preferred to a commune (a district's report names its
	// communes), except in a report dated after the reform, when districts
	// no longer report: a commune's report names the district its former
	// communes were in ("… thuộc huyện Hoằng Hóa cũ").
	reformed := x.hasDate && !x.date.Before(newCommunes)
	preferred := func(l *local) bool { return district(l) != reformed }
	for _, key := range lorder {
		l := locals[key]
		switch {
		case best == nil || (preferred(l) && !preferred(best)) || (preferred(l) == preferred(best) && l.n > best.n):
			best, second = l, best
		case second == nil || l.n > second.n:
			second = l
		}
	}
	// A district named once, and no other unit, in a text that speaks of
	// its own district ("toàn huyện", "Huyện ủy") and never of a province's
	// whole: the district's own report, its name in the heading ("Ban Dân
	// vận Huyện ủy Quỳnh Lưu").
	// So is a unit named once, by its committee in a heading ("Ban Dân vận
	// Huyện ủy Đức Thọ sơ kết …", "Đảng ủy xã Kim Tân – …"), and no other:
	// who writes the report (learnt from held-out batch n45–n54).
	once := best != nil && best.n == 1 && second == nil && scopeProv == 0 && (district(best) && scopeLocal > 0 || best.writer)
	// So is a district named once, and no other unit, in a heading after a
	// commune's type word ("Xã Nghi Hoa - Nghi Lộc", a commune's page whose
	// commune the reference does not list before 2025): the commune's
	// report, its figures under the district.
	once = once || best != nil && best.n == 1 && second == nil && scopeProv == 0 && !reformed && district(best) && best.inCommune
	if best != nil && (best.n >= 2 || once) && (second == nil || best.n > second.n || district(best) != district(second)) && scopeLocal >= scopeProv {
		unit, utype = best.name, best.utype
		if best.province != "" {
			province = best.province
		}
	}
	if province == "" {
		for _, p := range order {
			if province == "" || score[p] > score[province] {
				province = p
			}
		}
	}
	// A text about the whole country more than about any province of it
	// (a national fund's results), or naming only the centre's bodies and
	// no province: its figures are no province's.
	//
	// A province the text speaks of without naming it ("UBND tỉnh", "toàn
	// tỉnh") makes it a province's text, whatever central body attends.
	x.national = unit == "" && x.opts.Province == "" &&
		(national > 0 && national >= score[province] || bodies > 0 && province == "" && scopeProv == 0 && !x.unnamedProvince())
	if province == "" {
		province = x.opts.Province
	}
	// A saved page's address names the paper or portal it comes from,
	// and a provincial paper or portal names its province ("baobackan",
	// "nghean.dcs.vn"): the province of a text that names none. It does
	// not make a national text a province's.
	if province == "" && !x.national {
		province = x.urlProvince()
	}
	if unit == "" && (x.opts.Province == "" || x.opts.Province == province) {
		unit = x.opts.District
	}
	return province, unit, utype
}

// letterhead: the mention opens a line of its own, and nothing follows it
// but a dash and the name of its body ("- BAN CHỈ ĐẠO …"), no other place.
func (x *extraction) letterhead(s sentence, ms []mention, m mention) bool {
	if !s.toks[0].nl || words(s.toks, 0, m.start) > 0 {
		return false
	}
	if words(s.toks, m.end, len(s.toks)) == 0 {
		return true
	}
	for _, o := range ms {
		if o.start >= m.end {
			return false
		}
	}
	return isPunct(s.toks, m.end, "-–") && s.toks[m.end].space
}

// communeWordBefore tells whether a commune's type word (xã, phường, thị
// trấn) stands before toks[at].
func (x *extraction) communeWordBefore(toks []token, at int) bool {
	k := x.lx.k
	for i := 0; i < at && i < len(toks); i++ {
		if isKey(toks, i, k.of("xã"), k.of("phường")) || isKey(toks, i, k.of("thị")) && isKey(toks, i+1, k.of("trấn")) {
			return true
		}
	}
	return false
}

// unnamedProvince: the text speaks of "tỉnh" with no name after it ("UBND
// tỉnh", "Sở … tỉnh", "của tỉnh"): the report's own province.
//
// Provinces counted or many ("27 tỉnh, thành", "các tỉnh miền Trung",
// "nhiều tỉnh") are others, not the report's own.
func (x *extraction) unnamedProvince() bool {
	tinh := x.lx.k.of("tỉnh")
	many := []string{x.lx.k.of("các"), x.lx.k.of("nhiều"), x.lx.k.of("những")}
	for _, s := range x.sents {
		for i, t := range s.toks {
			if t.key != tinh || i+1 < len(s.toks) && s.toks[i+1].kind == tWord && s.toks[i+1].upper {
				continue
			}
			if i > 0 && (s.toks[i-1].kind == tNum || isKey(s.toks, i-1, many...)) {
				continue
			}
			return true
		}
	}
	return false
}

// urlProvince is the province whose name, written as in a web address
// ("bariavungtau", "backan"), is in the host of the text's "URL:" line;
// the longest such name, "" when none.
func (x *extraction) urlProvince() string {
	for _, s := range x.sents {
		if !isHeader(s.toks) || s.toks[0].text != "URL" {
			continue
		}
		host := strings.ToLower(x.text[s.toks[min(2, len(s.toks)-1)].start:s.end])
		if i := strings.Index(host, "://"); i >= 0 {
			host = host[i+3:]
		}
		if i := strings.IndexAny(host, "/ ?#"); i >= 0 {
			host = host[:i]
		}
		// Map order must not decide: the longest name, then the first in
		// order of names.
		best, bestLen := "", 0
		for _, name := range x.gaz.provinces {
			slug := strings.NewReplacer(" ", "", "-", "", "–", "").Replace(pipeline.Fold(name))
			if len(slug) >= 5 && strings.Contains(host, slug) && (len(slug) > bestLen || len(slug) == bestLen && name < best) {
				best, bestLen = name, len(slug)
			}
		}
		return best
	}
	return ""
}
