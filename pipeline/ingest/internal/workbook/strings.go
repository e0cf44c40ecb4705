package workbook

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// sharedStrings are the workbook's shared strings in one string, cut by
// offsets: a string costs its bytes and four more, so the table's size is
// bounded by the part's (Limits.SharedBytes) and the count's limit.
type sharedStrings struct {
	all  string
	ends []uint32 // string i is all[ends[i-1]:ends[i]]
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	from := uint32(0)
	if i > 0 {
		from = s.ends[i-1]
	}
	return s.all[from:s.ends[i]], true
}

// read reads the shared strings part: each <si> is the text of its <t>
// elements, its own and its rich text runs' (<r>), without the phonetic
// guides (<rPh>), as excelize reads it. A small part is read whole and
// scanned; where the scanner meets a byte outside its subset, the part is
// read again from its start by encoding/xml, whose tokens the scanner's are
// (FuzzScannerAsRawToken), so the strings and errors are the same
// (TestSharedStringsScanned). With encoding/xml alone the part was ~5 % of
// the CPU of a 365-form drop's ingest.
func (s *sharedStrings) read(f *zip.File, lim Limits) error {
	if size := f.UncompressedSize64; size <= maxScanned && !decodeSmallOnly {
		if data, ok := readWhole(f, int64(size)); ok && withinToken(data, lim.Token) {
			sc := newScanner(data)
			err := s.fill(f.Name, lim, func() (token, error) {
				switch ok, end := sc.next(); {
				case ok && end:
					return token{}, io.EOF
				case ok:
					return sc.tok, nil
				}
				return token{}, errOutsideSubset
			})
			if err != errOutsideSubset {
				return err
			}
			*s = sharedStrings{}
		}
	}
	rc, err := f.Open()
	if err != nil {
		return &FormatError{Part: f.Name, Err: err}
	}
	defer rc.Close()
	dec := xml.NewDecoder(guardOf(rc, "", lim))
	var attrs []rawAttr
	return s.fill(f.Name, lim, func() (token, error) {
		t, err := dec.RawToken()
		if err != nil {
			return token{}, err
		}
		tk := rawToken(t, attrs[:0])
		attrs = tk.attrs
		return tk, nil
	})
}

// errOutsideSubset is the scanner's stop at a byte outside its subset.
var errOutsideSubset = errors.New("outside the scanner's subset")

// fill reads the strings of part from the tokens next gives, to io.EOF.
func (s *sharedStrings) fill(part string, lim Limits, next func() (token, error)) error {
	var all strings.Builder
	var item strings.Builder
	depth := 0    // inside <si> when > 0
	phonetic := 0 // inside <rPh> when > 0
	inText := false
	for {
		t, err := next()
		if err == io.EOF {
			break
		}
		if err == errOutsideSubset {
			return err
		}
		if err != nil {
			return partError(part, err)
		}
		switch t.kind {
		case tokStart:
			switch {
			case t.local == "si":
				depth = 1
				item.Reset()
				if lim.SharedStrings > 0 && len(s.ends) >= lim.SharedStrings {
					return &LimitError{Limit: LimitSharedStrings, Figure: int64(len(s.ends)) + 1, Max: int64(lim.SharedStrings)}
				}
			case depth == 0:
			case t.local == "rPh":
				phonetic++
			case t.local == "t" && phonetic == 0:
				inText = true
			}
		case tokEnd:
			switch {
			case t.local == "si" && depth > 0:
				depth, phonetic, inText = 0, 0, false
				all.WriteString(unescape(item.String()))
				if all.Len() > 1<<32-1 {
					return &LimitError{Limit: LimitSharedBytes, Figure: int64(all.Len()), Max: 1<<32 - 1}
				}
				s.ends = append(s.ends, uint32(all.Len()))
			case t.local == "rPh" && phonetic > 0:
				phonetic--
			case t.local == "t":
				inText = false
			}
		case tokText:
			if inText && depth > 0 {
				item.Write(t.text)
			}
		}
	}
	s.all = all.String()
	return nil
}

func guardOf(r io.Reader, part string, lim Limits) io.Reader {
	if lim.Token <= 0 {
		return r
	}
	return &tokenGuard{r: r, max: lim.Token, part: part}
}

// partError is err met reading part: a limit, or a malformed part.
func partError(part string, err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return &FormatError{Part: part, Err: err}
}

// unescape decodes the _xHHHH_ escapes Excel writes for characters XML
// cannot hold (_x000D_ for a carriage return), and _x005F_ for a "_", as
// excelize does: an escape of a character strconv.Unquote refuses (a
// surrogate) is dropped.
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			b.WriteString(s)
			return b.String()
		}
		h := s[i+2 : i+6]
		if s[i+6] != '_' || !isHex(h) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		var r rune
		fmt.Sscanf(h, "%x", &r)
		switch {
		case h == "005F" || h == "005f":
			b.WriteByte('_')
		case r >= 0xD800 && r < 0xE000:
		default:
			b.WriteRune(r)
		}
		s = s[i+7:]
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
