package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest/internal/workbook"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// XLSX reads every sheet of a workbook held in memory: a sheet whose first
// row is a long table's header is read as a long table, any other sheet as
// a form ("biểu mẫu", one report per sheet). Sheets with neither are
// skipped (instructions, charts); a workbook where no sheet has a table is
// refused.
func XLSX(ref *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	rows, rejects, _, fe := xlsxIn(ref, file, data, DefaultLimits(), &zipDir{data: data})
	return rows, rejects, fe
}

// xlsxIn is XLSX under lim, with its notices (sheets not read, total rows
// under long tables).
func xlsxIn(ref *pipeline.Reference, file string, data []byte, lim Limits, dir *zipDir) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	// The rows in sheet order: a form sheet's rows as the form reader made
	// them, a run of a long table's rows as one part, copied once into one
	// slice at the end (a workbook of 27 forms grew one slice of RawRows,
	// ~270 bytes each, by doubling, beside the sheet reader's own).
	var parts [][]pipeline.RawRow
	var long []pipeline.RawRow
	var rejects []pipeline.RowError
	var notices []pipeline.Warning
	x := &xlsxSource{file: file, lim: lim.withDefaults(), reference: ref, dir: dir}
	fe, _ := x.read(bytes.NewReader(data), int64(len(data)), true, rowOut{
		row: func(_ int, raw *pipeline.RawRow, _ *cellIDs) error {
			long = append(long, *raw)
			return nil
		},
		reject: func(e pipeline.RowError) { rejects = append(rejects, e) },
		form: func(_ int, got []pipeline.RawRow) ([]string, error) {
			if len(long) > 0 {
				parts, long = append(parts, long), nil
			}
			parts = append(parts, got)
			return nil, nil
		},
		notice: func(w pipeline.Warning) { notices = append(notices, w) },
	})
	if fe != nil {
		return nil, nil, nil, fe
	}
	if len(long) > 0 {
		parts = append(parts, long)
	}
	if len(parts) == 1 {
		return parts[0], rejects, notices, nil
	}
	return slices.Concat(parts...), rejects, notices, nil
}

// xlsxSource reads a workbook through package workbook, which streams
// cells out of the zip within the limits (Limits.UnzippedBytes,
// SharedStrings, SharedStringBytes, LineBytes for a cell) and writes no
// temp file. A long table is read row by row and never held; a form sheet
// is read whole, as a grid with its cells' kinds and its merged ranges (a
// form's header is found by content, its merged cells name the columns
// under them), once its size is known to be within Limits.WholeBytes.
//
// Why not excelize, which read every sheet before: opening a workbook
// decompresses every part, into memory or, for a sheet over 16 MiB, into
// temp files (left behind by a killed run), and asking a cell's type loads
// the whole sheet; its row iterator gives texts without types, and a
// number cell 1.234 is not the text "1.234" (Vietnamese for 1234). A
// 1,000,000-row workbook (25 MB) took over 3 GiB that way. One reader for
// both kinds of sheet, rather than excelize for small sheets and the
// stream for large ones, so a form reads the same in a small workbook and
// a large one; package workbook is held to excelize cell by cell by its
// tests and fuzzing.
type xlsxSource struct {
	file      string
	lim       Limits
	reference *pipeline.Reference
	dir       *zipDir    // the directory of the workbook held in memory; nil when it streams
	ranges    []seqRange // the seqs of each sheet read, in order
	next      int        // the first seq of the next sheet
}

// seqRange is the seqs of one sheet: a long table's row r is start+r, a
// form's i-th accepted record start+i.
type seqRange struct {
	start    int
	sheet    string
	valueCol int      // long table: the value column, from 1
	refs     []string // form: each accepted record's cell
}

// maxFormCells bounds a form sheet's grid, empty cells between filled ones
// included: a form is a few hundred cells, and a stray cell in column XFD
// of every row would otherwise make each row 16,384 cells wide.
const maxFormCells = 4 << 20

// maxFormRows bounds the rows with text of a form, read at once: a form
// lists a province's units, a list of every commune of the three provinces
// is ~1,300 rows, and reading one grows with its rows (a CSV form of
// 500,000 rows took ~2 minutes and 2.8 GB).
const maxFormRows = 10_000

func (x *xlsxSource) rows(_ io.Reader, ra io.ReaderAt, size int64, out rowOut) (*pipeline.FileError, error) {
	x.ranges, x.next = x.ranges[:0], 0 // each pass reads anew
	return x.read(ra, size, false, out)
}

func (x *xlsxSource) ref(seq int) string {
	i := sort.Search(len(x.ranges), func(i int) bool { return x.ranges[i].start > seq }) - 1
	if i < 0 {
		return ""
	}
	r := x.ranges[i]
	if r.refs != nil || r.valueCol == 0 {
		if k := seq - r.start; k >= 0 && k < len(r.refs) {
			return r.refs[k]
		}
		return ""
	}
	return cellRef(r.sheet, r.valueCol, seq-r.start)
}

// read reads the workbook in ra. whole: the workbook is small (within
// Limits.WholeBytes unzipped, or held in memory), so a form sheet of any
// size is read; otherwise a form sheet over Limits.WholeBytes unzipped is
// refused.
func (x *xlsxSource) read(ra io.ReaderAt, size int64, whole bool, out rowOut) (*pipeline.FileError, error) {
	file := x.file
	head := make([]byte, min(size, 1<<10))
	if n, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
		return readError(file, err), nil
	} else {
		head = head[:n]
	}
	switch {
	case size <= 1<<10 && len(bytes.TrimSpace(head)) == 0:
		return emptyFile(file), nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return oldExcel(file), nil
	case !bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return notSpreadsheet(file, "không phải tệp nén Office Open XML", "not an Office Open XML package"), nil
	}
	var listed *zip.Reader // the directory listed already, of the bytes ra reads
	if x.dir != nil {
		listed, _ = x.dir.reader()
	}
	book, err := workbook.OpenListed(ra, size, listed, x.lim.workbook())
	if err != nil {
		return x.lim.workbookError(file, err), nil
	}
	res := pipeline.NewResolver(x.reference)
	s := &sheetReader{x: x, book: book, res: res, whole: whole, out: out, noProvince: true, noPeriod: true,
		forms: &formReader{file: file, res: res, name: nameContext(res, file)}}
	sheets := book.Sheets()
	if fe, err := s.sheets(); fe != nil || err != nil {
		return fe, err
	}
	if s.long == 0 && (s.noProvince || s.noPeriod) {
		if fe := s.forms.unstated(slices.Concat(s.formRows...)); fe != nil {
			return fe, nil
		}
	}
	switch {
	case s.tables == 0:
		fe := fileError(file, "no_header",
			"Không tìm thấy bảng số liệu trong trang nào (%s): cần một dòng tiêu đề có ô \"Đơn vị\" và tên chỉ tiêu, hoặc các cột tinh, ky_bao_cao, chi_tieu, gia_tri.",
			"No table found in any sheet (%s): expected a header row with an \"Đơn vị\" cell and indicator names, or the columns tinh, ky_bao_cao, chi_tieu, gia_tri.",
			quoteAll(sheets))
		var hidden []string
		for i, name := range sheets {
			if book.Hidden(i) {
				hidden = append(hidden, name)
			}
		}
		if len(hidden) > 0 {
			fe.Reason += fmt.Sprintf(" Trang ẩn không được đọc: %s; nếu số liệu nằm ở đó, hãy bỏ ẩn trang (chuột phải vào tên trang, chọn Bỏ ẩn/Unhide) rồi gửi lại.", quoteAll(hidden))
			fe.ReasonEN += fmt.Sprintf(" Hidden sheets are not read: %s; if the figures are there, unhide the sheet (right-click a sheet tab, Unhide) and send the file again.", quoteAll(hidden))
		}
		return fe, nil
	case s.long == 0 && len(s.formRows) == 0 && s.rejected == 0: // no form row either
		return noValues(file, "bảng có dòng tiêu đề nhưng không ô số liệu nào được điền",
			"the table has a header but no cell of figures is filled in"), nil
	}
	return nil, nil
}

func notSpreadsheet(file, why, whyEN string) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: "not_spreadsheet",
		Reason:   "Tệp không phải bảng tính Excel (.xlsx) đọc được (" + why + ").",
		ReasonEN: "The file is not a readable Excel (.xlsx) workbook (" + whyEN + ")."}
}

// sheetReader reads the sheets of one workbook, one read.
type sheetReader struct {
	x        *xlsxSource
	book     *workbook.Book
	res      *pipeline.Resolver
	forms    *formReader
	whole    bool
	out      rowOut
	tables   int                 // sheets with a table
	long     int                 // long tables' rows sent
	formRows [][]pipeline.RawRow // the forms' rows, a form's rows each (none empty)
	rejected int                 // rows the forms refused
	// noProvince and noPeriod are set while no form row has a province,
	// a period (formReader.unstated then says why).
	noProvince, noPeriod bool
}

// skipped is why a sheet of a workbook is not read.
type skipped int

const (
	skipHidden       skipped = iota + 1 // hidden in the workbook
	skipInstructions                    // named as instructions
	skipExample                         // its table is under a line saying it is an example
)

// sheetNotRead is the notice of a sheet passed over: the file's summary
// names each, so nothing in a workbook is left out without a word.
func sheetNotRead(file, sheet string, why skipped) pipeline.Warning {
	w := pipeline.Warning{File: file, Ref: sheet, Code: "sheet_not_read"}
	switch why {
	case skipHidden:
		w.Reason = fmt.Sprintf("Trang %q đang ẩn nên không được đọc (trang ẩn thường là bản cũ hay danh mục tra cứu). "+
			"Nếu số liệu của báo cáo nằm ở đó, hãy bỏ ẩn trang (chuột phải vào tên trang, chọn Bỏ ẩn/Unhide) rồi gửi lại.", sheet)
		w.ReasonEN = fmt.Sprintf("Sheet %q is hidden, so it is not read (a hidden sheet is mostly an earlier copy or a lookup list). "+
			"If the report's figures are there, unhide the sheet (right-click a sheet tab, Unhide) and send the file again.", sheet)
	case skipInstructions:
		w.Reason = fmt.Sprintf("Trang %q là trang hướng dẫn, ví dụ hoặc danh mục (theo tên trang) nên không được đọc; số liệu ghi ở trang này không được nạp.", sheet)
		w.ReasonEN = fmt.Sprintf("Sheet %q holds instructions, examples or lists (by its name), so it is not read; figures written on it are not loaded.", sheet)
	case skipExample:
		w.Reason = fmt.Sprintf("Bảng của trang %q nằm dưới dòng hướng dẫn (\"Hướng dẫn ghi biểu\", \"Ví dụ\") nên là bảng ví dụ, không được đọc.", sheet)
		w.ReasonEN = fmt.Sprintf("The table of sheet %q is under a line of instructions (\"Hướng dẫn ghi biểu\", \"Ví dụ\"), so it is an example and is not read.", sheet)
	}
	return w
}

// hiddenRowsRead says that rows (from 1) of a sheet, hidden in the
// workbook, were read. They are read as any row: Excel's SUM adds hidden
// rows up, so a form's total counts them, and an AutoFilter hides rows
// that are data; a row hidden to leave it out (an old copy, a draft) is
// the clerk's to delete, which the notice says. Five rows are named.
func hiddenRowsRead(file, sheet string, rows []int) pipeline.Warning {
	shown := rows[:min(len(rows), 5)]
	list := make([]string, len(shown))
	for i, r := range shown {
		list[i] = strconv.Itoa(r)
	}
	vi, en := "Dòng "+list[0], "Row "+list[0]
	if len(rows) > 1 {
		vi, en = "Các dòng "+strings.Join(list, ", "), "Rows "+strings.Join(list, ", ")
		if len(rows) > len(shown) {
			vi += fmt.Sprintf(" và %d dòng khác", len(rows)-len(shown))
			en += fmt.Sprintf(" and %d more", len(rows)-len(shown))
		}
	}
	return pipeline.Warning{File: file, Ref: cellRef(sheet, 1, rows[0]), Code: "hidden_rows",
		Reason: fmt.Sprintf("%s của trang %q đang ẩn nhưng vẫn được đọc: Excel vẫn cộng dòng ẩn vào tổng (hàm SUM), và bộ lọc (AutoFilter) ẩn cả những dòng là số liệu. "+
			"Nếu số liệu ở đó không phải để gửi (bản cũ, dòng nháp), hãy xóa các dòng đó (không chỉ ẩn) rồi gửi lại.", vi, sheet),
		ReasonEN: fmt.Sprintf("%s of sheet %q hidden, but read: Excel's SUM still adds up hidden rows, and a filter (AutoFilter) hides rows that are data. "+
			"If the figures there are not meant to be sent (an old copy, a draft), delete those rows (not just hide them) and send the file again.", en+isAre(len(rows)), sheet)}
}

// isAre is the verb after a count of rows in English.
func isAre(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

// instructionSheet reports whether a sheet's name says it holds
// instructions or examples, not a report: its tables are never data.
func instructionSheet(name string) bool {
	f := pipeline.Fold(name)
	for _, w := range []string{"huong dan", "hd", "ghi chu", "chu thich", "vi du", "mau vi du", "danh muc", "instructions", "instruction", "readme", "example"} {
		if f == w || strings.HasPrefix(f, w+" ") {
			return true
		}
	}
	return false
}

// texts are a row's cells as texts (cellText), by column from 0.
func texts(cells []workbook.Cell) []string {
	if len(cells) == 0 {
		return nil
	}
	row := make([]string, cells[len(cells)-1].Col)
	for _, c := range cells {
		if c.Col <= len(row) { // cells come in column order; a stray one is left out
			row[c.Col-1] = cellText(c)
		}
	}
	return row
}

// cellText is a cell's text, trimmed and NFC; a logical cell is TRUE or
// FALSE, as Excel shows it; a number its style shows otherwise is the text
// the clerk sees: a percent "50%", "12,5%" (for 0.5 and 0.125), a date or a
// time (shownDate). So a message quotes what the sheet shows, and no
// indicator, all counts and amounts, takes it for the number it is stored
// as: a count typed "12/5" that Excel made a date is the day 45424, not
// 45,424 dialogues.
func cellText(c workbook.Cell) string {
	if c.Kind == workbook.Bool {
		// TRUE typed in a count column is stored as 1, which is no count.
		if strings.TrimSpace(c.Text) == "1" {
			return "TRUE"
		}
		return "FALSE"
	}
	switch c.Shown {
	case 0:
	case workbook.ShownPercent:
		if f, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			// Twelve figures: 0.07 × 100 is 7.000000000000001 in binary.
			p, _ := strconv.ParseFloat(strconv.FormatFloat(f*100, 'g', 12, 64), 64)
			return strings.Replace(strconv.FormatFloat(p, 'f', -1, 64), ".", ",", 1) + "%"
		}
	case workbook.ShownThousands, workbook.ShownMillions, workbook.ShownBillions:
		if f, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			// The number the sheet shows, unrounded, with a decimal comma:
			// 350,400,000 under "#,##0,," is 350,4 (shown 350).
			return strings.Replace(strconv.FormatFloat(f/math.Pow10(c.Shown.Scale()), 'f', -1, 64), ".", ",", 1)
		}
	default:
		if t, ok := shownDate(c); ok {
			return t
		}
	}
	return vnTime(norm.NFC.String(strings.TrimSpace(c.Text)))
}

// shownDate is a number cell shown as a date or a time, written as
// Vietnamese write it whatever the format's order: 12/05/2024 (a time of
// day after it when it has one), 06/2024 for a month (so a period typed
// "6/2024", which Excel makes June 2024, reads as that month), 2024 for a
// year, 08:30 for a time.
func shownDate(c workbook.Cell) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64)
	if err != nil || f < 0 || f > 2958466 { // past 9999-12-31, or no number: shown as it is written
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	switch c.Shown {
	case workbook.ShownTime:
		return t.Format("15:04"), true
	case workbook.ShownMonth:
		return t.Format("01/2006"), true
	case workbook.ShownYear:
		return t.Format("2006"), true
	}
	if f != math.Trunc(f) && (t.Hour() != 0 || t.Minute() != 0) {
		return t.Format("02/01/2006 15:04"), true
	}
	return t.Format("02/01/2006"), true
}

// vnTime is a cell's text typed in a .VnTime font, decoded: the font draws
// TCVN3's bytes, which the workbook holds as the Latin-1 characters of
// those bytes ("Hµ TÜnh" for Hà Tĩnh). A text is taken for one when every
// character is below U+0100, one of them after a letter is a sign Unicode
// Vietnamese never writes (tcvn3Marks: µ, ¸, ª, §, …), and every one
// above ASCII is a byte TCVN3 assigns; it is decoded as a TCVN3 file is
// (tcvn3Decoder). Any other text, Unicode Vietnamese in the same workbook
// included ("Hà", "Số cuộc"), is returned as it is.
func vnTime(t string) string {
	if strings.IndexByte(t, 0xC2) < 0 && strings.IndexByte(t, 0xC3) < 0 {
		return t // no character from U+0080 to U+00FF
	}
	marked, prevLetter, prevMark := false, false, false
	for _, r := range t {
		if r > 0xFF {
			return t
		}
		letter := unicode.IsLetter(r)
		mark := false
		if r >= 0x80 {
			if _, ok := pipeline.TCVN3Rune(byte(r)); !ok {
				return t
			}
			mark = containsRune(tcvn3Marks, r)
		}
		// A sign beside a letter: "Hµ", "§¬n" ("© 2024" is none).
		marked = marked || mark && prevLetter || prevMark && (letter || mark)
		prevLetter, prevMark = letter || mark, mark
	}
	if !marked {
		return t
	}
	b := make([]byte, 0, len(t))
	for _, r := range t {
		b = append(b, byte(r))
	}
	out, _, err := transform.Bytes(&tcvn3Decoder{}, b)
	if err != nil {
		return t
	}
	return string(out)
}

// gridKind is a cell's kind in a form's grid, plus one: a percent, a date
// are shown as text (cellText), not a number; a date, a time or a year is
// datedKind.
func gridKind(c workbook.Cell) uint8 {
	switch {
	case dated(c):
		return datedKind
	case c.Kind == workbook.Number && c.Shown.Scale() > 0:
		return scaledKind + uint8(c.Shown.Scale()/3) - 1
	case c.Shown != 0:
		return uint8(workbook.Text) + 1
	}
	return uint8(c.Kind) + 1
}

// scaledKind, +1, +2 are the grid kinds of a number shown divided by a
// thousand, a million, a billion ("#,##0,,"): text, its shown number
// (cellText), which a form reads in its column's unit ("triệu đồng"), or
// as stored (unscaled) in a column without one.
const scaledKind = 0xFC

// unscale is the stored number of a scaled cell's shown text (cellText),
// in machine form: "350,4" shown in millions is 350400000.
func unscale(shown string, scale int) (string, bool) {
	f, err := strconv.ParseFloat(strings.Replace(shown, ",", ".", 1), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return numberText(workbook.Number, strconv.FormatFloat(f*math.Pow10(scale), 'g', 15, 64))
}

// datedKind is the grid kind of a number cell shown as a date, a time or a
// year: text, as any cell shown otherwise than as written, marked so that
// no figure is read from it (RawRow.DateCell).
const datedKind = 0xFF

// dated reports whether a number cell is shown as a date, a time or a year.
func dated(c workbook.Cell) bool {
	switch c.Shown {
	case workbook.ShownDate, workbook.ShownMonth, workbook.ShownTime, workbook.ShownYear:
		return c.Kind == workbook.Number
	}
	return false
}

// readAhead bounds the sheets read ahead (sheets): a workbook whose every
// sheet is at most this large unzipped (by the zip's directory) has its
// next form sheet's cells read on another goroutine while a form is made
// of the one before, at most two sheets ahead.
var readAhead int64 = 1 << 20

// sheets reads the sheets in order. The cells of a form sheet (its XML)
// and what the form makes of them took about as long each in a workbook of
// 27 forms, one after the other (~36 ms in all): with the next sheet's
// cells read on the other core, the two overlap. A workbook with a sheet
// over readAhead is read one sheet after another, as a large one always
// was, so read-ahead never holds more than two small sheets.
func (s *sheetReader) sheets() (*pipeline.FileError, error) {
	n := len(s.book.Sheets())
	ahead := n > 1
	for i := 0; i < n && ahead; i++ {
		ahead = s.book.Size(i) <= readAhead
	}
	if !ahead {
		for i := range n {
			if fe, err := s.use(s.load(i)); fe != nil || err != nil {
				return fe, err
			}
		}
		return nil, nil
	}
	loads, stop, done := make(chan sheetLoad, 1), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer close(loads)
		for i := range n {
			l := s.loadRecovered(i)
			select {
			case loads <- l:
			case <-stop:
				l.close()
				return
			}
			if l.fe != nil {
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for l := range loads { // what was read ahead and not used
			l.close()
		}
		<-done
	}()
	for l := range loads {
		if fe, err := s.use(l); fe != nil || err != nil {
			return fe, err
		}
	}
	return nil, nil
}

// sheetLoad is one sheet as load read it: nothing to read (fe, long and
// form nil), a problem (fe), a long table to stream from its first row
// on, or a form's cells.
type sheetLoad struct {
	fe    *pipeline.FileError
	name  string
	skip  skipped        // a sheet not read, and why
	first []string       // long: the header
	long  *workbook.Rows // long: the rows after the header, open
	form  *sheetGrid
	// tooLong: form holds the first rows with text of a sheet that has
	// more than maxFormRows of them; use refuses it if they hold a form.
	tooLong bool
}

func (l sheetLoad) close() {
	if l.long != nil {
		l.long.Close()
	}
}

// loadRecovered is load on the read-ahead goroutine: a panic there (a
// workbook that crashes the sheet reader) is out of reach of the reading
// goroutine's recover and would end the process, every night the file is
// in the inbox; it becomes the file's internal error instead, as it does
// when the sheets are read one after another.
func (s *sheetReader) loadRecovered(i int) (l sheetLoad) {
	defer func() {
		if p := recover(); p != nil {
			l = sheetLoad{fe: internalError(s.x.file, p)}
		}
	}()
	return s.load(i)
}

// testHookLoad, set by a test, runs as each sheet is loaded: no workbook
// is known to crash the sheet reader, so a test makes it.
var testHookLoad func(sheet int)

// load reads sheet i up to what it is: a form sheet whole, a long table
// up to its header. It touches nothing of s but the book and the limits,
// so it may run beside use.
func (s *sheetReader) load(i int) sheetLoad {
	if testHookLoad != nil {
		testHookLoad(i)
	}
	x := s.x
	name := s.book.Sheets()[i]
	switch {
	case s.book.Hidden(i):
		// A hidden sheet is not what the office sends to be read: an
		// earlier period's copy, a lookup list, a working sheet. Read,
		// an old copy's values would clash with the report's own, on a
		// sheet the clerk cannot see.
		return sheetLoad{name: name, skip: skipHidden}
	case instructionSheet(name):
		return sheetLoad{name: name, skip: skipInstructions}
	}
	rows, err := s.book.Rows(i)
	if err != nil {
		return sheetLoad{fe: x.lim.workbookError(x.file, err)}
	}
	var first []string
	for rows.Next() {
		if first = texts(rows.Cells()); !emptyRow(first) {
			break
		}
		first = nil
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return sheetLoad{fe: x.lim.workbookError(x.file, err)}
	}
	if first == nil {
		rows.Close()
		return sheetLoad{}
	}
	if longHeader(first) {
		return sheetLoad{name: name, first: first, long: rows}
	}
	// A form (below) keeps its merges, asked before the sheet's end.
	rows.KeepMerges()
	// A form: the whole sheet, with the kinds of its cells and its merges.
	// kinds[r][c] is the kind of cell (r, c) plus one, 0 for no cell: a
	// row's kinds beside its texts, not a map of every cell (which grew
	// and rehashed a table per sheet).
	var grid [][]string
	var kinds [][]uint8
	var hidden []bool
	cells := 0  // the grid's cells, empty ones between filled ones included
	filled := 0 // its rows with text
	add := func(r int, row []workbook.Cell, txt []string, hid bool) bool {
		for len(grid) < r {
			grid, kinds = append(grid, nil), append(kinds, nil)
		}
		grid[r-1] = txt
		if hid {
			for len(hidden) < r {
				hidden = append(hidden, false)
			}
			hidden[r-1] = true
		}
		cells += len(grid[r-1]) + 1
		if !emptyRow(grid[r-1]) {
			filled++
		}
		k := make([]uint8, len(grid[r-1]))
		for _, c := range row {
			if c.Col <= len(k) { // as texts: a stray cell has no text either
				k[c.Col-1] = gridKind(c)
			}
		}
		kinds[r-1] = k
		return cells+len(grid) <= maxFormCells && filled <= maxFormRows
	}
	ok := add(rows.Row(), rows.Cells(), first, rows.Hidden())
	// A title typed above a long table's header (titledHeader): the rows
	// read looking for it are the form's when none is.
	title, _ := aboveHeader(first)
	for n := 0; title && ok && n < maxTitleLines && rows.Next(); n++ {
		t := texts(rows.Cells())
		var isHeader bool
		if _, title, isHeader = titledHeader(x.file, t); isHeader {
			return sheetLoad{name: name, first: t, long: rows}
		}
		ok = add(rows.Row(), rows.Cells(), t, rows.Hidden())
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return sheetLoad{fe: x.lim.workbookError(x.file, err)}
	}
	defer rows.Close()
	if size := s.book.Size(i); !s.whole && size > x.lim.WholeBytes {
		return sheetLoad{fe: x.lim.tooLargeWhole(x.file, "Trang "+strconvQuote(name)+" (biểu mẫu, khi giải nén)", "Sheet "+strconvQuote(name)+" (a form, unzipped)", size)}
	}
	for ok && rows.Next() {
		ok = add(rows.Row(), rows.Cells(), texts(rows.Cells()), rows.Hidden())
	}
	tooLong := filled > maxFormRows
	if !ok && !tooLong {
		return sheetLoad{fe: bilingual(x.file, "too_large_to_read_whole",
			fmt.Sprintf("Trang %q là biểu mẫu nhưng trải trên hơn %s ô (tính cả ô trống giữa các ô có chữ, ví dụ tới một ô thừa ở xa bảng), "+
				"quá giới hạn cho một biểu mẫu, vốn được đọc một lần.", name, countVI(maxFormCells)),
			fmt.Sprintf("Sheet %q is a form but spans more than %s cells (empty cells between filled ones included, up to a stray "+
				"cell far from the table, say), over the limit for a form, which is read at once.", name, countEN(maxFormCells)))}
	}
	if err := rows.Err(); err != nil {
		return sheetLoad{fe: x.lim.workbookError(x.file, err)}
	}
	g := &sheetGrid{name: name, rows: grid, number: func(r, c int) (string, bool) {
		if r < 0 || r >= len(kinds) || c < 0 || c >= len(kinds[r]) || kinds[r][c] == 0 || kinds[r][c] >= scaledKind {
			return cell(grid, r, c), false
		}
		return numberText(workbook.Kind(kinds[r][c]-1), cell(grid, r, c))
	}, dated: func(r, c int) bool {
		return r >= 0 && r < len(kinds) && c >= 0 && c < len(kinds[r]) && kinds[r][c] == datedKind
	}, unscaled: func(r, c int) (string, bool) {
		if r < 0 || r >= len(kinds) || c < 0 || c >= len(kinds[r]) || kinds[r][c] < scaledKind || kinds[r][c] == datedKind {
			return "", false
		}
		return unscale(cell(grid, r, c), 3*int(kinds[r][c]-scaledKind+1))
	}}
	for _, m := range rows.Merges() {
		g.merges = append(g.merges, cellRange{m.FromRow - 1, m.FromCol - 1, m.ToRow - 1, m.ToCol - 1})
	}
	g.hidden = hidden
	return sheetLoad{name: name, form: g, tooLong: tooLong}
}

// use reads what load found in a sheet: streams a long table, makes a
// form of a form sheet's cells.
func (s *sheetReader) use(l sheetLoad) (*pipeline.FileError, error) {
	x := s.x
	switch {
	case l.fe != nil:
		return l.fe, nil
	case l.skip != 0:
		s.out.notice(sheetNotRead(x.file, l.name, l.skip))
		return nil, nil
	case l.long != nil:
		defer l.long.Close()
		s.tables++
		return s.longTable(l.name, l.first, l.long)
	case l.form == nil:
		return nil, nil
	}
	name := l.name
	f := newForm(s.forms, l.form)
	if l.tooLong {
		// Here, not in load: the form reader's caches are this
		// goroutine's. A sheet with no form's header in its first rows
		// has none this reader reads.
		if _, ok := f.findHeader(); ok {
			return formTooLong(x.file, "Trang "+strconvQuote(name), "Sheet "+strconvQuote(name)), nil
		}
		return nil, nil
	}
	got, rejects, found := f.read()
	if !found {
		if f.example {
			s.out.notice(sheetNotRead(x.file, name, skipExample))
		}
		return nil, nil
	}
	if len(f.hiddenRead) > 0 {
		s.out.notice(hiddenRowsRead(x.file, name, f.hiddenRead))
	}
	for _, col := range f.notRead {
		s.out.notice(notReadNotice(x.file, col))
	}
	for _, w := range f.notices {
		s.out.notice(w)
	}
	s.tables++
	for _, e := range rejects {
		s.out.reject(e)
	}
	s.rejected += len(rejects)
	if len(got) == 0 {
		return nil, nil
	}
	s.formRows = append(s.formRows, got)
	for i := range got {
		s.noProvince = s.noProvince && got[i].Province == ""
		s.noPeriod = s.noPeriod && got[i].Period == ""
	}
	start := x.next
	refs, err := s.out.form(start, got)
	if err != nil {
		return nil, err
	}
	x.ranges = append(x.ranges, seqRange{start: start, sheet: name, refs: refs})
	x.next += len(got) + 1
	return nil, nil
}

// longTable streams a long table whose header is first; a row's seq is
// the sheet's start plus its row number.
func (s *sheetReader) longTable(sheet string, first []string, rows *workbook.Rows) (*pipeline.FileError, error) {
	x := s.x
	l, fe := newLayout(x.file, append([]string(nil), first...))
	if fe != nil {
		fe.Reason = "Trang " + strconvQuote(sheet) + ": " + fe.Reason
		fe.ReasonEN = "Sheet " + strconvQuote(sheet) + ": " + fe.ReasonEN
		return fe, nil
	}
	valueCol, dateCol := -1, -1
	for i, f := range l.fields {
		switch f {
		case pipeline.FieldValue:
			valueCol = i
		case pipeline.FieldSubmittedAt:
			dateCol = i
		}
	}
	start := x.next
	x.ranges = append(x.ranges, seqRange{start: start, sheet: sheet, valueCol: valueCol + 1})
	x.next += maxSheetRow + 1
	// at is a row's cell in column col (from 0), the zero Cell when it has
	// none: its kind, its date or scaled format are each read from it.
	at := func(cells []workbook.Cell, col int) workbook.Cell {
		for _, c := range cells {
			if c.Col == col+1 {
				return c
			}
		}
		return workbook.Cell{}
	}
	kind := func(c workbook.Cell) workbook.Kind {
		if c.Col == 0 || c.Shown != 0 { // a percent, a date is its shown text (cellText)
			return workbook.Text
		}
		return c.Kind
	}
	var raw pipeline.RawRow
	var hidden []int // hidden rows read
	// A row's cells within the header, reused; a cell past it is a note,
	// as fill makes it, so a cell in column XFD costs one note, not a row
	// of 16,384 cells.
	row := make([]string, len(first))
	var extra []string
	closed := false // the closing of the document has begun (layout.closingLine)
	for rows.Next() {
		cells := rows.Cells()
		clear(row)
		extra = extra[:0]
		for _, c := range cells {
			t := cellText(c)
			switch {
			case c.Col <= len(row):
				row[c.Col-1] = t
			case t != "":
				extra = append(extra, fmt.Sprintf("cột %d: %s", c.Col, t))
			}
		}
		if !l.fill(&raw, nil, row, nil) && len(extra) == 0 {
			continue
		}
		if len(extra) > 0 {
			raw.Note = joinNote(raw.Note, strings.Join(extra, "; "))
		}
		raw.Ref = cellRef(sheet, valueCol+1, rows.Row())
		if raw.Value != "" {
			c := at(cells, valueCol)
			raw.Value, raw.Plain = numberText(kind(c), raw.Value)
			raw.DateCell = dated(c)
			if c.Kind == workbook.Number && c.Shown.Scale() > 0 {
				// A long table's value column has no unit to show it in:
				// a scaled cell ("#,##0,,") is its stored number.
				if n, ok := numberText(workbook.Number, strings.TrimSpace(c.Text)); ok {
					raw.Value, raw.Plain = n, true
				}
			}
		}
		if l.totalLine(&raw) {
			s.out.notice(l.totalNotice(x.file, raw.Ref, &raw))
			continue
		}
		if skip, first := l.closingLine(&raw, row, &closed); skip {
			if first {
				s.out.notice(closingNotice(x.file, cellRef(sheet, 1, rows.Row())))
			}
			continue
		}
		if dateCol >= 0 && raw.SubmittedAt != "" {
			raw.SubmittedAt = dateText(kind(at(cells, dateCol)), raw.SubmittedAt)
		}
		s.long++
		if rows.Hidden() {
			hidden = append(hidden, rows.Row())
		}
		if err := s.out.row(start+rows.Row(), &raw, nil); err != nil {
			return nil, err
		}
	}
	if len(hidden) > 0 {
		s.out.notice(hiddenRowsRead(x.file, sheet, hidden))
	}
	if err := rows.Err(); err != nil {
		return x.lim.workbookError(x.file, err), nil
	}
	return nil, nil
}

// longHeader tells a long table's header from a form's: a form has unit and
// maybe province and period columns, but never the indicator or value
// column of a long table.
func longHeader(row []string) bool {
	long := false
	for _, h := range row {
		if f := headerAliases[headerKey(h)]; f == pipeline.FieldIndicator || f == pipeline.FieldValue {
			long = true
		}
	}
	return long && recognised(row) >= 3
}

func emptyRow(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}

func cell(grid [][]string, r, c int) string {
	if r < 0 || r >= len(grid) || c < 0 || c >= len(grid[r]) {
		return ""
	}
	return grid[r][c]
}

// numberText returns a cell's value in machine form when the cell holds a
// number (typed, or a formula's cached number), rounded to the 15 digits a
// spreadsheet keeps, so 0.1+0.2 reads 0.3.
func numberText(k workbook.Kind, v string) (string, bool) {
	if v == "" || k != workbook.Number {
		return v, false
	}
	if shortInteger(v) {
		// Most of a form's numbers: exact in a float64, and written by
		// the conversions below as they are (four conversions a cell were
		// ~2 % of the 27-sheet workbook's ingest).
		return v, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v, false
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// shortInteger reports whether v is a whole number of at most 15 digits
// without leading zeros ("0", "-12", "123456789012345").
func shortInteger(v string) bool {
	d := strings.TrimPrefix(v, "-")
	if d == "" || len(d) > 15 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// dateText renders a date cell (a serial day number) as a date.
func dateText(k workbook.Kind, v string) string {
	s, ok := numberText(k, v)
	if !ok {
		return v
	}
	return serialDate(s, v)
}

// serialDate is the date of a spreadsheet's serial day number s, or v when
// s is no date.
func serialDate(s, v string) string {
	f, _ := strconv.ParseFloat(s, 64)
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil || f < 1 || f > 2958465 {
		return v
	}
	return t.Format("2006-01-02")
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// totalUnits are the folded texts that mean "the total" in a header.
var totalUnits = map[string]bool{"tong cong": true, "tong": true, "cong": true, "tong so": true}

var sttHeaders = map[string]bool{"stt": true, "tt": true, "so tt": true, "so thu tu": true}

// quoteAll quotes names for a message: "Biểu 1", "Hướng dẫn".
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// maxSheetRow is the last row of a sheet in Excel (1,048,576), which
// package workbook holds rows to: a long table's seqs span that many.
const maxSheetRow = 1 << 20
