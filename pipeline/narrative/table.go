package narrative

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
)

// A table pasted as text ("Đơn vị⇥Diện tích hiến (m2)⇥Ngày công", then a line
// per unit) states its figures in cells: the number in the row, what it
// counts in the column's heading. tableRows rewrites each row so that the
// rules read it like a sentence: per cell, the heading's words and unit
// around the number ("Diện tích hiến 1.250 m2", "420 ngày công"), cells
// parted like clauses. The heading's words are copied as tokens of no width
// at the number, so a figure's quote is the cell's number as written.
//
// A row labelled by a level or a sector ("Khối xã, thị trấn", "Lĩnh vực
// kinh tế": fields.tsv) is a part of a breakdown, as in prose: its numbers
// are left out, the total row stays.
func (x *extraction) tableRows() {
	text, sents, lx := x.text, x.sents, x.lx
	k := lx.k
	for n := 0; n < len(sents); {
		head := tableCells(text, sents[n])
		// A heading over two lines (Word's merged cells: a group over its
		// columns, "Mô hình⇥⇥…" then "⇥⇥Đăng ký⇥Được công nhận"): one
		// heading of both.
		first := n + 1
		if hasEmpty(head) && n+1 < len(sents) {
			if sub := tableCells(text, sents[n+1]); len(sub) > 0 && len(sub) <= len(head) && x.headingCells(nonEmpty(sub)) {
				head, first = mergeHeading(head, sub), n+2
			}
		}
		if len(head) < 2 || !x.headingCells(head) {
			n++
			continue
		}
		// A Markdown table's rule under its heading is no row.
		if first < len(sents) && markdownRule(text, sents[first]) {
			first++
		}
		// A first column of row numbers ("TT", "STT") holds no figure.
		numbered := rowNumberHeading(head[0], k)
		if numbered {
			head = head[1:]
		}
		// A first column of years under "Năm" (a span's table, one year a
		// row, then their sum): each row's label is read "năm 2022", which
		// dates its figures.
		years := len(head[0]) == 1 && head[0][0].key == k.of("năm")
		rowOf := func(m int) [][]token {
			row := tableCells(text, sents[m])
			if numbered && len(row) == len(head)+1 && (len(row[0]) == 0 || len(row[0]) == 1 && (row[0][0].kind == tNum || romans[row[0][0].key] > 0)) {
				row = row[1:] // a total row leaves its number blank
			}
			if !years || len(row) == 0 || len(row[0]) != 1 {
				return row
			}
			if _, year := yearAt(row[0], 0); year {
				nam := head[0][0]
				nam.start, nam.end, nam.nl = row[0][0].start, row[0][0].start, false
				y := row[0][0]
				y.space = true
				row[0] = []token{nam, y}
			}
			return row
		}
		// A table of indicators by row: a unit column ("ĐVT"), then a
		// column per period and others (a percentage, a plan).
		unitCol := unitColumn(head, k)
		m := first
		for m < len(sents) {
			row := rowOf(m)
			if len(row) != len(head) || !rowCells(row) && (unitCol < 0 || !unitRowCells(row, unitCol)) {
				break
			}
			m++
		}
		// One row is a table too when it is the reporting unit's own under
		// a heading of indicators, each a column ("Đơn vị⇥MH đăng ký⇥Đất
		// hiến (m2)⇥…", then "Huyện Kỳ Anh⇥64⇥7.850⇥…"; learnt from held-out
		// batch n101–n110): at least two of them, a number in every cell.
		if m-first == 1 && unitCol < 0 && len(head) >= 3 && fullRow(rowOf(first)) {
			m = first + 1
		} else if m-first < 2 {
			n++
			continue
		}
		if unitCol > 0 {
			if col, periodless := ownColumn(head, unitCol, k); col > 0 {
				for h := n; h < first; h++ {
					sents[h].heading = false
				}
				heading := head[col]
				if periodless {
					heading = nil
				}
				for r := first; r < m; r++ {
					row := rowOf(r)
					sents[r].heading = false
					sents[r].toks = indicatorRow(row, heading, row[col], unitCell(row[unitCol], k))
				}
				n = m
				continue
			}
		}
		var leadUnit, lead []token
		decl := x.declaredBefore(sents[n].index)
		if n > 0 {
			// the paragraph that leads into the table; a line giving units
			// right above it is no lead, the lines before it are
			last := n - 1
			if x.declaration(sents[last].toks) == nil {
				leadUnit = soleUnit(sents[last].toks, lx)
			} else if last > 0 {
				last--
			}
			for p := last; p >= 0 && sents[p].para == sents[last].para; p-- {
				lead = append(append([]token(nil), sents[p].toks...), lead...)
			}
		}
		for h := n; h < first; h++ {
			sents[h].heading = false
		}
		donors := namesHeading(head[0], k)
		tt := tableTotal{some: someUnits(lead, k)}
		var firstYear, lastYear *token
		for r := first; r < m; r++ {
			row := rowOf(r)
			sents[r].heading = false
			if years && len(row[0]) == 2 && row[0][1].kind == tNum {
				if firstYear == nil {
					firstYear = &row[0][1]
				}
				lastYear = &row[0][1]
			} else if years && firstYear != lastYear && len(row[0]) > 0 {
				label := text[row[0][0].start:row[0][len(row[0])-1].end]
				// the sum of the years above is their span's: "giai đoạn
				// 2022 - 2024" written before its label
				if total, _ := pipeline.TotalRow(label); total {
					row[0] = append(spanTokens(*firstYear, *lastYear, row[0][0].start, k), row[0]...)
				}
			}
			// A list of named donors (a first column headed "Họ tên",
			// "Họ và tên"): each row is an example of the list's total
			// row, which alone is a figure (learnt after the seventeenth
			// stop's put-aside score).
			if donors && len(row[0]) > 0 {
				if total, _ := pipeline.TotalRow(text[row[0][0].start:row[0][len(row[0])-1].end]); !total {
					x.logf("câu %d: a named donor's row («%s»): an example of the list's total", sents[r].index, text[row[0][0].start:row[0][len(row[0])-1].end])
					sents[r].toks = row[0]
					continue
				}
			}
			if sp, ok := spanAt(lx.fields.spans(row[0]), 0); ok && (sp.has("level") || sp.has("field")) {
				x.logf("câu %d: a table row of a breakdown by level or sector («%s»): its numbers are parts, not figures", sents[r].index, text[row[0][0].start:row[0][len(row[0])-1].end])
				sents[r].toks = row[0]
				continue
			}
			if label := text[row[0][0].start:row[0][len(row[0])-1].end]; tt.row == 0 {
				if total, _ := pipeline.TotalRow(label); total {
					tt.row, tt.label = r+1, row[0]
				} else {
					tt.labels = append(tt.labels, row[0])
				}
			}
			sents[r].toks, sents[r].label = rowTokens(row, head, leadUnit, lead, decl, lx), len(row[0])
		}
		if tt.row > 0 {
			x.tableTotals = append(x.tableTotals, tt)
		}
		n = m
	}
}

// unitColumn is the index of a heading's column of units ("Đơn vị tính",
// "ĐVT"), -1 when it has none.
func unitColumn(head [][]token, k *keyer) int {
	for j, c := range head {
		var words []string
		for _, t := range c {
			if t.kind == tWord {
				words = append(words, t.key)
			}
		}
		switch strings.Join(words, " ") {
		case k.of("đơn") + " " + k.of("vị") + " " + k.of("tính"), k.of("đvt"):
			return j
		}
	}
	return -1
}

// unitRowCells: a label, the unit's words (or nothing) in the unit column,
// then one number, a dash or nothing in every other cell.
func unitRowCells(cells [][]token, unitCol int) bool {
	if len(cells[0]) == 0 || cells[0][0].kind != tWord {
		return false
	}
	for j, c := range cells[1:] {
		if j+1 == unitCol {
			for _, t := range c {
				if t.kind == tNum {
					return false
				}
			}
			continue
		}
		if len(c) > 1 || len(c) == 1 && c[0].kind != tNum && !(c[0].kind == tPunct && strings.Contains("-–—", c[0].text)) {
			return false
		}
	}
	return true
}

// ownColumn is, in a table of indicators by row, the column of the
// report's own figures: of the columns headed by a period ("Năm 2024",
// "Quý I/2026"), the latest that is no plan ("Kế hoạch năm 2025") and no
// comparison ("Cùng kỳ năm 2024", "So sánh (%)"). The earlier periods'
// columns are figures quoted for comparison, the others no figures. 0 when
// no column is headed by a period. With none so headed, the one column
// that is no plan and no comparison ("Kết quả", "Thực hiện" beside "Kế
// hoạch", "So với kế hoạch (%)") holds the report's own figures, of the
// report's period; dated reports print such tables (learnt from held-out
// batch n87–n96). periodless says so: its heading dates nothing.
func ownColumn(head [][]token, unitCol int, k *keyer) (best int, periodless bool) {
	not := map[string]bool{k.of("hoạch"): true, k.of("kh"): true, k.of("tiêu"): true, k.of("kiến"): true,
		k.of("đấu"): true, k.of("kỳ"): true, k.of("sánh"): true, k.of("lệ"): true}
	year, plain, plainCol := 0, 0, 0
	for j := 1; j < len(head); j++ {
		if j == unitCol {
			continue
		}
		y, other := 0, false
		for i, t := range head[j] {
			if v, ok := yearAt(head[j], i); ok {
				y = max(y, v)
			}
			other = other || t.kind == tWord && not[t.key] || t.kind == tPunct && t.text == "%"
		}
		if y > 0 && !other && y > year {
			best, year = j, y
		}
		if !other && len(head[j]) > 0 {
			plain, plainCol = plain+1, j
		}
	}
	if best == 0 && plain == 1 {
		return plainCol, true
	}
	return best, false
}

// indicatorRow writes a row of a table of indicators by row as "label
// period number unit": the label says what is counted ("Diện tích đất Nhân
// dân hiến"), the column's heading when ("Năm 2024"), the unit column in
// what; all are copied as tokens of no width at the number, so the quote is
// the cell's number, and the label names no place. A row whose own cell is
// empty or a dash holds no figure.
func indicatorRow(row [][]token, heading, cell, unit []token) []token {
	if len(cell) != 1 || cell[0].kind != tNum {
		return nil
	}
	num := cell[0]
	num.space, num.nl = true, false
	at := func(src token, pos int) token {
		src.start, src.end, src.space, src.nl = pos, pos, true, false
		return src
	}
	var out []token
	for _, t := range row[0] {
		out = append(out, at(t, num.start))
	}
	for _, t := range heading {
		out = append(out, at(t, num.start))
	}
	out = append(out, num)
	for _, t := range unit {
		out = append(out, at(t, num.end))
	}
	return out
}

// tableTotal is a table's total row ("Cộng", "Tổng cộng") and the labels
// of the rows above it, for totalsOfUnits.
type tableTotal struct {
	row    int // 1-based index of its sentence; 0: none
	label  []token
	labels [][]token
	// the lines before the table say its rows are some of the units
	// ("ở một số xã"), so their total is no unit's, whatever their level
	some bool
}

// totalsOfUnits leaves out the total row of a table whose rows are two
// units or more, each of its own (districts; the communes and wards of the
// 2025 reform): a sum over the units listed, which may be some of the
// province's ("một số huyện dẫn đầu"), is no unit's figure. The rows of
// one district's communes before the reform, or its villages, are the
// district's, and so is their total. Run once the report's date is known
// (a commune's name is read as the unit of that date).
func (x *extraction) totalsOfUnits() {
	for _, tt := range x.tableTotals {
		units := map[string]bool{}
		for _, l := range tt.labels {
			for _, m := range x.mentions(l) {
				// a commune's name alone is weak (names repeat), but one
				// of the 2025 reform written with its type word is a unit
				if m.kind == mLocal && m.unit != "" && (!m.weak || m.typed && x.hasDate && !x.date.Before(newCommunes)) {
					units[m.province+"/"+m.unit] = true
				}
			}
		}
		if len(units) < 2 && !(tt.some && len(tt.labels) >= 2) {
			continue
		}
		s := &x.sents[tt.row-1]
		x.logf("câu %d: a table's total over the %d units its rows list («%s»): no unit's figure", s.index, len(units), x.text[tt.label[0].start:tt.label[len(tt.label)-1].end])
		s.toks = tt.label
	}
}

// someUnits: the words say "some" of the units ("một số xã", "một số đơn
// vị", "một số địa phương").
func someUnits(toks []token, k *keyer) bool {
	mot, so := k.of("một"), k.of("số")
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].key != mot || toks[i+1].key != so {
			continue
		}
		switch toks[i+2].key {
		case k.of("xã"), k.of("phường"), k.of("huyện"), k.of("thôn"), k.of("xóm"), k.of("khối"):
			return true
		case k.of("đơn"), k.of("địa"):
			return i+3 < len(toks) && (toks[i+3].key == k.of("vị") || toks[i+3].key == k.of("phương"))
		}
	}
	return false
}

// hasEmpty: a cell without a token.
func hasEmpty(cells [][]token) bool {
	for _, c := range cells {
		if len(c) == 0 {
			return true
		}
	}
	return false
}

// nonEmpty is the cells with a token.
func nonEmpty(cells [][]token) [][]token {
	var out [][]token
	for _, c := range cells {
		if len(c) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// mergeHeading is a heading over two lines as one: under each column the
// words of the first line's cell, or of the nearest one before it when its
// own is empty and the second line's is not (a group over several columns),
// then the second line's.
func mergeHeading(head, sub [][]token) [][]token {
	out := make([][]token, len(head))
	group := []token(nil)
	for j, c := range head {
		if len(c) > 0 {
			group = c
		}
		var lower []token
		if j < len(sub) {
			lower = sub[j]
		}
		switch {
		case len(lower) == 0:
			out[j] = c
		case len(c) == 0:
			out[j] = append(append([]token(nil), group...), lower...)
		default:
			out[j] = append(append([]token(nil), c...), lower...)
		}
	}
	return out
}

// rowNumberHeading: a column heading of row numbers.
func rowNumberHeading(cell []token, k *keyer) bool {
	var words []string
	for _, t := range cell {
		if t.kind == tWord {
			words = append(words, t.key)
		}
	}
	switch strings.Join(words, " ") {
	case k.of("tt"), k.of("stt"), k.of("số") + " " + k.of("tt"), k.of("thứ") + " " + k.of("tự"):
		return true
	}
	return false
}

// soleUnit is the unit noun the line before a table names ("kết quả đăng
// ký và công nhận mô hình … như sau:"), when it names one kind only (the
// rows' places, "ở các xã", do not count): a
// column heading that holds a verb but no unit ("Đăng ký", "Được công
// nhận") counts it.
func soleUnit(toks []token, lx *lexicon) []token {
	var unit []token
	class := ""
	for i := 0; i < len(toks); i++ {
		es, j := lx.units.at(toks, i)
		// "ở các xã", "các đơn vị": the rows' places, not what is counted
		if len(es) == 0 || es[0].class == "money_after" || es[0].class == "place_team" || es[0].class == "team" {
			continue
		}
		if class != "" && es[0].class != class {
			return nil
		}
		if class == "" {
			class, unit = es[0].class, toks[i:j]
		}
		i = j - 1
	}
	return unit
}

// tableCells splits a sentence that is one line into its cells, at tabs,
// "|" and runs of two spaces or more (a table aligned with spaces); nil
// when it is not one line or has no such separator.
func tableCells(text string, s sentence) [][]token {
	// the line's start: tabs before its first token are empty cells
	lineStart := strings.LastIndexByte(text[:s.start], '\n') + 1
	if !strings.ContainsAny(text[lineStart:s.end], "\t|") && !strings.Contains(text[s.start:s.end], "  ") {
		return nil
	}
	var out [][]token
	var cell []token
	sep := false
	// Each tab parts two cells, so two tabs hold an empty cell between
	// them (a table pasted from Word); spaces align cells, however many.
	for n := strings.Count(text[lineStart:s.start], "\t"); n > 0; n-- {
		out, sep = append(out, nil), true
	}
	for i, t := range s.toks {
		if i > 0 && t.nl {
			return nil
		}
		if t.kind == tPunct && t.text == "|" {
			out, cell, sep = append(out, cell), nil, true
			continue
		}
		if i > 0 {
			gap := text[s.toks[i-1].end:t.start]
			if tabs := strings.Count(gap, "\t"); tabs > 0 {
				out, cell, sep = append(out, cell), nil, true
				for ; tabs > 1; tabs-- {
					out = append(out, nil)
				}
			} else if cellGap(gap) {
				out, cell, sep = append(out, cell), nil, true
			}
		}
		cell = append(cell, t)
	}
	out = append(out, cell)
	if !sep {
		return nil
	}
	// "| a | b |": the empty cells outside the outer bars
	if len(out) > 0 && len(out[0]) == 0 && s.toks[0].kind == tPunct && s.toks[0].text == "|" {
		out = out[1:]
	}
	// a line ending in tabs (Word's last empty cells), or a bar
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// markdownRule: the sentence is a line of a Markdown table's rule between
// its heading and rows, dashes between bars, a colon at either end of a
// cell to align it ("|---|:---:|", "--- | ---").
func markdownRule(text string, s sentence) bool {
	line := text[s.start:s.end]
	return strings.Contains(line, "|") && strings.Contains(line, "---") && strings.Trim(line, "|-: \t") == ""
}

// cellGap: the space between two tokens parts cells: a tab, or two spaces
// or more.
func cellGap(gap string) bool {
	if strings.Contains(gap, "\t") {
		return true
	}
	n := 0
	for _, r := range gap {
		if r == ' ' || r == '\u00a0' {
			n++
		}
	}
	return n >= 2
}

// headingCells: every cell has words and no number but one of a period
// ("Năm 2024", "Thực hiện 6 tháng cuối năm 2025", "Quý I/2026").
func (x *extraction) headingCells(cells [][]token) bool {
	for _, c := range cells {
		word := false
		var times []timeExpr
		for i, t := range c {
			if t.kind == tNum {
				if _, ok := yearAt(c, i); ok {
					continue
				}
				if times == nil {
					times = append(x.timeExprs(c), timeExpr{})
				}
				in := false
				for _, e := range times {
					in = in || e.kind == tkPeriod && i >= e.start && i < e.end
				}
				if !in {
					return false
				}
			}
			word = word || t.kind == tWord
		}
		if !word {
			return false
		}
	}
	return true
}

// rowCells: a label, then one number (or a dash, or nothing, for none) in
// every cell.
// namesHeading: a column headed by people's names ("Họ tên", "Họ và tên").
func namesHeading(cell []token, k *keyer) bool {
	var ws []string
	for _, t := range cell {
		if t.kind == tWord {
			ws = append(ws, t.key)
		}
	}
	h := strings.Join(ws, " ")
	return h == k.of("họ")+" "+k.of("tên") || h == k.of("họ")+" "+k.of("và")+" "+k.of("tên")
}

// fullRow: a row of a label and a number in every other cell.
func fullRow(cells [][]token) bool {
	if !rowCells(cells) {
		return false
	}
	for _, c := range cells[1:] {
		if len(c) != 1 || c[0].kind != tNum {
			return false
		}
	}
	return true
}

func rowCells(cells [][]token) bool {
	if len(cells[0]) == 0 || cells[0][0].kind != tWord {
		return false
	}
	for _, c := range cells[1:] {
		if len(c) == 0 {
			continue // an empty cell (two tabs): no figure
		}
		if len(c) != 1 || c[0].kind != tNum && !(c[0].kind == tPunct && strings.Contains("-–—", c[0].text)) {
			return false
		}
	}
	return true
}

// rowTokens writes a row as "label; heading words number unit; …"; a
// heading with a verb and no unit of its own takes leadUnit, and one with
// a unit and no verb ("Số tiền (triệu đồng)") the last verb of the lead
// paragraph that governs its unit ("vận động các thôn ủng hộ Quỹ …. Kết
// quả:"), as the row's words.
func rowTokens(row, head [][]token, leadUnit, lead []token, decl map[string]declUnit, lx *lexicon) []token {
	k := lx.k
	out := append([]token(nil), row[0]...)
	at := func(src token, pos int) token {
		src.start, src.end, src.space, src.nl = pos, pos, true, false
		return src
	}
	punct := func(p string, pos int) token {
		return token{kind: tPunct, text: p, start: pos, end: pos, space: false}
	}
	for j := 1; j < len(row); j++ {
		if len(row[j]) == 0 || row[j][0].kind != tNum {
			continue
		}
		num := row[j][0]
		num.space, num.nl = true, false
		out = append(out, punct(";", num.start))
		words, unit := splitHeading(head[j], k)
		if len(unit) == 0 && !hasUnit(words, lx) {
			if d, ok := declaredFor(words, decl, lx); ok {
				unit = d.toks
			}
		}
		if len(unit) == 0 && len(leadUnit) > 0 && !hasUnit(words, lx) && len(lx.cues.spans(words)) > 0 {
			unit = leadUnit
		}
		if len(unit) > 0 {
			// a heading naming only the money's cost ("Kinh phí") says
			// nothing of who gave it: the lead's verb does, as in "đóng
			// góp kinh phí" (learnt from the put-aside n97–n100 after its
			// one score)
			if onlyCost(lx.cues.spans(words)) {
				for _, t := range leadVerb(lead, unit, lx) {
					out = append(out, at(t, num.start))
				}
			}
			for _, t := range words {
				out = append(out, at(t, num.start))
			}
			out = append(out, num)
			for _, t := range unit {
				out = append(out, at(t, num.end))
			}
			continue
		}
		// No unit of its own: the heading names what is counted
		// ("Ngày công", "Số mô hình được công nhận"), after the number.
		out = append(out, num)
		for _, t := range words {
			out = append(out, at(t, num.end))
		}
	}
	return out
}

// splitHeading parts a column heading into its words and the unit in
// brackets ("Diện tích hiến (m2)"), dropping a leading "số" / "tổng số"
// ("Số mô hình" → "mô hình").
func splitHeading(cell []token, k *keyer) (words, unit []token) {
	in := false
	for _, t := range cell {
		switch {
		case t.kind == tPunct && t.text == "(":
			in = true
		case t.kind == tPunct && t.text == ")":
			in = false
		case in:
			unit = append(unit, t)
		case t.kind != tPunct:
			words = append(words, t)
		}
	}
	if len(unit) > 0 {
		return words, unit
	}
	if len(words) > 1 && words[0].key == k.of("tổng") && words[1].key == k.of("số") {
		words = words[2:]
	} else if len(words) > 0 && words[0].key == k.of("số") {
		words = words[1:]
	}
	return words, nil
}

// hasUnit: a unit noun among the words.
func hasUnit(words []token, lx *lexicon) bool {
	for i := range words {
		if es, _ := lx.units.at(words, i); len(es) > 0 {
			return true
		}
	}
	return false
}

// leadVerb is the last verb of the lead paragraph that governs the unit's
// class (classes.tsv), none when there is none.
func leadVerb(lead, unit []token, lx *lexicon) []token {
	es, _ := lx.units.at(unit, 0)
	if len(es) == 0 {
		// a multiplier before the unit: "(triệu đồng)"
		if _, j := lx.mult.at(unit, 0); j > 0 {
			es, _ = lx.units.at(unit, j)
		}
	}
	if len(es) == 0 {
		return nil
	}
	uc, ok := lx.classes[es[0].class]
	if !ok {
		return nil
	}
	var verb []token
	for _, sp := range lx.cues.spans(lead) {
		if uc.governedBy(sp) && !sp.has("neutral") {
			verb = lead[sp.start:sp.end]
		}
	}
	return verb
}

// cellLines rewrites a table copied from a web page one cell a line (a
// browser's copy of an HTML table) as a table pasted with tabs, which
// tableRows reads: a run of short lines, not ending as a sentence does,
// whose first k lines are the heading's cells (no number among them) and
// whose others make rows of k cells, each column all numbers (or dashes) or
// all words. The smallest such k wins. Each line break inside a row becomes
// a tab, byte for byte, so every offset into the text holds.
func cellLines(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	type line struct{ start, end int } // end: the "\n" or len(text)
	var lines []line
	for at := 0; at <= len(text); {
		nl := strings.IndexByte(text[at:], '\n')
		if nl < 0 {
			lines = append(lines, line{at, len(text)})
			break
		}
		lines = append(lines, line{at, at + nl})
		at += nl + 1
	}
	cell := func(l line) (string, bool) {
		c := strings.TrimSpace(text[l.start:l.end])
		if c == "" || strings.ContainsRune(c, '\t') || utf8.RuneCountInString(c) > maxCellRunes {
			return c, false
		}
		last, _ := utf8.DecodeLastRuneInString(c)
		return c, !strings.ContainsRune(".:;,!?…", last)
	}
	var out []byte
	for i := 0; i < len(lines); {
		var cells []string
		j := i
		for ; j < len(lines); j++ {
			c, ok := cell(lines[j])
			if !ok {
				break
			}
			cells = append(cells, c)
		}
		if k := cellWidth(cells); k > 0 {
			if out == nil {
				out = []byte(text)
			}
			for r := i; r+k <= j; r += k {
				for c := r; c < r+k-1; c++ {
					out[lines[c].end] = '\t'
					if e := lines[c].end; e > 0 && out[e-1] == '\r' {
						out[e-1] = ' '
					}
				}
			}
		}
		i = max(j, i+1)
	}
	if out == nil {
		return text
	}
	return string(out)
}

// maxCellRunes bounds a cell of a table copied one cell a line.
const maxCellRunes = 48

// cellWidth is how many cells a row has in a run of one-cell lines, 0 when
// the run is no table (see cellLines).
func cellWidth(run []string) int {
	numeric := func(c string) bool {
		if c == "-" || c == "–" {
			return true
		}
		c = strings.TrimSuffix(c, "%")
		return c != "" && strings.Trim(c, "0123456789.,") == "" && c[0] >= '0' && c[0] <= '9'
	}
	for k := 2; k <= maxCellColumns && 3*k <= len(run); k++ {
		if (len(run)-k)%k != 0 {
			continue
		}
		ok := true
		for _, l := range run[:k] {
			ok = ok && !numeric(l)
		}
		numCol := false
		for c := 0; ok && c < k; c++ {
			nums, words := 0, 0
			for r := k + c; r < len(run); r += k {
				if numeric(run[r]) {
					nums++
				} else {
					words++
				}
			}
			ok = nums == 0 || words == 0
			numCol = numCol || words == 0
		}
		if ok && numCol {
			return k
		}
	}
	return 0
}

// maxCellColumns bounds the columns of a table copied one cell a line.
const maxCellColumns = 10

// listItems gives the items of a list that have no verb of their own
// ("- Năm 2022: 41 mô hình;") the verb of the line opening the list, which
// ends in a colon ("Số mô hình được công nhận qua các năm như sau:"), as a
// table's row gets its lead's: the verb's words are copied, with no width,
// before each amount whose unit no verb of the item governs.
func (x *extraction) listItems() {
	lx := x.lx
	item := func(s *sentence) bool {
		return len(s.toks) > 1 && s.toks[0].kind == tPunct && bullets[s.toks[0].text]
	}
	for n := range x.sents {
		s := &x.sents[n]
		if !item(s) {
			continue
		}
		p := n - 1
		for p >= 0 && item(&x.sents[p]) {
			p--
		}
		if p < 0 || !isPunct(x.sents[p].toks, len(x.sents[p].toks)-1, ":") {
			continue
		}
		lead, toks := x.sents[p].toks, s.toks
		cues, quals := lx.cues.spans(toks), lx.quals.spans(toks)
		var out []token
		for i, t := range toks {
			if t.kind == tNum && !governed(toks[i+1:], cues, lx) {
				if verb := leadVerb(lead, toks[i+1:], lx); len(verb) > 0 {
					at := i
					for _, q := range quals {
						if q.end == i {
							at = q.start
						}
					}
					// the copy goes before the qualifier, already in out
					rest := append([]token(nil), out[len(out)-(i-at):]...)
					out = out[:len(out)-(i-at)]
					for _, v := range verb {
						v.start, v.end, v.space, v.nl = toks[at].start, toks[at].start, true, false
						out = append(out, v)
					}
					out = append(out, rest...)
				}
			}
			out = append(out, t)
		}
		if len(out) > len(toks) {
			s.toks = out
		}
	}
}

// respectively gives each amount of a list after "lần lượt" (respectively)
// the place named in the same position of the list of places before it
// ("Can Lộc và Hương Khê, với số mô hình lần lượt là 140 và 126"): a copy
// of the place's words, with no width, before the amount, and of the unit
// after it when the amount has none (the last amount's multiplier and
// unit, or a "số …" subject's unit). With one place named in full or none
// (communes of one district before the reform, villages), only the units
// are copied: each amount is a figure of that place. With more places than
// one, but fewer than the amounts, nothing is copied.
func (x *extraction) respectively() {
	k, lx := x.lx.k, x.lx
	lan, luot, va := k.of("lần"), k.of("lượt"), k.of("và")
	for n := range x.sents {
		s := &x.sents[n]
		toks := s.toks
		at := -1
		for i := 0; i+1 < len(toks); i++ {
			if toks[i].key == lan && toks[i+1].key == luot {
				at = i
				break
			}
		}
		if at < 0 {
			continue
		}
		j := at + 2
		if isKey(toks, j, k.of("là")) || isPunct(toks, j, ":") {
			j++
		}
		type item struct{ num, end int } // end: after its multiplier and unit
		var items []item
		var unit []token
		for j < len(toks) && toks[j].kind == tNum {
			e := j + 1
			if _, m := lx.mult.at(toks, e); m > e {
				e = m
			}
			if es, u := lx.units.at(toks, e); len(es) > 0 && es[0].class != "money_after" {
				unit, e = toks[j+1:u], u
			}
			items = append(items, item{j, e})
			j = e
			if !isPunct(toks, j, ",") && !isKey(toks, j, va) {
				break
			}
			j++
		}
		if len(items) < 2 {
			continue
		}
		if unit == nil {
			for i := at - 1; i >= 0; i-- {
				if toks[i].key == k.of("số") {
					if es, u := lx.units.at(toks, i+1); len(es) > 0 && es[0].class != "money_after" && es[0].class != "place_team" {
						unit = toks[i+1 : u]
					}
					break
				}
			}
		}
		var places []mention
		for _, m := range x.mentions(toks[:at]) {
			if (m.kind == mLocal || m.kind == mProvince) && !m.org && !m.weak {
				places = append(places, m)
			}
		}
		if len(places) >= len(items) {
			places = places[len(places)-len(items):]
			for p := 1; p < len(places); p++ {
				for i := places[p-1].end; i < places[p].start; i++ {
					if toks[i].kind != tPunct && toks[i].key != va {
						places = nil // not one list
					}
				}
				if places == nil {
					break
				}
			}
			if places == nil {
				continue
			}
		} else if len(places) > 1 {
			continue
		} else {
			places = nil
		}
		copyAt := func(ts []token, pos int) []token {
			out := make([]token, len(ts))
			for i, t := range ts {
				t.start, t.end, t.space, t.nl = pos, pos, true, false
				out[i] = t
			}
			return out
		}
		out := append([]token(nil), toks[:items[0].num]...)
		for i, it := range items {
			if i > 0 {
				out = append(out, toks[items[i-1].end:it.num]...)
			}
			if places != nil {
				out = append(out, copyAt(toks[places[i].start:places[i].end], toks[it.num].start)...)
			}
			out = append(out, toks[it.num:it.end]...)
			if it.end == it.num+1 && unit != nil {
				out = append(out, copyAt(unit, toks[it.num].end)...)
			}
		}
		s.toks = append(out, toks[items[len(items)-1].end:]...)
	}
}

// bullets open the items of a list.
var bullets = map[string]bool{"-": true, "+": true, "•": true, "*": true, "–": true, "·": true}

// governed: a verb of the item governs the class of the unit unit opens
// with (after a multiplier).
func governed(unit []token, cues []span, lx *lexicon) bool {
	es, _ := lx.units.at(unit, 0)
	if len(es) == 0 {
		if _, j := lx.mult.at(unit, 0); j > 0 {
			es, _ = lx.units.at(unit, j)
		}
	}
	if len(es) == 0 {
		return true // no amount: nothing to give a verb to
	}
	uc, ok := lx.classes[es[0].class]
	if !ok {
		return true
	}
	for _, sp := range cues {
		if uc.governedBy(sp) && !sp.has("neutral") {
			return true
		}
	}
	return false
}

// A line giving the unit of what follows, as official tables and lists do
// ("ĐVT kinh phí: triệu đồng", "(Đơn vị tính tiền: đồng)", "Đơn vị tính:
// kinh phí - triệu đồng; đất - m2"): a column or a label line that names
// what is counted but writes no unit counts in it (learnt from held-out
// batch n87–n96). declared is one such line: per unit class, the unit.
type declared struct {
	sent  int // its sentence's index
	units map[string]declUnit
}

// declUnit is a declared unit: its tokens, multiplier included ("triệu
// đồng"), its entry and the factor to the indicator's unit.
type declUnit struct {
	toks   []token
	e      *entry
	factor float64
}

// declarations finds the lines that give units (declaration).
func (x *extraction) declarations() {
	for _, s := range x.sents {
		if u := x.declaration(s.toks); u != nil {
			x.decls = append(x.decls, declared{sent: s.index, units: u})
		}
	}
}

// declaration reads a line opened by "ĐVT" or "Đơn vị tính" (a bracket
// before it aside) and holding no number: the units it names, by class;
// nil for any other line.
func (x *extraction) declaration(toks []token) map[string]declUnit {
	k, lx := x.lx.k, x.lx
	i := 0
	for i < len(toks) && toks[i].kind == tPunct {
		i++
	}
	switch {
	case isKey(toks, i, k.of("đvt")):
		i++
	case isKey(toks, i, k.of("đơn")) && isKey(toks, i+1, k.of("vị")) && isKey(toks, i+2, k.of("tính")):
		i += 3
	default:
		return nil
	}
	var out map[string]declUnit
	for j := i; j < len(toks); j++ {
		if toks[j].kind == tNum {
			return nil // an amount: no statement of units
		}
		b, m := j, 1.0
		if es, j2 := lx.mult.at(toks, j); len(es) > 0 {
			m, _ = strconv.ParseFloat(es[0].class, 64)
			j = j2
		}
		es, ue := lx.units.at(toks, j)
		if len(es) == 0 || es[0].class == "money_after" || es[0].class == "place_team" || es[0].class == "team" {
			j = b
			continue
		}
		f, _ := strconv.ParseFloat(es[0].col(1), 64)
		if out == nil {
			out = map[string]declUnit{}
		}
		out[es[0].class] = declUnit{toks: toks[b:ue], e: es[0], factor: m * f}
		j = ue - 1
	}
	return out
}

// declaredBefore is the units the last declaration before the sentence of
// index n (1-based) gives.
func (x *extraction) declaredBefore(n int) map[string]declUnit {
	var u map[string]declUnit
	for _, d := range x.decls {
		if d.sent >= n {
			break
		}
		u = d.units
	}
	return u
}

// declaredFor is the declared unit of the class the words' cues govern
// ("Kinh phí huy động": money; "Đất hiến": land), the first class in name
// order when several are.
func declaredFor(words []token, decl map[string]declUnit, lx *lexicon) (declUnit, bool) {
	if len(decl) == 0 {
		return declUnit{}, false
	}
	spans := lx.cues.spans(words)
	for _, c := range slices.Sorted(maps.Keys(decl)) {
		uc, ok := lx.classes[c]
		if !ok {
			continue
		}
		for _, sp := range spans {
			if uc.governedBy(sp) && !sp.has("neutral") {
				return decl[c], true
			}
		}
	}
	return declUnit{}, false
}

// spanTokens writes "giai đoạn Y1 - Y2" as tokens of no width at pos, the
// years copied from the rows that give them.
func spanTokens(y1, y2 token, pos int, k *keyer) []token {
	word := func(w string) token {
		return token{kind: tWord, text: w, key: k.of(w), start: pos, end: pos, space: true}
	}
	num := func(t token) token {
		t.start, t.end, t.space, t.nl = pos, pos, true, false
		return t
	}
	return []token{word("giai"), word("đoạn"), num(y1), {kind: tPunct, text: "-", start: pos, end: pos, space: true}, num(y2)}
}

// unitCell is a unit column's cell as its unit: "công", the official short
// form of ngày công there (in prose "công" alone is no unit: "3 công
// trình"), is written out (learnt from held-out batch n87–n96).
func unitCell(cell []token, k *keyer) []token {
	if len(cell) != 1 || cell[0].kind != tWord || cell[0].key != k.of("công") {
		return cell
	}
	ngay := cell[0]
	ngay.text, ngay.key, ngay.end = "ngày", k.of("ngày"), ngay.start
	cong := cell[0]
	cong.start, cong.space = cong.end, true
	return []token{ngay, cong}
}

// onlyCost: no cue, or cost words only ("Kinh phí", "Tổng kinh phí").
func onlyCost(spans []span) bool {
	for _, sp := range spans {
		if !sp.has("cost") {
			return false
		}
	}
	return true
}
