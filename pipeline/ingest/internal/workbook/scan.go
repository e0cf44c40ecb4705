package workbook

import (
	"bytes"
	"encoding/xml"
	"unicode/utf8"
)

// The tokens Rows reads a sheet's XML by: from encoding/xml's RawToken, or,
// for a small sheet held whole in memory, from a scan of its bytes as far as
// its XML keeps to a plain subset (scanner).
//
// Hand-written, with a measured reason: encoding/xml reads byte by byte
// through bufio and allocates every name, attribute and token; for the
// demo's 27-sheet per-unit workbook it was ~45 % of the CPU of reading and
// validating it (go test -bench BenchmarkWorkbook in pipeline/ingest, with a
// CPU profile), more than the form reader and the validation together. The
// scanner only ever yields what RawToken yields for the same bytes, token
// by token, and stops at the first byte outside the subset it knows (ASCII
// names with at most one prefix, quoted attribute values, text without
// entities, no comment, CDATA, DOCTYPE or processing instruction but the
// usual XML declaration); a part with a run between two tags over the
// Token limit is never scanned. Where the scanner stops, the part is read
// by encoding/xml from its start, past the tokens already read (Rows.
// fallBack), so what Rows hands on is what encoding/xml reads.
// FuzzScannerAsRawToken holds the two to the same tokens, on a whole part
// and on what the scanner reads before it stops.

type tokKind uint8

const (
	tokOther tokKind = iota // a processing instruction, or anything Rows ignores
	tokStart
	tokEnd
	tokText
)

// token is one token of a sheet's XML, valid until the next.
type token struct {
	kind  tokKind
	local string    // a start or end element's name, without its prefix
	attrs []rawAttr // a start element's attributes
	text  []byte    // char data, line ends normalised as encoding/xml does
}

// rawAttr is an attribute: its value is raw's text when raw is not nil (the
// scanner's, made a string only when asked for), else s.
type rawAttr struct {
	local string
	raw   []byte
	s     string
}

func (a rawAttr) value() string {
	if a.raw != nil {
		return string(a.raw)
	}
	return a.s
}

// xmlDecl are the XML declarations the scanner knows (Excel's, excelize's,
// LibreOffice's): encoding/xml accepts them and yields a processing
// instruction, which Rows ignores.
var xmlDecls = [][]byte{
	[]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`),
	[]byte(`<?xml version="1.0" encoding="UTF-8"?>`),
	[]byte(`<?xml version="1.0" encoding="utf-8"?>`),
	[]byte(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>`),
	[]byte(`<?xml version="1.0" standalone="yes"?>`),
	[]byte(`<?xml version="1.0"?>`),
}

// scanner yields the tokens of data, held whole.
type scanner struct {
	data    []byte
	pos     int
	pending bool // a self-closing element's end is due
	tok     token
	names   map[string]string // the names met, so each is one string
	norm    []byte            // text with its line ends normalised
}

// withinToken reports whether data may go to the scanner under a Token
// limit of max (0: none): no run of bytes between two '<' longer than the
// limit (the streaming read's guard would stop there), and a tag first.
func withinToken(data []byte, max int) bool {
	if max > 0 {
		run := 0
		for b := data; ; {
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				run += len(b)
				break
			}
			if run+i > max {
				return false
			}
			run, b = 0, b[i+1:]
		}
		if run > max {
			return false
		}
	}
	return len(data) == 0 || data[0] == '<' // else a byte order mark, or text before the first tag
}

func newScanner(data []byte) *scanner {
	return &scanner{data: data, names: map[string]string{}}
}

// next reads the next token into s.tok; ok is false at a byte outside the
// subset, end true at the end of the data.
func (s *scanner) next() (ok, end bool) {
	if s.pending {
		s.pending = false
		s.tok.kind, s.tok.attrs, s.tok.text = tokEnd, s.tok.attrs[:0], nil
		return true, false
	}
	d := s.data
	if s.pos >= len(d) {
		return true, true
	}
	if d[s.pos] != '<' {
		return s.text()
	}
	if s.pos+1 >= len(d) {
		return false, false
	}
	switch d[s.pos+1] {
	case '/':
		p := s.pos + 2
		name, p, ok := s.name(p)
		if !ok {
			return false, false
		}
		p = skipSpace(d, p)
		if p >= len(d) || d[p] != '>' {
			return false, false
		}
		s.tok = token{kind: tokEnd, local: name, attrs: s.tok.attrs[:0]}
		s.pos = p + 1
		return true, false
	case '?':
		if s.pos != 0 {
			return false, false
		}
		for _, decl := range xmlDecls {
			if bytes.HasPrefix(d, decl) {
				s.tok = token{kind: tokOther, attrs: s.tok.attrs[:0]}
				s.pos = len(decl)
				return true, false
			}
		}
		return false, false
	case '!':
		return false, false
	}
	name, p, ok := s.name(s.pos + 1)
	if !ok {
		return false, false
	}
	s.tok = token{kind: tokStart, local: name, attrs: s.tok.attrs[:0]}
	for {
		q := skipSpace(d, p)
		if q >= len(d) {
			return false, false
		}
		switch d[q] {
		case '>':
			s.pos = q + 1
			return true, false
		case '/':
			if q+1 >= len(d) || d[q+1] != '>' {
				return false, false
			}
			s.pos, s.pending = q+2, true
			return true, false
		}
		if q == p {
			return false, false // attributes without space between them
		}
		var a rawAttr
		if a.local, q, ok = s.name(q); !ok {
			return false, false
		}
		q = skipSpace(d, q)
		if q >= len(d) || d[q] != '=' {
			return false, false
		}
		q = skipSpace(d, q+1)
		if q >= len(d) || (d[q] != '"' && d[q] != '\'') {
			return false, false
		}
		quote := d[q]
		end := bytes.IndexByte(d[q+1:], quote)
		if end < 0 {
			return false, false
		}
		v := d[q+1 : q+1+end]
		if !plainText(v) || bytes.IndexByte(v, '\r') >= 0 || bytes.IndexByte(v, '<') >= 0 {
			return false, false
		}
		a.raw = v
		s.tok.attrs = append(s.tok.attrs, a)
		p = q + 1 + end + 1
	}
}

// text reads char data up to the next '<'.
func (s *scanner) text() (ok, end bool) {
	d := s.data
	i := bytes.IndexByte(d[s.pos:], '<')
	if i < 0 {
		i = len(d) - s.pos
	}
	t := d[s.pos : s.pos+i]
	if !plainText(t) || bytes.Contains(t, []byte("]]>")) {
		return false, false
	}
	if bytes.IndexByte(t, '\r') >= 0 {
		// encoding/xml reads "\r\n" and a lone "\r" as "\n".
		s.norm = s.norm[:0]
		for j := 0; j < len(t); j++ {
			switch {
			case t[j] != '\r':
				s.norm = append(s.norm, t[j])
			case j+1 < len(t) && t[j+1] == '\n':
			default:
				s.norm = append(s.norm, '\n')
			}
		}
		t = s.norm
	}
	s.tok = token{kind: tokText, text: t, attrs: s.tok.attrs[:0]}
	s.pos += i
	return true, false
}

// name reads an element's or attribute's name at p: ASCII, at most one
// colon, not at either end; its local part, and where it ends.
func (s *scanner) name(p int) (local string, end int, ok bool) {
	d := s.data
	start, colon := p, -1
	for ; p < len(d); p++ {
		c := d[p]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9', c == '.', c == '-':
			if p == start {
				return "", 0, false
			}
		case c == ':':
			if p == start || colon >= 0 {
				return "", 0, false
			}
			colon = p
		default:
			goto done
		}
	}
done:
	if p == start || colon == p-1 || p >= len(d) {
		return "", 0, false
	}
	if c := d[p]; c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '>' && c != '/' && c != '=' {
		return "", 0, false
	}
	b := d[start:p]
	if colon >= 0 {
		b = d[colon+1 : p]
	}
	// The names of a sheet's cells, without a map's hashing.
	switch string(b) {
	case "c":
		return "c", p, true
	case "v":
		return "v", p, true
	case "r":
		return "r", p, true
	case "s":
		return "s", p, true
	case "t":
		return "t", p, true
	case "f":
		return "f", p, true
	case "row":
		return "row", p, true
	case "spans":
		return "spans", p, true
	case "is":
		return "is", p, true
	case "rPh":
		return "rPh", p, true
	case "mergeCell":
		return "mergeCell", p, true
	case "ref":
		return "ref", p, true
	}
	n, seen := s.names[string(b)]
	if !seen {
		n = string(b)
		s.names[n] = n
	}
	return n, p, true
}

func skipSpace(d []byte, p int) int {
	for p < len(d) && (d[p] == ' ' || d[p] == '\t' || d[p] == '\n' || d[p] == '\r') {
		p++
	}
	return p
}

// plainText reports whether t holds no entity and only characters XML
// allows, as valid UTF-8.
func plainText(t []byte) bool {
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			if c == '&' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(t[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if !(r <= 0xD7FF || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000) {
			return false
		}
		i += n
	}
	return true
}

// rawToken is encoding/xml's token as a token.
func rawToken(t xml.Token, attrs []rawAttr) token {
	switch t := t.(type) {
	case xml.StartElement:
		for _, a := range t.Attr {
			attrs = append(attrs, rawAttr{local: a.Name.Local, s: a.Value})
		}
		return token{kind: tokStart, local: t.Name.Local, attrs: attrs}
	case xml.EndElement:
		return token{kind: tokEnd, local: t.Name.Local, attrs: attrs}
	case xml.CharData:
		return token{kind: tokText, text: t, attrs: attrs}
	}
	return token{kind: tokOther, attrs: attrs}
}
