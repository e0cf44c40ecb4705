package ingest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/danvan/danvan/pipeline"
)

// Reading a form sheet ("biểu mẫu", formats.md section 2) as offices make
// them: title rows on top (merged across the table), maybe key lines
// ("Tỉnh: Hà Tĩnh"), a header of one to three rows, maybe a row of column
// numbers under it ("(1) (2) (3) (4)=(5)+(6)"), unit rows grouped in
// sections ("I", "II", "A.", "Khối huyện") with their subtotals, a total
// row, then whatever follows the table: notes, the date line, the
// signature block ("Người lập biểu", "(Ký, ghi rõ họ tên)", "K/T TRƯỞNG
// BAN", names), "Nơi nhận:" with its list.
//
// What a row is, is decided by what it holds, never by where it is: a row
// is data when its unit cell names a unit of the province, or when it holds
// numbers in the value columns (then a name nobody knows is refused, with
// why); a total when its unit cell says so; a section when its number is a
// Roman numeral or a letter, or its name opens like one ("Khối …"); a row
// of column numbers when every cell is a marker. The table ends at its last
// row of data: after it, a row without a number in its value cells is not
// data, whatever it says, and a row with numbers still is (so a data row
// below a blank line is kept, and a signature never becomes a unit).
//
// Province, period and submission date come from the table's columns, else
// from the key lines, else from the title rows (the province or the unit a
// title names, "6 THÁNG ĐẦU NĂM 2024"), the date line ("Hà Tĩnh, ngày 15
// tháng 12 năm 2023"), else from the file name; each row says where
// (RawRow.Stated), and refusals name the cell of the text they quote.

// sheetGrid is one sheet as the form reader sees it.
type sheetGrid struct {
	name string
	// rows holds the cells' texts (NFC, trimmed), row by row from 0.
	rows [][]string
	// number gives a cell's value in machine form when the cell holds a
	// number (typed, or a formula's cached number).
	number func(r, c int) (string, bool)
	// dated, when set, reports whether a cell's style shows its number as
	// a date, a time or a year (RawRow.DateCell).
	dated func(r, c int) bool
	// unscaled, when set, gives a cell shown scaled ("#,##0,,": its text
	// the shown 350,4) as stored, in machine form (350400000).
	unscaled func(r, c int) (string, bool)
	// hidden marks the rows hidden in the workbook, from 0.
	hidden []bool
	// merges are the merged ranges, from 0, corners included.
	merges []cellRange
}

type cellRange struct{ r1, c1, r2, c2 int }

// isDated reports whether cell (r, c) is shown as a date, a time or a year.
func (g *sheetGrid) isDated(r, c int) bool { return g.dated != nil && g.dated(r, c) }

// hiddenRow reports whether row r is hidden in the workbook.
func (g *sheetGrid) hiddenRow(r int) bool { return r >= 0 && r < len(g.hidden) && g.hidden[r] }

// value sets raw's value from cell (r, c): its number in machine form, or
// its text. A number shown scaled ("#,##0,,": 350,400,000 shown 350) is
// read as shown when raw's column gives a unit that scales ("triệu đồng":
// what the clerk sees under the header), else as stored, the full amount
// typed; either way it was read as stored and then scaled by the header's
// unit, a million times over.
func (g *sheetGrid) value(raw *pipeline.RawRow, r, c int, text string) {
	if n, ok := g.number(r, c); ok {
		raw.Value, raw.Plain = n, true
		return
	}
	raw.Value, raw.DateCell = text, g.isDated(r, c)
	if g.unscaled == nil || scalingUnit(raw.ColumnUnit) {
		return
	}
	if n, ok := g.unscaled(r, c); ok {
		raw.Value, raw.Plain = n, true
	}
}

// scalingUnit reports whether a column's unit scales its numbers ("triệu
// đồng", "nghìn ngày công"; not "cuộc", "đồng").
func scalingUnit(u string) bool {
	if u == "" {
		return false
	}
	n, err := pipeline.ParseNumber("1 " + u)
	return err == nil && n.Value != 1
}

// formReader reads the form sheets of one file.
type formReader struct {
	file string
	res  *pipeline.Resolver
	name fileContext // what the file name says
	// said holds what a text says as a title or date line (titleSays), by
	// the text: a workbook's sheets repeat their titles, date lines and
	// signature blocks, and each sheet's two scans of them (titles is called
	// before and after its table is read) folded and searched the same
	// texts again: ~13 % of the CPU of a 27-sheet per-unit workbook's forms.
	said map[string]*titleSays
	// shared holds what a header column's texts make (column), by the
	// texts, for every file read with the reference; columns those past
	// its bounds, for this file.
	shared  *columnMemo
	columns map[string]columnRead
	// names holds the header names of a value column for messages
	// (valueNames), by what makes them, past the shared memo's bounds (it
	// keeps them for every file): the sheets of a workbook mostly repeat
	// one form's header under the same lines, and a map per value column
	// of every sheet was ~300 KB of a 27-sheet workbook's fresh memory.
	// Its maps are shared by the rows and never changed once made.
	names map[valueNamesKey]map[pipeline.Field]string
}

// valueNamesKey is what a value column's header names are made of: its
// indicator's name, its header text, and the names every column of its
// table shares (sharedKey).
type valueNamesKey struct{ name, shown, shared string }

// maxValueNames bounds columnMemo.names and formReader.names; past both,
// a column's names are made for it alone.
const maxValueNames = 4096

// valueNames gives a value column's header names for messages: its
// indicator's name, its header text as breakdown and value, then the names
// shared holds (sharedKey of shared is sharedKey).
func (fr *formReader) valueNames(name, shown string, shared map[pipeline.Field]string, sharedKey string) map[pipeline.Field]string {
	k := valueNamesKey{name, shown, sharedKey}
	if m, ok := fr.names[k]; ok {
		return m
	}
	memo := fr.memo()
	if m, ok := memo.valueNames(k); ok {
		return m
	}
	m := make(map[pipeline.Field]string, 3+len(shared))
	m[pipeline.FieldIndicator], m[pipeline.FieldDisaggregation], m[pipeline.FieldValue] = name, shown, shown
	for fd, n := range shared {
		m[fd] = n
	}
	if memo.putValueNames(k, m) {
		return m
	}
	if len(fr.names) < maxValueNames {
		if fr.names == nil {
			fr.names = map[valueNamesKey]map[pipeline.Field]string{}
		}
		fr.names[k] = m
	}
	return m
}

// valueNames is the names kept for key k, if any.
func (m *columnMemo) valueNames(k valueNamesKey) (map[pipeline.Field]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names, ok := m.names[k]
	return names, ok
}

// putValueNames keeps names for key k, and reports whether it did: not past
// maxValueNames, nor for a key over maxMemoKey bytes (the file's reader then
// keeps them).
func (m *columnMemo) putValueNames(k valueNamesKey, names map[pipeline.Field]string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.made++
	if len(k.name)+len(k.shown)+len(k.shared) > maxMemoKey || len(m.names) >= maxValueNames {
		return false
	}
	m.names[k] = names
	return true
}

// sharedKey is one text for the names a table's columns share, the same
// for the same names.
func sharedKey(shared map[pipeline.Field]string) string {
	fields := make([]pipeline.Field, 0, len(shared))
	for fd := range shared {
		fields = append(fields, fd)
	}
	slices.Sort(fields)
	var b strings.Builder
	for _, fd := range fields {
		b.WriteString(string(fd))
		b.WriteByte(0)
		b.WriteString(shared[fd])
		b.WriteByte(0)
	}
	return b.String()
}

// columnMemo holds what header columns' texts make (columnRead) for every
// file read with one reference (pipeline.Resolver.Derived): a column's
// reading depends on its texts and the reference alone, and the commune
// forms of a drop repeat one header, which each of 365 files worked out
// again (a tenth of the ingest's CPU). Bounded like the index's named
// texts: past maxMemoColumns, or for a key over maxMemoKey bytes, a file
// keeps its own (a workbook's sheets mostly repeat one form's header).
type columnMemo struct {
	mu sync.Mutex
	m  map[string]columnRead
	// worked counts the columns worked out (for the tests).
	worked int
	// names holds a value column's header names (formReader.valueNames)
	// the same way, for every file: the drop's forms made the same few
	// maps again in each of 365 files (~3 % of the CPU of its ingest).
	// Never changed once made (rows that change one copy it first).
	names map[valueNamesKey]map[pipeline.Field]string
	made  int // the names' maps made (for the tests)
}

const maxMemoColumns, maxMemoKey = 1 << 14, 1 << 10

type columnMemoKey struct{}

func (m *columnMemo) get(key string) (columnRead, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cr, ok := m.m[key]
	return cr, ok
}

// put keeps what the column's texts key make, and reports whether it did.
func (m *columnMemo) put(key string, cr columnRead) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.worked++
	if len(key) > maxMemoKey || len(m.m) >= maxMemoColumns {
		return false
	}
	m.m[key] = cr
	return true
}

// memo is the reference's columnMemo.
func (fr *formReader) memo() *columnMemo {
	if fr.shared == nil {
		fr.shared = fr.res.Derived(columnMemoKey{}, func() any {
			return &columnMemo{m: map[string]columnRead{}, names: map[valueNamesKey]map[pipeline.Field]string{}}
		}).(*columnMemo)
	}
	return fr.shared
}

// titleSays is what one text above or below a form's table says.
type titleSays struct {
	date string // a date line's day, as D/M/YYYY; "" when it is none
	// What it says as a title, worked out on first use as one (a text below
	// the table is only looked at for its date line).
	read     bool
	key      bool // a key line ("Tỉnh: …"), which keyLines reads
	province *pipeline.Unit
	unit     *pipeline.Unit
	period   string
	folded   string // the text folded, its date line blanked; kept until read
}

// says is what text t says as a title (when title) or a date line.
func (fr *formReader) says(t string, title bool) *titleSays {
	s, ok := fr.said[t]
	if !ok {
		if fr.said == nil {
			fr.said = map[string]*titleSays{}
		}
		s = &titleSays{}
		folded := pipeline.Fold(reDate.ReplaceAllString(strings.ToLower(t), " "))
		if m := reDateline.FindStringSubmatch(folded); m != nil {
			s.date = m[1] + "/" + m[2] + "/" + m[3]
		}
		s.folded = folded
		fr.said[t] = s
	}
	if title && !s.read {
		s.read = true
		if k, _, isKey := strings.Cut(t, ":"); isKey && headerAliases[headerKey(k)] != "" {
			s.key = true
		} else {
			text := reDateline.ReplaceAllString(s.folded, " ")
			var inProvince *pipeline.Unit
			s.unit, inProvince = fr.unitIn(text)
			s.province = fr.provinceIn(text, inProvince)
			s.period = periodIn(text)
		}
		s.folded = ""
	}
	return s
}

// form is one sheet being read.
type form struct {
	fr     *formReader
	g      *sheetGrid
	filled [][]string // rows with each merged range's text in all its cells
	// origin[r][c] is, for a merged cell (r, c) but its range's top-left
	// one, the index in g.merges of the last range covering it, plus one;
	// 0 (or a row or column past it) for any other cell. A grid beside
	// filled rather than a map of cells: a form's title ranges span many
	// columns, and the map grew and rehashed a table per sheet.
	origin [][]int32
	// example is set by read when the text above the table says it is
	// an example of how to fill the form in (instructions).
	example bool
	// hiddenRead are the hidden rows (from 1) rows read values from.
	hiddenRead []int
	// notRead are the columns of the tables read that hold no figure of
	// the report (formColumn.skip), for the notice.
	notRead []formColumn
	// notices are what the reading passed over besides (laterAnswers).
	notices []pipeline.Warning
}

// originOf is the top-left cell of the merged range cell (r, c) lies in,
// when it is not that cell itself.
func (f *form) originOf(r, c int) ([2]int, bool) {
	if r < 0 || r >= len(f.origin) || c < 0 || c >= len(f.origin[r]) || f.origin[r][c] == 0 {
		return [2]int{}, false
	}
	m := f.g.merges[f.origin[r][c]-1]
	return [2]int{m.r1, m.c1}, true
}

func (f *form) text(r, c int) string { return cell(f.g.rows, r, c) }

// shown is the text a cell shows: its merged range's.
func (f *form) shown(r, c int) string { return cell(f.filled, r, c) }

// ref names the cell that holds what cell (r, c) shows: the top-left cell
// of its merged range.
func (f *form) ref(r, c int) string {
	if o, ok := f.originOf(r, c); ok {
		r, c = o[0], o[1]
	}
	return cellRef(f.g.name, c+1, r+1)
}

func newForm(fr *formReader, g *sheetGrid) *form {
	f := &form{fr: fr, g: g}
	// A row of filled is the sheet's own row until a merged range writes
	// into it, then a copy: most rows of a form have no merged cell, and
	// copying every row was ~8 % of the form reader's fresh memory.
	f.filled = slices.Clone(g.rows)
	var copied []bool
	if len(g.merges) > 0 {
		f.origin = make([][]int32, len(g.rows))
		copied = make([]bool, len(g.rows))
	}
	for i, m := range g.merges {
		if m.r1 >= len(g.rows) || m.r1 < 0 || m.c1 < 0 {
			continue
		}
		v := cell(g.rows, m.r1, m.c1)
		for r := m.r1; r <= m.r2 && r < len(f.filled); r++ {
			if !copied[r] {
				f.filled[r] = append(make([]string, 0, max(len(f.filled[r]), min(m.c2, 1<<14-1)+1)), f.filled[r]...)
				copied[r] = true
			}
			for c := m.c1; c <= m.c2 && c < 1<<14; c++ {
				for len(f.filled[r]) <= c {
					f.filled[r] = append(f.filled[r], "")
				}
				if f.filled[r][c] == "" {
					f.filled[r][c] = v
				}
				if r != m.r1 || c != m.c1 {
					if len(f.origin[r]) <= c {
						// Made at the row's width once: grown a cell at a
						// time, a merged title across a sheet's width was
						// eight slices a row.
						f.origin[r] = slices.Grow(f.origin[r], len(f.filled[r])-len(f.origin[r]))[:c+1]
					}
					f.origin[r][c] = int32(i) + 1
				}
			}
		}
	}
	return f
}

// unitHeader reports whether a header cell names the unit column: "Đơn
// vị", "Tên đơn vị báo cáo", "Đơn vị (huyện, thị xã, thành phố)", "Địa
// phương", "Huyện, thị xã, thành phố", "Xã, phường", but not "Đơn vị tính"
// (the unit of measure).
func unitHeader(t string) bool {
	f := pipeline.Fold(t)
	switch f {
	case "unit", "huyen", "xa", "dia ban":
		return true
	}
	if strings.HasPrefix(f, "don vi tinh") || f == "dvt" {
		return false
	}
	for _, p := range []string{"don vi", "ten don vi", "dia phuong", "ten dia phuong", "ten huyen", "ten xa",
		"huyen thi", "xa phuong", "xa thi tran"} {
		if f == p || strings.HasPrefix(f, p+" ") {
			return true
		}
	}
	return false
}

// totalRow is pipeline.TotalRow: the one rule of what a total row is.
func totalRow(t string) (total, grand bool) { return pipeline.TotalRow(t) }

var (
	// reMarker is one column-number cell: "1", "(2)", "A", "(B)",
	// "(4)=(5)+(6)", "4 = 5 + 6".
	reMarker = regexp.MustCompile(`^(?:\(?[0-9]{1,2}\)?|\(?[A-Za-z]\)?)(?:\s*[=+\-*/x]\s*(?:\(?[0-9]{1,2}\)?|\(?[A-Za-z]\)?))*$`)
	// reSection is a section's number: a Roman numeral or a capital
	// letter, maybe with a dot or a parenthesis; reSectionName a section's
	// name led by its number ("A. Khối huyện", "II) Các xã").
	reSection     = regexp.MustCompile(`^(?:[IVX]{1,5}|[A-H])[.)]?$`)
	reSectionName = regexp.MustCompile(`^(?:[IVX]{1,5}|[A-H])[.)]\s*\S`)
	// sectionWords open a section's name in the unit column.
	sectionWords = []string{"khoi", "cum", "nhom", "phan", "muc", "khu vuc", "cac huyen", "cac xa", "cac phuong", "cac don vi", "cap huyen", "cap xa", "cap tinh"}
)

// markerRow reports whether the cells are a row of column numbers.
func markerRow(cells []string) bool {
	n, last, increasing, marked := 0, -1, true, false
	for _, t := range cells {
		if t == "" {
			continue
		}
		if !reMarker.MatchString(t) {
			return false
		}
		n++
		if strings.ContainsAny(t, "()=+") || !strings.ContainsAny(t, "0123456789") {
			marked = true
			continue
		}
		v, _ := strconv.Atoi(t)
		if v <= last {
			increasing = false
		}
		last = v
	}
	// Bare numbers count as column numbers only when they go up, as
	// column numbers do.
	return n >= 2 && (marked || increasing)
}

func sectionName(t string) bool {
	f := pipeline.Fold(t)
	for _, w := range sectionWords {
		if f == w || strings.HasPrefix(f, w+" ") {
			return true
		}
	}
	return false
}

func numeric(t string) bool {
	if t == "" {
		return false
	}
	_, err := pipeline.ParseNumber(t)
	return err == nil
}

// formColumn is one column of a form's table.
type formColumn struct {
	field     pipeline.Field // FieldValue for an indicator column, "" for none
	indicator string
	disagg    string
	unit      string                    // of measure, from the header (RawRow.ColumnUnit)
	headerRef string                    // the cell naming the indicator
	shown     string                    // the header's text of a value column
	columns   map[pipeline.Field]string // header names, for messages (a value column's: formReader.valueNames)
	// skip is, for a column not read, what its figures are (a plan, an
	// earlier period's, a rate: notFigure); headerRef then is the cell
	// saying so and shown the header's texts.
	skip string
	// period is the period a text under the indicator's names ("Năm
	// 2022"): the column is read when it is the sheet's (periodColumns),
	// else skipped; periodRef is that text's cell, sheetPeriod the
	// period the sheet states, for the notice.
	period, periodRef, sheetPeriod string
}

// tableHeader is a form's header: where it is and what its columns are.
type tableHeader struct {
	row, last int // first and last row of the header
	unitCol   int
	sttCol    int // -1 when none
	cols      []formColumn
	// stop is the row the next table's header starts on (nextTable), or
	// the sheet's length: the table's rows lie before it.
	stop int
	// group is the table's group of rows (RawRow.Group): the sheet's
	// name for its first table, the sheet's and the table's number after.
	group string
}

// findHeader finds the header by content: a cell naming the unit column,
// and a cell naming an indicator in that row or the two below it (a
// header of two or three rows, the indicators under a group's name).
func (f *form) findHeader() (h tableHeader, ok bool) {
	for r := range f.filled {
		if unitCol, ok := f.headerAt(r); ok {
			return f.layout(r, unitCol), true
		}
	}
	return tableHeader{}, false
}

// headerAt reports whether a header starts at row r, and its unit column.
func (f *form) headerAt(r int) (unitCol int, ok bool) {
	cells := f.filled[r]
	unitCol = -1
	for c, t := range cells {
		// A merged range's text fills its cells (a title spans the
		// table's width): asked once per run of the same text.
		if t != "" && (c == 0 || t != cells[c-1]) && unitHeader(t) {
			unitCol = c
			break
		}
	}
	if unitCol < 0 {
		return -1, false
	}
	for k := r; k < len(f.filled) && k <= r+2; k++ {
		if k > r && !f.headerContinues(r, k, unitCol) {
			break
		}
		for c, t := range f.filled[k] {
			if c != unitCol && t != "" && f.fr.named(t) {
				return unitCol, true
			}
		}
	}
	return -1, false
}

// nextTable finds the header of another table under h's on the same sheet
// (a form of two parts: models above, dialogues below), and sets h.stop to
// the row it starts on. The same header again (the table carried over to a
// new page) is no new table: its rows are h's.
func (f *form) nextTable(h *tableHeader) (next tableHeader, ok bool) {
	h.stop = len(f.g.rows)
	for r := h.last + 1; r < len(f.filled); r++ {
		if f.holdsNumber(r) {
			continue // a header holds none (headerContinues); most rows do, and are not folded
		}
		unitCol, ok := f.headerAt(r)
		if !ok {
			continue
		}
		next = f.layout(r, unitCol)
		if !sameColumns(*h, next) {
			h.stop = r
			return next, true
		}
		r = next.last
	}
	return tableHeader{}, false
}

// holdsNumber reports whether a cell of row r holds a number.
func (f *form) holdsNumber(r int) bool {
	for c, t := range f.g.rows[r] {
		if t != "" {
			if _, ok := f.g.number(r, c); ok {
				return true
			}
		}
	}
	return false
}

// sameColumns reports whether two headers lay out the same columns.
func sameColumns(a, b tableHeader) bool {
	if a.unitCol != b.unitCol || len(a.cols) != len(b.cols) {
		return false
	}
	for c := range a.cols {
		x, y := a.cols[c], b.cols[c]
		if x.field != y.field || x.indicator != y.indicator || x.disagg != y.disagg || x.unit != y.unit {
			return false
		}
	}
	return true
}

// headerContinues reports whether row k is still the header begun at row
// r: its unit cell is the header's (merged down) or empty, it is no row of
// column numbers and it holds no number.
func (f *form) headerContinues(r, k, unitCol int) bool {
	if u := f.shown(k, unitCol); u != "" && u != f.shown(r, unitCol) {
		return false
	}
	if markerRow(f.g.rows[k]) {
		return false
	}
	empty := true
	for c, t := range f.g.rows[k] {
		if t == "" {
			continue
		}
		empty = false
		if n, ok := f.g.number(k, c); ok && (c == unitCol || !yearNumber(n)) {
			return false
		}
	}
	return !empty
}

// yearNumber reports whether a number cell holds a year, as "2022" typed
// over a column of a form's header ("Năm 2022 | Năm 2023" written as
// numbers) is kept: such a row, with no unit, is the header's, not data.
func yearNumber(n string) bool {
	y, err := strconv.Atoi(n)
	return err == nil && y >= 1990 && y <= 2100
}

// layout reads the columns of the header that starts at row r.
func (f *form) layout(r, unitCol int) tableHeader {
	h := tableHeader{row: r, last: r, unitCol: unitCol, sttCol: -1, stop: len(f.g.rows), group: f.g.name}
	for k := r + 1; k < len(f.filled) && k <= r+2 && f.headerContinues(r, k, unitCol); k++ {
		h.last = k
	}
	width := 0
	for k := h.row; k <= h.last; k++ {
		width = max(width, len(f.filled[k]))
	}
	h.cols = make([]formColumn, width)
	var path []string
	var at [][2]int // the cell of each of path's texts
	for c := range width {
		if c == unitCol {
			h.cols[c].field = pipeline.FieldUnit
			continue
		}
		// The header's texts from the top down, each once.
		path, at = path[:0], at[:0]
		for k := h.row; k <= h.last; k++ {
			t, tc := f.shown(k, c), c
			if t == "" && k < h.last {
				t, tc = f.groupOver(k, c, h.last, unitCol)
			}
			if t != "" && (len(path) == 0 || path[len(path)-1] != t) {
				path, at = append(path, t), append(at, [2]int{k, tc})
			}
		}
		if len(path) == 0 {
			continue
		}
		cr := f.fr.column(path)
		switch {
		case cr.skip != "":
			h.cols[c] = formColumn{skip: cr.skip, headerRef: f.ref(at[cr.at][0], at[cr.at][1]), shown: strings.Join(path, " / ")}
		case cr.period != "":
			h.cols[c] = formColumn{field: pipeline.FieldValue, indicator: cr.name, disagg: cr.disagg, unit: cr.unit,
				headerRef: f.ref(at[cr.at][0], at[cr.at][1]), shown: cr.shown, period: cr.period,
				periodRef: f.ref(at[cr.periodAt][0], at[cr.periodAt][1])}
		case cr.stt:
			if h.sttCol < 0 {
				h.sttCol = c
			}
		case cr.field != pipeline.FieldValue:
			h.cols[c].field = cr.field
			h.cols[c].columns = map[pipeline.Field]string{cr.field: path[0]}
		default:
			h.cols[c] = formColumn{field: pipeline.FieldValue, indicator: cr.name, disagg: cr.disagg, unit: cr.unit,
				headerRef: f.ref(at[cr.at][0], at[cr.at][1]), shown: cr.shown}
		}
	}
	if h.sttCol < 0 && unitCol > 0 && h.cols[unitCol-1].field == "" {
		// An unnamed column left of the units holds their numbers.
		h.sttCol = unitCol - 1
	}
	return h
}

// groupOver is the text of a group of columns that an empty header cell
// (k, c) lies under, and its column: a CSV keeps no merged cells, so a
// form's "Số mô hình đăng ký" merged over "Kinh tế | Văn hóa – xã hội"
// leaves the group's name in its first cell and the others empty (so does
// a title centred across the columns, not merged). The cell is the
// group's when the header has a text under it and the nearest text left of
// it in its row, not the unit's, has a text under it too (a group, not a
// column's name merged down); "" otherwise.
func (f *form) groupOver(k, c, last, unitCol int) (string, int) {
	under := func(c int) bool {
		for j := k + 1; j <= last; j++ {
			if f.shown(j, c) != "" {
				return true
			}
		}
		return false
	}
	if !under(c) {
		return "", c
	}
	for l := c - 1; l > unitCol; l-- {
		if t := f.shown(k, l); t != "" {
			if under(l) {
				return t, l
			}
			return "", c
		}
	}
	return "", c
}

// columnRead is what a header column's texts, top down, make of it.
type columnRead struct {
	stt   bool           // the column of row numbers
	field pipeline.Field // FieldValue for an indicator column, else the field its name is an alias of
	// An indicator column's indicator and breakdown; at is the index in
	// the texts of the one naming the indicator, or for a column not read
	// (skip, notFigure) of the one saying what its figures are.
	at                        int
	name, disagg, shown, unit string
	skip                      string
	// period is the text under the indicator's naming a period ("Năm
	// 2022", beside "Năm 2023"), periodAt its index in the texts.
	period   string
	periodAt int
}

// column is what a header column of texts path makes, worked out once per
// file: the sheets of a workbook mostly repeat one form's header, and
// reading it (folds, the aliases and the indicators' names, their
// breakdowns) for every sheet was about a third of the form reader's CPU
// on a 27-sheet per-unit workbook.
func (fr *formReader) column(path []string) columnRead {
	var key strings.Builder
	for _, t := range path {
		key.WriteString(strconv.Itoa(len(t)))
		key.WriteByte(':')
		key.WriteString(t)
	}
	if cr, ok := fr.columns[key.String()]; ok {
		return cr
	}
	if cr, ok := fr.memo().get(key.String()); ok {
		return cr
	}
	var cr columnRead
	top := path[0]
	if fd, ok := headerAliases[headerKey(top)]; sttHeaders[pipeline.Fold(top)] {
		cr.stt = true
	} else if ok && fd != pipeline.FieldValue && fd != pipeline.FieldIndicator {
		cr.field = fd
	} else {
		cr = fr.valueColumn(path)
	}
	if !fr.memo().put(key.String(), cr) {
		if fr.columns == nil {
			fr.columns = map[string]columnRead{}
		}
		fr.columns[key.String()] = cr
	}
	return cr
}

// valueColumn reads an indicator column of its header texts, top down: the
// deepest text that names an indicator (alone, or after the text above it:
// "Mô hình" over "đăng ký") is the indicator, the text under it its
// breakdown. When none names one, the column's name is refused for each of
// its values as an unknown indicator.
func (fr *formReader) valueColumn(path []string) columnRead {
	col := columnRead{field: pipeline.FieldValue}
	if n := len(path); n > 1 && fr.measureUnit(path[n-1]) {
		// A row of units of measure under the header ("mô hình", "triệu
		// đồng"): what the column's numbers are in, not a breakdown.
		col.unit, path = path[n-1], path[:n-1]
	}
	at := -1
	name := ""
	for i := len(path) - 1; i >= 0 && at < 0; i-- {
		named, unit := fr.indicatorNamed(path[i])
		if named == "" && i > 0 {
			named, unit = fr.indicatorNamed(path[i-1] + " " + path[i])
		}
		if named != "" {
			at, name = i, named
			if unit != "" {
				col.unit = unit
			}
		}
	}
	// A text above or under the indicator's that says the figures are a
	// plan, an earlier period's or a rate: the column is not read. One
	// that says they are what was achieved ("Thực hiện", "Năm nay") is
	// no breakdown: the others of its group are such columns.
	var kept []string
	var orig []int // the index in path of each of kept
	for i, t := range path {
		switch k := notFigure(t); {
		case i > at && at >= 0 && k == "" && col.period == "" && periodText(t):
			col.period, col.periodAt = t, i
		case i == at || k == "":
			kept, orig = append(kept, t), append(orig, i)
		case k == figureAchieved:
			// "Thực hiện năm 2022": settled by its period as "Năm 2022".
			if p := achievedPeriod(t); p != "" && i > at && at >= 0 && col.period == "" {
				col.period, col.periodAt = p, i
			}
		default:
			col.skip, col.at = k, i
			return col
		}
	}
	if len(kept) == 0 {
		kept, orig = path, nil
	}
	at = slices.Index(orig, at)
	if orig == nil {
		at = -1
	}
	if at < 0 {
		at, name = 0, kept[0]
		if len(kept) > 1 && !fr.breakdownWord(kept[1]) {
			at, name = len(kept)-1, strings.Join(kept, " / ")
		}
	}
	col.at, col.name = at, name
	if orig != nil {
		col.at = orig[at]
	}
	col.shown = name
	if col.period != "" {
		col.shown = name + " / " + col.period
	}
	if at+1 < len(kept) {
		d := kept[at+1]
		if !totalUnits[pipeline.Fold(d)] {
			col.disagg = d
		}
		col.shown = name + " / " + d
	}
	return col
}

// periodText reports whether a header text under an indicator's names a
// period ("Năm 2022", "6 tháng 2023"); a breakdown never does.
func periodText(t string) bool {
	_, err := pipeline.ParsePeriod(t)
	return err == nil
}

// periodColumns settles the columns of h whose header names a period
// (formColumn.period) by the period the sheet states: its own is read,
// the figure of the column (the year before's beside it is not, skipped
// with a notice). With no period stated, the text is the breakdown it was
// taken for (and refused as).
func periodColumns(h *tableHeader, ctx sheetContext) {
	var sheet pipeline.Period
	s, ok := ctx[pipeline.FieldPeriod]
	if ok {
		var err error
		sheet, err = pipeline.ParsePeriod(s.text)
		ok = err == nil
	}
	for c := range h.cols {
		col := &h.cols[c]
		if col.period == "" {
			continue
		}
		p, err := pipeline.ParsePeriod(col.period)
		switch {
		case !ok || err != nil:
			if col.disagg == "" {
				col.disagg = col.period
			}
			col.period = ""
		case p.Code == sheet.Code:
			col.period = ""
		default:
			col.field, col.skip, col.headerRef, col.sheetPeriod = "", figureOtherPeriod, col.periodRef, s.text
		}
	}
}

// What a header text says its column's figures are (notFigure): a plan or
// target, an earlier period's (the same period a year before), a rate or a
// comparison worked out from others; or what was achieved, the report's
// own figure, beside those.
const (
	figurePlan     = "plan"
	figureEarlier  = "earlier"
	figureRate     = "rate"
	figureAchieved = "achieved"
	// A running total over several periods ("Lũy kế từ đầu năm").
	figureCumulative = "cumulative"
	// A period's other than the sheet's (periodColumns): formColumn.period
	// names it, sheetPeriod the sheet's.
	figureOtherPeriod = "other period"
)

// notFigure says what a header text over or under an indicator's says its
// column's figures are, when it is one of the words forms use beside a
// figure ("Kế hoạch | Thực hiện | Tỷ lệ (%)", "Cùng kỳ năm trước | Năm nay
// | So sánh (%)", "KH | TH"): figurePlan, figureEarlier, figureRate,
// figureAchieved; "" for any other text (a breakdown, a group's name). A
// long text (a group's title naming a plan, "Kế hoạch số 12-KH/TU về …")
// says none.
func notFigure(t string) string {
	if strings.Contains(t, "%") {
		return figureRate
	}
	k := pipeline.Fold(t)
	if strings.Count(k, " ") > 5 {
		return ""
	}
	switch k {
	case "kh":
		return figurePlan
	case "ck":
		return figureEarlier
	case "tl", "ss":
		return figureRate
	case "th":
		return figureAchieved
	}
	for _, w := range earlierWords {
		if strings.Contains(k, w) {
			return figureEarlier
		}
	}
	for _, w := range planWords {
		if strings.HasPrefix(k, w) {
			return figurePlan
		}
	}
	for _, w := range rateWords {
		if strings.HasPrefix(k, w) {
			return figureRate
		}
	}
	if strings.HasPrefix(k, "luy ke") || strings.HasPrefix(k, "cong don") {
		return figureCumulative
	}
	for _, w := range achievedWords {
		if k == w || strings.HasPrefix(k, w+" ") {
			return figureAchieved
		}
	}
	return ""
}

// The folded words of notFigure: anywhere in the text for an earlier
// period's, its start for the others.
var (
	earlierWords  = []string{"cung ky", "nam truoc", "ky truoc", "thang truoc", "quy truoc"}
	planWords     = []string{"ke hoach", "chi tieu giao", "chi tieu duoc giao", "muc tieu"}
	rateWords     = []string{"ty le", "ti le", "so sanh", "tang giam", "tang, giam", "tang/giam", "chenh lech"}
	achievedWords = []string{"thuc hien", "ket qua", "ket qua thuc hien", "nam nay", "ky nay", "ky bao cao", "dat duoc", "trong ky"}
)

// achievedPeriod is the period an achieved column's text names after its
// word ("Thực hiện năm 2022": "năm 2022"), or "".
func achievedPeriod(t string) string {
	k, words := pipeline.Fold(t), strings.Fields(t)
	for _, w := range achievedWords {
		if n := len(strings.Fields(w)); strings.HasPrefix(k, w+" ") && n < len(words) {
			if rest := strings.Join(words[n:], " "); periodText(rest) {
				return rest
			}
		}
	}
	return ""
}

// notReadNotice says that a form's column was not read, and why.
func notReadNotice(file string, col formColumn) pipeline.Warning {
	vi, en := "là tỷ lệ hoặc so sánh, tính từ các số liệu khác", "is a rate or a comparison, worked out from other figures"
	switch col.skip {
	case figurePlan:
		vi, en = "là số kế hoạch (chỉ tiêu giao), không phải kết quả của kỳ báo cáo", "is a plan (a target), not what the period achieved"
	case figureEarlier:
		vi, en = "là số liệu của kỳ trước, báo cáo trong kỳ đó", "is an earlier period's, reported for that period"
	case figureCumulative:
		vi, en = "là số lũy kế, cộng dồn nhiều kỳ, không phải số của kỳ báo cáo", "is a running total over several periods, not the period's own figure"
	case figureOtherPeriod:
		vi = fmt.Sprintf("là số liệu của %q, không phải của kỳ báo cáo (%q)", col.period, col.sheetPeriod)
		en = fmt.Sprintf("holds the figures of %q, not of the report's period (%q)", col.period, col.sheetPeriod)
	}
	return pipeline.Warning{File: file, Ref: col.headerRef, Code: "column_not_read",
		Reason:   fmt.Sprintf("Cột %q %s, nên không được đọc.", col.shown, vi),
		ReasonEN: fmt.Sprintf("Column %q %s, so it is not read.", col.shown, en)}
}

// sameScaleUnits are the folded words a header may add in parentheses
// that are no unit of the catalogue but say nothing of the scale: "(m)",
// "(VNĐ)", "(số lượng)".
var sameScaleUnits = map[string]bool{"m": true, "vnd": true, "so luong": true}

// indicatorNamed is the text by which a header cell names an indicator,
// and the unit of measure it gives the column: itself, or itself without
// a unit of measure in parentheses at its end ("(m²)", "(triệu đồng)":
// its numbers are in it, RawRow.ColumnUnit); "" when it names none.
func (fr *formReader) indicatorNamed(t string) (name, unit string) {
	if fr.res.IndicatorNamed(t) != nil {
		return t, ""
	}
	if i := strings.LastIndex(t, "("); i > 0 && strings.HasSuffix(t, ")") {
		if name := strings.TrimSpace(t[:i]); fr.res.IndicatorNamed(name) != nil {
			switch u := strings.TrimSpace(t[i+1 : len(t)-1]); {
			case sameScaleUnits[pipeline.Fold(u)]:
				return name, ""
			case fr.measureUnit(u):
				return name, u
			}
		}
	}
	return "", ""
}

// named reports whether a header cell names an indicator (indicatorNamed).
func (fr *formReader) named(t string) bool {
	name, _ := fr.indicatorNamed(t)
	return name != ""
}

// measureUnit reports whether a header text is a unit of measure: one of
// the catalogue's units ("mô hình", "cuộc", "m²", "đồng"), "ha" or
// "người", maybe after a multiplier ("triệu đồng", "nghìn ngày công"), as
// ParseNumber reads a number's unit. A breakdown ("Kinh tế") is none.
func (fr *formReader) measureUnit(t string) bool {
	t = strings.TrimSpace(t)
	if t == "" || t[0] >= '0' && t[0] <= '9' {
		return false
	}
	n, err := pipeline.ParseNumber("1 " + t)
	if err != nil || n.Unit == "" || n.Qualifier != pipeline.Exact {
		return false
	}
	u := pipeline.Fold(n.Unit)
	if u == "ha" || u == "nguoi" {
		return true
	}
	for _, ind := range fr.res.Reference().Indicators {
		if pipeline.Fold(ind.Unit) == u {
			return true
		}
	}
	return false
}

// breakdownWord reports whether t names a breakdown of any indicator, or
// the total.
func (fr *formReader) breakdownWord(t string) bool {
	if totalUnits[pipeline.Fold(t)] {
		return true
	}
	for _, ind := range fr.res.Reference().Indicators {
		if ind.Dimension == "" {
			continue
		}
		if _, p := fr.res.Disaggregation(ind, t); p == nil {
			return true
		}
	}
	return false
}

// stated is a province, period or date a sheet states once for its rows,
// and where.
type stated struct {
	text   string
	column string // the name to show for it in messages
	at     pipeline.Stated
}

// sheetContext is what a sheet states above (and below) its table.
type sheetContext map[pipeline.Field]stated

// keyLines reads the "key: value" lines above the table: "Tỉnh: Hà
// Tĩnh", or "Kỳ báo cáo:" with the value in a cell to its right.
func (f *form) keyLines(h tableHeader, ctx sheetContext) {
	for r := 0; r < h.row; r++ {
		for c, t := range f.g.rows[r] {
			k, v, ok := strings.Cut(t, ":")
			if !ok {
				continue
			}
			fd, known := headerAliases[headerKey(k)]
			if !known || (fd != pipeline.FieldProvince && fd != pipeline.FieldPeriod && fd != pipeline.FieldSubmittedAt) {
				continue
			}
			v = strings.TrimSpace(v)
			vc := c
			if v == "" {
				for j := c + 1; j < len(f.g.rows[r]); j++ {
					if f.g.rows[r][j] != "" {
						v, vc = f.g.rows[r][j], j
						break
					}
				}
			}
			if fd == pipeline.FieldSubmittedAt && vc != c {
				v = f.date(r, vc, v)
			}
			if _, seen := ctx[fd]; !seen && v != "" {
				ctx[fd] = stated{v, strings.TrimSpace(k), pipeline.Stated{By: pipeline.ByKeyLine, Cell: f.ref(r, vc)}}
			}
		}
	}
}

// date renders a date cell (a serial day number) as a date.
func (f *form) date(r, c int, v string) string {
	s, ok := f.g.number(r, c)
	if !ok {
		return v
	}
	return serialDate(s, v)
}

var (
	// reDateline is a document's date line, folded: "Hà Tĩnh, ngày 15
	// tháng 12 năm 2023".
	reDateline = regexp.MustCompile(`(?:^|[ ,])ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})\b`)
	// reDate is a written date: 15/12/2023, 15-12-2023, 15.12.2023.
	reDate = regexp.MustCompile(`\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b`)
)

// titles reads what the rows above the table say of the province, the
// unit and the period, and the date line above or below it, into what ctx
// does not have yet. A title counts only when it says one thing: two
// provinces, or two periods, say nothing.
func (f *form) titles(h tableHeader, end int, ctx sheetContext) {
	type hit struct {
		text string
		ref  string
	}
	var provinces, periods, units []hit
	var dates []hit
	seen := map[[2]int]bool{}
	scan := func(r int, title bool) {
		for c, t := range f.g.rows[r] {
			if t == "" {
				continue
			}
			if o, ok := f.originOf(r, c); ok && seen[o] {
				continue
			}
			seen[[2]int{r, c}] = true
			says := f.fr.says(t, title)
			if says.date != "" {
				dates = append(dates, hit{says.date, f.ref(r, c)})
			}
			if !title || says.key {
				continue // a key line is read by keyLines
			}
			if p := says.province; p != nil {
				provinces = append(provinces, hit{p.Name, f.ref(r, c)})
			}
			if u := says.unit; u != nil {
				units = append(units, hit{u.Name, f.ref(r, c)})
			}
			if p := says.period; p != "" {
				periods = append(periods, hit{p, f.ref(r, c)})
			}
		}
	}
	for r := 0; r < h.row; r++ {
		scan(r, true)
	}
	for r := end + 1; r < len(f.g.rows); r++ {
		scan(r, false)
	}
	one := func(hs []hit, fd pipeline.Field, by pipeline.StatedBy, column string) {
		if _, have := ctx[fd]; have || len(hs) == 0 {
			return
		}
		for _, x := range hs[1:] {
			if x.text != hs[0].text {
				return
			}
		}
		ctx[fd] = stated{hs[0].text, column, pipeline.Stated{By: by, Cell: hs[0].ref}}
	}
	one(provinces, pipeline.FieldProvince, pipeline.ByTitle, "tiêu đề")
	one(units, pipeline.FieldUnit, pipeline.ByTitle, "tiêu đề")
	one(periods, pipeline.FieldPeriod, pipeline.ByTitle, "tiêu đề")
	one(dates, pipeline.FieldSubmittedAt, pipeline.ByDateLine, "dòng ngày tháng")
}

// provinceIn is the one province a folded title names: by its name
// ("ĐẢNG BỘ TỈNH NGHỆ AN"), or by a unit whose name is in one province
// only ("BAN DÂN VẬN HUYỆN ỦY NAM ĐÀN").
//
// inUnits is the province unitIn found for the same title, given rather
// than worked out again.
func (fr *formReader) provinceIn(title string, inUnits *pipeline.Unit) *pipeline.Unit {
	var found *pipeline.Unit
	for _, p := range fr.res.Reference().Provinces() {
		if strings.Contains(" "+title+" ", " "+pipeline.Fold(p.Name)+" ") {
			if found != nil {
				return nil // two provinces say neither
			}
			found = p
		}
	}
	if found != nil {
		return found
	}
	return inUnits
}

// unitIn is the reporting unit a folded title names after a committee's or
// a unit's type words ("huyen uy nam dan", "dang bo huyen can loc", "thi uy
// ky anh"), and its province; nil when the name is no unit's, or the
// units of two provinces'. The unit is nil when the name is of several
// units of one province.
func (fr *formReader) unitIn(title string) (unit, province *pipeline.Unit) {
	words := strings.Fields(title)
	for i, w := range words {
		if w != "uy" && w != "huyen" && w != "xa" && w != "phuong" && w != "pho" && w != "bo" {
			continue
		}
		for n := min(len(words)-i-1, 4); n >= 1; n-- {
			name := strings.Join(words[i+1:i+1+n], " ")
			units := fr.res.UnitsNamed(name)
			if len(units) == 0 {
				continue
			}
			for _, u := range units {
				up := fr.res.ProvinceNamed(u.ProvinceCode)
				if province != nil && up != province {
					return nil, nil // a name of two provinces says neither
				}
				province = up
				if unit == nil || unit.Name == u.Name {
					unit = u
				} else {
					unit = nil
				}
			}
			return unit, province
		}
	}
	return nil, nil
}

// periodIn is the first period a folded title names, as written: the
// longest run of its words that reads as a period, leftmost first; words
// of digits alone are not a period ("số 125").
//
// Every period pipeline.ParsePeriod reads has a year, four ASCII digits in
// one word, so only runs holding such a word are tried: a title's other
// runs cost a failed ParsePeriod each (its regexps and an error), which
// was ~5 % of the CPU of ingesting a 27-sheet per-unit workbook.
func periodIn(title string) string {
	words := strings.Fields(periodSeps.Replace(title))
	// nextYear[i] is the first word from i on that holds a year's digits.
	nextYear := make([]int, len(words)+1)
	nextYear[len(words)] = len(words)
	for i := len(words) - 1; i >= 0; i-- {
		if nextYear[i] = nextYear[i+1]; hasYearDigits(words[i]) {
			nextYear[i] = i
		}
	}
	for i := range words {
		for n := min(len(words)-i, 7); n >= 2 && nextYear[i] < i+n; n-- {
			if code, done := runPeriod(words, i, n); done {
				return code
			}
		}
	}
	return ""
}

// runPeriod reads the run of n words from words[i] as a title's period:
// done with its code when the run names one, done with "" when it shows
// the title names none, not done when the next run must be tried.
func runPeriod(words []string, i, n int) (code string, done bool) {
	s := strings.Join(words[i:i+n], " ")
	p, err := pipeline.ParsePeriod(s)
	switch {
	case err != nil, !strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r == '-' }),
		p.Type == pipeline.Month && words[i] != "thang":
		return "", false
	case p.Type == pipeline.Year && i >= 2 && words[i-1] == "thang" && words[i-2] != "12":
		// "9 THÁNG NĂM 2024" is no year, nor any period.
		return "", true
	}
	return p.Code, true
}

var periodSeps = strings.NewReplacer("/", " ", "-", " - ", "–", " - ")

// hasYearDigits reports whether w holds two ASCII digits in a row: a
// year's four, or the two ParsePeriod reads as 20yy where the words say a
// period ("QUÝ III/23"); four only, such a title named no period.
func hasYearDigits(w string) bool {
	run := 0
	for i := range len(w) {
		if w[i] >= '0' && w[i] <= '9' {
			if run++; run == 2 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// fileContext is what a file's name says of its province and period, for
// the forms that say it nowhere else.
type fileContext struct {
	province *pipeline.Unit
	period   string
	name     string
}

// nameContext reads a file name: "bao-cao-nghe-an-6-thang-dau-nam-2024.xlsx",
// "BC DVK Ha Tinh nam 2023.xlsx", "HaTinh_2023.xlsx". A name that names two
// provinces, or two years, says nothing of them.
func nameContext(res *pipeline.Resolver, file string) fileContext {
	base := filepath.Base(file)
	fc := fileContext{name: base}
	// A date in the name is the day it was written, not its period.
	words := pipeline.Fold(reDate.ReplaceAllString(strings.TrimSuffix(base, filepath.Ext(base)), " "))
	squashed := strings.ReplaceAll(words, " ", "")
	for _, p := range res.Reference().Provinces() {
		n := pipeline.Fold(p.Name)
		if strings.Contains(" "+words+" ", " "+n+" ") || strings.Contains(squashed, strings.ReplaceAll(n, " ", "")) {
			if fc.province != nil && fc.province != p {
				fc.province = nil
				break
			}
			fc.province = p
		}
	}
	if fc.period = periodIn(words); fc.period == "" {
		fc.period = namePeriod(strings.Fields(words))
	}
	return fc
}

// namePeriod reads what periodIn does not in a file name's words: a year
// with its half or quarter ("2023 h1", "q3 2024"), or a year alone when no
// other word hints at a shorter period ("thang", "quy", "h1" that do not
// read as one leave the period unsaid rather than guessed as the year).
func namePeriod(words []string) string {
	year := func(w string) bool {
		y, err := strconv.Atoi(w)
		return err == nil && len(w) == 4 && y >= 2000 && y < 2100
	}
	part := func(w string) bool {
		return len(w) == 2 && ((w[0] == 'h' && (w[1] == '1' || w[1] == '2')) || (w[0] == 'q' && w[1] >= '1' && w[1] <= '4'))
	}
	var years []string
	hint := false
	for i, w := range words {
		switch {
		case year(w):
			years = append(years, w)
			if i+1 < len(words) && part(words[i+1]) {
				return w + "-" + strings.ToUpper(words[i+1])
			}
			if i > 0 && part(words[i-1]) {
				return w + "-" + strings.ToUpper(words[i-1])
			}
		case part(w), w == "thang", w == "quy", w == "ky", w == "6t", w == "9t", w == "giai":
			hint = true
		}
	}
	if len(years) == 1 && !hint {
		return years[0]
	}
	return ""
}

// fromName adds to ctx what the file name says and the sheet does not.
func (fc fileContext) fill(ctx sheetContext) {
	at := pipeline.Stated{By: pipeline.ByFileName, Cell: fc.name}
	if _, ok := ctx[pipeline.FieldProvince]; !ok && fc.province != nil {
		ctx[pipeline.FieldProvince] = stated{fc.province.Name, "tên tệp", at}
	}
	if _, ok := ctx[pipeline.FieldPeriod]; !ok && fc.period != "" {
		ctx[pipeline.FieldPeriod] = stated{fc.period, "tên tệp", at}
	}
}

// rowKind is what a row under a form's header is.
type rowKind int

const (
	rowBlank   rowKind = iota
	rowMarkers         // column numbers
	rowText            // text and no value: a heading, a note, a signature, a repeated header
	rowUnit            // a unit's row
	rowTotal           // a total row
	rowSection         // a section's heading, maybe with its subtotal
	rowOther           // values beside a name that is no unit, or none
)

type tableRow struct {
	r       int
	kind    rowKind
	unit    string
	grand   bool // a total of the whole sheet
	label   string
	values  int // value cells filled
	numbers int // value cells holding a number
}

// classify says what row r is.
func (f *form) classify(h tableHeader, r int, province func(r int) *pipeline.Unit) tableRow {
	tr := tableRow{r: r}
	empty := true
	for _, t := range f.g.rows[r] {
		if t != "" {
			empty = false
			break
		}
	}
	if empty {
		tr.kind = rowBlank
		return tr
	}
	if markerRow(f.g.rows[r]) {
		tr.kind = rowMarkers
		return tr
	}
	for c, col := range h.cols {
		if col.field != pipeline.FieldValue {
			continue
		}
		t := f.text(r, c)
		if t == "" {
			continue
		}
		tr.values++
		if _, ok := f.g.number(r, c); ok || numeric(t) {
			tr.numbers++
		}
	}
	tr.unit = f.shown(r, h.unitCol)
	stt := ""
	if h.sttCol >= 0 && h.sttCol != h.unitCol {
		stt = f.shown(r, h.sttCol)
	}
	total, grand := totalRow(tr.unit)
	if total && !grand && f.namesUnit(province(r), tr.unit) {
		total = false // "Cong Chinh" without its marks: the commune
	}
	if !total && tr.unit == "" {
		total, grand = totalRow(stt)
	}
	switch {
	case total:
		tr.kind, tr.grand = rowTotal, grand
	case tr.unit != "" && unitHeader(tr.unit):
		tr.kind = rowText // the header again, on a new page
	case tr.unit != "" && f.namesUnit(province(r), tr.unit):
		tr.kind = rowUnit
	case reSection.MatchString(stt) || (stt == "" && reSection.MatchString(tr.unit)) ||
		(tr.unit != "" && (sectionName(tr.unit) || reSectionName.MatchString(tr.unit))):
		tr.kind, tr.label = rowSection, strings.TrimSpace(stt+" "+tr.unit)
	case tr.values > 0:
		tr.kind = rowOther
	default:
		tr.kind = rowText
	}
	return tr
}

// closingWords open, folded, the cells that close a document under its
// table: notes, the signers' titles and the signing notes, the list of
// recipients.
var closingWords = []string{
	"ghi chu", "chu thich", "luu y", "nguoi lap", "nguoi ky", "nguoi bao cao", "nguoi tong hop",
	"thu truong", "truong ban", "pho truong ban", "truong phong", "chu tich", "pho chu tich", "bi thu", "pho bi thu",
	"k t", "kt", "t m", "tm", "q truong ban", "ky ten", "ky ghi ro", "ky va ghi ro", "ky ho ten", "ky dong dau",
	"xac nhan", "noi nhan",
}

// reClosingDate is a date line, its figures maybe left as dots or put in
// a cell beside it: "Nam Đàn, ngày", "ngày .... tháng .... năm 2024".
var reClosingDate = regexp.MustCompile(`(?:^|[ ,])ngay(?: |$)`)

// closing reports whether row r closes the document: a cell of it opens
// with a closing word or is a date line.
func (f *form) closing(r int) bool { return closingCells(f.g.rows[r]) }

// closingCells reports whether a row's cells close a document: one opens
// with a closing word or is a date line. The one rule, for forms and for
// long tables exported from them (layout.closingLine).
func closingCells(cells []string) bool {
	for _, t := range cells {
		if t = strings.TrimSpace(t); t == "" || numeric(t) {
			continue
		}
		folded := pipeline.Fold(t)
		if reClosingDate.MatchString(folded) && !strings.HasPrefix(folded, "ngay gui") {
			return true
		}
		for _, w := range closingWords {
			if folded == w || strings.HasPrefix(folded, w+" ") {
				return true
			}
		}
	}
	return false
}

// namesUnit reports whether t names a unit of province, or of any of the
// provinces when it is not known.
func (f *form) namesUnit(province *pipeline.Unit, t string) bool {
	if province != nil {
		return f.fr.res.NamesUnit(province, t)
	}
	for _, p := range f.fr.res.Reference().Provinces() {
		if f.fr.res.NamesUnit(p, t) {
			return true
		}
	}
	return false
}

// rows reads the table under header h.
func (f *form) rows(h tableHeader, ctx sheetContext) ([]pipeline.RawRow, []pipeline.RowError, int) {
	// The row's province when a column gives it, else the sheet's.
	var sheetProvince *pipeline.Unit
	if s, ok := ctx[pipeline.FieldProvince]; ok {
		sheetProvince = f.fr.res.ProvinceNamed(s.text)
	}
	provinceCol := -1
	for c, col := range h.cols {
		if col.field == pipeline.FieldProvince {
			provinceCol = c
		}
	}
	province := func(r int) *pipeline.Unit {
		if provinceCol >= 0 {
			if t := f.shown(r, provinceCol); t != "" {
				return f.fr.res.ProvinceNamed(t)
			}
		}
		return sheetProvince
	}
	var table []tableRow
	last := -1 // the last row of units or totals
	for r := h.last + 1; r < h.stop; r++ {
		tr := f.classify(h, r, province)
		table = append(table, tr)
		if tr.kind == rowUnit || tr.kind == rowTotal || (tr.kind == rowSection && tr.numbers > 0) {
			last = r
		}
	}
	// After the last unit or total, only a row with a number is data, up
	// to the document's closing (a note, the date line, the signature
	// block, "Nơi nhận:"): a date or a telephone number typed as a number
	// beside a signer's title or name is none.
	end := last
	for _, tr := range table {
		if tr.r <= last {
			continue
		}
		if f.closing(tr.r) {
			break
		}
		if tr.numbers > 0 && (tr.kind == rowOther || tr.kind == rowSection) {
			end = tr.r
		}
	}

	// What every row of the sheet shares.
	stat := map[pipeline.Field]pipeline.Stated{}
	shared := map[pipeline.Field]string{pipeline.FieldUnit: f.shown(h.row, h.unitCol)}
	cells := map[pipeline.Field]string{}
	titleUnit, hasTitleUnit := ctx[pipeline.FieldUnit]
	for fd, s := range ctx {
		if fd == pipeline.FieldUnit {
			continue // for the rows whose unit cell is empty only, below
		}
		stat[fd] = s.at
		shared[fd] = s.column
		cells[fd] = s.at.Cell
	}
	for c, col := range h.cols {
		if col.field == pipeline.FieldProvince || col.field == pipeline.FieldPeriod || col.field == pipeline.FieldSubmittedAt {
			shared[col.field] = f.shown(h.row, c)
		}
	}
	key := sharedKey(shared)
	for c := range h.cols {
		if h.cols[c].field == pipeline.FieldValue {
			h.cols[c].columns = f.fr.valueNames(h.cols[c].indicator, h.cols[c].shown, shared, key)
		}
	}

	// At most a row per filled value cell of the table: counted first, so
	// out is made once at its size instead of grown by doubling.
	filled := 0
	for _, tr := range table {
		if tr.r > end {
			break
		}
		for c, col := range h.cols {
			if col.field == pipeline.FieldValue && f.text(tr.r, c) != "" {
				filled++
			}
		}
	}
	out := make([]pipeline.RawRow, 0, filled)
	var rejects []pipeline.RowError
	group := h.group
	// A form tool's timestamp column: its answers are ordered by it
	// (laterAnswers), rowOf the table row of each value of out.
	ts := f.stampColumn(h)
	var rowOf []int
	for _, tr := range table {
		if tr.r > end {
			break
		}
		switch tr.kind {
		case rowBlank, rowMarkers, rowText:
			continue
		case rowSection:
			group = h.group + string(pipeline.GroupSep) + tr.label
			if tr.numbers == 0 {
				continue
			}
		}
		if f.g.hiddenRow(tr.r) {
			f.hiddenRead = append(f.hiddenRead, tr.r+1)
		}
		base := pipeline.RawRow{Origin: pipeline.FromForm, Group: group, Unit: tr.unit}
		rowCells := map[pipeline.Field]string{pipeline.FieldUnit: f.ref(tr.r, h.unitCol)}
		rowStated := stat
		for fd, c := range cells {
			rowCells[fd] = c
		}
		if s, ok := ctx[pipeline.FieldProvince]; ok {
			base.Province = s.text
		}
		if s, ok := ctx[pipeline.FieldPeriod]; ok {
			base.Period = s.text
		}
		if s, ok := ctx[pipeline.FieldSubmittedAt]; ok {
			base.SubmittedAt = s.text
		}
		switch tr.kind {
		case rowTotal:
			base.Total, base.Unit = true, ""
			if tr.grand {
				base.Group = h.group
			}
		case rowSection:
			base.Total, base.Unit = true, ""
		}
		var notes []string
		for c, col := range h.cols {
			v := f.text(tr.r, c)
			if v == "" {
				continue
			}
			switch col.field {
			case pipeline.FieldProvince, pipeline.FieldPeriod, pipeline.FieldSubmittedAt:
				if rowStated != nil && rowStated[col.field] != (pipeline.Stated{}) {
					rowStated = copyStated(rowStated)
					delete(rowStated, col.field)
				}
				rowCells[col.field] = f.ref(tr.r, c)
				switch col.field {
				case pipeline.FieldProvince:
					base.Province = v
				case pipeline.FieldPeriod:
					base.Period = v
				default:
					base.SubmittedAt = f.date(tr.r, c, v)
				}
			case fieldNote:
				notes = append(notes, v)
			}
		}
		base.Note = strings.Join(notes, "; ")
		if tr.kind == rowOther && tr.unit == "" && hasTitleUnit {
			// The unit the title names, for a row that names none.
			base.Unit = titleUnit.text
			rowStated = copyStated(rowStated)
			rowStated[pipeline.FieldUnit] = titleUnit.at
			rowCells[pipeline.FieldUnit] = titleUnit.at.Cell
		}
		if len(rowStated) > 0 {
			base.Stated = rowStated
		}
		for c, col := range h.cols {
			v := f.text(tr.r, c)
			if col.field != pipeline.FieldValue || v == "" {
				continue
			}
			raw := base
			raw.Ref = cellRef(f.g.name, c+1, tr.r+1)
			raw.Indicator, raw.Disaggregation, raw.Columns, raw.ColumnUnit = col.indicator, col.disagg, col.columns, col.unit
			f.g.value(&raw, tr.r, c, v)
			// The indicator and breakdown are quoted from the header; the
			// row's values share its cells, which nothing changes after.
			raw.Cells, raw.HeaderCell = rowCells, col.headerRef
			if !raw.Total && raw.Unit == "" {
				rejects = append(rejects, pipeline.RowError{File: f.fr.file, Ref: rowCells[pipeline.FieldUnit],
					Column: shared[pipeline.FieldUnit], Value: "", Code: "missing_unit",
					Reason:   "Dòng có số liệu nhưng ô đơn vị trống: ghi tên đơn vị (huyện, thị xã, thành phố; xã, phường từ 01/07/2025), hoặc \"Toàn tỉnh\" cho số liệu của cả tỉnh.",
					ReasonEN: "The row has figures but its unit cell is empty: write the unit (district, town, city; commune or ward from 2025-07-01), or \"Toàn tỉnh\" for the whole province's figures."})
				continue
			}
			out = append(out, raw)
			if ts >= 0 {
				rowOf = append(rowOf, tr.r)
			}
		}
	}
	if ts >= 0 {
		out = f.laterAnswers(h, ts, out, rowOf)
	}
	return out, rejects, end
}

// stampColumn is the column of a form tool's timestamp that orders its
// answers (stampColumns), -1 when the table has none.
func (f *form) stampColumn(h tableHeader) int {
	best, at := len(stampColumns), -1
	for c, col := range h.cols {
		if col.field != fieldFormTool {
			continue
		}
		k := headerKey(f.shown(h.row, c))
		for i, s := range stampColumns[:best] {
			if k == s {
				best, at = i, c
			}
		}
	}
	return at
}

func copyStated(m map[pipeline.Field]pipeline.Stated) map[pipeline.Field]pipeline.Stated {
	out := make(map[pipeline.Field]pipeline.Stated, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyCells(m map[pipeline.Field]string) map[pipeline.Field]string {
	out := make(map[pipeline.Field]string, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// read reads one sheet; found reports whether it held a form's table.
func (f *form) read() (rows []pipeline.RawRow, rejects []pipeline.RowError, found bool) {
	h, ok := f.findHeader()
	if !ok {
		return f.readVertical()
	}
	if f.instructions(h) {
		f.example = true
		return nil, nil, false
	}
	ctx := sheetContext{}
	f.keyLines(h, ctx)
	// Titles first with the table's end unknown: the province they name
	// tells unit rows from the rest.
	f.titles(h, len(f.g.rows), ctx)
	f.fr.name.fill(ctx)
	// Each table of the sheet under its own header, with what the text
	// above the first says; a later table's rows are a group of their own,
	// so a total adds up its own table's rows.
	var end int
	for n := 1; ; n++ {
		next, more := f.nextTable(&h)
		if more && n == 1 {
			// The first table of several is a group of its own too: under
			// the sheet's, the later tables' rows lay within it, and its
			// total added them up.
			h.group = f.g.name + string(pipeline.GroupSep) + "bảng 1"
		}
		periodColumns(&h, ctx)
		for _, col := range h.cols {
			if col.skip != "" {
				f.notRead = append(f.notRead, col)
			}
		}
		got, refused, last := f.rows(h, ctx)
		if rows == nil {
			// The first table's rows as f.rows made them at their size: a
			// copy was ~390 KB of fresh memory on a 27-sheet workbook.
			rows = got
		} else {
			rows = append(rows, got...)
		}
		rejects, end = append(rejects, refused...), last
		if !more {
			break
		}
		h = next
		h.group = f.g.name + string(pipeline.GroupSep) + "bảng " + strconv.Itoa(n+1)
	}
	if _, ok := ctx[pipeline.FieldSubmittedAt]; !ok {
		// The date line is below the table, with the signature.
		f.titles(h, end, ctx)
		if s, ok := ctx[pipeline.FieldSubmittedAt]; ok {
			for i := range rows {
				if rows[i].SubmittedAt == "" {
					rows[i].SubmittedAt = s.text
					rows[i].Stated = copyStated(rows[i].Stated)
					rows[i].Stated[pipeline.FieldSubmittedAt] = s.at
					rows[i].Cells = copyCells(rows[i].Cells)
					rows[i].Cells[pipeline.FieldSubmittedAt] = s.at.Cell
					rows[i].Columns = copyCells(rows[i].Columns)
					rows[i].Columns[pipeline.FieldSubmittedAt] = s.column
				}
			}
		}
	}
	return rows, rejects, true
}

// unstated is the one problem of a workbook whose forms state no
// province, or no period, for any of their rows: said once, with what to
// add, instead of once per cell. When the units of the table are all of
// one province, the message names it.
func (fr *formReader) unstated(rows []pipeline.RawRow) *pipeline.FileError {
	if len(rows) == 0 {
		return nil
	}
	noProvince, noPeriod := true, true
	for i := range rows {
		noProvince = noProvince && rows[i].Province == ""
		noPeriod = noPeriod && rows[i].Period == ""
	}
	if !noProvince && !noPeriod {
		return nil
	}
	var vi, en []string
	if noProvince {
		line, why, whyEN := "Tỉnh: <tên tỉnh>", "", ""
		if p, units := fr.provinceOfUnits(rows); p != nil {
			line = "Tỉnh: " + p.Name
			why = fmt.Sprintf(" Các đơn vị trong bảng (%s) thuộc tỉnh %s.", strings.Join(units, ", "), p.Name)
			whyEN = fmt.Sprintf(" The units of the table (%s) are in %s.", strings.Join(units, ", "), p.Name)
		}
		vi = append(vi, fmt.Sprintf("Biểu mẫu không ghi tỉnh: không có dòng \"Tỉnh:\" hay cột tỉnh, tiêu đề và tên tệp không nêu tỉnh.%s Thêm dòng %q phía trên bảng.", why, line))
		en = append(en, fmt.Sprintf("The form does not say its province: no \"Tỉnh:\" line or province column, and neither the title nor the file name names one.%s Add the line %q above the table.", whyEN, line))
	}
	if noPeriod {
		vi = append(vi, "Biểu mẫu không ghi kỳ báo cáo: không có dòng \"Kỳ báo cáo:\" hay cột kỳ, tiêu đề và tên tệp không nêu kỳ. Thêm dòng \"Kỳ báo cáo: <kỳ>\" phía trên bảng, ví dụ \"Kỳ báo cáo: Năm 2023\" hoặc \"Kỳ báo cáo: 6 tháng đầu năm 2024\".")
		en = append(en, "The form does not say its reporting period: no \"Kỳ báo cáo:\" line or period column, and neither the title nor the file name names one. Add a line such as \"Kỳ báo cáo: Năm 2023\" or \"Kỳ báo cáo: 6 tháng đầu năm 2024\" above the table.")
	}
	code := "missing_province"
	if !noProvince {
		code = "missing_period"
	}
	return &pipeline.FileError{File: fr.file, Code: code,
		Reason:   fmt.Sprintf("Không nhận được giá trị nào (%d ô số liệu). ", len(rows)) + strings.Join(vi, " "),
		ReasonEN: fmt.Sprintf("No value could be accepted (%d cells of figures). ", len(rows)) + strings.Join(en, " ")}
}

// provinceOfUnits is the one province every unit named in rows belongs to,
// with those units' names, or nil.
func (fr *formReader) provinceOfUnits(rows []pipeline.RawRow) (*pipeline.Unit, []string) {
	var names []string
	seen := map[string]bool{}
	for i := range rows {
		if u := rows[i].Unit; u != "" && !seen[u] {
			seen[u] = true
			names = append(names, u)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	var found *pipeline.Unit
	for _, p := range fr.res.Reference().Provinces() {
		all := true
		for _, n := range names {
			all = all && fr.res.NamesUnit(p, n)
		}
		if all {
			if found != nil {
				return nil, nil
			}
			found = p
		}
	}
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	return found, names
}

// instructions reports whether the text above the table says the sheet
// explains how to fill the form in ("HƯỚNG DẪN GHI BIỂU", "Ví dụ:"): its
// table is an example, not a report.
func (f *form) instructions(h tableHeader) bool {
	for r := 0; r < h.row; r++ {
		for _, t := range f.g.rows[r] {
			if t == "" {
				continue
			}
			fd := pipeline.Fold(t)
			// Not "Hướng dẫn số 05-HD/BDVTU", the guideline a form follows.
			for _, w := range []string{"huong dan", "huong dan ghi", "huong dan dien", "huong dan cach", "huong dan lap", "vi du"} {
				if fd == w || (w != "huong dan" && strings.HasPrefix(fd, w+" ")) {
					return true
				}
			}
		}
	}
	return false
}

// A unit's own report laid out one indicator a row, as a commune office
// reports for itself since July 2025: "STT | Nội dung | Đơn vị tính | Kết
// quả", the unit (and maybe the province and the period) in the title.
// The folded header texts of its columns: the indicators', the figures',
// and the units of measure.
var (
	verticalLabels = map[string]bool{"noi dung": true, "chi tieu": true, "ten chi tieu": true, "noi dung chi tieu": true}
	verticalValues = map[string]bool{"ket qua": true, "so luong": true, "so lieu": true, "gia tri": true,
		"thuc hien": true, "ket qua thuc hien": true}
	verticalUnits = map[string]bool{"don vi tinh": true, "dvt": true}
)

// readVertical reads a sheet with no unit column as a unit's own report,
// one indicator a row (verticalLabels): under a header naming its
// indicators' column and its figures' column, each row whose figure is
// filled is a value of the indicator its label names, in the unit of
// measure its "Đơn vị tính" cell or its label's parentheses give
// (RawRow.ColumnUnit); the unit, province, period and date come from the
// key lines, the titles, the date line or the file name, as a form's. A
// row whose label names no indicator but whose figure is a number is a
// value of that label, refused as an unknown indicator; one with a text
// and no number (a heading) is none. The rows end at the document's
// closing. found is false when the sheet has no such header, or no row
// under it names an indicator.
func (f *form) readVertical() (rows []pipeline.RawRow, rejects []pipeline.RowError, found bool) {
	for r, cells := range f.filled {
		label, value, unit := -1, -1, -1
		for c, t := range cells {
			if t == "" || c > 0 && t == cells[c-1] {
				continue
			}
			switch k := pipeline.Fold(t); {
			case label < 0 && verticalLabels[k]:
				label = c
			case value < 0 && verticalValues[k]:
				value = c
			case unit < 0 && verticalUnits[k]:
				unit = c
			}
		}
		if label < 0 || value < 0 {
			continue
		}
		h := tableHeader{row: r, last: r, unitCol: label, sttCol: -1}
		if f.instructions(h) {
			f.example = true
			return nil, nil, false
		}
		// The closing, by the forms' rule, but for the label and unit of
		// measure columns: an indicator's name or unit may open with a
		// closing word ("Ngày công …" reads as a date line).
		end := len(f.g.rows) - 1
		for k := r + 1; k < len(f.g.rows); k++ {
			others := slices.Clone(f.g.rows[k])
			for _, c := range []int{label, unit} {
				if c >= 0 && c < len(others) {
					others[c] = ""
				}
			}
			if closingCells(others) {
				end = k - 1
				break
			}
		}
		ctx := sheetContext{}
		f.keyLines(h, ctx)
		f.titles(h, end, ctx)
		f.fr.name.fill(ctx)
		named := false
		for k := r + 1; k <= end; k++ {
			v := f.text(k, value)
			if v == "" {
				continue
			}
			text := f.shown(k, label)
			name, cu := f.fr.indicatorNamed(text)
			if name == "" {
				if _, ok := f.g.number(k, value); !ok && !numeric(v) || text == "" {
					continue // a heading, a note
				}
				name = text
			} else {
				named = true
			}
			if unit >= 0 {
				if u := f.text(k, unit); f.fr.measureUnit(u) {
					cu = u
				}
			}
			if f.g.hiddenRow(k) {
				f.hiddenRead = append(f.hiddenRead, k+1)
			}
			raw := pipeline.RawRow{Origin: pipeline.FromForm, Ref: f.ref(k, value), Indicator: name, ColumnUnit: cu,
				Columns: map[pipeline.Field]string{pipeline.FieldIndicator: f.shown(r, label), pipeline.FieldValue: f.shown(r, value)},
				Cells:   map[pipeline.Field]string{pipeline.FieldIndicator: f.ref(k, label)},
				Stated:  map[pipeline.Field]pipeline.Stated{}}
			f.g.value(&raw, k, value, v)
			for fd, st := range ctx {
				switch fd {
				case pipeline.FieldProvince:
					raw.Province = st.text
				case pipeline.FieldUnit:
					raw.Unit = st.text
				case pipeline.FieldPeriod:
					raw.Period = st.text
				case pipeline.FieldSubmittedAt:
					raw.SubmittedAt = st.text
				default:
					continue
				}
				raw.Stated[fd], raw.Cells[fd], raw.Columns[fd] = st.at, st.at.Cell, st.column
			}
			rows = append(rows, raw)
		}
		if named {
			return rows, nil, true
		}
		rows = nil
	}
	return nil, nil, false
}
