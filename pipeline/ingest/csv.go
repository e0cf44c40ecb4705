package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

// CSV reads a long table from CSV or TSV bytes. The streaming form, used for
// large files, is csvRead; both give the same rows. A row whose quotes
// leave it unclear where a cell ends is refused on its own (see
// csvScanner.next); the rows after it are read.
func CSV(ref *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	rows, rejects, _, fe := csvIn(ref, file, data, DefaultLimits())
	return rows, rejects, fe
}

// csvIn reads a CSV file held in memory; with ref, a form saved as CSV
// is read as a form (csvForm).
func csvIn(ref *pipeline.Reference, file string, data []byte, lim Limits) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	var form *csvForm
	if ref != nil {
		form = &csvForm{reference: ref}
	}
	return collectRows(func(file string, r io.Reader, lim Limits, out rowOut) (*pipeline.FileError, error) {
		return csvRead(file, r, lim, form, out)
	}, file, data, lim)
}

// rowStream is a streaming reader of a long table (csvRead, jsonlRows): it
// sends out its rows, its refusals and its notices (out.form unused).
type rowStream func(file string, r io.Reader, lim Limits, out rowOut) (*pipeline.FileError, error)

// collectRows reads a file held in memory with a streaming reader and
// collects what it streams: the rows, the rows it refuses itself and its
// notices.
func collectRows(stream rowStream, file string, data []byte, lim Limits) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	var rows []pipeline.RawRow
	var rejects []pipeline.RowError
	var notices []pipeline.Warning
	fe, _ := stream(file, bytes.NewReader(data), lim, rowOut{
		row: func(_ int, raw *pipeline.RawRow, _ *cellIDs) error {
			rows = append(rows, *raw)
			return nil
		},
		form: func(_ int, got []pipeline.RawRow) ([]string, error) {
			rows = append(rows, got...)
			return nil, nil
		},
		reject: func(e pipeline.RowError) { rejects = append(rejects, e) },
		notice: func(w pipeline.Warning) { notices = append(notices, w) },
	})
	if fe != nil {
		return nil, nil, nil, fe
	}
	return rows, rejects, notices, nil
}

// csvRead streams the rows of a long CSV/TSV table to out.row, in file
// order, with the physical line each starts on (the header is line 1) and
// the numbers of its key cells' texts (cells.go), the rows the reader itself
// refuses to out.reject, and a total row typed under the rows (totalLine) to
// out.notice. raw and ids are reused between calls. An error from out.row
// stops the read and is returned. A line longer than lim.LineBytes refuses
// the file (line_too_long).
// With form, a file whose first line is no long table's header is read as
// a form saved as CSV when it is one (csvForm).
func csvRead(file string, r io.Reader, lim Limits, form *csvForm, out rowOut) (*pipeline.FileError, error) {
	s, fe := newCSVScanner(file, r)
	if fe != nil {
		return fe, nil
	}
	s.lim = lim
	names := make([]string, 0, 8)
	blanks := 0 // blank records before the first line
	for {
		var bad *brokenQuote
		var stop *pipeline.FileError
		var eof bool
		names, bad, stop, eof = s.texts(file, names)
		switch {
		case eof:
			return emptyFile(file), nil
		case stop != nil:
			return stop, nil
		case bad != nil:
			return brokenHeader(file, bad), nil
		}
		blank := true
		for _, name := range names {
			blank = blank && strings.TrimSpace(name) == ""
		}
		if !blank {
			break
		}
		blanks++
	}
	l, fe := newLayout(file, names)
	if fe != nil {
		if form == nil || longColumns(names) {
			return fe, nil
		}
		// A title typed above a long table's header: the header is
		// looked for in the lines under it (titledHeader); the lines read
		// go to the form reader when none is.
		lines := [][]string{append([]string(nil), names...)}
		for title, _ := aboveHeader(names); title && len(lines) <= maxTitleLines; {
			texts, bad, stop, eof := s.texts(file, nil)
			if eof {
				break
			}
			if stop != nil {
				return stop, nil
			}
			if bad != nil {
				return fe, nil
			}
			hl, isTitle, ok := titledHeader(file, texts)
			if ok {
				l, fe, names = hl, nil, texts
				break
			}
			lines, title = append(lines, texts), isTitle
		}
		if fe != nil {
			return form.read(s, file, lim, blanks, lines, fe, out)
		}
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
	var keys cellIDs
	cells := make([]string, 0, len(names))
	ids := make([]uint32, 0, len(names))
	refBuf := []byte("dòng ")
	prefix := len(refBuf)
	rows := 0       // rows emitted or refused
	closed := false // the closing of the document has begun (layout.closingLine)
	for {
		line, bad, err := s.next()
		if err == io.EOF {
			if rows == 0 {
				return noValues(file, "chỉ có dòng tiêu đề, không có dòng số liệu nào", "it has a header line and no rows"), nil
			}
			return nil, nil
		}
		if err != nil {
			return s.readError(file, err), nil
		}
		if bad != nil {
			if fe := s.checkBroken(file, line, bad); fe != nil {
				return fe, nil
			}
			out.reject(brokenRow(file, line, bad, l))
			rows++
			continue
		}
		cells, ids = cells[:0], ids[:0]
		for i, f := range s.fields {
			c, id := s.cell(i, f)
			cells, ids = append(cells, c), append(ids, id)
		}
		if s.invalid {
			// Every byte of a record but its separators and quotes is in
			// some cell, and cell checks what it has not seen before.
			return s.badLine(file, line), nil
		}
		if len(cells) > len(names) {
			if e, ok := extraCells(file, line, cells, len(names), s.delim); ok {
				out.reject(e)
				rows++
				continue
			}
		}
		if !l.fill(&raw, &keys, cells, ids) {
			continue
		}
		refBuf = strconv.AppendInt(refBuf[:prefix], int64(line), 10)
		if l.totalLine(&raw) {
			out.notice(l.totalNotice(file, string(refBuf), &raw))
			continue
		}
		if skip, first := l.closingLine(&raw, cells, &closed); skip {
			if first {
				out.notice(closingNotice(file, string(refBuf)))
			}
			continue
		}
		rows++
		raw.Ref = s.arenaString(refBuf)
		if err := out.row(line, &raw, &keys); err != nil {
			return nil, err
		}
	}
}

// longColumns reports whether a header names a long table's indicator or
// value column: a file that has one is a long table, whatever else its
// header lacks, never a form (whose value columns are its indicators).
func longColumns(names []string) bool {
	for _, n := range names {
		if f := headerAliases[headerKey(strings.TrimSpace(strings.TrimPrefix(n, "\ufeff")))]; f == pipeline.FieldIndicator || f == pipeline.FieldValue {
			return true
		}
	}
	return false
}

// extraCells is the refusal of a row with a filled cell past the header's
// last column: a separator typed in a cell that is not in quotes ("12,5",
// "Số cuộc tiếp xúc, đối thoại"), which shifts the cells after it, so
// none of them can be trusted ("12,5" read as 12, and "5" as a note).
// Empty cells past the header (a trailing separator) are none.
func extraCells(file string, line int, cells []string, header int, delim byte) (pipeline.RowError, bool) {
	at := -1
	for i := header; i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			at = i
			break
		}
	}
	if at < 0 {
		return pipeline.RowError{}, false
	}
	n := len(cells)
	for n > header && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	sep, sepEN := "dấu phẩy", "comma"
	switch delim {
	case ';':
		sep, sepEN = "dấu chấm phẩy", "semicolon"
	case '\t':
		sep, sepEN = "dấu tab", "tab"
	}
	return pipeline.RowError{File: file, Ref: "dòng " + strconv.Itoa(line), Column: fmt.Sprintf("cột %d", at+1), Value: cells[at], Code: "extra_cells",
		Reason: fmt.Sprintf("Dòng có %d ô nhưng dòng tiêu đề chỉ có %d cột: có lẽ một ô có %s mà không đặt trong ngoặc kép "+
			"(số thập phân như 12,5, hay tên như Số cuộc tiếp xúc, đối thoại), nên các ô sau nó bị lệch cột; dòng này không được nhận.", n, header, sep),
		ReasonEN: fmt.Sprintf("The row has %d cells but the header only %d columns: a cell probably holds a %s without being in quotes "+
			"(a decimal such as 12,5, or a name with a comma in it), so the cells after it are shifted; the row is not accepted.", n, header, sepEN)}, true
}

func readError(file string, err error) *pipeline.FileError {
	return fileError(file, "unreadable", "Không đọc được tệp: %v.", "Cannot read the file: %v.", err)
}

// errLongLine is a line longer than the scanner's limit.
var errLongLine = errors.New("line too long")

// readError is the file error of err from next: a line over the limit, or
// a file that cannot be read.
func (s *csvScanner) readError(file string, err error) *pipeline.FileError {
	if err == errLongLine {
		return s.lim.lineTooLong(file, s.line+1)
	}
	return readError(file, err)
}

// brokenRow is the refusal of a row whose quote is not closed right.
func brokenRow(file string, line int, b *brokenQuote, l *layout) pipeline.RowError {
	col := fmt.Sprintf("cột %d", b.col+1)
	if b.col < len(l.header) && l.header[b.col] != "" {
		col = l.header[b.col]
	}
	vi, en := b.why()
	return pipeline.RowError{File: file, Ref: "dòng " + strconv.Itoa(line), Column: col, Value: b.text, Code: "unclosed_quote",
		Reason: fmt.Sprintf("Dấu ngoặc kép mở ở dòng %d (đầu ô cột %s) %s, nên không biết ô kết thúc ở đâu; "+
			"dòng này không được nhận, các dòng sau vẫn được đọc. Sửa: bỏ dấu \" ở đầu ô, hoặc đặt cả ô trong ngoặc kép "+
			"và viết mỗi dấu \" bên trong ô thành \"\".", b.line, col, vi),
		ReasonEN: fmt.Sprintf("The quote opened on line %d (at the start of the %s cell) %s, so where the cell ends is unknown; "+
			"this row is not loaded, the rows after it are still read. Fix: remove the \" at the start of the cell, or put "+
			"the whole cell in quotes and write each \" inside it as \"\".", b.line, col, en)}
}

// brokenHeader refuses a file whose header row has a quote not closed right.
func brokenHeader(file string, b *brokenQuote) *pipeline.FileError {
	vi, en := b.why()
	return &pipeline.FileError{File: file, Code: "unclosed_quote",
		Reason: fmt.Sprintf("Dấu ngoặc kép mở ở dòng tiêu đề (dòng %d, cột %d) %s, nên không đọc được tên các cột. "+
			"Sửa: bỏ dấu \" đó.", b.line, b.col+1, vi),
		ReasonEN: fmt.Sprintf("The quote opened in the header row (line %d, column %d) %s, so the column names cannot be read. "+
			"Fix: remove that \".", b.line, b.col+1, en)}
}

// csvScanner splits a text stream into CSV records without allocating per
// field: fields are sub-slices of one buffer, and repeated values (province,
// unit, period and indicator names repeat on every row) share one string.
//
// Records are read as RFC 4180 says and spreadsheets write them, with the
// leniency of encoding/csv's LazyQuotes (FuzzCSV holds it to that reader):
// a line ends at LF, CRLF or a lone CR (old Mac spreadsheets); a quote
// inside a cell that does not start with one is text; a quoted cell may
// span lines, "" is a quote in it, and a quote followed by anything but the
// separator or the line end is text too. A cell may have spaces before its
// opening quote, except in TSV. One thing LazyQuotes does is not followed:
// it lets a quoted cell run on over line ends until some later quote
// closes it, so one stray quote swallows the rows after it. Here a quoted
// cell that goes over a line end must not hold a stray quote, nor reach the
// end of the file or quoteLimit, or its row is refused (next reports it)
// and reading starts again on the line after the one the quote opened on.
//
// The scanner is hand-written rather than encoding/csv because it is the
// ingest's hot loop: encoding/csv allocates a string per field (a 2M-row
// file has 16M of them) and cannot refuse one row and go on.
type csvScanner struct {
	br       *bufio.Reader
	enc      encoding
	delim    byte
	trimLead bool // spaces before an opening quote are skipped (not in TSV)
	line     int  // physical lines read
	fields   [][]byte
	unq      []byte // the cells of a record with quotes, unquoted
	ends     []int  // where each cell ends in unq
	long     []byte // a line longer than br's buffer
	// After a broken quote, the lines read past the line it opened on,
	// to be read again.
	replay []byte
	raw    []byte // lines read past the line of the quoted cell being read
	opened []byte // that line, from the quote
	// The interned cells by their number less one (the number the
	// columns' tables, colStats.tab, hold), and their numbers by text.
	entries []interned
	intern  map[string]uint32
	seed    maphash.Seed
	// lim.LineBytes bounds a line (0: no bound): longer, and readLine says
	// errLongLine, then and ever after (stuck).
	lim   Limits
	stuck error
	// invalid is set when a cell of a UTF-8 file is not valid UTF-8.
	invalid bool
	// per column: lookups and hits in intern, and whether it is worth it.
	cols  []colStats
	arena []byte // backs the strings of cells not interned
}

// quoteLimit is how much a quoted cell may hold once it runs over a line
// end. A spreadsheet cell holds at most 32,767 characters (at most ~96 KiB
// of UTF-8, twice that with every quote doubled); a cell open for longer
// has lost its closing quote. The lines it ran over are kept to be read
// again, so this also bounds that memory.
const quoteLimit = 256 << 10

// brokenQuote says where a quoted cell that could not be closed opened.
type brokenQuote struct {
	line int    // the line its quote is on
	col  int    // its column, from 0
	text string // the line from the quote on, shortened
	kind int    // quoteStray, quoteEOF or quoteLong
}

const (
	quoteStray = iota // a stray quote, and the cell runs over a line end
	quoteEOF          // the file ends inside the cell
	quoteLong         // more than quoteLimit over several lines
)

// why says in Vietnamese and English what is wrong with the quote.
func (b *brokenQuote) why() (vi, en string) {
	switch b.kind {
	case quoteEOF:
		return "không được đóng cho đến cuối tệp", "is never closed before the end of the file"
	case quoteLong:
		return fmt.Sprintf("không được đóng trong %d KiB tiếp theo", quoteLimit>>10),
			fmt.Sprintf("is not closed within the next %d KiB", quoteLimit>>10)
	}
	return "không được đóng đúng (sau dấu \" đóng ô phải là dấu phân cách hoặc hết dòng)",
		"is not closed right (a closing \" must be followed by the separator or the end of the line)"
}

// newCSVScanner decides the file's encoding and separator.
func newCSVScanner(file string, r io.Reader) (*csvScanner, *pipeline.FileError) {
	text, enc, fe := openText(file, r)
	if fe != nil {
		return nil, fe
	}
	s := &csvScanner{br: bufio.NewReaderSize(&lineEnds{r: text}, 1<<20), enc: enc, intern: map[string]uint32{}, seed: maphash.MakeSeed()}
	head, _ := s.br.Peek(sniffSize)
	if d, n := sepLine(head); n > 0 {
		// "sep=;", which makes Excel open the file with that separator:
		// it names the separator, and is no header.
		_, _ = s.br.Discard(n)
		s.line++
		s.delim = d
	} else {
		s.delim = sniffDelimiter(firstLine(head))
	}
	s.trimLead = s.delim != '\t'
	return s, nil
}

// sepLine reads a first line "sep=X" (Excel's separator line; X a comma,
// semicolon or tab): the separator, and the line's length with its
// end; 0 when the text does not start with one.
func sepLine(head []byte) (byte, int) {
	line, _, ok := bytes.Cut(head, []byte{'\n'})
	if !ok || len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, 0
	}
	rest := bytes.TrimRight(line[4:], "\r")
	if len(rest) != 1 || !bytes.ContainsAny(rest, ",;\t") {
		return 0, 0
	}
	return rest[0], len(line) + 1
}

// firstLine is the first line of text that is not blank.
func firstLine(text []byte) []byte {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte{'\n'})
		if len(bytes.TrimSpace(line)) > 0 {
			return line
		}
		text = rest
	}
	return nil
}

// lineEnds turns CRLF and lone CR line ends into LF, in place, so the
// scanner meets one kind. Inside a quoted cell they become LF too, as
// encoding/csv makes them.
type lineEnds struct {
	r  io.Reader
	cr bool // the last byte read was a CR: an LF first in the next read is its
}

func (l *lineEnds) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		b := p[:n]
		w, r := 0, 0
		if l.cr && n > 0 {
			l.cr = false
			if b[0] == '\n' {
				r = 1
			}
		}
		for {
			i := bytes.IndexByte(b[r:], '\r')
			if i < 0 {
				if w != r {
					copy(b[w:], b[r:])
				}
				w += n - r
				break
			}
			if w != r {
				copy(b[w:], b[r:r+i])
			}
			w += i
			b[w] = '\n'
			w++
			r += i + 1
			if r == n {
				l.cr = true
			} else if b[r] == '\n' {
				r++
			}
		}
		if w > 0 || n == 0 || err != nil {
			return w, err
		}
		// The read was only the LF of a CRLF: read on.
	}
}

// readLine returns the next line with its LF (a last line may have none),
// valid until the next call, or io.EOF.
func (s *csvScanner) readLine() ([]byte, error) {
	if len(s.replay) > 0 {
		b := s.replay
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[:i+1]
		}
		s.replay = s.replay[len(b):]
		return b, nil
	}
	if s.stuck != nil {
		return nil, s.stuck
	}
	s.long = s.long[:0]
	for {
		b, err := s.br.ReadSlice('\n')
		if s.lim.LineBytes > 0 && len(s.long)+len(b) > s.lim.LineBytes+1 { // +1: the LF
			s.stuck = errLongLine // the rest of the line is not read
			return nil, errLongLine
		}
		switch err {
		case nil:
			if len(s.long) > 0 {
				s.long = append(s.long, b...)
				return s.long, nil
			}
			return b, nil
		case bufio.ErrBufferFull:
			s.long = append(s.long, b...)
		case io.EOF:
			s.long = append(s.long, b...)
			if len(s.long) == 0 {
				return nil, io.EOF
			}
			return s.long, nil
		default:
			return nil, err
		}
	}
}

// next reads the next record into s.fields and returns the line it starts
// on. When a quoted cell of it cannot be closed (see csvScanner), the record
// is dropped and bad says where the quote opened; the lines read past that
// line are read again by the next calls.
func (s *csvScanner) next() (line int, bad *brokenQuote, err error) {
	b, err := s.readLine()
	if err != nil {
		return 0, nil, err
	}
	s.line++
	line = s.line
	if !s.split(b) {
		return line, s.quoted(b), nil
	}
	return line, nil, nil
}

// texts reads the next record's cells as texts into dst[:0] (a new slice
// when dst is nil), as the header, a title above it and a form saved as
// CSV read them. eof is the end of the file. stop refuses the file for
// what no reader goes on past (a read error, bytes not in the file's
// encoding); bad is a record dropped for a quote it cannot close, which
// each caller refuses in its own words.
func (s *csvScanner) texts(file string, dst []string) (_ []string, bad *brokenQuote, stop *pipeline.FileError, eof bool) {
	line, bad, err := s.next()
	switch {
	case err == io.EOF:
		return dst, nil, nil, true
	case err != nil:
		return dst, nil, s.readError(file, err), false
	case bad != nil:
		return dst, bad, s.checkBroken(file, line, bad), false
	}
	if dst == nil {
		dst = make([]string, 0, len(s.fields))
	}
	dst = dst[:0]
	for _, f := range s.fields {
		t, _ := s.str(f)
		dst = append(dst, t)
	}
	if s.invalid {
		return dst, nil, s.badLine(file, line), false
	}
	return dst, nil, nil, false
}

// Byte masks of split's word-at-a-time search.
const (
	lowBits  = 0x7f7f7f7f7f7f7f7f
	highBits = 0x8080808080808080
	byteOnes = 0x0101010101010101
)

// equalBytes has the high bit set of each byte of w equal to the byte
// spread over c (c = byte × byteOnes), and no other bit: x's bytes are
// zero where w's equal c's, and a byte's high bit survives the add only
// when its low seven bits are not all zero (the add never carries into
// the next byte), the or when its own high bit is set.
func equalBytes(w, c uint64) uint64 {
	x := w ^ c
	return ^(((x & lowBits) + lowBits) | x) & highBits
}

// split cuts a line without quotes (with or without its LF) into s.fields
// at the separator; false, and s.fields undefined, when the line holds a
// quote. It reads the line eight bytes at a time and takes each separator
// from a bit mask: a record is a hundred-odd bytes in eight short cells,
// where a bytes.IndexByte per cell (and one for the quote) cost more,
// mostly in calls: csvScanner.next 1.11 s against 0.58 s in a profile of
// BenchmarkCSV's 8M rows; in the whole ingest of the bench's files the
// difference is within the noise (docs/performance.md).
func (s *csvScanner) split(b []byte) bool {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	s.fields = s.fields[:0]
	delim, quotes := uint64(s.delim)*byteOnes, uint64('"')*byteOnes
	start, i := 0, 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if equalBytes(w, quotes) != 0 {
			return false
		}
		for m := equalBytes(w, delim); m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			s.fields = append(s.fields, b[start:j])
			start = j + 1
		}
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			return false
		case s.delim:
			s.fields = append(s.fields, b[start:i])
			start = i + 1
		}
	}
	s.fields = append(s.fields, b[start:])
	return true
}

// quoted is next for a record whose first line, cur, holds a quote.
func (s *csvScanner) quoted(cur []byte) *brokenQuote {
	s.unq, s.ends = s.unq[:0], s.ends[:0]
	i := 0
	for {
		j := i
		if s.trimLead {
			j = skipSpace(cur, i)
		}
		if j < len(cur) && cur[j] == '"' {
			var bad *brokenQuote
			if cur, i, bad = s.quotedCell(cur, j); bad != nil {
				return bad
			}
			s.ends = append(s.ends, len(s.unq))
			if i < len(cur) && cur[i] == s.delim {
				i++
				continue
			}
			break
		}
		end := len(cur)
		if end > 0 && cur[end-1] == '\n' {
			end--
		}
		k := bytes.IndexByte(cur[i:end], s.delim)
		if k < 0 {
			s.unq = append(s.unq, cur[i:end]...)
			s.ends = append(s.ends, len(s.unq))
			break
		}
		s.unq = append(s.unq, cur[i:i+k]...)
		s.ends = append(s.ends, len(s.unq))
		i += k + 1
	}
	s.fields = s.fields[:0]
	from := 0
	for _, to := range s.ends {
		s.fields = append(s.fields, s.unq[from:to:to])
		from = to
	}
	return nil
}

// quotedCell reads the quoted cell whose quote is cur[q] into s.unq. It
// returns the line the cell ends on and where after its closing quote.
func (s *csvScanner) quotedCell(cur []byte, q int) ([]byte, int, *brokenQuote) {
	start, opened, col := len(s.unq), s.line, len(s.ends)
	stray, crossed := false, false
	s.raw = s.raw[:0]
	broken := func(kind int) *brokenQuote {
		text := s.opened
		if !crossed {
			text = cur[q:]
		}
		b := &brokenQuote{line: opened, col: col, text: shorten(text), kind: kind}
		// Read again what was read past the line the quote is on.
		if crossed {
			s.replay = append(append(make([]byte, 0, len(s.raw)+len(s.replay)), s.raw...), s.replay...)
			s.line = opened
		}
		return b
	}
	i := q + 1
	for {
		k := bytes.IndexByte(cur[i:], '"')
		if k < 0 {
			// The line ends inside the cell.
			s.unq = append(s.unq, cur[i:]...)
			if len(cur) == 0 || cur[len(cur)-1] != '\n' {
				return nil, 0, broken(quoteEOF)
			}
			if stray {
				return nil, 0, broken(quoteStray)
			}
			if !crossed {
				s.opened = append(s.opened[:0], cur[q:len(cur)-1]...)
				crossed = true
			}
			if len(s.unq)-start > quoteLimit {
				return nil, 0, broken(quoteLong)
			}
			next, err := s.readLine()
			if err == errLongLine {
				// The lines read again end at the long one, which
				// refuses the file.
				return nil, 0, broken(quoteLong)
			}
			if err != nil {
				// A read error other than the end is rare enough to
				// report as the quote's.
				return nil, 0, broken(quoteEOF)
			}
			s.line++
			s.raw = append(s.raw, next...)
			cur, i = next, 0
			continue
		}
		s.unq = append(s.unq, cur[i:i+k]...)
		i += k + 1
		switch {
		case i < len(cur) && cur[i] == '"':
			s.unq = append(s.unq, '"')
			i++
		case i == len(cur) || cur[i] == s.delim || cur[i] == '\n':
			return cur, i, nil
		default:
			s.unq = append(s.unq, '"')
			if crossed {
				return nil, 0, broken(quoteStray)
			}
			stray = true
		}
	}
}

// skipSpace skips white space from b[i] as encoding/csv's
// TrimLeadingSpace does (unicode.IsSpace).
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// shorten cuts a line's text for a message, on a rune boundary.
func shorten(b []byte) string {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) <= 120 {
		return string(b)
	}
	n := 120
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "…"
}

// interned is a shared cell text and its number, from 1, under its key,
// the cell's bytes as read.
type interned struct {
	s, key string
	id     uint32
}

type colStats struct {
	lookups, hits int
	unique        bool // values rarely repeat: not interned
	// The number of the column's last interned cell: a note, a province
	// or a breakdown often repeats the row before, and comparing its
	// bytes costs a tenth of a lookup in intern.
	last uint32
	// The column's own table of the cells it met: open addressing, a
	// slot the top 32 bits of the cell's hash and its number (0: empty).
	// A column holds a few hundred distinct texts at most where intern
	// holds every column's, and a slot is 8 bytes against intern's copy
	// of a 40-byte entry: csvScanner.cell 0.73 s against 0.61 s in a
	// profile of BenchmarkCSV's 8M rows of random keys; in the whole
	// ingest within the noise (docs/performance.md).
	tab  []uint64
	used int // slots used in tab
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
		if len(b) == 0 {
			return "", 0
		}
		if c.last != 0 {
			if e := &s.entries[c.last-1]; string(b) == e.key {
				c.hits++
				return e.s, e.id
			}
		}
		h := maphash.Bytes(s.seed, b) >> 32
		if len(c.tab) > 0 {
			mask := uint64(len(c.tab) - 1)
			for i := h & mask; c.tab[i] != 0; i = (i + 1) & mask {
				if c.tab[i]>>32 != h {
					continue
				}
				if e := &s.entries[uint32(c.tab[i])-1]; string(b) == e.key {
					c.hits++
					c.last = e.id
					return e.s, e.id
				}
			}
		}
		v, id := s.str(b)
		if id != 0 {
			c.remember(h, id)
		}
		return v, id
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
	if b[0] == '=' && textFormula(b) {
		b = b[2 : len(b)-1]
	}
	return s.arenaString(b), 0
}

// remember puts the cell numbered id, of hash h, in the column's table,
// doubling the table when it would be more than half full.
func (c *colStats) remember(h uint64, id uint32) {
	if 2*(c.used+1) > len(c.tab) {
		old := c.tab
		c.tab = make([]uint64, max(64, 2*len(old)))
		c.used = 0
		for _, slot := range old {
			if slot != 0 {
				c.put(slot)
			}
		}
	}
	c.put(h<<32 | uint64(id))
	c.last = id
}

// put puts a slot in the first free place from its hash's.
func (c *colStats) put(slot uint64) {
	mask := uint64(len(c.tab) - 1)
	i := slot >> 32 & mask
	for c.tab[i] != 0 {
		i = (i + 1) & mask
	}
	c.tab[i] = slot
	c.used++
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

// badLine refuses bytes that are not UTF-8 in a file whose start was.
func (s *csvScanner) badLine(file string, line int) *pipeline.FileError {
	if s.enc == encTCVN3 {
		return fileError(file, "bad_encoding",
			"Dòng %d có byte không thuộc bảng mã TCVN3 (ABC) của phần đầu tệp (tệp trộn nhiều bảng mã?); hãy chuyển tệp sang Unicode (UTF-8) rồi gửi lại.",
			"Line %d holds bytes outside the TCVN3 (ABC) code the start of the file is in (mixed encodings?); convert the file to Unicode (UTF-8) and send it again.", line)
	}
	return fileError(file, "bad_encoding",
		"Dòng %d có byte không hợp lệ trong UTF-8 (tệp trộn nhiều bảng mã?); hãy lưu lại dưới dạng CSV UTF-8.",
		"Line %d holds bytes that are not valid UTF-8 (mixed encodings?); save the file again as CSV UTF-8.", line)
}

// checksUTF8 reports whether the scanner's text may hold bytes that are not
// UTF-8: a UTF-8 file's, and a TCVN3 file's whose byte TCVN3 does not
// assign was passed on (tcvn3Decoder).
func (s *csvScanner) checksUTF8() bool { return s.enc == encUTF8 || s.enc == encTCVN3 }

// checkBroken checks the text of a refused record as cell would have.
func (s *csvScanner) checkBroken(file string, line int, b *brokenQuote) *pipeline.FileError {
	if s.checksUTF8() && (!utf8.ValidString(b.text) || !utf8.Valid(s.unq)) {
		return s.badLine(file, line)
	}
	return nil
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

// str turns a field into a string, NFC-normalised, sharing repeated ones,
// and its number when the intern table has it. Only valid text enters the
// intern table, so a cell found there needs no UTF-8 check.
// textFormula reports whether a cell is ="…", a text in a formula, as
// programs export a cell for Excel to keep it as written (a code's leading
// zeros) and Excel shows as the text inside.
func textFormula(b []byte) bool {
	return len(b) >= 3 && b[0] == '=' && b[1] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b[2:len(b)-1], '"') < 0
}

func (s *csvScanner) str(b []byte) (string, uint32) {
	if len(b) == 0 {
		return "", 0
	}
	if id, ok := s.intern[string(b)]; ok {
		return s.entries[id-1].s, id
	}
	if s.checksUTF8() && !utf8.Valid(b) {
		s.invalid = true
		return "", 0
	}
	v := string(b)
	if textFormula(b) {
		// ="446": what Excel shows of it, the text inside.
		v = string(b[2 : len(b)-1])
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			// Windows-1258 writes tones as combining marks; so do NFD sources.
			v = norm.NFC.String(v)
			break
		}
	}
	if len(s.entries) >= maxInterned {
		return v, 0
	}
	id := uint32(len(s.entries) + 1)
	k := string(b)
	s.intern[k] = id
	s.entries = append(s.entries, interned{v, k, id})
	return v, id
}
