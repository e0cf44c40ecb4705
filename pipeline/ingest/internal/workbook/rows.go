package workbook

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is what a cell holds, from its type attribute.
type Kind uint8

const (
	Number Kind = iota // no type, "n", or a type this reader does not know (as excelize)
	Text               // a shared string, an inline string, a formula's text result
	Bool               // "0" or "1"
	Error              // "#N/A", "#DIV/0!", ...
	Date               // an ISO 8601 date, rare: Excel writes dates as numbers
	// Formula is a formula saved without its result (no <v>), as
	// programs that write workbooks without calculating them leave it:
	// Text is "=" and the formula. excelize reads such a cell as empty;
	// its value is not known, which the reader must say, not take for an
	// empty cell (a value not reported).
	Formula
)

// Cell is one cell with a value. Text is the value as written in the file:
// a number in machine form ("1234.5", "1E-3"), a string as typed. Shown is
// set for a number its style shows otherwise: as a percent (0.5 shown
// "50%"), a date or a time (45424 shown "12/05/2024", 0.5 shown "12:00").
type Cell struct {
	Col   int // from 1 (column A)
	Text  string
	Kind  Kind
	Shown Shown
}

// Range is a merged range of cells, corners included, from 1.
type Range struct {
	FromCol, FromRow, ToCol, ToRow int
}

// Rows reads one sheet's rows in file order. Rows without a value are
// skipped.
type Rows struct {
	b       *Book
	rc      io.Closer
	dec     *xml.Decoder
	part    string
	row     int
	hidden  bool // the current row is hidden
	cells   []Cell
	merges  []Range
	keep    bool // keep the merged ranges
	err     error
	done    bool
	scratch strings.Builder
	formula strings.Builder // the text of a cell's <f>
	// scan reads the sheet's XML when it is held whole; dec otherwise, or
	// from where the scanner meets a byte outside its subset (fallBack).
	scan    *scanner
	scanned int       // the tokens scan yielded
	file    *zip.File // the sheet's part, for fallBack
	attrs   []rawAttr // the attributes of the last token from dec
}

// maxMerges bounds the merged ranges kept: a form has a few dozen.
const maxMerges = 1 << 16

// Rows starts reading sheet i.
func (b *Book) Rows(i int) (*Rows, error) {
	s := b.sheets[i]
	r := &Rows{b: b, part: s.name}
	if s.file == nil {
		r.done = true
		return r, nil
	}
	if size := s.file.UncompressedSize64; size <= maxScanned {
		// A small sheet is read whole and scanned, as far as its XML allows.
		if data, ok := readWhole(s.file, int64(size)); ok && withinToken(data, b.lim.Token) {
			r.scan, r.file = newScanner(data), s.file
			return r, nil
		}
	}
	if err := r.decode(s.file, 0); err != nil {
		return nil, &FormatError{Part: s.name, Err: err}
	}
	return r, nil
}

// decode reads the sheet's part f by encoding/xml from its start, past its
// first skip tokens.
func (r *Rows) decode(f *zip.File, skip int) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	r.rc = rc
	r.dec = xml.NewDecoder(guardOf(rc, r.part, r.b.lim))
	for range skip {
		if _, err := r.dec.RawToken(); err != nil {
			return err
		}
	}
	return nil
}

// fallBack hands the sheet to encoding/xml where the scanner met a byte
// outside its subset: read from the part's start, past the tokens already
// read, which are those encoding/xml reads (FuzzScannerAsRawToken), so the
// rows, errors and limits are those of a read by encoding/xml throughout.
// One pass of the scanner instead of a check of the whole part before it:
// ~1 ms less CPU for the demo's 27-sheet workbook.
func (r *Rows) fallBack() error {
	r.scan = nil
	return r.decode(r.file, r.scanned)
}

// maxScanned is the largest sheet part read whole for the scanner: a form's
// sheet is a few kB to a few hundred; a long table streams through
// encoding/xml without being held.
const maxScanned = 1 << 20

// readWhole reads zip member f, which its directory says unzips to size
// bytes; false when it cannot be read whole and sound, or holds more (the
// streaming read then meets the same problem and says it).
func readWhole(f *zip.File, size int64) ([]byte, bool) {
	rc, err := f.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	data := make([]byte, size+1)
	n, err := io.ReadFull(rc, data)
	if err != io.ErrUnexpectedEOF || int64(n) != size {
		return nil, false
	}
	// At the end: the zip's checksum is checked at EOF.
	if _, err := rc.Read(data[n:]); err != io.EOF {
		return nil, false
	}
	return data[:n], true
}

// token reads the next token of the sheet: io.EOF at its end.
func (r *Rows) token() (token, error) {
	if r.scan != nil {
		ok, end := r.scan.next()
		switch {
		case ok && end:
			return token{}, io.EOF
		case ok:
			r.scanned++
			return r.scan.tok, nil
		}
		if err := r.fallBack(); err != nil {
			return token{}, err
		}
	}
	t, err := r.dec.RawToken()
	if err != nil {
		return token{}, err
	}
	tk := rawToken(t, r.attrs[:0])
	r.attrs = tk.attrs
	return tk, nil
}

// KeepMerges makes the reader keep the sheet's merged ranges, which come
// after its rows, for Merges.
func (r *Rows) KeepMerges() { r.keep = true }

// Next advances to the next row with a value; false at the end of the
// sheet or on an error (Err).
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	for {
		start, err := r.token()
		if err == io.EOF {
			r.finish(nil)
			return false
		}
		if err != nil {
			r.finish(err)
			return false
		}
		if start.kind != tokStart {
			continue
		}
		switch start.local {
		case "row":
			n := r.row + 1
			if v, ok := attr(start, "r"); ok {
				if n, err = strconv.Atoi(v); err != nil || n < 1 || n > maxRow {
					r.finish(fmt.Errorf("row number %q", v))
					return false
				}
			}
			r.row = n
			v, _ := attr(start, "hidden")
			r.hidden = v == "1" || v == "true"
			if err := r.readRow(); err != nil {
				r.finish(err)
				return false
			}
			if len(r.cells) > 0 {
				return true
			}
		case "mergeCell":
			if !r.keep {
				continue
			}
			if len(r.merges) >= maxMerges {
				r.finish(&LimitError{Limit: LimitUnzipped, Figure: maxMerges + 1, Max: maxMerges, Part: r.part})
				return false
			}
			if v, ok := attr(start, "ref"); ok {
				if m, ok := parseRange(v); ok {
					r.merges = append(r.merges, m)
				}
			}
		}
	}
}

func (r *Rows) finish(err error) {
	r.done = true
	if err != nil {
		r.err = partError(r.part, err)
	}
	if r.rc != nil {
		r.rc.Close()
		r.rc = nil
	}
}

// Row is the current row's number, from 1.
func (r *Rows) Row() int { return r.row }

// Hidden reports whether the current row is hidden (Excel's Hide, or
// rows an AutoFilter leaves out).
func (r *Rows) Hidden() bool { return r.hidden }

// Cells are the current row's cells with a value, by column; valid until
// the next call to Next.
func (r *Rows) Cells() []Cell { return r.cells }

// Merges are the sheet's merged ranges, once Next returned false (only
// with KeepMerges).
func (r *Rows) Merges() []Range { return r.merges }

// Err is what stopped the reading, nil at the end of the sheet.
func (r *Rows) Err() error { return r.err }

// Close stops reading; the Rows may be closed before its end.
func (r *Rows) Close() error {
	if r.rc != nil {
		r.done = true
		err := r.rc.Close()
		r.rc = nil
		return err
	}
	return nil
}

// readRow reads the cells of the <row> just started.
func (r *Rows) readRow() error {
	r.cells = r.cells[:0]
	col := 0
	for {
		t, err := r.token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch t.kind {
		case tokEnd:
			if t.local == "row" {
				return nil
			}
		case tokStart:
			if t.local != "c" {
				continue
			}
			col++
			typ := ""
			var shown Shown
			for _, a := range t.attrs {
				switch a.local {
				case "r":
					c, _, ok := cellName(a.value())
					if !ok {
						return fmt.Errorf("cell reference %q", a.value())
					}
					col = c
				case "t":
					typ = a.value()
				case "s":
					if r.b.shown != nil {
						if s, err := strconv.Atoi(a.value()); err == nil && s >= 0 && s < len(r.b.shown) {
							shown = r.b.shown[s]
						}
					}
				}
			}
			c, err := r.readCell(col, typ)
			if err != nil {
				return err
			}
			if c.Kind == Number {
				c.Shown = shown
			}
			if c.Text != "" {
				r.cells = append(r.cells, c)
			}
		}
	}
}

// readCell reads the value of the <c> just started.
func (r *Rows) readCell(col int, typ string) (Cell, error) {
	c := Cell{Col: col}
	var v string
	hasV := false
	inline := false // inside <is>
	phonetic := 0
	text := false // inside a <v>, or a <t> of <is>
	hasF, inF := false, false
	r.scratch.Reset()
	r.formula.Reset()
	for {
		t, err := r.token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return c, err
		}
		switch t.kind {
		case tokStart:
			switch {
			case t.local == "v" && !inline:
				text, hasV = true, true
			case t.local == "f" && !inline:
				hasF, inF = true, true
			case t.local == "is":
				inline = true
			case t.local == "rPh" && inline:
				phonetic++
			case t.local == "t" && inline && phonetic == 0:
				text = true
			}
		case tokEnd:
			switch t.local {
			case "c":
				if hasV && !inline {
					v = r.scratch.String()
				}
				if hasF && !hasV && !inline {
					c.Text, c.Kind = "="+r.formula.String(), Formula
					return c, nil
				}
				return r.value(c, typ, v, inline)
			case "v":
				text = false
			case "f":
				inF = false
			case "t":
				text = false
			case "rPh":
				phonetic = max(0, phonetic-1)
			case "is":
				inline = false
				if typ == "inlineStr" {
					v = unescape(r.scratch.String())
				}
				r.scratch.Reset()
				text = false
			}
		case tokText:
			if text {
				r.scratch.Write(t.text)
			} else if inF {
				r.formula.Write(t.text)
			}
		}
	}
}

// value sets c's text and kind from the cell's type and <v> (or inline
// string) text.
func (r *Rows) value(c Cell, typ, v string, inline bool) (Cell, error) {
	switch typ {
	case "s":
		if v == "" {
			return c, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		s, ok := r.b.sst.get(i)
		if err != nil || !ok {
			return c, fmt.Errorf("cell %s%d: shared string %q not in the table of %d", colName(c.Col), r.row, v, len(r.b.sst.ends))
		}
		c.Text, c.Kind = s, Text
	case "inlineStr":
		c.Text, c.Kind = v, Text
	case "str":
		c.Text, c.Kind = v, Text
	case "b":
		c.Text, c.Kind = v, Bool
	case "e":
		c.Text, c.Kind = v, Error
	case "d":
		c.Text, c.Kind = v, Date
	default:
		c.Text, c.Kind = v, Number
	}
	return c, nil
}

func attr(e token, name string) (string, bool) {
	for _, a := range e.attrs {
		if a.local == name {
			return a.value(), true
		}
	}
	return "", false
}

// maxCol and maxRow are Excel's: XFD, 1,048,576.
const (
	maxCol = 16384
	maxRow = 1 << 20
)

// cellName reads "B7" as column 2, row 7.
func cellName(s string) (col, row int, ok bool) {
	i := 0
	for i < len(s) && i < 4 {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	if i == 0 || col > maxCol {
		return 0, 0, false
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil || n < 1 || n > maxRow {
		return 0, 0, false
	}
	return col, n, true
}

func parseRange(s string) (Range, bool) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		b = a
	}
	c1, r1, ok1 := cellName(a)
	c2, r2, ok2 := cellName(b)
	if !ok1 || !ok2 {
		return Range{}, false
	}
	return Range{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)}, true
}

// colName is the letters of a column number, for messages.
func colName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}
