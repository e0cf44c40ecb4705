package demo

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"github.com/danvan/danvan/pipeline"
)

// speller writes names, periods and numbers the many ways reports do. Every
// spelling it offers is checked against the Resolver, so a good file never
// carries a name the pipeline would refuse.
type speller struct {
	ref *pipeline.Reference
	res *pipeline.Resolver
	rng *rand.Rand
	// ok caches resolves: a failed resolution is slow (it looks for the
	// closest names) and the same few names are tried many times.
	ok map[resolveQuery]bool
}

type resolveQuery struct{ code, level, period, name string }

// nameStyle is how a file writes unit names.
type nameStyle int

const (
	namePlain  nameStyle = iota // Cẩm Xuyên
	nameTyped                   // huyện Cẩm Xuyên, thị xã Kỳ Anh, thành phố Vinh
	nameAbbrev                  // H. Cẩm Xuyên, TX Kỳ Anh, TP. Sầm Sơn
	nameNFD                     // decomposed Unicode
	nameUpper                   // CẨM XUYÊN
	nameASCII                   // Cam Xuyen
	nameCode                    // 446
	nameMixed                   // any of the above, row by row
)

var typeWord = map[string][2]string{
	"thanh_pho": {"thành phố", "TP."}, "thi_xa": {"thị xã", "TX"}, "huyen": {"huyện", "H."},
	"phuong": {"phường", "P."}, "xa": {"xã", "X."}, "thi_tran": {"thị trấn", "TT"},
}

func upper(s string) string { return strings.ToUpper(s) }

func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		case r < 0x300 || r > 0x36f:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unitName spells u in style, falling back to a spelling that resolves
// (ultimately the code) when the preferred one is ambiguous, as "Kỳ Anh"
// alone is.
func (s *speller) unitName(u *pipeline.Unit, p pipeline.Period, style nameStyle) string {
	if u.Level == pipeline.LevelProvince {
		return [...]string{"", "Toàn tỉnh", "toàn tỉnh", "Tổng"}[s.rng.IntN(4)]
	}
	if style == nameMixed {
		style = nameStyle(s.rng.IntN(int(nameCode)))
	}
	tw := typeWord[u.Type]
	cands := map[nameStyle]string{
		namePlain:  u.Name,
		nameTyped:  tw[0] + " " + u.Name,
		nameAbbrev: tw[1] + " " + u.Name,
		nameNFD:    norm.NFD.String(u.Name),
		nameUpper:  upper(u.Name),
		nameASCII:  ascii(u.Name),
		nameCode:   u.Code,
	}
	for _, st := range []nameStyle{style, nameAbbrev, nameTyped, nameCode} {
		if name := cands[st]; s.resolves(u, p, name) {
			return name
		}
	}
	return u.Code
}

func (s *speller) resolves(u *pipeline.Unit, p pipeline.Period, name string) bool {
	q := resolveQuery{u.Code, string(u.Level), p.Code, name}
	if ok, done := s.ok[q]; done {
		return ok
	}
	prov := s.province(u.ProvinceCode)
	got, pr := s.res.Unit(prov, name, p)
	ok := pr == nil && got.Code == u.Code && got.Level == u.Level
	if s.ok == nil {
		s.ok = map[resolveQuery]bool{}
	}
	s.ok[q] = ok
	return ok
}

func (s *speller) province(code string) *pipeline.Unit {
	for _, p := range s.ref.Provinces() {
		if p.Code == code {
			return p
		}
	}
	return nil
}

var provinceSpellings = map[string][]string{
	"38": {"Thanh Hóa", "Thanh Hoá", "THANH HÓA", "Thanh Hoa", "tỉnh Thanh Hóa", "38", norm.NFD.String("Thanh Hóa")},
	"40": {"Nghệ An", "NGHỆ AN", "Nghe An", "tỉnh Nghệ An", "40", norm.NFD.String("Nghệ An")},
	"42": {"Hà Tĩnh", "Ha Tinh", "HÀ TĨNH", "tỉnh Hà Tĩnh", "42", norm.NFD.String("Hà Tĩnh")},
}

// provinceName picks a spelling of the province; a file keeps one.
func (s *speller) provinceName(code string) string {
	list := provinceSpellings[code]
	return list[s.rng.IntN(len(list))]
}

// periodStyle is how a file writes its period.
type periodStyle int

const (
	periodCanon periodStyle = iota // 2023, 2023-H1
	periodWords                    // Năm 2023, 6 tháng đầu năm 2023
	periodShort                    // năm 2023, sơ kết 6 tháng 2023
)

func periodText(p pipeline.Period, st periodStyle) string {
	y := p.Start.Year()
	switch {
	case st == periodCanon:
		return p.Code
	case p.Type == pipeline.Year && st == periodWords:
		return fmt.Sprintf("Năm %d", y)
	case p.Type == pipeline.Year:
		return fmt.Sprintf("năm %d", y)
	case p.Type == pipeline.Half && p.Start.Month() == 1 && st == periodWords:
		return fmt.Sprintf("6 tháng đầu năm %d", y)
	case p.Type == pipeline.Half && p.Start.Month() == 1:
		return fmt.Sprintf("sơ kết 6 tháng %d", y)
	case p.Type == pipeline.Half:
		return fmt.Sprintf("6 tháng cuối năm %d", y)
	case p.Type == pipeline.Quarter:
		return fmt.Sprintf("Quý %s/%d", [...]string{"I", "II", "III", "IV"}[(p.Start.Month()-1)/3], y)
	case p.Type == pipeline.Month:
		return fmt.Sprintf("tháng %d/%d", p.Start.Month(), y)
	}
	return p.Code
}

// indicatorStyle is how a file names indicators.
type indicatorStyle int

const (
	indCode  indicatorStyle = iota // models_registered
	indLabel                       // Số mô hình "Dân vận khéo" đăng ký xây dựng
	indAlias                       // Số mô hình đăng ký
)

// shortLabels are the labels forms print in column headers.
var shortLabels = map[string]string{
	"models_registered":    "Số mô hình đăng ký",
	"models_recognized":    "Số mô hình được công nhận",
	"models_effective":     "Số mô hình đạt hiệu quả",
	"exemplars_collective": "Điển hình tập thể",
	"exemplars_individual": "Điển hình cá nhân",
	"dialogues":            "Số cuộc tiếp xúc, đối thoại",
	"contests":             "Số hội thi",
	"contest_teams":        "Số đội tham gia hội thi",
	"awards_collective":    "Tập thể được khen thưởng",
	"awards_individual":    "Cá nhân được khen thưởng",
	"land_donated_m2":      "Diện tích đất Nhân dân hiến (m²)",
	"funds_mobilized_vnd":  "Kinh phí Nhân dân đóng góp, huy động (đồng)",
	"workdays_contributed": "Ngày công đóng góp",
}

func (s *speller) indicator(code string, st indicatorStyle) string {
	ind := s.ref.Indicator(code)
	switch st {
	case indLabel:
		return ind.LabelVI
	case indAlias:
		return shortLabels[code]
	}
	return code
}

var disaggSpellings = map[string][]string{
	"":                            {"", "", "", "Tổng số", "tổng"},
	"kinh_te":                     {"kinh tế", "Kinh tế", "KT", "kinh_te"},
	"van_hoa_xa_hoi":              {"văn hóa – xã hội", "Văn hóa - xã hội", "VH-XH", "văn hoá xã hội"},
	"quoc_phong_an_ninh":          {"quốc phòng – an ninh", "Quốc phòng - an ninh", "QP-AN"},
	"xay_dung_he_thong_chinh_tri": {"xây dựng hệ thống chính trị", "Xây dựng HTCT", "HTCT"},
	"cap_co_so":                   {"cấp cơ sở", "Cấp huyện / cấp xã"},
	"cap_tinh":                    {"cấp tỉnh", "Cấp tỉnh", "UBND tỉnh"},
	"trung_uong":                  {"Trung ương", "cấp trung ương", "TW"},
}

// disagg spells a disaggregation; level "cấp huyện" before the reform and
// "cấp xã" after it, as reports say.
func (s *speller) disagg(code string, u *pipeline.Unit) string {
	if code == "cap_co_so" && s.rng.IntN(2) == 0 {
		if u.Level == pipeline.LevelCommune {
			return "cấp xã"
		}
		return "cấp huyện"
	}
	list := disaggSpellings[code]
	return list[s.rng.IntN(len(list))]
}

var disaggHeader = map[string]string{
	"": "Tổng số", "kinh_te": "Kinh tế", "van_hoa_xa_hoi": "Văn hóa – xã hội",
	"quoc_phong_an_ninh": "Quốc phòng – an ninh", "xay_dung_he_thong_chinh_tri": "Xây dựng HTCT",
	"cap_co_so": "Cấp huyện", "cap_tinh": "Cấp tỉnh", "trung_uong": "Trung ương",
}

// numStyle is how a number is written as text.
type numStyle int

const (
	numPlain    numStyle = iota // 1043, 1250000000
	numVN                       // 1.043, 1.250.000.000, 1.234,5
	numMixed                    // row by row: Vietnamese, plain, leading zeros, "1,25 tỷ đồng"
	numMoneyVN                  // funds in tỷ / triệu words where exact
	numLeading0                 // 04
)

// number writes v as text that pipeline.ParseNumber reads back exactly.
func (s *speller) number(v float64, ind string, st numStyle) string {
	if st == numMixed {
		st = [...]numStyle{numVN, numVN, numPlain, numMoneyVN, numLeading0}[s.rng.IntN(5)]
	}
	switch {
	case st == numLeading0 && v < 10 && v == math.Trunc(v):
		return fmt.Sprintf("%02d", int(v))
	case st == numMoneyVN && ind == "funds_mobilized_vnd":
		if w, ok := moneyWords(v); ok {
			return w
		}
		return vnNumber(v)
	case st == numPlain:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return vnNumber(v)
}

// moneyWords writes đồng as reports do: "1,25 tỷ đồng", "850 triệu đồng".
func moneyWords(v float64) (string, bool) {
	switch {
	case v >= 1e9 && math.Mod(v, 1e7) == 0:
		t := strconv.FormatFloat(v/1e9, 'f', -1, 64)
		return strings.Replace(t, ".", ",", 1) + " tỷ đồng", true
	case v < 1e9 && math.Mod(v, 1e6) == 0:
		return vnNumber(v/1e6) + " triệu đồng", true
	}
	return "", false
}

// vnNumber writes the Vietnamese way: 1.234.567 and 1.234,5.
func vnNumber(f float64) string {
	whole := math.Trunc(f)
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac := f - whole; frac != 0 {
		fs := strconv.FormatFloat(frac, 'f', -1, 64)
		b.WriteString("," + strings.TrimPrefix(fs, "0."))
	}
	return b.String()
}

func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// dateText writes a day as offices do.
func dateText(d interface{ Format(string) string }, iso bool) string {
	if iso {
		return d.Format("2006-01-02")
	}
	return d.Format("02/01/2006")
}

// encoding names a text encoding of CSV files.
type encoding string

const (
	encUTF8    encoding = "utf-8"
	encUTF8BOM encoding = "utf-8-bom"
	encUTF16LE encoding = "utf-16le-bom"
	enc1258    encoding = "windows-1258"
	encTCVN3   encoding = "tcvn3" // for the bad file only
)

func encode(text string, enc encoding) ([]byte, error) {
	switch enc {
	case encUTF8:
		return []byte(text), nil
	case encUTF8BOM:
		return append([]byte("\ufeff"), text...), nil
	case encUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	case enc1258:
		return charmap.Windows1258.NewEncoder().Bytes([]byte(to1258Form(text)))
	case encTCVN3:
		return tcvn3(text), nil
	}
	return nil, fmt.Errorf("unknown encoding %q", enc)
}

// to1258Form rewrites text the way Windows-1258 holds Vietnamese: letters
// with circumflex, breve or horn precomposed (â ê ô ă ơ ư), tone marks as
// separate combining characters. Most toned letters have no code in 1258.
func to1258Form(s string) string {
	var out, syl strings.Builder
	var tones []rune
	flush := func() {
		out.WriteString(norm.NFC.String(syl.String()))
		for _, t := range tones {
			out.WriteRune(t)
		}
		syl.Reset()
		tones = tones[:0]
	}
	for _, r := range norm.NFD.String(s) {
		switch r {
		case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
			tones = append(tones, r)
		case '\u0302', '\u0306', '\u031b':
			syl.WriteRune(r)
		default:
			// A tone sits on the letter just before it: write it after
			// that letter's precomposed form, before the next letter.
			if len(tones) > 0 || syl.Len() > 0 {
				flush()
			}
			syl.WriteRune(r)
		}
	}
	flush()
	return out.String()
}

// tcvn3 encodes s in TCVN3 (pipeline.TCVN3Byte: toned capitals share the
// small letters' bytes, as the .VnTimeH fonts did); a letter it cannot map
// is written without its marks, as old converters did.
func tcvn3(s string) []byte {
	var b bytes.Buffer
	for _, r := range norm.NFC.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case tcvn3Byte(r) != 0:
			b.WriteByte(tcvn3Byte(r))
		default:
			b.WriteString(ascii(string(r)))
		}
	}
	return b.Bytes()
}

// slug is a file-name form of a name: "Hà Tĩnh" -> "ha-tinh".
func slug(s string) string { return strings.ReplaceAll(pipeline.Fold(s), " ", "-") }

func tcvn3Byte(r rune) byte {
	b, _ := pipeline.TCVN3Byte(r)
	return b
}
