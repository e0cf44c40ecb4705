package narrative

import "strings"

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
		if len(head) < 2 || !headingCells(head) {
			n++
			continue
		}
		// A first column of row numbers ("TT", "STT") holds no figure.
		numbered := rowNumberHeading(head[0], k)
		if numbered {
			head = head[1:]
		}
		rowOf := func(m int) [][]token {
			row := tableCells(text, sents[m])
			if numbered && len(row) == len(head)+1 && len(row[0]) == 1 && (row[0][0].kind == tNum || romans[row[0][0].key] > 0) {
				row = row[1:] // a total row leaves its number blank
			}
			return row
		}
		m := n + 1
		for m < len(sents) {
			row := rowOf(m)
			if len(row) != len(head) || !rowCells(row) {
				break
			}
			m++
		}
		if m-n-1 < 2 {
			n++
			continue
		}
		var leadUnit, lead []token
		if n > 0 {
			leadUnit = soleUnit(sents[n-1].toks, lx)
			// the paragraph that leads into the table
			for p := n - 1; p >= 0 && sents[p].para == sents[n-1].para; p-- {
				lead = append(append([]token(nil), sents[p].toks...), lead...)
			}
		}
		sents[n].heading = false
		for r := n + 1; r < m; r++ {
			row := rowOf(r)
			sents[r].heading = false
			if sp, ok := spanAt(lx.fields.spans(row[0]), 0); ok && (sp.has("level") || sp.has("field")) {
				x.logf("câu %d: a table row of a breakdown by level or sector («%s»): its numbers are parts, not figures", sents[r].index, text[row[0][0].start:row[0][len(row[0])-1].end])
				sents[r].toks = row[0]
				continue
			}
			sents[r].toks = rowTokens(row, head, leadUnit, lead, lx)
		}
		n = m
	}
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
	if !strings.ContainsAny(text[s.start:s.end], "\t|") && !strings.Contains(text[s.start:s.end], "  ") {
		return nil
	}
	var out [][]token
	var cell []token
	sep := false
	for i, t := range s.toks {
		if i > 0 && t.nl {
			return nil
		}
		if t.kind == tPunct && t.text == "|" {
			out, cell, sep = append(out, cell), nil, true
			continue
		}
		if i > 0 && cellGap(text[s.toks[i-1].end:t.start]) {
			out, cell, sep = append(out, cell), nil, true
		}
		cell = append(cell, t)
	}
	out = append(out, cell)
	if !sep {
		return nil
	}
	// "| a | b |": the empty cells outside the outer bars
	if len(out) > 0 && len(out[0]) == 0 {
		out = out[1:]
	}
	if len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
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

// headingCells: every cell has words and no number but a year.
func headingCells(cells [][]token) bool {
	for _, c := range cells {
		word := false
		for _, t := range c {
			if t.kind == tNum {
				if _, ok := yearAt([]token{t}, 0); !ok {
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

// rowCells: a label, then one number (or a dash for none) in every cell.
func rowCells(cells [][]token) bool {
	if len(cells[0]) == 0 || cells[0][0].kind != tWord {
		return false
	}
	for _, c := range cells[1:] {
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
func rowTokens(row, head [][]token, leadUnit, lead []token, lx *lexicon) []token {
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
		num := row[j][0]
		if num.kind != tNum {
			continue
		}
		num.space, num.nl = true, false
		out = append(out, punct(";", num.start))
		words, unit := splitHeading(head[j], k)
		if len(unit) == 0 && len(leadUnit) > 0 && !hasUnit(words, lx) && len(lx.cues.spans(words)) > 0 {
			unit = leadUnit
		}
		if len(unit) > 0 {
			if len(lx.cues.spans(words)) == 0 {
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
