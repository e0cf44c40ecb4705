package ingest

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

// csvForm reads a form saved as CSV (Excel's "Save As CSV" of a "biểu
// mẫu" sheet: its title rows, key lines, a header of unit and indicator
// columns, the signature block) with the form reader, where it was
// quarantined as having no long table's header. The cells are named as
// Excel names them when it opens the file: the sheet takes the file's
// name without its extension, the rows are the file's records ("bieu!C7").
type csvForm struct {
	reference *pipeline.Reference
	// ctx is the file's time on the streaming path (nil: read whole,
	// where readWhole leaves a reading past it): the grid and the form
	// reader stop for it, or a large form was read seconds past its time.
	ctx context.Context
	// refs are the cells of the records the form's rows made, by seq
	// from 1 (rowOut.form), for csvSource.ref.
	refs []string
}

// read reads the rest of s as a form's grid, the records before it being
// blank blank ones then lines (the first line not blank, and those read
// after it looking for a long table's header under a title); notHeader is
// the refusal of the first as a long table's header, returned when the
// grid is no form either, or is too large to be read whole.
func (cf *csvForm) read(s *csvScanner, file string, lim Limits, blank int, lines [][]string, notHeader *pipeline.FileError, out rowOut) (*pipeline.FileError, error) {
	grid := make([][]string, blank, blank+64)
	size, cells, filled := 0, blank, 0
	add := func(texts []string) bool {
		row := make([]string, len(texts))
		for i, t := range texts {
			row[i] = norm.NFC.String(strings.TrimSpace(t))
			size += len(row[i])
		}
		grid = append(grid, row)
		cells += len(row) + 1
		if !emptyRow(row) {
			filled++
		}
		return int64(size) <= lim.WholeBytes && cells <= maxFormCells && filled <= maxFormRows
	}
	res := pipeline.NewResolver(cf.reference)
	fr := &formReader{file: file, res: res, name: nameContext(res, file)}
	g := &sheetGrid{name: strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)),
		number: func(r, c int) (string, bool) {
			// Digits alone are the same number in any notation; any other
			// text is read as Vietnamese ("1.234" is 1234).
			t := cell(grid, r, c)
			return t, t != "" && strings.Trim(t, "0123456789") == ""
		}}
	// tooLarge is the refusal of a grid past a bound: a form's, when the
	// rows read so far hold a form's header, else first's as a long
	// table's header.
	tooLarge := func() *pipeline.FileError {
		if filled <= maxFormRows {
			return notHeader
		}
		g.rows = grid
		if _, ok := newForm(fr, g).findHeader(); ok {
			return formTooLong(file, "Tệp", "The file")
		}
		return notHeader
	}
	for _, line := range lines {
		if !add(line) {
			return tooLarge(), nil
		}
	}
	texts := make([]string, 0, len(lines[0]))
	for {
		var bad *brokenQuote
		var stop *pipeline.FileError
		var eof bool
		texts, bad, stop, eof = s.texts(file, texts)
		if eof {
			break
		}
		if stop != nil {
			return stop, nil
		}
		if bad != nil {
			return notHeader, nil
		}
		if !add(texts) {
			return tooLarge(), nil
		}
		if cf.ctx != nil && len(grid)%4096 == 0 {
			if err := cf.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	g.rows = grid
	f := newForm(fr, g)
	rows, rejects, found, err := cf.readForm(f)
	if err != nil {
		return nil, err
	}
	if !found {
		return notHeader, nil
	}
	if fe := fr.unstated(rows); fe != nil {
		return fe, nil
	}
	for _, e := range rejects {
		out.reject(e)
	}
	for _, col := range f.notRead {
		out.notice(notReadNotice(file, col))
	}
	for _, w := range f.notices {
		out.notice(w)
	}
	if len(rows) == 0 {
		if len(rejects) == 0 {
			return noValues(file, "bảng có dòng tiêu đề nhưng không ô số liệu nào được điền",
				"the table has a header but no cell of figures is filled in"), nil
		}
		return nil, nil
	}
	refs, err := out.form(1, rows)
	if err != nil {
		return nil, err
	}
	cf.refs = refs
	return nil, nil
}

// readForm is f.read, under cf.ctx: the form reader does not stop when
// asked, so it reads in a goroutine that is left to finish on its own, its
// result dropped, once the file's time is up (as readWhole leaves a file
// read whole). It holds what is its own: the grid, a Resolver, the
// reference's memo (safe for concurrent use).
func (cf *csvForm) readForm(f *form) ([]pipeline.RawRow, []pipeline.RowError, bool, error) {
	if cf.ctx == nil {
		rows, rejects, found := f.read()
		return rows, rejects, found, nil
	}
	type read struct {
		rows     []pipeline.RawRow
		rejects  []pipeline.RowError
		found    bool
		panicked any
	}
	done := make(chan read, 1)
	go func() {
		// A panic goes to the caller, whose reading recovers it as the
		// file's (internalError), as when the form was read in line.
		defer func() {
			if p := recover(); p != nil {
				done <- read{panicked: p}
			}
		}()
		var r read
		r.rows, r.rejects, r.found = f.read()
		done <- r
	}()
	select {
	case r := <-done:
		if r.panicked != nil {
			panic(r.panicked)
		}
		return r.rows, r.rejects, r.found, nil
	case <-cf.ctx.Done():
		return nil, nil, false, cf.ctx.Err()
	}
}

// ref is the cell of the record of seq, when the file was read as a form.
func (cf *csvForm) ref(seq int) (string, bool) {
	if cf == nil || seq < 1 || seq > len(cf.refs) {
		return "", false
	}
	return cf.refs[seq-1], true
}
