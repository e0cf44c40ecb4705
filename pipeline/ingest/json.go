package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// JSON reads a JSON report (formats.md section 3). A value may name its own
// unit or period, overriding the report's. Keys are read in the order
// written, so a key given twice, or two spellings of one field with
// different texts ("unit" and "don_vi"), are seen and refused instead of
// one of them winning by chance: for the report's own keys the file, for a
// value's keys that value.
func JSON(_ *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	rows, rejects, _, fe := jsonIn(file, data)
	return rows, rejects, fe
}

// jsonIn is JSON with its notices: the report's keys that are not read.
func jsonIn(file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if text, ok := fromUTF16(data); ok {
		data = text
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil, emptyFile(file)
	}
	if !utf8.Valid(data) {
		return nil, nil, nil, badJSONEncoding(file)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	top, err := jsonObject(dec)
	var no *notObject
	switch {
	case errors.As(err, &no):
		if reports := reportsIn(data); reports != nil {
			return reportArray(file, reports)
		}
		if rows := rowsIn(data); rows != nil {
			return rowArray(file, rows)
		}
		return nil, nil, nil, notReport(file, "là "+jsonKindVI[no.what], "is "+jsonKindEN[no.what])
	case err != nil:
		return nil, nil, nil, jsonFileError(file, data, syntaxError(data, err))
	}
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
		next := off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], " \t\r\n")))
		line, col := lineCol(data, next)
		return nil, nil, nil, fileError(file, "malformed_json",
			"Tệp JSON sai cú pháp ở dòng %d, cột %d: còn nội dung sau khi báo cáo đã kết thúc.",
			"Malformed JSON at line %d, column %d: text after the end of the report.", line, col)
	}
	return report(file, top, "")
}

// reportArray reads an array of reports, as a form tool exports its
// submissions: each is read as a report whose values are named by its
// place ("[1].values[0]"), and a problem of one report's own (a key given
// twice, no values) refuses that report alone, named "[1]".
func reportArray(file string, reports [][]jsonField) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	var rows []pipeline.RawRow
	var rejects []pipeline.RowError
	var notices []pipeline.Warning
	for i, top := range reports {
		at := fmt.Sprintf("[%d]", i)
		if p := checkKeys(top, reportField); p != nil {
			rejects = append(rejects, p.rowError(file, at))
			continue
		}
		r, rj, n, fe := report(file, top, at+".")
		if fe != nil {
			rejects = append(rejects, pipeline.RowError{File: file, Ref: at, Code: fe.Code,
				Reason: ofReport(fe.Reason, "Báo cáo này", "Tệp JSON", "Tệp"), ReasonEN: ofReport(fe.ReasonEN, "This report", "The JSON file", "The file")})
			continue
		}
		rows, rejects, notices = append(rows, r...), append(rejects, rj...), append(notices, n...)
	}
	return rows, rejects, notices, nil
}

// ofReport is a file's refusal said of one report of an array: "Tệp không
// có số liệu nào" is "Báo cáo này không có số liệu nào".
func ofReport(reason, report string, file ...string) string {
	for _, f := range file {
		if rest, ok := strings.CutPrefix(reason, f); ok {
			return report + rest
		}
	}
	return reason
}

// report reads one report's top-level keys; at prefixes the places it
// names ("[1]." in an array of reports).
func report(file string, top []jsonField, at string) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	if p := checkKeys(top, reportField); p != nil {
		return nil, nil, nil, &pipeline.FileError{File: file, Code: p.code, Reason: p.reason(), ReasonEN: p.reasonEN()}
	}
	var report pipeline.RawRow // the report's own province, unit, period, date
	var values json.RawMessage
	var notices []pipeline.Warning
	for _, f := range top {
		s, _ := jsonText(f.raw)
		fd, known := reportField(f.key)
		if !known {
			if fe := nestedReport(file, f); fe != nil {
				return nil, nil, nil, fe
			}
			notices = append(notices, keyNotRead(file, at+f.key))
			continue
		}
		switch fd {
		case pipeline.FieldProvince:
			report.Province = s
		case pipeline.FieldUnit:
			report.Unit = s
		case pipeline.FieldPeriod:
			report.Period = s
		case pipeline.FieldSubmittedAt:
			report.SubmittedAt = s
		case fieldNote:
			report.Note = s
		case fieldValues:
			values = f.raw
		}
	}
	if values == nil {
		return nil, nil, nil, notReport(file, `thiếu "values"`, `no "values"`)
	}
	objs, err := jsonObjects(values)
	if err != nil {
		return nil, nil, nil, notReport(file, `"values" phải là một mảng các đối tượng`, `"values" must be an array of objects`)
	}
	if len(objs) == 0 {
		return nil, nil, nil, noValues(file, `danh sách "values" rỗng`, `its "values" list is empty`)
	}
	var rows []pipeline.RawRow
	var rejects []pipeline.RowError
	for i, v := range objs {
		ref := fmt.Sprintf("%svalues[%d]", at, i)
		if p := checkKeys(v, valueField); p != nil {
			rejects = append(rejects, p.rowError(file, ref))
			continue
		}
		raw := pipeline.RawRow{Ref: ref, Origin: pipeline.FromForm, Columns: jsonColumns,
			Province: report.Province, Unit: report.Unit, Period: report.Period, SubmittedAt: report.SubmittedAt, Note: report.Note}
		var extra []string
		sortFields(v)
		for _, f := range v {
			s, plain := jsonText(f.raw)
			fd, known := valueField(f.key)
			switch {
			case !known && fd == fieldNote:
				raw.Note = joinNote(s, raw.Note)
			case !known:
				if s != "" {
					extra = append(extra, f.key+": "+s)
				}
			case fd == pipeline.FieldIndicator:
				raw.Indicator = s
			case fd == pipeline.FieldDisaggregation:
				raw.Disaggregation = s
			case fd == pipeline.FieldValue:
				raw.Value, raw.Plain = s, plain
			case fd == pipeline.FieldQualifier:
				raw.Qualifier = s
			case fd == pipeline.FieldUnit:
				raw.Unit = s
			case fd == pipeline.FieldPeriod:
				raw.Period = s
			case fd == pipeline.FieldProvince:
				raw.Province = s
			}
		}
		raw.Note = joinNote(raw.Note, strings.Join(extra, "; "))
		rows = append(rows, raw)
	}
	return rows, rejects, notices, nil
}

// reportKeys are the keys of a JSON report's top level, as messages list
// them.
const reportKeys = `"province" ("tinh"), "unit" ("don_vi"), "period" ("ky_bao_cao"), "submitted_at" ("ngay_gui"), "note" ("ghi_chu"), "values"`

// keyNotRead is the notice of a key of a report's top level that is no
// key of a report (a signer's name, a version number): passed over, and
// the summary says so, since what it holds is not read.
func keyNotRead(file, key string) pipeline.Warning {
	return pipeline.Warning{File: file, Ref: key, Code: "json_key_not_read",
		Reason:   fmt.Sprintf("Khóa %q không phải khóa của báo cáo nên không được đọc; các khóa được đọc: %s.", key, reportKeys),
		ReasonEN: fmt.Sprintf("Key %q is not a key of a report, so it is not read; the keys read are: %s.", key, reportKeys)}
}

// nestedReport refuses a report whose own keys are inside an object under
// a key of its own ({"report": {"province": …, "period": …}, "values": […]}):
// read as they stand, its values would lack the province or period that
// are there, one level down. Nil when f is no such object.
func nestedReport(file string, f jsonField) *pipeline.FileError {
	objs, err := jsonObjects(json.RawMessage("[" + string(f.raw) + "]"))
	if err != nil || len(objs) != 1 {
		return nil
	}
	var inside []string
	for _, g := range objs[0] {
		if _, ok := reportField(g.key); ok {
			inside = append(inside, strconvQuote(g.key))
		}
	}
	if len(inside) == 0 {
		return nil
	}
	keys := strings.Join(inside, ", ")
	return &pipeline.FileError{File: file, Code: "nested_report_keys",
		Reason: fmt.Sprintf("Khóa %q chứa %s, là khóa của báo cáo, nên chúng không được đọc: các khóa này phải nằm ngay ở cấp ngoài cùng "+
			"của báo cáo, cạnh \"values\", không lồng trong %q. Các khóa được đọc: %s.", f.key, keys, f.key, reportKeys),
		ReasonEN: fmt.Sprintf("Key %q holds %s, which are a report's keys, so they are not read: they must be at the report's top level, "+
			"beside \"values\", not inside %q. The keys read are: %s.", f.key, keys, f.key, reportKeys)}
}

// fieldValues is the report's "values" key, which must not be given twice
// either.
const fieldValues pipeline.Field = "values"

// reportField is the field a key of a JSON report's top level gives.
func reportField(key string) (pipeline.Field, bool) {
	switch strings.ToLower(key) {
	case "province", "tinh":
		return pipeline.FieldProvince, true
	case "unit", "don_vi":
		return pipeline.FieldUnit, true
	case "period", "ky_bao_cao":
		return pipeline.FieldPeriod, true
	case "submitted_at", "ngay_gui":
		return pipeline.FieldSubmittedAt, true
	case "values":
		return fieldValues, true
	case "note", "ghi_chu":
		// The report's note is every value's, after a value's own.
		return fieldNote, true
	}
	return "", false
}

// valueField is the field a key of one of a JSON report's values gives.
// Notes are not a field two keys can disagree on: every note is kept.
func valueField(key string) (pipeline.Field, bool) {
	switch strings.ToLower(key) {
	case "indicator", "chi_tieu":
		return pipeline.FieldIndicator, true
	case "disaggregation", "phan_to":
		return pipeline.FieldDisaggregation, true
	case "value", "gia_tri":
		return pipeline.FieldValue, true
	case "qualifier":
		return pipeline.FieldQualifier, true
	case "note", "ghi_chu":
		return fieldNote, false
	}
	if f, ok := reportField(key); ok && f != fieldValues {
		return f, true
	}
	return "", false
}

// jsonField is one key of a JSON object and its value, as written.
type jsonField struct {
	key string
	raw json.RawMessage
}

// notObject is a JSON value that should have been an object.
type notObject struct{ what string }

func (e *notObject) Error() string { return "not an object but " + e.what }

// jsonObject reads one JSON object from dec keeping every key in the order
// written: encoding/json decoding into a map keeps the last of two equal
// keys, and a map has no order. The offset of a syntax error is not where
// it is in the input (Decode counts only what it scanned): syntaxError
// finds that.
func jsonObject(dec *json.Decoder) (fields []jsonField, err error) {
	defer func() {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
	}()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		what := "null"
		switch tok.(type) {
		case json.Delim:
			what = "array"
		case string:
			what = "string"
		case json.Number:
			what = "number"
		case bool:
			what = "bool"
		}
		return nil, &notObject{what}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var f jsonField
		f.key, _ = tok.(string) // More and Token hold the grammar: a key is a string
		if err := dec.Decode(&f.raw); err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return fields, nil
}

// syntaxError is err of jsonObject with the offset encoding/json gives
// decoding all of data at once.
func syntaxError(data []byte, err error) error {
	var v json.RawMessage
	if e := json.NewDecoder(bytes.NewReader(data)).Decode(&v); e != nil {
		return e
	}
	return err
}

// jsonObjects reads a JSON array of objects.
func jsonObjects(raw json.RawMessage) ([][]jsonField, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &notObject{"not an array"}
	}
	var out [][]jsonField
	for dec.More() {
		obj, err := jsonObject(dec)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

// sortFields orders an object's keys, so notes built from them come out
// the same whatever order a sender writes its keys in.
func sortFields(fields []jsonField) {
	slices.SortStableFunc(fields, func(a, b jsonField) int { return strings.Compare(a.key, b.key) })
}

// keyProblem is a JSON object giving one key twice, or one field under two
// keys with different texts.
type keyProblem struct {
	code       string // duplicate_key or conflicting_keys
	key, other string
	val, oval  string
	field      pipeline.Field
}

// fieldWords name a field in Vietnamese and English.
var fieldWords = map[pipeline.Field][2]string{
	pipeline.FieldProvince: {"tỉnh", "province"}, pipeline.FieldUnit: {"đơn vị", "unit"},
	pipeline.FieldPeriod: {"kỳ báo cáo", "period"}, pipeline.FieldSubmittedAt: {"ngày gửi", "submission date"},
	pipeline.FieldIndicator: {"chỉ tiêu", "indicator"}, pipeline.FieldDisaggregation: {"phân tổ", "breakdown"},
	pipeline.FieldValue: {"giá trị", "value"}, pipeline.FieldQualifier: {"mức chính xác", "qualifier"},
	fieldValues: {"danh sách giá trị", "list of values"},
}

// checkKeys finds the first key problem of an object, in the order written.
// Two spellings of one field with the same text agree and are accepted.
func checkKeys(fields []jsonField, fieldOf func(string) (pipeline.Field, bool)) *keyProblem {
	seen := make(map[string]bool, len(fields))
	byField := map[pipeline.Field]int{}
	for i, f := range fields {
		if seen[f.key] {
			s, _ := jsonText(f.raw)
			return &keyProblem{code: "duplicate_key", key: f.key, val: s}
		}
		seen[f.key] = true
		fd, ok := fieldOf(f.key)
		if !ok {
			continue
		}
		j, dup := byField[fd]
		if !dup {
			byField[fd] = i
			continue
		}
		a, ap := jsonText(fields[j].raw)
		b, bp := jsonText(f.raw)
		if a != b || ap != bp {
			return &keyProblem{code: "conflicting_keys", key: f.key, val: b, other: fields[j].key, oval: a, field: fd}
		}
	}
	return nil
}

func (p *keyProblem) reason() string {
	if p.code == "duplicate_key" {
		return fmt.Sprintf("Khóa %q được ghi hai lần trong cùng một đối tượng JSON, nên không biết lấy giá trị nào; hãy giữ một.", p.key)
	}
	return fmt.Sprintf("Hai khóa %q và %q cùng ghi %s nhưng khác nhau (%q và %q), nên không biết lấy giá trị nào; hãy giữ một khóa.",
		p.other, p.key, fieldWords[p.field][0], p.oval, p.val)
}

func (p *keyProblem) reasonEN() string {
	if p.code == "duplicate_key" {
		return fmt.Sprintf("Key %q is given twice in one JSON object, so which value is meant is unknown; keep one.", p.key)
	}
	return fmt.Sprintf("Keys %q and %q both give the %s but differ (%q and %q), so which is meant is unknown; keep one key.",
		p.other, p.key, fieldWords[p.field][1], p.oval, p.val)
}

func (p *keyProblem) rowError(file, ref string) pipeline.RowError {
	return pipeline.RowError{File: file, Ref: ref, Column: p.key, Value: p.val, Code: p.code, Reason: p.reason(), ReasonEN: p.reasonEN()}
}

var jsonColumns = map[pipeline.Field]string{
	pipeline.FieldProvince: "province", pipeline.FieldUnit: "unit", pipeline.FieldPeriod: "period",
	pipeline.FieldIndicator: "indicator", pipeline.FieldDisaggregation: "disaggregation",
	pipeline.FieldValue: "value", pipeline.FieldQualifier: "qualifier", pipeline.FieldSubmittedAt: "submitted_at",
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// jsonText renders a JSON scalar as the text a reader hands on; plain is
// set for numbers, which are in machine form. Objects and arrays are kept
// as written, so the validator can show and refuse them.
func jsonText(raw json.RawMessage) (s string, plain bool) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return "", false
	}
	switch t[0] {
	case '"':
		var str string
		if json.Unmarshal(t, &str) == nil {
			return norm.NFC.String(strings.TrimSpace(str)), false
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(t), true
	}
	return string(t), false
}

// jsonFileError explains a JSON syntax error with its line and column.
func jsonFileError(file string, data []byte, err error) *pipeline.FileError {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		off = se.Offset - 1
	case errors.As(err, &te):
		return notReport(file, fmt.Sprintf("%q là %s", te.Field, jsonKindVI[te.Value]), fmt.Sprintf("%q is %s", te.Field, jsonKindEN[te.Value]))
	}
	line, col := lineCol(data, off)
	if off < 0 {
		line, col = lineCol(data, int64(len(data)))
	}
	return &pipeline.FileError{File: file, Code: "malformed_json",
		Reason:   fmt.Sprintf("Tệp JSON sai cú pháp ở dòng %d, cột %d: %s.", line, col, jsonProblemVI(err)),
		ReasonEN: fmt.Sprintf("Malformed JSON at line %d, column %d: %v.", line, col, err)}
}

// jsonKindVI and jsonKindEN name the kinds of JSON value.
var (
	jsonKindVI = map[string]string{"array": "một mảng", "string": "một chuỗi", "number": "một số", "bool": "giá trị đúng/sai",
		"null": "null", "object": "một đối tượng", "not an array": "không phải một mảng"}
	jsonKindEN = map[string]string{"array": "an array", "string": "a string", "number": "a number", "bool": "a boolean",
		"null": "null", "object": "an object", "not an array": "not an array"}
)

// reJSONChar is the start of encoding/json's syntax errors.
var reJSONChar = regexp.MustCompile(`^invalid character ('.+?'|.+?) (.*)$`)

// jsonProblemVI says in Vietnamese what encoding/json's (English) error
// says.
func jsonProblemVI(err error) string {
	msg := err.Error()
	if m := reJSONChar.FindStringSubmatch(msg); m != nil {
		switch m[2] {
		case "looking for beginning of value":
			return "ký tự " + m[1] + " ở chỗ cần một giá trị"
		case "after object key":
			return "ký tự " + m[1] + " sau tên khóa (thiếu dấu hai chấm)"
		case "after object key:value pair":
			return "ký tự " + m[1] + " sau một cặp khóa – giá trị (thiếu dấu phẩy hoặc dấu đóng ngoặc })"
		case "after array element":
			return "ký tự " + m[1] + " sau một phần tử của mảng (thiếu dấu phẩy hoặc dấu đóng ngoặc ])"
		case "looking for beginning of object key string":
			return "ký tự " + m[1] + " ở chỗ cần tên khóa trong ngoặc kép (có dấu phẩy thừa?)"
		case "in string literal":
			return "ký tự " + m[1] + " không được có trong chuỗi"
		}
		return "ký tự " + m[1] + " không đúng chỗ"
	}
	switch {
	case strings.Contains(msg, "unexpected end of JSON input"), strings.Contains(msg, "unexpected EOF"):
		return "văn bản hết khi đối tượng chưa đóng"
	case strings.Contains(msg, "text after the object"):
		return "còn nội dung sau khi đối tượng đã đóng"
	}
	return "sai cú pháp"
}

// reportsIn is the reports of a JSON array (a form tool's export of its
// submissions): nil unless every element is an object with a "values"
// key.
func reportsIn(data []byte) [][]jsonField {
	if !json.Valid(data) { // jsonObjects reads no further than the array's last element
		return nil
	}
	reports, err := jsonObjects(data)
	if err != nil || len(reports) == 0 {
		return nil
	}
	for _, r := range reports {
		if !slices.ContainsFunc(r, func(f jsonField) bool { return f.key == "values" }) {
			return nil
		}
	}
	return reports
}

// rowsIn is the rows of a JSON array of a long table's rows, as an
// "export as JSON" writes records ([{"tinh": …, "chi_tieu": …, "gia_tri": …},
// …]): nil unless every element is an object with a value key (gia_tri,
// value) and none has "values".
func rowsIn(data []byte) [][]jsonField {
	if !json.Valid(data) {
		return nil
	}
	rows, err := jsonObjects(data)
	if err != nil || len(rows) == 0 {
		return nil
	}
	for _, r := range rows {
		if !slices.ContainsFunc(r, func(f jsonField) bool { return headerAliases[headerKey(f.key)] == pipeline.FieldValue }) ||
			slices.ContainsFunc(r, func(f jsonField) bool { return f.key == "values" }) {
			return nil
		}
	}
	return rows
}

// rowArray reads an array of rows as JSON Lines are read, each row named
// by its place ("[1]").
func rowArray(file string, objs [][]jsonField) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	var rows []pipeline.RawRow
	var rejects []pipeline.RowError
	for i, obj := range objs {
		raw, e := lineRow(file, fmt.Sprintf("[%d]", i), obj)
		if e != nil {
			rejects = append(rejects, *e)
			continue
		}
		rows = append(rows, raw)
	}
	return rows, rejects, nil, nil
}

func notReport(file, what, whatEN string) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: "not_a_report",
		Reason:   "Tệp JSON không phải một báo cáo {\"province\", \"unit\", \"period\", \"values\": [...]}: " + what + ".",
		ReasonEN: "The JSON file is not a report {\"province\", \"unit\", \"period\", \"values\": [...]}: " + whatEN + "."}
}

// lineCol turns a byte offset into a 1-based line and column (in runes).
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// JSONL reads JSON Lines held in memory: what jsonlRows streams, collected.
func JSONL(_ *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	rows, rejects, _, fe := jsonlIn(file, data, DefaultLimits())
	return rows, rejects, fe
}

func jsonlIn(file string, data []byte, lim Limits) ([]pipeline.RawRow, []pipeline.RowError, []pipeline.Warning, *pipeline.FileError) {
	return collectRows(jsonlRows, file, data, lim)
}

// jsonlRows streams JSON Lines: one long-table row per line, keyed by the
// column names of a long table, each sent to out.row with its line number as
// it is read, so a file of millions of lines is never held. A line that is
// not a JSON object, or gives a key twice, or one column under two names
// with different texts, is refused alone (out.reject). The file is refused
// whole when a line is longer than lim.LineBytes (line_too_long), when a
// line is not UTF-8, or when no line is JSON. An error from out.row stops the
// read and is returned.
func jsonlRows(file string, r io.Reader, lim Limits, out rowOut) (*pipeline.FileError, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return readError(file, err), nil
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		head = head[3:]
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		// UTF-16 with its mark, as Windows writes "Unicode" (fromUTF16).
		br = bufio.NewReaderSize(transform.NewReader(br, xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()), 64<<10)
		if head, err = br.Peek(sniffSize); err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return readError(file, err), nil
		}
	}
	switch h := trimPartialRune(head); {
	case !utf8.Valid(h):
		return badJSONEncoding(file), nil
	case isBinary(h):
		return binaryFile(file), nil
	}
	rows, rejected, bad := 0, 0, 0 // bad: lines that are not JSON objects
	var first pipeline.RowError    // the first refusal
	var long []byte
	blank := true // nothing but white space so far
	for n := 1; ; n++ {
		long = long[:0]
		var line []byte
		var rerr error
		for {
			b, err := br.ReadSlice('\n')
			if lim.LineBytes > 0 && len(long)+len(b) > lim.LineBytes+1 { // +1: the LF
				return lim.lineTooLong(file, n), nil
			}
			if err == bufio.ErrBufferFull {
				long = append(long, b...)
				continue
			}
			if len(long) > 0 {
				long = append(long, b...)
				b = long
			}
			line, rerr = b, err
			break
		}
		if rerr != nil && rerr != io.EOF {
			return readError(file, rerr), nil
		}
		if !utf8.Valid(line) {
			return badJSONEncoding(file), nil
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			blank = false
			raw, e, notJSON := jsonlLine(file, n, line)
			switch {
			case e != nil:
				if rejected == 0 {
					first = *e
				}
				rejected++
				if notJSON {
					bad++
				}
				out.reject(*e)
			default:
				rows++
				if err := out.row(n, &raw, nil); err != nil {
					return nil, err
				}
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	switch {
	case blank:
		return emptyFile(file), nil
	case rows == 0 && rejected == 0:
		return noValues(file, "không có dòng số liệu nào", "it has no rows"), nil
	case rows == 0 && bad > 0 && bad == rejected:
		return &pipeline.FileError{File: file, Code: "malformed_json",
			Reason:   fmt.Sprintf("Không dòng nào của tệp JSON Lines là JSON hợp lệ (%s: %s).", first.Ref, first.Reason),
			ReasonEN: fmt.Sprintf("No line of the JSON Lines file is valid JSON (%s: %s).", pipeline.RefEN(first.Ref), first.ReasonEN)}, nil
	}
	return nil, nil
}

// jsonlLine reads line n of a JSON Lines file (trimmed, not empty): its
// row, or its refusal (notJSON: the line is not a JSON object).
func jsonlLine(file string, n int, line []byte) (raw pipeline.RawRow, e *pipeline.RowError, notJSON bool) {
	ref := "dòng " + strconv.Itoa(n)
	obj, ok := validObject(line)
	var err error
	if !ok { // not an object, or not JSON: the decoder says what is wrong
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		obj, err = jsonObject(dec)
		if err == nil && dec.More() {
			err = errors.New("text after the object")
		}
	}
	if err != nil {
		shown := string(line)
		if len(shown) > 200 {
			shown = shown[:200] + "…"
		}
		return raw, &pipeline.RowError{File: file, Ref: ref, Column: "", Value: shown, Code: "bad_json_line",
			Reason:   fmt.Sprintf("Dòng này không phải một đối tượng JSON hợp lệ (%s); các dòng khác vẫn được nhận.", jsonProblemVI(err)),
			ReasonEN: fmt.Sprintf("This line is not a valid JSON object (%v); the other lines still load.", err)}, true
	}
	raw, e = lineRow(file, ref, obj)
	return raw, e, false
}

// lineRow is the row of a JSON Lines line's object, or of an element of an
// array of rows (rowsIn), named ref; or its refusal.
func lineRow(file, ref string, obj []jsonField) (raw pipeline.RawRow, e *pipeline.RowError) {
	if p := checkKeys(obj, lineField); p != nil {
		re := p.rowError(file, ref)
		return raw, &re
	}
	raw = pipeline.RawRow{Ref: ref, Origin: pipeline.FromForm, Columns: map[pipeline.Field]string{}}
	var note, extra []string
	sortFields(obj)
	for _, kv := range obj {
		k := kv.key
		s, plain := jsonText(kv.raw)
		f, ok := headerAliases[headerKey(k)]
		if !ok || f == fieldFormTool { // kept as a note, as a long table keeps it
			if s != "" {
				extra = append(extra, k+": "+s)
			}
			continue
		}
		raw.Columns[f] = k
		switch f {
		case pipeline.FieldProvince:
			raw.Province = s
		case pipeline.FieldUnit:
			raw.Unit = s
		case pipeline.FieldPeriod:
			raw.Period = s
		case pipeline.FieldIndicator:
			raw.Indicator = s
		case pipeline.FieldDisaggregation:
			raw.Disaggregation = s
		case pipeline.FieldValue:
			raw.Value, raw.Plain = s, plain
		case pipeline.FieldSubmittedAt:
			raw.SubmittedAt = s
		case pipeline.FieldQualifier:
			raw.Qualifier = s
		case fieldNote:
			note = append(note, s)
		}
	}
	raw.Note = joinNote(strings.Join(note, "; "), strings.Join(extra, "; "))
	return raw, nil
}

// lineField is the long-table column a key of a JSON Lines row gives; its
// notes are all kept.
func lineField(key string) (pipeline.Field, bool) {
	f, ok := headerAliases[headerKey(key)]
	return f, ok && f != fieldNote && f != fieldFormTool
}

// validObject reads the fields of line, in order, when line is one JSON
// object (json.Valid); ok is false otherwise, and jsonObject says what is
// wrong. It gives what jsonObject gives for a valid object (FuzzValidObject
// holds it to jsonObject), at a third of the CPU on JSON Lines: the
// streaming Decoder, to find the end of each value, scans the byte after
// it as the start of a second top-level value and makes an error of it,
// which is allocated and formatted for each field of each line (measured:
// 14% of the CPU of ingesting a 300,000-line file, and encoding/json's
// Decode another 28%).
func validObject(line []byte) (fields []jsonField, ok bool) {
	if !json.Valid(line) {
		return nil, false
	}
	i := jsonSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return nil, false
	}
	i = jsonSpace(line, i+1)
	if line[i] == '}' {
		return []jsonField{}, true
	}
	for {
		end := jsonValueEnd(line, i) // the key, a string
		var f jsonField
		if key := line[i+1 : end-1]; bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
			f.key = string(key)
		} else if err := json.Unmarshal(line[i:end], &f.key); err != nil {
			return nil, false
		}
		i = jsonSpace(line, end) // at the colon
		i = jsonSpace(line, i+1) // at the value
		end = jsonValueEnd(line, i)
		f.raw = append(json.RawMessage(nil), line[i:end]...)
		fields = append(fields, f)
		i = jsonSpace(line, end) // at a comma or the closing brace
		if line[i] == '}' {
			return fields, true
		}
		i = jsonSpace(line, i+1)
	}
}

// jsonSpace skips JSON white space from data[i].
func jsonSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd is where the value starting at data[i] ends, in valid JSON.
func jsonValueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		for i++; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(data)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = jsonValueEnd(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
