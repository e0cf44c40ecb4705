package main

import (
	"fmt"
	"strings"
	"unicode"
)

// printable escapes what a terminal would act on instead of show in text
// that comes from outside (file names, header cells, values inside
// reasons): control characters (a newline would forge a line of the
// summary, an ANSI escape would recolour or clear the screen), line and
// paragraph separators, and the bidirectional controls that reorder what
// is shown. Vietnamese letters and every other printable rune stay.
func printable(s string) string {
	i := strings.IndexFunc(s, unsafeRune)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !unsafeRune(r) {
			b.WriteRune(r)
			continue
		}
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// printableLines is printable for a message that may hold several lines
// (DuckDB's errors show the query and a caret below it): the lines stay
// lines, indented after the first, so a line break inside a file name
// cannot pass for a line of danvan's own.
func printableLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = printable(l)
	}
	return strings.Join(lines, "\n    ")
}
