package narrative

import "strings"

// A table pasted as text ("Đơn vị⇥Diện tích hiến (m2)⇥Ngày công", then a line
// per unit) states its figures in cells: the number in the row, what it
// counts in the column's heading. tableRows rewrites each row so that the
// rules read it like a sentence: per cell, the heading's words and unit
// around the number ("Diện tích hiến 1.250 m2", "420 ngày công"), cells
// parted like clauses. The heading's words are copied as tokens of no width
// at the number, so a figure's quote is the cell's number as written.
func tableRows(text string, sents []sentence, k *keyer) {
	for n := 0; n < len(sents); {
		head := tableCells(text, sents[n])
		if len(head) < 2 || !headingCells(head) {
			n++
			continue
		}
		m := n + 1
		for m < len(sents) {
			row := tableCells(text, sents[m])
			if len(row) != len(head) || !rowCells(row) {
				break
			}
			m++
		}
		if m-n-1 < 2 {
			n++
			continue
		}
		sents[n].heading = false
		for r := n + 1; r < m; r++ {
			sents[r].toks = rowTokens(tableCells(text, sents[r]), head, k)
			sents[r].heading = false
		}
		n = m
	}
}

// tableCells splits a sentence that is one line into its cells, at tabs and
// "|"; nil when it is not one line or has no such separator.
func tableCells(text string, s sentence) [][]token {
	if !strings.ContainsAny(text[s.start:s.end], "\t|") {
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
		if i > 0 && strings.Contains(text[s.toks[i-1].end:t.start], "\t") {
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

// rowTokens writes a row as "label; heading words number unit; …".
func rowTokens(row, head [][]token, k *keyer) []token {
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
		if len(unit) > 0 {
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
