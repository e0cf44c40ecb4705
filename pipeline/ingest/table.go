package ingest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
)

// Long-table columns beyond the RawRow fields: the note, and extra columns
// that are kept as notes; a form tool's own columns (fieldFormTool).
const (
	fieldNote  pipeline.Field = "ghi_chu"
	fieldExtra pipeline.Field = ""
	// fieldFormTool is a column a form tool adds to its responses (when
	// each came, who sent it: Google Forms' "Dấu thời gian", "Địa chỉ
	// email"): no figure and no indicator, so a form passes it over, where
	// each of its cells was refused as an unknown indicator; a long table
	// keeps it as a note, as any column it does not know.
	fieldFormTool pipeline.Field = "form_tool"
)

// headerAliases maps a header name, folded and without spaces, to its column
// (formats.md section 1).
var headerAliases = map[string]pipeline.Field{}

func init() {
	for f, names := range map[pipeline.Field][]string{
		pipeline.FieldProvince:       {"tinh", "tỉnh", "province"},
		pipeline.FieldUnit:           {"don_vi", "đơn vị", "huyen", "huyện", "xa", "xã", "unit", "district", "commune"},
		pipeline.FieldPeriod:         {"ky_bao_cao", "kỳ báo cáo", "ky", "kỳ", "period"},
		pipeline.FieldIndicator:      {"chi_tieu", "chỉ tiêu", "indicator"},
		pipeline.FieldDisaggregation: {"phan_to", "phân tổ", "linh_vuc", "lĩnh vực", "disaggregation"},
		pipeline.FieldValue:          {"gia_tri", "giá trị", "so_lieu", "số liệu", "value"},
		fieldNote:                    {"ghi_chu", "ghi chú", "note"},
		pipeline.FieldSubmittedAt:    {"ngay_gui", "ngày gửi", "submitted_at"},
		pipeline.FieldQualifier:      {"qualifier", "mức chính xác"},
		// Google Forms (Vietnamese, English), Microsoft Forms (English,
		// Vietnamese; "ID" is its number of the answer).
		fieldFormTool: {"dấu thời gian", "địa chỉ email", "timestamp", "email address", "email", "start time", "completion time", "last modified time",
			"id", "thời gian bắt đầu", "thời gian hoàn thành", "thời gian sửa đổi lần cuối"},
	} {
		for _, n := range names {
			headerAliases[headerKey(n)] = f
		}
	}
}

// headerKey is a header name without case, diacritics, spaces or underscores.
func headerKey(s string) string {
	return strings.ReplaceAll(pipeline.Fold(s), " ", "")
}

// maxTitleLines is how many lines a title above a long table's header may
// take (titledHeader), blank lines included: a title, a subtitle, a
// unit's or date line, blank lines between.
const maxTitleLines = 6

// aboveHeader is what a line met before a long table's header says, in
// one pass over its cells: whether it may be the table's title (title: it
// names no long table's column and holds no figure, a cell that is a
// number alone, which may be a row of values typed above the header and
// leaves the file to the form reader), and whether it is a long table's
// header (header: it names the indicator or value column and two more, as
// longHeader). Only cells of at most four words and 48 bytes are looked
// up: no column's name is longer (NFD included), and the words of a form's titles, read a
// sheet at a time, are not folded for nothing (~150 allocations a sheet).
func aboveHeader(cells []string) (title, header bool) {
	named, long := 0, false
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if strings.Trim(c, "0123456789.,") == "" {
			return false, false
		}
		if len(c) > 48 || strings.Count(c, " ") > 3 {
			continue
		}
		if f, ok := headerAliases[headerKey(c)]; ok {
			named++
			long = long || f == pipeline.FieldIndicator || f == pipeline.FieldValue
		}
	}
	return named == 0, long && named >= 3
}

// titledHeader is the layout of a line under title lines when it is a
// long table's whole header: it names the indicator or value column and
// every column a long table needs. Anything less is left to the form
// reader, which reads a form's key lines above its table ("Tỉnh: …").
func titledHeader(file string, cells []string) (l *layout, title, ok bool) {
	title, header := aboveHeader(cells)
	if !header {
		return nil, title, false
	}
	l, fe := newLayout(file, append([]string(nil), cells...))
	return l, false, fe == nil
}

// required long-table columns, in the order messages name them.
var required = []pipeline.Field{pipeline.FieldProvince, pipeline.FieldPeriod, pipeline.FieldIndicator, pipeline.FieldValue}

var fieldLabels = map[pipeline.Field][2]string{
	pipeline.FieldProvince: {"tinh (tỉnh)", "tinh (province)"}, pipeline.FieldPeriod: {"ky_bao_cao (kỳ báo cáo)", "ky_bao_cao (period)"},
	pipeline.FieldIndicator: {"chi_tieu (chỉ tiêu)", "chi_tieu (indicator)"}, pipeline.FieldValue: {"gia_tri (giá trị)", "gia_tri (value)"},
}

// layout is a long table's header: which column holds which field.
type layout struct {
	fields  []pipeline.Field // per column; fieldExtra for columns kept as notes
	kinds   []cellKind       // per column, its field as a small number (fill's switch)
	header  []string
	columns map[pipeline.Field]string // shared by every RawRow of the file
}

// recognised counts the header cells that name a long-table column.
func recognised(header []string) int {
	n := 0
	for _, h := range header {
		if _, ok := headerAliases[headerKey(h)]; ok {
			n++
		}
	}
	return n
}

// newLayout maps header names to fields. A repeated column keeps its first
// occurrence; the others become notes, since nobody can tell which is meant.
func newLayout(file string, header []string) (*layout, *pipeline.FileError) {
	l := &layout{fields: make([]pipeline.Field, len(header)), header: header, columns: map[pipeline.Field]string{}}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		l.header[i] = h
		f, ok := headerAliases[headerKey(h)]
		if _, dup := l.columns[f]; !ok || dup {
			l.fields[i] = fieldExtra
			continue
		}
		l.fields[i] = f
		l.columns[f] = h
	}
	l.kinds = make([]cellKind, len(l.fields))
	for i, f := range l.fields {
		l.kinds[i] = cellKinds[f]
	}
	var missing, missingEN []string
	for _, f := range required {
		if _, ok := l.columns[f]; !ok {
			missing, missingEN = append(missing, fieldLabels[f][0]), append(missingEN, fieldLabels[f][1])
		}
	}
	shown := strings.Join(header, " | ")
	if len(shown) > 300 {
		shown = shown[:300] + "…"
	}
	switch {
	case len(l.columns) == 0:
		return nil, fileError(file, "no_header",
			"Không tìm thấy dòng tiêu đề (tinh, ky_bao_cao, chi_tieu, gia_tri, ...); dòng đầu đọc được: %q.",
			"No header row found (tinh, ky_bao_cao, chi_tieu, gia_tri, ...); the first line reads: %q.", shown)
	case len(missing) > 0:
		return nil, &pipeline.FileError{File: file, Code: "missing_column",
			Reason:   fmt.Sprintf("Thiếu cột bắt buộc: %s. Dòng tiêu đề đọc được: %q.", strings.Join(missing, ", "), shown),
			ReasonEN: fmt.Sprintf("Required column(s) missing: %s. Header found: %q.", strings.Join(missingEN, ", "), shown)}
	}
	return l, nil
}

// cellKind is a column's field as a number, so fill's switch on it, once a
// cell of every row of a large file, is a jump rather than comparisons of
// the field's name (a tenth of the CSV reader's own time).
type cellKind uint8

const (
	kindExtra cellKind = iota
	kindProvince
	kindUnit
	kindPeriod
	kindIndicator
	kindDisaggregation
	kindValue
	kindSubmittedAt
	kindQualifier
	kindNote
)

var cellKinds = map[pipeline.Field]cellKind{
	pipeline.FieldProvince: kindProvince, pipeline.FieldUnit: kindUnit, pipeline.FieldPeriod: kindPeriod,
	pipeline.FieldIndicator: kindIndicator, pipeline.FieldDisaggregation: kindDisaggregation,
	pipeline.FieldValue: kindValue, pipeline.FieldSubmittedAt: kindSubmittedAt, pipeline.FieldQualifier: kindQualifier,
	fieldNote: kindNote,
}

// fill sets raw's fields from one row's cells, and the numbers of its key
// cells in keys from ids (both nil when the reader does not number its
// cells). It reports false for a row with nothing in it, which is no row at
// all, for the header again (two exports run together, or a header
// repeated over each page), which holds no value either, and for a row of
// column numbers under the header ("(1),(2),(3)…", as forms have them).
func (l *layout) fill(raw *pipeline.RawRow, keys *cellIDs, cells []string, ids []uint32) bool {
	*raw = pipeline.RawRow{Columns: l.columns, Origin: pipeline.FromForm}
	var unnumbered cellIDs
	if keys == nil {
		keys = &unnumbered
	}
	*keys = cellIDs{}
	empty := true
	// Most rows have one note cell or none: their text is the note as it
	// is, without a slice per row to join.
	var buf [2]string
	note, extra := buf[:0], []string(nil)
	named := false // the value cell may be the value column's name
	for i, c := range cells {
		if c == "" {
			continue
		}
		if c[0] <= ' ' || c[0] >= utf8.RuneSelf || c[len(c)-1] <= ' ' || c[len(c)-1] >= utf8.RuneSelf {
			// Only then may it start or end with a space (an ASCII one is
			// at most ' ', a Unicode one is not ASCII); most cells need
			// not be looked at.
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
		}
		empty = false
		k := kindExtra
		if i < len(l.kinds) {
			k = l.kinds[i]
		}
		var id uint32
		if ids != nil {
			id = ids[i]
		}
		switch k {
		case kindProvince:
			raw.Province, keys.province = c, id
		case kindUnit:
			raw.Unit, keys.unit = c, id
		case kindPeriod:
			raw.Period, keys.period = c, id
		case kindIndicator:
			raw.Indicator, keys.indicator = c, id
		case kindDisaggregation:
			raw.Disaggregation, keys.disaggregation = c, id
		case kindValue:
			raw.Value = c
			// A value starts with a digit, a sign or a qualifier word;
			// only a letter is looked at again (repeatsHeader).
			named = c[0] >= 'A'
		case kindSubmittedAt:
			raw.SubmittedAt = c
		case kindQualifier:
			raw.Qualifier = c
		case kindNote:
			note = append(note, c)
		default:
			name := fmt.Sprintf("cột %d", i+1)
			if i < len(l.header) && l.header[i] != "" {
				name = l.header[i]
			}
			extra = append(extra, name+": "+c)
		}
	}
	if named && repeatsHeader(raw.Value, cells) {
		return false
	}
	if columnNumber(raw.Period) && markerRow(cells) {
		return false
	}
	switch {
	case len(note) == 1 && len(extra) == 0:
		raw.Note = note[0]
	case len(note)+len(extra) > 0:
		raw.Note = strings.Join(append(note, extra...), "; ")
	}
	return !empty
}

// columnNumber reports whether a period cell may be a column's number,
// "3" or "(3)", which no period is: only then is the row looked at as a
// row of column numbers (markerRow, the forms' rule), so a row costs a
// length test.
func columnNumber(p string) bool {
	return p != "" && len(p) <= 4 && (p[0] == '(' || len(p) <= 2 && p[0] >= '0' && p[0] <= '9')
}

// repeatsHeader reports whether a row whose value cell reads value is a
// header: its value cell names the value column and at least three of its
// cells name long-table columns, as a header's must (longHeader), in any
// of their spellings ("gia_tri", "Giá trị").
func repeatsHeader(value string, cells []string) bool {
	return headerAliases[headerKey(value)] == pipeline.FieldValue && recognised(cells) >= 3
}

// totalLine reports whether a long table's row is a total typed under its
// rows ("Tổng cộng,,,,9", Excel's SUM at the bottom): its province or unit
// cell reads as a total, by the words that make a form's total row
// (totalRow), and it names no period or no indicator, so it is no value of
// any report. A row that names both is a value: "Tổng cộng" in the unit
// cell of such a row is the province's own figure, as "Toàn tỉnh" is.
// Only a row that lacks its period or indicator (which would be refused)
// has its cells' words looked at.
func (l *layout) totalLine(raw *pipeline.RawRow) bool {
	if raw.Period != "" && raw.Indicator != "" {
		return false
	}
	if t, _ := totalRow(raw.Province); t {
		return true
	}
	t, _ := totalRow(raw.Unit)
	return t
}

// closingLine reports whether a long table's row is part of the closing
// of the document it was exported from (the date line, the signers' titles
// and names, "Nơi nhận:"): a row that names no period or no indicator, at
// or after the first such row that closes it (closingCells, the forms'
// rule). *closed says whether the closing has begun, and first whether
// this row begins it. A row that names both is a value wherever it is.
func (l *layout) closingLine(raw *pipeline.RawRow, cells []string, closed *bool) (skip, first bool) {
	if raw.Period != "" && raw.Indicator != "" {
		return false, false
	}
	if *closed {
		return true, false
	}
	// A row with a figure does not open it: a row lacking its period,
	// with "Ghi chú: …" in its note, is refused for the period it lacks.
	if !numeric(raw.Value) && closingCells(cells) {
		*closed = true
		return true, true
	}
	return false, false
}

// closingNotice says that the document's closing, from ref on, was passed
// over.
func closingNotice(file, ref string) pipeline.Warning {
	return pipeline.Warning{File: file, Ref: ref, Code: "document_closing",
		Reason:   "Từ dòng này là phần cuối văn bản (ngày tháng, người ký, nơi nhận), không phải số liệu nên không được nạp.",
		ReasonEN: "From this line on is the closing of the document (date, signers, recipients), not figures, so it is not loaded."}
}

// totalNotice says that the total row at ref was passed over.
func (l *layout) totalNotice(file, ref string, raw *pipeline.RawRow) pipeline.Warning {
	label, field := raw.Province, pipeline.FieldProvince
	if t, _ := totalRow(label); !t {
		label, field = raw.Unit, pipeline.FieldUnit
	}
	vi := fmt.Sprintf("Dòng tổng %q không phải số liệu của một đơn vị nên không được nạp", label)
	en := fmt.Sprintf("The total row %q is no unit's figure, so it is not loaded", label)
	if raw.Value != "" {
		vi += fmt.Sprintf(" (giá trị %s không được đối chiếu với các dòng trên)", raw.Value)
		en += fmt.Sprintf(" (its value %s is not checked against the rows above)", raw.Value)
	}
	return pipeline.Warning{File: file, Ref: ref, Column: l.columns[field], Value: label, Code: "total_row",
		Reason: vi + ".", ReasonEN: en + "."}
}
