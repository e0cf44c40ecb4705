package pipeline

import (
	"fmt"
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
	Plain       bool
	Qualifier   string // given separately (JSON "qualifier"); empty when not
	Note        string
	SubmittedAt string
	Origin      Origin
	Quote       string // the sentence an extracted value came from
	// Columns names, per field, the column or header the value was read
	// from, so errors can point at it. Missing entries fall back to the
	// long-table column names.
	Columns map[Field]string
	// Total marks a form sheet's total row: checked against the sum of the
	// rows of its Group, never stored.
	Total bool
	Group string
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
