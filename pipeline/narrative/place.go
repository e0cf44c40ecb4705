package narrative

import (
	"strings"

	"github.com/danvan/danvan/pipeline"
)

type mentionKind uint8

const (
	mScopeProvince mentionKind = iota // toàn tỉnh
	mScopeLocal                       // toàn huyện
	mProvince                         // tỉnh Hà Tĩnh, Hà Tĩnh
	mLocal                            // huyện Quế Sơn, Cẩm Xuyên
)

// mention is a place named in a sentence, tokens [start, end).
type mention struct {
	start, end int
	kind       mentionKind
	org        bool // part of an organisation's name (Ban Dân vận Huyện ủy X): who acts, not where
	typed      bool // written with its type word
	province   string
	unit       string // canonical name of the district or commune
	utype      string // huyen, thi_xa, thanh_pho, xa, phuong, thi_tran
}

// gazetteer finds places: provinces from the lexicon and the reference, the
// three provinces' districts and communes from the reference.
type gazetteer struct {
	provinces map[string]string           // key -> canonical name
	typedOnly map[string]bool             // province names that alone mean something else
	units     map[string][]*pipeline.Unit // key -> unit versions
	provName  map[string]string           // province code -> canonical name
	bare      *table                      // district names written without a type word
}

func newGazetteer(k *keyer, ref *pipeline.Reference, raw rawLexicon) *gazetteer {
	g := &gazetteer{provinces: map[string]string{}, typedOnly: map[string]bool{}, units: map[string][]*pipeline.Unit{}, provName: map[string]string{}}
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
	"type_ward": "phuong", "type_townlet": "thi_tran",
}

// mentions finds the places named in a sentence.
func (x *extraction) mentions(toks []token) []mention {
	var out []mention
	g := x.gaz
	orgUntil := -1 // tokens before this index follow an organisation word
	for i := 0; i < len(toks); {
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
		case class == "scope_local":
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
	isProvinceType := strings.HasPrefix(class, "type_province") || strings.HasPrefix(class, "type_city")
	for n := len(names); n >= 1; n-- {
		key := x.nameKey(toks, names[:n])
		if isProvinceType {
			if p, ok := g.provinces[key]; ok {
				return mention{end: names[n-1] + 1, kind: mProvince, province: p}, true
			}
		}
		if strings.HasPrefix(class, "type_province") {
			continue
		}
		if us := g.units[key]; len(us) > 0 {
			u := pickUnit(us, typeOf[class])
			return mention{end: names[n-1] + 1, kind: mLocal, province: g.provName[u.ProvinceCode], unit: u.Name, utype: u.Type}, true
		}
	}
	if strings.HasPrefix(class, "type_province") {
		return mention{}, false
	}
	// Not in the reference: a unit of another province. Names are mostly two
	// syllables; all-caps titles are not trusted.
	if toks[names[0]].caps && len([]rune(toks[names[0]].text)) > 1 {
		return mention{}, false
	}
	n := min(len(names), 2)
	var words []string
	for _, i := range names[:n] {
		words = append(words, toks[i].text)
	}
	return mention{end: names[n-1] + 1, kind: mLocal, unit: strings.Join(words, " "), utype: typeOf[class]}, true
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
				u := pickUnit(us, "")
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
	}
	locals := map[string]*local{}
	var lorder []string
	scopeProv, scopeLocal := 0, 0
	pos := 0
	for _, ms := range all {
		for _, m := range ms {
			pos++
			switch m.kind {
			case mScopeProvince:
				scopeProv++
			case mScopeLocal:
				scopeLocal++
			case mProvince:
				if m.typed {
					add(m.province, 2)
				} else {
					add(m.province, 1)
				}
			case mLocal:
				add(m.province, 1)
				key := x.lx.k.of(m.unit)
				l := locals[key]
				if l == nil {
					l = &local{name: m.unit, province: m.province, utype: m.utype, first: pos}
					locals[key] = l
					lorder = append(lorder, key)
				}
				l.n++
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
	for _, key := range lorder {
		l := locals[key]
		switch {
		case best == nil || (district(l) && !district(best)) || (district(l) == district(best) && l.n > best.n):
			best, second = l, best
		case second == nil || l.n > second.n:
			second = l
		}
	}
	if best != nil && best.n >= 2 && (second == nil || best.n > second.n || district(best) != district(second)) && scopeLocal >= scopeProv {
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
	if province == "" {
		province = x.opts.Province
	}
	if unit == "" && (x.opts.Province == "" || x.opts.Province == province) {
		unit = x.opts.District
	}
	return province, unit, utype
}
