package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest/internal/workbook"
)

// Limits bound what one file may cost to read; a file over one is
// quarantined with a reason that names the limit, the file's figure and
// the fix. Files stream (CSV, JSON Lines, a workbook's long tables); what
// is read whole (a JSON report, a text, a workbook of forms) is bounded
// by WholeBytes first, so no file can take the run's memory or its night.
// Zero fields take DefaultLimits'.
type Limits struct {
	// FileBytes: a file larger than this is not read at all.
	FileBytes int64
	// Rows bounds the values of a file: rows of a long table (refused ones
	// included), filled cells of a form, figures of a text.
	Rows int
	// LineBytes bounds a line of CSV or JSON Lines text, and a cell (or any
	// text between two tags) of a workbook's XML.
	LineBytes int
	// WholeBytes bounds what is read whole: a JSON report or a text (on
	// disk), a workbook whose parts unzip to no more than this (its sheets
	// read as grids: forms), and a form sheet of a larger workbook
	// (unzipped). A larger workbook's long tables stream.
	WholeBytes int64
	// UnzippedBytes: a workbook whose parts read (sheets, shared strings,
	// workbook part) unzip to more than this, by its zip directory, is
	// refused before any is decompressed (a zip that lies about its sizes
	// fails as damaged when a part outgrows what it declared).
	UnzippedBytes int64
	// SharedStrings and SharedStringBytes bound a workbook's table of
	// shared strings: their number and its unzipped size (the table is
	// held in memory while the sheets are read).
	SharedStrings     int
	SharedStringBytes int64
	// SetBy names who sets these limits, for the messages; nil: the
	// command's flags (--max-unzipped, ...). The submission portal holds
	// uploads to bounds of its own and names them.
	SetBy *LimitSetter
}

// LimitSetter says, in both languages, where the limits a message names
// are set, when not by danvan's flags: "giới hạn của cổng nộp báo cáo".
type LimitSetter struct{ VI, EN string }

// DefaultLimits are set well above what offices send, and low enough that a
// file at every limit at once is read within the run's memory budget
// (1 GiB) and in about a minute:
//   - 512 MiB on disk: twice the largest legitimate export seen (a 226 MB
//     JSON Lines file); a 2-million-row CSV is about 110 MB;
//   - 5,000,000 values: twice the distinct values the reference of three
//     provinces allows (about 2.4 million unit × period × indicator ×
//     breakdown keys), so a larger file can only repeat itself;
//   - 1 MiB per line or cell: Excel holds at most 32,767 characters in a
//     cell, about 100 KiB of UTF-8;
//   - 32 MiB read whole: a district's JSON report or form is a few KiB;
//   - 1 GiB of workbook XML: a 1,000,000-row long table written with inline
//     strings is about 500 MB;
//   - 2,000,000 shared strings in at most 256 MiB: a string per row of a
//     million-row sheet, with room.
func DefaultLimits() Limits {
	return Limits{
		FileBytes: 512 << 20, Rows: 5_000_000, LineBytes: 1 << 20, WholeBytes: 32 << 20,
		UnzippedBytes: 1 << 30, SharedStrings: 2_000_000, SharedStringBytes: 256 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.FileBytes <= 0 {
		l.FileBytes = d.FileBytes
	}
	if l.Rows <= 0 {
		l.Rows = d.Rows
	}
	if l.LineBytes <= 0 {
		l.LineBytes = d.LineBytes
	}
	if l.WholeBytes <= 0 {
		l.WholeBytes = d.WholeBytes
	}
	if l.UnzippedBytes <= 0 {
		l.UnzippedBytes = d.UnzippedBytes
	}
	if l.SharedStrings <= 0 {
		l.SharedStrings = d.SharedStrings
	}
	if l.SharedStringBytes <= 0 {
		l.SharedStringBytes = d.SharedStringBytes
	}
	return l
}

func (l Limits) workbook() workbook.Limits {
	return workbook.Limits{Unzipped: l.UnzippedBytes, SharedStrings: l.SharedStrings, SharedBytes: l.SharedStringBytes, Token: l.LineBytes}
}

// set names where the limit of flag is set, in a message: "(--max-rows)",
// or the portal's words for its own bounds.
func (l Limits) set(flag string) (vi, en string) {
	if l.SetBy != nil {
		return " (" + l.SetBy.VI + ")", " (" + l.SetBy.EN + ")"
	}
	return " (" + flag + ")", " (" + flag + ")"
}

// workbookStreams reports whether the workbook r of size bytes streams:
// the sizes its zip directory declares for its parts add up to more than
// WholeBytes. One that cannot be listed does not: read whole, the
// workbook reader says what is wrong.
func (l Limits) workbookStreams(r io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(r, size)
	return err == nil && l.listedStreams(zr)
}

// listedStreams is workbookStreams of a workbook listed already.
func (l Limits) listedStreams(zr *zip.Reader) bool {
	var n uint64
	for _, f := range zr.File {
		n += f.UncompressedSize64
		if n > 1<<62 {
			return true
		}
	}
	return int64(n) > l.WholeBytes
}

// limitCodes are the codes of a file quarantined for a limit, and for the
// poison rule: reading it again could stall or kill the run again, so
// another version of danvan does not read it again (readAgain) as it does
// a file a reader judged. A limit raised (--max-rows and the others) does
// not read it again either: it is sent again, as its fix says.
var limitCodes = map[string]bool{
	"file_too_large": true, "too_many_rows": true, "line_too_long": true, "cell_too_long": true,
	"too_large_to_read_whole": true, "unzipped_too_large": true, "too_many_shared_strings": true,
	"shared_strings_too_large": true, "too_many_parts": true, "docx_too_large": true, "poison": true,
}

// The reasons below say what is over which limit, with the figures; the
// fix of each kind is pipeline.FixFor's, shown beside the reason wherever
// it is (one home for the words of a fix).

func (l Limits) fileTooLarge(file string, size int64) *pipeline.FileError {
	vi, en := l.set("--max-file-size")
	return bilingual(file, "file_too_large",
		fmt.Sprintf("Tệp lớn %s, quá giới hạn %s cho một tệp%s; tệp không được đọc.", sizeVI(size), sizeVI(l.FileBytes), vi),
		fmt.Sprintf("The file is %s, over the limit of %s per file%s; it was not read.", sizeEN(size), sizeEN(l.FileBytes), en))
}

func (l Limits) tooManyRows(file string) *pipeline.FileError {
	vi, en := l.set("--max-rows")
	return bilingual(file, "too_many_rows",
		fmt.Sprintf("Tệp có hơn %s dòng số liệu, quá giới hạn cho một tệp%s.", countVI(int64(l.Rows)), vi),
		fmt.Sprintf("The file holds more than %s rows of figures, over the limit per file%s.", countEN(int64(l.Rows)), en))
}

func (l Limits) lineTooLong(file string, line int) *pipeline.FileError {
	vi, en := l.set("--max-line")
	return bilingual(file, "line_too_long",
		fmt.Sprintf("Dòng %d dài hơn %s, quá giới hạn cho một dòng%s: tệp không phải bảng văn bản đọc được "+
			"(thiếu dấu xuống dòng, hoặc không phải CSV/JSON Lines).", line, sizeVI(int64(l.LineBytes)), vi),
		fmt.Sprintf("Line %d is longer than %s, over the limit for one line%s: the file is not a readable text table "+
			"(line ends missing, or not CSV/JSON Lines).", line, sizeEN(int64(l.LineBytes)), en))
}

// formTooLong refuses a form of more than maxFormRows rows with text;
// what names it ("Tệp", "Trang \"Biểu 1\"").
func formTooLong(file, what, whatEN string) *pipeline.FileError {
	return bilingual(file, "too_large_to_read_whole",
		fmt.Sprintf("%s là biểu mẫu nhưng có hơn %s dòng, quá giới hạn cho một biểu mẫu (vốn được đọc một lần): một biểu mẫu liệt kê các đơn vị, "+
			"không dài tới vậy.", what, countVI(maxFormRows)),
		fmt.Sprintf("%s is a form but has more than %s rows, over the limit for a form (which is read at once): a form lists units and is "+
			"never that long.", whatEN, countEN(maxFormRows)))
}

// tooLargeWhole refuses what is read at once (a JSON report, a text, a
// form sheet) over WholeBytes; what names it.
func (l Limits) tooLargeWhole(file, what, whatEN string, size int64) *pipeline.FileError {
	vi, en := l.set("--max-read-whole")
	return bilingual(file, "too_large_to_read_whole",
		fmt.Sprintf("%s lớn %s, quá giới hạn %s cho phần được đọc một lần%s.", what, sizeVI(size), sizeVI(l.WholeBytes), vi),
		fmt.Sprintf("%s is %s, over the limit of %s for what is read at once%s.", whatEN, sizeEN(size), sizeEN(l.WholeBytes), en))
}

func (l Limits) unzippedTooLarge(file string, size int64, sheet string) *pipeline.FileError {
	vi, en := l.set("--max-unzipped")
	part, partEN := "", ""
	if sheet != "" {
		part, partEN = fmt.Sprintf(" Trang lớn nhất: %q.", sheet), fmt.Sprintf(" Largest sheet: %q.", sheet)
	}
	return bilingual(file, "unzipped_too_large",
		fmt.Sprintf("Tệp Excel khi giải nén lớn %s, quá giới hạn %s%s; tệp không được giải nén.%s", sizeVI(size), sizeVI(l.UnzippedBytes), vi, part),
		fmt.Sprintf("The workbook unzips to %s, over the limit of %s%s; it was not decompressed.%s", sizeEN(size), sizeEN(l.UnzippedBytes), en, partEN))
}

// workbookError explains a workbook the reading layer refused: over a
// limit, or not a readable package.
func (l Limits) workbookError(file string, err error) *pipeline.FileError {
	var le *workbook.LimitError
	if !errors.As(err, &le) {
		return notSpreadsheet(file, "tệp bị hỏng hoặc không đúng định dạng", err.Error())
	}
	switch le.Limit {
	case workbook.LimitUnzipped:
		return l.unzippedTooLarge(file, le.Figure, le.Part)
	case workbook.LimitSharedStrings:
		vi, en := l.set("--max-shared-strings")
		return bilingual(file, "too_many_shared_strings",
			fmt.Sprintf("Tệp Excel có hơn %s chuỗi chữ dùng chung (bảng chuỗi của Excel), quá giới hạn%s.", countVI(le.Max), vi),
			fmt.Sprintf("The workbook holds more than %s shared texts (Excel's table of strings), over the limit%s.", countEN(le.Max), en))
	case workbook.LimitSharedBytes:
		vi, en := l.set("--max-shared-strings-size")
		return bilingual(file, "shared_strings_too_large",
			fmt.Sprintf("Bảng chuỗi chữ dùng chung của tệp Excel khi giải nén lớn %s, quá giới hạn %s%s.", sizeVI(le.Figure), sizeVI(le.Max), vi),
			fmt.Sprintf("The workbook's table of shared texts unzips to %s, over the limit of %s%s.", sizeEN(le.Figure), sizeEN(le.Max), en))
	case workbook.LimitToken:
		vi, en := l.set("--max-line")
		where, whereEN := "của tệp Excel", "of the workbook"
		if le.Part != "" {
			where, whereEN = fmt.Sprintf("của trang %q", le.Part), fmt.Sprintf("of sheet %q", le.Part)
		}
		return bilingual(file, "cell_too_long",
			fmt.Sprintf("Một ô %s dài hơn %s, quá giới hạn%s (Excel chỉ giữ 32.767 ký tự trong một ô): tệp bị hỏng hoặc không do Excel tạo ra.",
				where, sizeVI(le.Max), vi),
			fmt.Sprintf("A cell %s is longer than %s, over the limit%s (Excel holds at most 32,767 characters in a cell): the workbook is damaged "+
				"or was not made by Excel.", whereEN, sizeEN(le.Max), en))
	}
	return bilingual(file, "too_many_parts",
		fmt.Sprintf("Mục lục nén của tệp Excel lớn %s, quá giới hạn %s (một bảng tính chỉ có vài chục phần): tệp bị hỏng.", sizeVI(le.Figure), sizeVI(le.Max)),
		fmt.Sprintf("The workbook's zip directory is %s, over the limit of %s (a workbook has a few dozen parts): the file is damaged.", sizeEN(le.Figure), sizeEN(le.Max)))
}

// sizeVI and sizeEN write a size in bytes for a clerk: "1,5 GiB",
// "1.5 GiB".
func sizeVI(n int64) string { return strings.ReplaceAll(sizeEN(n), ".", ",") }

func sizeEN(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}

// countVI and countEN group a count's digits: "5.000.000", "5,000,000".
func countVI(n int64) string { return strings.ReplaceAll(countEN(n), ",", ".") }

func countEN(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
