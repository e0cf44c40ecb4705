package pipeline

import (
	"fmt"
	"sort"
	"strings"
)

// What a name that is no unit of its province may be instead, so the
// message can say what to do rather than list units at random: the name of
// a unit of another of the three provinces ("Nam Đàn" in a Hà Tĩnh file), or
// of a body that is not an administrative unit (a party committee, an
// association, a "Khối" of offices), whose figures are reported by the
// administrative unit they belong to. Only names that resolved to nothing
// come here, so a real unit whose name starts like a body ("Trường Lâm")
// is never taken for one.

// bodyWords are the Keys of the words that open the name of a body that is
// not an administrative unit. A name is a body's when its Key starts with
// one of them followed by more words.
var bodyWords = func() []string {
	words := []string{
		"đảng bộ", "đảng ủy", "chi bộ", "ban chấp hành", "ban thường vụ", "thường trực",
		"huyện ủy", "thị ủy", "thành ủy", "tỉnh ủy",
		"ban dân vận", "ban tuyên giáo", "ban tổ chức", "ban chỉ đạo", "ban chỉ huy", "ban quản lý",
		"khối", "cụm thi đua", "hội", "mặt trận", "ủy ban mặt trận", "liên đoàn", "công đoàn",
		"đoàn thanh niên", "đoàn tncs", "tỉnh đoàn", "huyện đoàn", "thành đoàn", "hội đồng nhân dân",
		"ủy ban", "ubnd", "ubmttq", "hđnd", "mttq", "sở", "văn phòng", "cơ quan", "công an",
		"bộ chỉ huy", "quân sự", "bộ đội biên phòng", "viện kiểm sát", "tòa án", "ngân hàng",
		"chi cục", "cục", "công ty", "tổng công ty", "tổng cục", "tổng đội", "tổng liên đoàn", "tổng hội", "doanh nghiệp", "trung tâm", "bệnh viện",
		"trường thpt", "trường thcs", "trường tiểu học", "trường mầm non", "trường chính trị",
		"trường đại học", "trường cao đẳng",
	}
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = Key(w)
	}
	// Longest first, so "ủy ban mặt trận" is cut whole, not as "ủy ban".
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	return keys
}()

// bodyKeyed reports whether a name, by its Key k, is a body's name, and
// the rest of the name after its opening words ("Huyện ủy Nam Đàn" → "nam
// đàn").
func bodyKeyed(k string) (rest string, ok bool) {
	for _, w := range bodyWords {
		if strings.HasPrefix(k, w+" ") {
			return strings.TrimSpace(k[len(w):]), true
		}
	}
	return "", false
}

// typeLabelsEN are the English words for typeLabels.
var typeLabelsEN = map[string]string{
	"tinh": "province", "thanh_pho": "city", "thi_xa": "town", "huyen": "district",
	"phuong": "ward", "xa": "commune", "thi_tran": "township",
}

func typeLabelEN(t string) string { return typeLabelsEN[t] }

// unknownUnit says why no unit of province is named l.name. A file may
// name a different unknown unit on each of its million rows: the name's
// Keys and Folds are computed once (l.keys, mostly by lookupUnit) and
// looked up in the Resolver's index, not folded again per province.
func (r *Resolver) unknownUnit(province *Unit, l unitLookup, p Period) *Problem {
	if t, _ := TotalRow(l.raw); t {
		return &Problem{"total_row",
			fmt.Sprintf("%q là dòng tổng, không phải đơn vị: mỗi dòng là số liệu của một đơn vị, tổng do hệ thống tự cộng; số liệu của cả tỉnh ghi là \"Toàn tỉnh\".", l.raw),
			fmt.Sprintf("%q is a total row, not a unit: each row is one unit's figures, and totals are added up here; the whole province's figures go under \"Toàn tỉnh\".", l.raw)}
	}
	if pr := r.oldCommune(province, &l, p); pr != nil {
		return pr
	}
	if pr := r.otherProvince(province, &l, p); pr != nil {
		return pr
	}
	rawKey, _ := l.rawKeys()
	if rest, ok := bodyKeyed(rawKey); ok {
		vi := fmt.Sprintf("%q không phải đơn vị hành chính. Số liệu báo cáo theo đơn vị hành chính: huyện, thị xã, thành phố (đến 30/06/2025) hoặc xã, phường (từ 01/07/2025); số liệu của cả tỉnh ghi là \"Toàn tỉnh\".", l.raw)
		en := fmt.Sprintf("%q is not an administrative unit. Figures are reported by administrative unit: district, town or city (until 2025-06-30), commune or ward (from 2025-07-01); the whole province's figures go under \"Toàn tỉnh\".", l.raw)
		if u := r.unitIn(province, rest, p); u != nil {
			vi += fmt.Sprintf(" Nếu đây là số liệu của %s %s, ghi %q.", typeLabel(u.Type), u.Name, u.Name)
			en += fmt.Sprintf(" If these are the figures of %s (%s), write %q.", u.Name, typeLabelEN(u.Type), u.Name)
		}
		return &Problem{"not_administrative_unit", vi, en}
	}
	how := map[string][2]string{"mã": {"mã", "code"}, "tên": {"tên", "name"}}[l.tried]
	vi := fmt.Sprintf("Không tìm thấy đơn vị %q (theo %s) trong tỉnh %s.", l.raw, how[0], province.Name)
	en := fmt.Sprintf("No unit %q (by %s) in %s.", l.raw, how[1], province.Name)
	_, nameFold := l.nameKeys()
	if nearVI, nearEN := r.suggestUnitsFolded(province, nameFold, p); nearVI != "" {
		vi += " Có phải: " + nearVI + "?"
		en += " Did you mean: " + nearEN + "?"
	}
	return &Problem{"unknown_unit", vi, en}
}

// unitIn is the one reporting unit of province on p's last day that a
// name (type word allowed) names, or nil.
func (r *Resolver) unitIn(province *Unit, name string, p Period) *Unit {
	if name == "" {
		return nil
	}
	found := r.unitsNamed(province, name)
	if len(found) == 0 {
		n, _ := splitType(name)
		found = r.unitsNamed(province, n)
	}
	var u *Unit
	for _, f := range found {
		if !f.ValidOn(p.End) {
			continue
		}
		if u != nil && f.Code != u.Code {
			return nil
		}
		u = f
	}
	return u
}

// otherProvince names the other provinces whose units (or which themselves)
// l names, or nil when none does; the units that existed on p's last day
// when some did.
func (r *Resolver) otherProvince(province *Unit, l *unitLookup, p Period) *Problem {
	rawKey, rawFold := l.rawKeys()
	nameKey, nameFold := l.nameKeys()
	var vi, en []string
	var first *Unit
	type hit struct {
		u     *Unit
		other *Unit
	}
	var hits []hit
	for _, other := range r.ref.Provinces() {
		if other.Code == province.Code {
			continue
		}
		if r.provinces[nameFold] == other || r.provinces[rawFold] == other {
			return &Problem{"unit_in_other_province",
				fmt.Sprintf("%q là tỉnh %s, không phải đơn vị của tỉnh %s. Nếu số liệu là của tỉnh %s, sửa tên tỉnh thành %s và để trống ô đơn vị.",
					l.raw, other.Name, province.Name, other.Name, other.Name),
				fmt.Sprintf("%q is the province of %s, not a unit of %s. If these are %s's figures, correct the province to %s and leave the unit empty.",
					l.raw, other.Name, province.Name, other.Name, other.Name)}
		}
		var found []*Unit
		if isDigits(l.raw) {
			found = r.codes[other.ProvinceCode+"|"+l.raw]
		} else {
			found = r.unitsKeyed(other, rawKey, rawFold)
			if len(found) == 0 {
				found = r.unitsKeyed(other, nameKey, nameFold)
			}
		}
		seen := map[string]bool{}
		for _, u := range found {
			if !seen[u.Code] {
				seen[u.Code] = true
				hits = append(hits, hit{u, other})
			}
		}
	}
	valid := hits[:0:0]
	for _, h := range hits {
		if r.unitByCode(h.u.ProvinceCode, h.u.Code).ValidOn(p.End) {
			valid = append(valid, h)
		}
	}
	if len(valid) > 0 {
		hits = valid
	}
	for _, h := range hits {
		if first == nil {
			first = h.u
		}
		vi = append(vi, fmt.Sprintf("%s %s (mã %s, tỉnh %s)", typeLabel(h.u.Type), h.u.Name, h.u.Code, h.other.Name))
		en = append(en, fmt.Sprintf("%s (%s, code %s, %s)", h.u.Name, typeLabelEN(h.u.Type), h.u.Code, h.other.Name))
	}
	if first == nil {
		return nil
	}
	prov := r.provinces[first.ProvinceCode]
	return &Problem{"unit_in_other_province",
		fmt.Sprintf("%s thuộc tỉnh %s, không thuộc %s: %s. Nếu số liệu là của tỉnh %s, sửa tên tỉnh; nếu không, sửa tên đơn vị.",
			first.Name, prov.Name, province.Name, strings.Join(vi, "; "), prov.Name),
		fmt.Sprintf("%s is in %s province, not in %s: %s. If these are %s's figures, correct the province; otherwise correct the unit.",
			first.Name, prov.Name, province.Name, strings.Join(en, "; "), prov.Name)}
}

// oldCommune answers for the name of a commune of before the 2025 reform:
// before it, communes reported through their district; after it, they are
// part of a new commune.
func (r *Resolver) oldCommune(province *Unit, l *unitLookup, p Period) *Problem {
	nameKey, nameFold := l.nameKeys()
	found := r.oldCommunes()[province.ProvinceCode+"|k:"+nameKey]
	if len(found) == 0 {
		found = r.oldCommunes()[province.ProvinceCode+"|f:"+nameFold]
	}
	if len(found) == 0 {
		return nil
	}
	var vi, en []string
	if p.End.Before(ReformDate) {
		for _, u := range found {
			d := r.unitByCode(province.ProvinceCode, u.ParentCode)
			vi = append(vi, fmt.Sprintf("%s %s thuộc %s %s", typeLabel(u.Type), u.Name, typeLabel(d.Type), d.Name))
			en = append(en, fmt.Sprintf("%s (%s) is in %s (%s)", u.Name, typeLabelEN(u.Type), d.Name, typeLabelEN(d.Type)))
		}
		pr := &Problem{"commune_before_reform",
			strings.Join(vi, "; ") + ". Trước 01/07/2025 xã, phường không báo cáo riêng: số liệu báo cáo theo huyện, thị xã, thành phố.",
			strings.Join(en, "; ") + ". Before 2025-07-01 communes and wards did not report on their own: figures are reported by district, town or city."}
		if d := r.unitByCode(province.ProvinceCode, found[0].ParentCode); len(found) == 1 && d != nil {
			pr.Reason += fmt.Sprintf(" Ghi %q vào ô đơn vị.", d.Name)
			pr.ReasonEN += fmt.Sprintf(" Write %q in the unit cell.", d.Name)
		}
		return pr
	}
	for _, u := range found {
		var into, intoEN []string
		for _, code := range r.mergedInto[u.Code] {
			if n := r.unitByCode(province.ProvinceCode, code); n != nil && n.From.Equal(ReformDate) {
				into = append(into, typeLabel(n.Type)+" "+n.Name)
				intoEN = append(intoEN, fmt.Sprintf("%s (%s)", n.Name, typeLabelEN(n.Type)))
			}
		}
		if len(into) == 0 {
			continue
		}
		vi = append(vi, fmt.Sprintf("%s %s (cũ) đã nhập vào %s", typeLabel(u.Type), u.Name, strings.Join(into, ", ")))
		en = append(en, fmt.Sprintf("the former %s %s became part of %s", typeLabelEN(u.Type), u.Name, strings.Join(intoEN, ", ")))
	}
	if len(vi) == 0 {
		return nil
	}
	return &Problem{"commune_merged",
		"Từ 01/07/2025 " + strings.Join(vi, "; ") + ". Báo cáo theo xã, phường mới: ghi tên xã, phường mới vào ô đơn vị.",
		"On 2025-07-01 " + strings.Join(en, "; ") + ". Report by the new commune or ward: write its name in the unit cell."}
}

// unitByCode is the latest version of the unit with code in province (a
// district, or a new commune), or nil.
func (r *Resolver) unitByCode(province, code string) *Unit {
	vs := r.codes[province+"|"+code]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}
