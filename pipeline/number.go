package pipeline

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Qualifier says how exact a reported value is. Reports write "gần 2.000"
// (nearly) or "trên 15.560" (more than) as often as exact figures, and the
// qualifier travels with the value.
type Qualifier string

const (
	Exact   Qualifier = "exact"
	Approx  Qualifier = "approx"   // gần, khoảng, xấp xỉ, ước
	AtLeast Qualifier = "at_least" // trên, hơn, ít nhất
	AtMost  Qualifier = "at_most"  // dưới, chưa đến, tối đa
)

// ParseQualifier reads a qualifier given on its own (a JSON field, a
// column): the contract's codes, their English, or a word of
// words/qualifiers.tsv ("gần", "trên", "ngót").
func ParseQualifier(s string) (Qualifier, bool) {
	f := Fold(s)
	if f == "" {
		// A sign ("~", ">") folds to nothing, which is no qualifier.
		w := numberWords()
		for _, qw := range append(w.signs[:len(w.signs):len(w.signs)], w.signsAfter...) {
			if strings.TrimSpace(s) == qw.word {
				return qw.q, true
			}
		}
	}
	switch f {
	case "", "exact", "chinh xac":
		return Exact, true
	case "approx", "approximately", "about":
		return Approx, true
	case "at least", "at_least", "more than":
		return AtLeast, true
	case "at most", "at_most", "less than":
		return AtMost, true
	}
	q, ok := numberWords().columnQualifiers[f]
	return q, ok
}

// unitWords maps folded unit spellings to the catalogue's unit.
var unitWords = map[string]string{
	"m2": "m²", "m": "m²", "met vuong": "m²", "ha": "ha", "hecta": "ha", "hec ta": "ha",
	"dong": "đồng", "d": "đồng", "vnd": "đồng", "vnđ": "đồng",
	// "1.200 công": a workday, as reports count them.
	"cong": "ngày công",
}

// Number is a parsed figure: its value, qualifier and the unit written after
// it, if any ("m²", "ha", "đồng", or the unit word as written, folded), and
// that unit word as written, for messages ("người", not "nguoi").
type Number struct {
	Value     float64
	Qualifier Qualifier
	Unit      string
	UnitText  string
}

// ErrNotNumber is wrapped by every ParseNumber error.
var ErrNotNumber = errors.New("not a number")

// ErrScientific and ErrHex are wrapped by ParseNumber's error for a number
// in scientific ("1e6", "1,23E+11") or hexadecimal ("0x10") notation.
// Reports write plain numbers; a spreadsheet shows 1,23E+11 for a number
// too wide for its column, rounded, and a CSV saved from it keeps that.
var (
	ErrScientific = errors.New("scientific notation")
	ErrHex        = errors.New("hexadecimal notation")
)

// ErrFormula is wrapped by ParseNumber's error for a formula ("=C5-2"): a
// workbook saved by a program that does not calculate keeps its formulas
// without their results, and a CSV may hold a formula's text.
var ErrFormula = errors.New("formula without its result")

// ParseNumber reads a figure as Vietnamese reports write it: "15.560" is
// 15560, "2,5" is 2.5, "1,2 tỷ" is 1.2e9, "gần 2.000" is approximately 2000,
// "04 cá nhân" is 4. Plain machine forms ("1234.5") are read too: a dot is a
// thousands separator only when every group after it has three digits.
func ParseNumber(s string) (Number, error) {
	n := Number{Qualifier: Exact}
	if v, ok := plainInt(s); ok {
		n.Value = v
		return n, nil
	}
	if grouping(s) {
		// Digits with dots and commas only ("15.560", "2,5"): what the
		// general path below comes to for them, without its allocations.
		v, err := numeral(s)
		if err != nil {
			return n, err
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return n, errors.Join(ErrNotNumber, errors.New("too large"))
		}
		n.Value = v
		return n, nil
	}
	return parseNumber(s)
}

// parseNumber is ParseNumber's general path.
func parseNumber(s string) (Number, error) {
	n := Number{Qualifier: Exact}
	text := strings.TrimSpace(strings.ToLower(s))
	if text == "" {
		return n, errors.Join(ErrNotNumber, errors.New("empty"))
	}
	if text[0] == '=' {
		return n, errors.Join(ErrNotNumber, ErrFormula)
	}
	for _, qw := range numberWords().signs {
		if strings.HasPrefix(text, qw.word) {
			n.Qualifier = qw.q
			text = strings.TrimSpace(text[len(qw.word):])
			break
		}
	}
	folded := Fold(text)
	for _, qw := range numberWords().cellQualifiers {
		if strings.HasPrefix(folded, qw.word+" ") {
			n.Qualifier = qw.q
			text = dropWords(text, len(strings.Fields(qw.word)))
			break
		}
	}
	text = joinSpaceGroups(text)
	if err := notation(text); err != nil {
		return n, err
	}
	total, rest, err := amount(text)
	if err != nil {
		return n, err
	}
	n.Value = total
	rest = strings.TrimSpace(strings.Trim(rest, " ()"))
	for _, qw := range numberWords().signsAfter {
		if n.Qualifier == Exact && strings.HasSuffix(rest, qw.word) {
			n.Qualifier = qw.q
			rest = strings.TrimSpace(strings.TrimSuffix(rest, qw.word))
			break
		}
	}
	if rest != "" && n.Qualifier == Exact {
		// A qualifier the list writes after the figure ("12 trở lên",
		// "12 mô hình trở lên"), in brackets too ("1.200 người (ước)",
		// whose closing bracket the trim above took).
		folded := Fold(rest)
		for _, qw := range numberWords().cellAfter {
			if folded == qw.word || strings.HasSuffix(folded, " "+qw.word) || strings.HasSuffix(folded, " ("+qw.word) {
				n.Qualifier = qw.q
				words := strings.Fields(rest)
				rest = strings.Join(words[:max(0, len(words)-len(strings.Fields(qw.word)))], " ")
				rest = strings.TrimSpace(strings.TrimSuffix(rest, "("))
				break
			}
		}
	}
	if rest != "" && (rest[0] >= '0' && rest[0] <= '9' || rest[0] == '.' || rest[0] == ',') {
		return n, errors.Join(ErrNotNumber, errors.New("several numbers"))
	}
	if rest != "" {
		n.UnitText = rest
		u := Fold(rest)
		if mapped, ok := unitWords[u]; ok {
			n.Unit = mapped
		} else if rest == "%" {
			n.Unit = "%" // a rate: folded, it was no unit at all, and 50% read as 50
		} else if rest == "m²" {
			n.Unit = "m²"
		} else {
			n.Unit = u
		}
	}
	if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
		return n, errors.Join(ErrNotNumber, errors.New("too large"))
	}
	return n, nil
}

// joinSpaceGroups removes the spaces between the thousands groups of the
// number s starts with ("1 234 567,5"), as French-style locales, web pages
// and Word write them, a no-break, narrow or thin space among them: 1 to 3
// digits, then groups of exactly three, each after one space. Anything
// else ("2 3", "1234 567") is left as it is, for amount to refuse as
// several numbers.
func joinSpaceGroups(s string) string {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i || j-i > 3 {
		return s
	}
	var b []byte
	for j < len(s) {
		size := groupSpace(s[j:])
		if size == 0 {
			break
		}
		k := j + size
		if k+3 > len(s) || !digits(s[k:k+3]) || k+3 < len(s) && s[k+3] >= '0' && s[k+3] <= '9' {
			break
		}
		if b == nil {
			b = append(b, s[:j]...)
		}
		b = append(b, s[k:k+3]...)
		j = k + 3
	}
	if b == nil {
		return s
	}
	return string(append(b, s[j:]...))
}

// groupSpace is the length in bytes of the space that may part thousands
// groups at the start of s, 0 when none is there.
func groupSpace(s string) int {
	for _, sp := range []string{" ", "\u00a0", "\u202f", "\u2009"} {
		if strings.HasPrefix(s, sp) {
			return len(sp)
		}
	}
	return 0
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numberProblem says why s is not a number, with the fix.
func numberProblem(s string, err error) *Problem {
	switch {
	case errors.Is(err, ErrScientific):
		return problem("not_plain_number",
			"Giá trị %q viết dạng lũy thừa (có số mũ E); hãy ghi số bình thường, ví dụ 1.500.000 thay cho 1,5E+06. "+
				"Nếu bảng tính hiện số như vậy vì cột hẹp, hãy định dạng cột là số (\"Number\") rồi lưu lại.",
			"Value %q is in scientific notation (with an exponent E); write it as a plain number, e.g. 1.500.000 for 1,5E+06. "+
				"If the spreadsheet shows it so because the column is narrow, format the column as Number and save again.", s)
	case errors.Is(err, ErrFormula):
		return problem("formula_without_result",
			"Ô chứa công thức %q nhưng tệp không lưu kết quả của công thức, nên không biết số liệu "+
				"(tệp được tạo hoặc sửa bằng chương trình không tự tính công thức).",
			"The cell holds the formula %q but the file does not hold its result, so the figure is unknown "+
				"(the file was made or edited by a program that does not calculate formulas).", s)
	case errors.Is(err, ErrHex):
		return problem("not_plain_number",
			"Giá trị %q viết theo hệ thập lục phân (0x); hãy ghi số thập phân bình thường, ví dụ 16 thay cho 0x10.",
			"Value %q is written in hexadecimal (0x); write it as a plain decimal number, e.g. 16 for 0x10.", s)
	}
	if p := typedNumberProblem(s); p != nil {
		return p
	}
	return problem("not_a_number", "Giá trị %q không phải là số (viết như 1.234 hoặc 2,5).",
		"Value %q is not a number (write e.g. 1.234 or 2,5).", s)
}

// typedNumberProblem says what to write for a number typed in a way the
// reader does not take, since which figure was meant is not sure: a dot or
// a comma after it ("10.": the end of a sentence, or thousands cut off),
// parentheses around it ("(12)": an accounting format's negative, saved as
// shown), or a spreadsheet's formula error shown for it ("#REF!"); nil for
// any other text.
func typedNumberProblem(s string) *Problem {
	s = strings.TrimSpace(s)
	if len(s) < 2 {
		return nil
	}
	if e, ok := formulaErrors[strings.ToUpper(s)]; ok {
		return &Problem{"not_a_number",
			fmt.Sprintf("Ô hiện lỗi công thức %s của bảng tính (%s), không phải số liệu: sửa công thức rồi lưu lại, hoặc ghi thẳng số liệu vào ô.", s, e[0]),
			fmt.Sprintf("The cell shows the spreadsheet's formula error %s (%s), not a figure: correct the formula and save again, or type the figure into the cell.", s, e[1])}
	}
	if inner, ok := strings.CutPrefix(s, "("); ok {
		if inner, ok = strings.CutSuffix(inner, ")"); ok {
			inner = strings.TrimSpace(inner)
			if n, err := ParseNumber(inner); err == nil && n.Unit == "" && !strings.HasPrefix(inner, "-") {
				return problem("not_a_number",
					"Giá trị %q viết trong ngoặc đơn, như bảng tính kế toán ghi số âm (-%s), mà số liệu báo cáo không được âm. Nếu là %s, ghi %s, bỏ ngoặc đơn.",
					"Value %q is in parentheses, as accounting spreadsheets write a negative number (-%s), and reported figures cannot be negative. If it is %s, write %s without the parentheses.",
					s, inner, inner, inner)
			}
		}
	}
	if last := s[len(s)-1]; last == '.' || last == ',' {
		inner := strings.TrimSpace(s[:len(s)-1])
		if n, err := ParseNumber(inner); err == nil && n.Unit == "" && inner != "" && inner[len(inner)-1] >= '0' && inner[len(inner)-1] <= '9' {
			mark, markEN := "dấu chấm", "dot"
			if last == ',' {
				mark, markEN = "dấu phẩy", "comma"
			}
			p := &Problem{"not_a_number",
				fmt.Sprintf("Giá trị %q có %s ở cuối. Nếu là %s, ghi %s, bỏ %s.", s, mark, inner, inner, mark),
				fmt.Sprintf("Value %q ends with a %s. If it is %s, write %s without the %s.", s, markEN, inner, inner, markEN)}
			if last == '.' && reDotGroups.MatchString(inner) {
				// "10." may be 10.000 with its last group not typed.
				p.Reason += fmt.Sprintf(" Nếu số còn thiếu chữ số hàng nghìn, ghi đủ, như %s.000.", inner)
				p.ReasonEN += fmt.Sprintf(" If thousands digits are missing, write them all, e.g. %s.000.", inner)
			}
			return p
		}
	}
	return nil
}

// reDotGroups is a whole number with its thousands parted by dots, or
// under a thousand: "10", "1.250".
var reDotGroups = regexp.MustCompile(`^\d{1,3}(\.\d{3})*$`)

// formulaErrors are the errors a spreadsheet shows for a formula it cannot
// compute, with what each means, in Vietnamese and English.
var formulaErrors = map[string][2]string{
	"#DIV/0!":       {"chia cho 0, như một tỉ lệ trên ô trống", "a division by zero, such as a rate over an empty cell"},
	"#REF!":         {"công thức trỏ tới ô đã bị xóa", "the formula refers to a cell that was deleted"},
	"#VALUE!":       {"phép tính với ô chứa chữ", "a calculation with a cell holding text"},
	"#N/A":          {"hàm tra cứu không tìm thấy giá trị", "a lookup found no value"},
	"#NAME?":        {"tên hàm hoặc tên vùng không có", "a function or a name that does not exist"},
	"#NUM!":         {"số không hợp lệ trong phép tính", "an invalid number in the calculation"},
	"#NULL!":        {"hai vùng không giao nhau", "two ranges that do not intersect"},
	"#SPILL!":       {"kết quả tràn sang ô đã có dữ liệu", "a result that spills into cells holding data"},
	"#CALC!":        {"phép tính không thực hiện được", "a calculation that cannot be done"},
	"#GETTING_DATA": {"dữ liệu chưa tải xong", "data not loaded yet"},
}

// notation refuses a number in scientific or hexadecimal notation, which
// would otherwise read as a number followed by a unit ("1" and "e309").
func notation(s string) error {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	if i == start || i+1 >= len(s) {
		return nil
	}
	c, next := s[i]|0x20, s[i+1]
	if c == 'x' && s[start:i] == "0" && isHexDigit(next) {
		return errors.Join(ErrNotNumber, ErrHex)
	}
	if c == 'e' && (next == '+' || next == '-') && i+2 < len(s) {
		next = s[i+2]
	}
	if c == 'e' && next >= '0' && next <= '9' {
		return errors.Join(ErrNotNumber, ErrScientific)
	}
	return nil
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// plainInt is the fast path for the common case: ASCII digits only.
func plainInt(s string) (float64, bool) {
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return float64(v), true
}

// grouping reports whether s is ASCII digits with dots and commas, starting
// and ending with a digit.
func grouping(s string) bool {
	if len(s) == 0 || s[0] < '0' || s[0] > '9' || s[len(s)-1] < '0' || s[len(s)-1] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' && c != ',' {
			return false
		}
	}
	return true
}

// dropWords removes the first n space-separated words of s.
func dropWords(s string, n int) string {
	fields := strings.Fields(s)
	if n >= len(fields) {
		return ""
	}
	return strings.Join(fields[n:], " ")
}

// amount reads one or more "<number> [multiplier]" groups ("1 tỷ 250 triệu")
// from the start of s and returns their sum and the text after them.
func amount(s string) (float64, string, error) {
	var total float64
	groups := 0
	last := math.Inf(1)
	for {
		s = strings.TrimSpace(s)
		num, rest, ok := leadingNumber(s)
		if !ok {
			break
		}
		v, err := numeral(num)
		if err != nil {
			return 0, s, err
		}
		mult := 1.0
		rest = strings.TrimSpace(rest)
		if w, after := firstWord(rest); w != "" {
			if m, ok := numberWords().multipliers[Fold(w)]; ok {
				mult, rest = m, after
				// "3 nghìn tỷ": a multiplier of a larger one.
				if w2, after2 := firstWord(rest); w2 != "" {
					if m2, ok := numberWords().multipliers[Fold(w2)]; ok && m2 > m {
						mult, rest = m*m2, after2
					}
				}
			}
		}
		if groups > 0 && mult >= last {
			// "2 3" or "1 triệu 2 tỷ" is not one amount.
			return 0, s, errors.Join(ErrNotNumber, errors.New("several numbers"))
		}
		total += v * mult
		last = mult
		groups++
		s = rest
		if mult == 1 {
			break
		}
	}
	if groups == 0 {
		return 0, s, errors.Join(ErrNotNumber, errors.New("no digits"))
	}
	return total, s, nil
}

func firstWord(s string) (word, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// leadingNumber splits off the digits, dots, commas and spaces-between-groups
// at the start of s.
func leadingNumber(s string) (num, rest string, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' || c == '.' || c == ',' {
			i++
			continue
		}
		break
	}
	if i == start {
		return "", s, false
	}
	num = strings.TrimRight(s[:i], ".,")
	if num == "" || num == "-" || num == "+" {
		return "", s, false
	}
	return num, s[len(num):], true
}

// numeral reads digits with Vietnamese or plain separators.
func numeral(s string) (float64, error) {
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var intPart, frac string
	switch {
	case dots > 0 && commas > 0:
		// The separator that comes last is the decimal point.
		dec := byte(',')
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			dec = '.'
		}
		i := strings.LastIndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		sep := "."
		if dec == '.' {
			sep = ","
		}
		if !grouped(intPart, sep) {
			return 0, errors.Join(ErrNotNumber, errors.New("bad grouping"))
		}
		intPart = strings.ReplaceAll(intPart, sep, "")
	case dots > 0:
		if grouped(s, ".") {
			intPart = strings.ReplaceAll(s, ".", "")
		} else if dots == 1 {
			i := strings.IndexByte(s, '.')
			intPart, frac = s[:i], s[i+1:]
		} else {
			return 0, errors.Join(ErrNotNumber, errors.New("bad grouping"))
		}
	case commas > 1:
		if !grouped(s, ",") {
			return 0, errors.Join(ErrNotNumber, errors.New("bad grouping"))
		}
		intPart = strings.ReplaceAll(s, ",", "")
	case commas == 1:
		i := strings.IndexByte(s, ',')
		intPart, frac = s[:i], s[i+1:]
	default:
		intPart = s
	}
	if intPart == "" {
		intPart = "0"
	}
	var v float64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, errors.Join(ErrNotNumber, errors.New("bad digit"))
		}
		v = v*10 + float64(c-'0')
	}
	for i := 0; i < len(frac); i++ {
		if c := frac[i]; c < '0' || c > '9' {
			return 0, errors.Join(ErrNotNumber, errors.New("bad digit"))
		}
	}
	if len(frac) > 0 {
		// Summed digit by digit, decimals gather binary noise that
		// rounding to their count does not always remove ("0,5168804691962643"
		// came out one ulp below); strconv rounds correctly.
		var err error
		if v, err = strconv.ParseFloat(intPart+"."+frac, 64); err != nil {
			return 0, errors.Join(ErrNotNumber, err)
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

// grouped reports whether s is digits in thousands groups: 1-3 digits, then
// groups of exactly 3 after each sep.
func grouped(s, sep string) bool {
	parts := strings.Split(s, sep)
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}
