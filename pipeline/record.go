package pipeline

import (
	"fmt"
	"strings"
	"time"
)

// RawRow is one value as a reader found it, before any interpretation: the
// strings of the long-table columns, plus where it came from. Readers fill
// RawRows; the Validator turns them into Records or RowErrors.
type RawRow struct {
	Ref            string // where in the file: "dòng 12", "Biểu 1!D7", "câu 3"
	Province       string
	Unit           string
	Period         string
	Indicator      string
	Disaggregation string
	Value          string
	// Plain is set when Value comes from a typed number (a JSON number, a
	// numeric spreadsheet cell) in machine form, so "1.5" means 1.5 and is
	// not read as Vietnamese thousands.
	Plain bool
	// DateCell is set when Value comes from a spreadsheet cell whose style
	// shows its number as a date, a time or a year: Value is what the cell
	// shows, which is no figure even when it reads as one (a count typed
	// in a "yyyy" cell shows as the year "1900").
	DateCell bool
	// ColumnUnit is the unit of measure a form's header gives the value's
	// column ("triệu đồng", "ha", "mô hình"): a number written without a
	// unit is in it.
	ColumnUnit  string
	Qualifier   string // given separately (JSON "qualifier"); empty when not
	Note        string
	SubmittedAt string
	Origin      Origin
	Quote       string // the sentence an extracted value came from
	// Columns names, per field, the column or header the value was read
	// from, so errors can point at it. Missing entries fall back to the
	// long-table column names.
	Columns map[Field]string
	// Cells names, per field, where its text was read when that is not
	// Ref, the value's own place: a form's unit cell, the title line its
	// province came from. A refusal names the place of the text it quotes.
	Cells map[Field]string
	// HeaderCell is, for a form's value, the header cell its indicator and
	// breakdown were read from, which names their place before Cells does:
	// so the values of a form's row share the row's Cells (a map per value
	// was ~480 KB of fresh memory on a 27-sheet per-unit workbook).
	HeaderCell string
	// Stated holds the fields the row shares with its sheet or file rather
	// than states in a cell of its own, and where they were read (a line
	// above a form's table, its title, the file name). Cells names that
	// place too.
	Stated map[Field]Stated
	// Total marks a form sheet's total row: checked against the sum of the
	// rows it adds up, never stored. A total adds up the rows of its column
	// whose Group is its Group or lies within it: a Group is a path of
	// names joined by GroupSep (the sheet, then its section), so a
	// section's total adds up the section, the sheet's total the sheet.
	Total bool
	Group string
}

// GroupSep joins the names of a RawRow.Group.
const GroupSep = '\x1f'

// Warning is something a clerk should look at that refused nothing: a
// form's total that could not be checked because a row it adds up was
// refused. Warnings are reported with the file, never stored as refusals.
type Warning RowError

// Stated is where a form stated a text its rows share.
type Stated struct {
	By   StatedBy
	Cell string // "Biểu 1!A3"; the file name for ByFileName
}

// StatedBy is the kind of place a text was stated in.
type StatedBy string

const (
	ByKeyLine  StatedBy = "key_line"  // "Kỳ báo cáo: Năm 2023" above the table
	ByTitle    StatedBy = "title"     // "ĐẢNG BỘ TỈNH NGHỆ AN"
	ByFileName StatedBy = "file_name" // "bao-cao-nghe-an-2023.xlsx"
	ByDateLine StatedBy = "date_line" // "Hà Tĩnh, ngày 15 tháng 12 năm 2023"
)

// Words names the kind of place in Vietnamese and English.
func (b StatedBy) Words() (vi, en string) {
	switch b {
	case ByTitle:
		return "tiêu đề", "the title"
	case ByFileName:
		return "tên tệp", "the file name"
	case ByDateLine:
		return "dòng ngày tháng", "the date line"
	}
	return "dòng khai báo trên bảng", "the line above the table"
}

// Field names a RawRow field in errors.
type Field string

const (
	FieldProvince       Field = "tinh"
	FieldUnit           Field = "don_vi"
	FieldPeriod         Field = "ky_bao_cao"
	FieldIndicator      Field = "chi_tieu"
	FieldDisaggregation Field = "phan_to"
	FieldValue          Field = "gia_tri"
	FieldQualifier      Field = "qualifier"
	FieldSubmittedAt    Field = "ngay_gui"
)

func (r *RawRow) cell(f Field) string {
	if r.HeaderCell != "" && (f == FieldIndicator || f == FieldDisaggregation) {
		return r.HeaderCell
	}
	if c, ok := r.Cells[f]; ok {
		return c
	}
	return r.Ref
}

func (r RawRow) column(f Field) string {
	if c, ok := r.Columns[f]; ok {
		return c
	}
	return string(f)
}

// Origin tells table data from figures read out of prose.
type Origin string

const (
	FromForm      Origin = "form"
	FromExtracted Origin = "extracted"
)

// Record is one validated value, ready to store.
type Record struct {
	Province       *Unit
	Unit           *Unit // the province itself for a province-level value
	Period         Period
	Indicator      *Indicator
	Disaggregation string // "total" or a disaggregation code
	Value          float64
	Qualifier      Qualifier
	Origin         Origin
	Quote          string
	Note           string
	SubmittedAt    time.Time // zero when the report did not say
	Ref            string
}

// Total is the disaggregation code of an undivided value.
const Total = "total"

// ValueKey identifies what a value is about; two values with the same key in one
// file are duplicates, and a later file's value supersedes an earlier one.
type ValueKey struct{ Unit, Period, Indicator, Disaggregation string }

// ValueKey returns what the record is a value of.
func (r Record) ValueKey() ValueKey {
	return ValueKey{r.Unit.Code, r.Period.Code, r.Indicator.Code, r.Disaggregation}
}

// RowError is a refused value: where it was, what it said, and why, in
// Vietnamese and English. Code is a stable kind for tests and tools.
// ProvinceCode, UnitCode and Unit say whose report the row was, so a
// province office can sort the refusals by the unit that has to fix them:
// the codes when the row's province and unit could be resolved (empty when
// not: the refusal may be about them); Unit the unit's canonical name when
// it resolved, else as the row wrote it.
type RowError struct {
	File     string
	Ref      string
	Column   string
	Value    string
	Code     string
	Reason   string
	ReasonEN string

	ProvinceCode, UnitCode, Unit string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s, %s, cột %q, giá trị %q: %s (%s)", e.File, e.Ref, e.Column, e.Value, e.Reason, e.ReasonEN)
}

// FileError is a file that could not be read at all; it is quarantined whole.
type FileError struct {
	File     string
	Code     string
	Reason   string
	ReasonEN string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %s (%s)", e.File, e.Reason, e.ReasonEN)
}

// RefEN is a place (RowError.Ref) in English: "dòng 12" is "line 12",
// "câu 3" is "sentence 3"; a cell ("Biểu 1!D7") or a JSON path stays.
func RefEN(ref string) string {
	switch {
	case strings.HasPrefix(ref, "dòng "):
		return "line " + ref[len("dòng "):]
	case strings.HasPrefix(ref, "câu "):
		return "sentence " + ref[len("câu "):]
	}
	return ref
}
