package ingest

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

// CSV reads a long table from CSV or TSV bytes. The streaming form, used for
// large files, is csvRows; both give the same rows.
func CSV(_ *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	var rows []pipeline.RawRow
	fe, _ := csvRows(file, bytes.NewReader(data), func(_ int, raw *pipeline.RawRow) error {
		rows = append(rows, *raw)
		return nil
	})
	if fe != nil {
		return nil, nil, fe
	}
	return rows, nil, nil
}

// csvRows streams the rows of a long CSV/TSV table to emit, in file order,
// with the physical line each starts on (the header is line 1). raw is
// reused between calls. An error from emit stops the read and is returned.
func csvRows(file string, r io.Reader, emit func(line int, raw *pipeline.RawRow) error) (*pipeline.FileError, error) {
	br, enc, fe := openText(file, r)
	if fe != nil {
		return fe, nil
	}
	s := &csvScanner{br: br, enc: enc, intern: map[string]interned{}}
	var header []byte
	for {
		rec, line, err := s.next()
		if err == io.EOF {
			return emptyFile(file), nil
		}
		if err != nil {
			return readError(file, err), nil
		}
		if fe := s.check(file, rec, line); fe != nil {
			return fe, nil
		}
		if len(bytes.TrimSpace(rec)) > 0 {
			header = rec
			break
		}
	}
	s.delim = sniffDelimiter(header)
	names := make([]string, 0, 8)
	for _, f := range s.split(header) {
		name, _ := s.str(f)
		names = append(names, name)
	}
	l, fe := newLayout(file, names)
	if fe != nil {
		return fe, nil
	}
	for i, f := range l.fields {
		if f == pipeline.FieldValue || f == pipeline.FieldSubmittedAt {
			// Values and dates are parsed and dropped: sharing their
			// strings would only fill a table with numbers.
			for len(s.cols) <= i {
				s.cols = append(s.cols, colStats{})
			}
			s.cols[i].unique = true
		}
	}
	var raw pipeline.RawRow
	scope := pipeline.NewCellScope()
	cells := make([]string, 0, len(names))
	ids := make([]uint32, 0, len(names))
	refBuf := []byte("dòng ")
	prefix := len(refBuf)
	for {
		rec, line, err := s.next()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return readError(file, err), nil
		}
		cells, ids = cells[:0], ids[:0]
		for i, f := range s.split(rec) {
			c, id := s.cell(i, f)
			cells, ids = append(cells, c), append(ids, id)
		}
		if s.invalid {
			// Every byte of a record but its separators and quotes is in
			// some cell, and cell checks what it has not seen before.
			return s.check(file, rec, line), nil
		}
		if !l.fill(&raw, cells, ids, scope) {
			continue
		}
		refBuf = strconv.AppendInt(refBuf[:prefix], int64(line), 10)
		raw.Ref = s.arenaString(refBuf)
		if err := emit(line, &raw); err != nil {
			return nil, err
		}
	}
}

func readError(file string, err error) *pipeline.FileError {
	return fileError(file, "unreadable", "Không đọc được tệp: %v.", "Cannot read the file: %v.", err)
}

// csvScanner splits a text stream into CSV records without allocating per
// field: fields are sub-slices of one buffer, and repeated values (province,
// unit, period and indicator names repeat on every row) share one string.
type csvScanner struct {
	br     *bufio.Reader
	enc    encoding
	delim  byte
	line   int
	rec    []byte
	fields [][]byte
	unq    []byte
	intern map[string]interned
	// invalid is set when a cell of a UTF-8 file is not valid UTF-8.
	invalid bool
	// per column: lookups and hits in intern, and whether it is worth it.
	cols  []colStats
	arena []byte // backs the strings of cells not interned
}

// interned is a shared cell text and its number, from 1.
type interned struct {
	s  string
	id uint32
}

type colStats struct {
	lookups, hits int
	unique        bool // values rarely repeat: not interned
}

// cell is str for the cell of column i: a column whose values rarely
// repeat (values, notes of every row) skips the intern table, its strings
// cut from a shared arena instead of allocated one by one, and unnumbered.
func (s *csvScanner) cell(i int, b []byte) (string, uint32) {
	for len(s.cols) <= i {
		s.cols = append(s.cols, colStats{})
	}
	c := &s.cols[i]
	if !c.unique {
		c.lookups++
		if c.lookups == 4096 {
			c.unique = c.hits < c.lookups/2
		}
		if v, ok := s.intern[string(b)]; ok {
			c.hits++
			return v.s, v.id
		}
		return s.str(b)
	}
	if len(b) == 0 {
		return "", 0
	}
	for _, ch := range b {
		if ch >= utf8.RuneSelf {
			v, _ := s.str(b)
			return v, 0
		}
	}
	return s.arenaString(b), 0
}

// arenaString copies b into the arena.
func (s *csvScanner) arenaString(b []byte) string {
	if len(b) > 1024 {
		return string(b)
	}
	if len(s.arena)+len(b) > cap(s.arena) {
		s.arena = make([]byte, 0, 64<<10)
	}
	n := len(s.arena)
	s.arena = append(s.arena, b...)
	// The arena's bytes are never written again once handed out.
	return unsafe.String(&s.arena[n], len(b))
}

// maxInterned bounds the intern table, so a file of unique texts costs one
// string per field and no more.
const maxInterned = 1 << 16

// next returns the next record without its line end, and the physical line
// it starts on. A quoted field may span lines.
func (s *csvScanner) next() ([]byte, int, error) {
	first := s.line + 1
	s.rec = s.rec[:0]
	quotes, multi := 0, false
	for {
		b, err := s.br.ReadSlice('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			s.line++
		} else if err == io.EOF && len(b) > 0 {
			s.line++ // a last line without a line end
		}
		if bytes.IndexByte(b, '"') >= 0 {
			quotes += bytes.Count(b, []byte{'"'})
		}
		switch {
		case err == bufio.ErrBufferFull:
			s.rec = append(s.rec, b...)
			multi = true
			continue
		case err == io.EOF:
			if len(b) == 0 && !multi {
				return nil, first, io.EOF
			}
		case err != nil:
			return nil, first, err
		case quotes%2 == 1:
			s.rec = append(s.rec, b...)
			multi = true
			continue
		}
		if multi {
			s.rec = append(s.rec, b...)
			b = s.rec
		}
		return trimEOL(b), first, nil
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// check refuses bytes that are not UTF-8 in a file whose start was.
func (s *csvScanner) check(file string, rec []byte, line int) *pipeline.FileError {
	if s.enc != encUTF8 || utf8.Valid(rec) {
		return nil
	}
	return fileError(file, "bad_encoding",
		"Dòng %d có byte không hợp lệ trong UTF-8 (tệp trộn nhiều bảng mã?); hãy lưu lại dưới dạng CSV UTF-8.",
		"Line %d holds bytes that are not valid UTF-8 (mixed encodings?); save the file again as CSV UTF-8.", line)
}

// sniffDelimiter picks the separator the header uses most, outside quotes.
func sniffDelimiter(header []byte) byte {
	counts := map[byte]int{}
	in := false
	for _, c := range header {
		switch {
		case c == '"':
			in = !in
		case !in && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// split cuts a record into fields, undoing RFC 4180 quoting. Quotes inside
// an unquoted field are kept as written, as spreadsheets do.
func (s *csvScanner) split(rec []byte) [][]byte {
	s.fields = s.fields[:0]
	if bytes.IndexByte(rec, '"') < 0 {
		for {
			i := bytes.IndexByte(rec, s.delim)
			if i < 0 {
				return append(s.fields, rec)
			}
			s.fields = append(s.fields, rec[:i])
			rec = rec[i+1:]
		}
	}
	s.unq = s.unq[:0]
	for {
		// Leading spaces before an opening quote are common by hand.
		j := 0
		for j < len(rec) && rec[j] == ' ' {
			j++
		}
		if j < len(rec) && rec[j] == '"' {
			start := len(s.unq)
			i := j + 1
			for i < len(rec) {
				if rec[i] == '"' {
					if i+1 < len(rec) && rec[i+1] == '"' {
						s.unq = append(s.unq, '"')
						i += 2
						continue
					}
					i++
					break
				}
				s.unq = append(s.unq, rec[i])
				i++
			}
			// Text after the closing quote belongs to the field too.
			k := bytes.IndexByte(rec[i:], s.delim)
			if k < 0 {
				s.unq = append(s.unq, rec[i:]...)
				return append(s.fields, s.unq[start:len(s.unq):len(s.unq)])
			}
			s.unq = append(s.unq, rec[i:i+k]...)
			s.fields = append(s.fields, s.unq[start:len(s.unq):len(s.unq)])
			rec = rec[i+k+1:]
			continue
		}
		i := bytes.IndexByte(rec, s.delim)
		if i < 0 {
			return append(s.fields, rec)
		}
		s.fields = append(s.fields, rec[:i])
		rec = rec[i+1:]
	}
}

// str turns a field into a string, NFC-normalised, sharing repeated ones,
// and its number when the intern table has it. Only valid text enters the
// intern table, so a cell found there needs no UTF-8 check.
func (s *csvScanner) str(b []byte) (string, uint32) {
	if len(b) == 0 {
		return "", 0
	}
	if v, ok := s.intern[string(b)]; ok {
		return v.s, v.id
	}
	if s.enc == encUTF8 && !utf8.Valid(b) {
		s.invalid = true
		return "", 0
	}
	v := string(b)
	for _, c := range b {
		if c >= utf8.RuneSelf {
			// Windows-1258 writes tones as combining marks; so do NFD sources.
			v = norm.NFC.String(v)
			break
		}
	}
	if len(s.intern) >= maxInterned {
		return v, 0
	}
	id := uint32(len(s.intern) + 1)
	s.intern[string(b)] = interned{v, id}
	return v, id
}
