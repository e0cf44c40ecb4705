package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

// jsonReport is a report as a web form sends it (formats.md section 3). A
// value may name its own unit or period, overriding the report's.
type jsonReport struct {
	Province    json.RawMessage `json:"province"`
	Unit        json.RawMessage `json:"unit"`
	Period      json.RawMessage `json:"period"`
	SubmittedAt json.RawMessage `json:"submitted_at"`
	Values      []map[string]json.RawMessage
}

// JSON reads a JSON report.
func JSON(_ *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, emptyFile(file)
	}
	if !utf8.Valid(data) {
		return nil, nil, badEncoding(file)
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, nil, jsonFileError(file, data, err)
	}
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
		next := off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], " \t\r\n")))
		line, col := lineCol(data, next)
		return nil, nil, fileError(file, "malformed_json",
			"Tệp JSON sai cú pháp ở dòng %d, cột %d: còn nội dung sau khi báo cáo đã kết thúc.",
			"Malformed JSON at line %d, column %d: text after the end of the report.", line, col)
	}
	if top == nil {
		return nil, nil, notReport(file, "null")
	}
	var rep jsonReport
	for k, v := range top {
		switch strings.ToLower(k) {
		case "province", "tinh":
			rep.Province = v
		case "unit", "don_vi":
			rep.Unit = v
		case "period", "ky_bao_cao":
			rep.Period = v
		case "submitted_at", "ngay_gui":
			rep.SubmittedAt = v
		case "values":
			if err := decodeNumbers(v, &rep.Values); err != nil {
				return nil, nil, notReport(file, `"values" phải là một mảng các đối tượng / must be an array of objects`)
			}
		}
	}
	if rep.Values == nil {
		return nil, nil, notReport(file, `thiếu "values" / no "values"`)
	}
	if len(rep.Values) == 0 {
		return nil, nil, fileError(file, "empty_file", "Báo cáo không có giá trị nào (\"values\" rỗng).", "The report has no values (\"values\" is empty).")
	}
	var rows []pipeline.RawRow
	for i, v := range rep.Values {
		raw := pipeline.RawRow{Ref: fmt.Sprintf("values[%d]", i), Origin: pipeline.FromForm, Columns: jsonColumns}
		raw.Province, _ = jsonText(rep.Province)
		raw.Unit, _ = jsonText(rep.Unit)
		raw.Period, _ = jsonText(rep.Period)
		raw.SubmittedAt, _ = jsonText(rep.SubmittedAt)
		var extra []string
		for _, k := range sortedKeys(v) {
			s, plain := jsonText(v[k])
			switch strings.ToLower(k) {
			case "indicator", "chi_tieu":
				raw.Indicator = s
			case "disaggregation", "phan_to":
				raw.Disaggregation = s
			case "value", "gia_tri":
				raw.Value, raw.Plain = s, plain
			case "qualifier":
				raw.Qualifier = s
			case "note", "ghi_chu":
				raw.Note = joinNote(s, raw.Note)
			case "unit", "don_vi":
				raw.Unit = s
			case "period", "ky_bao_cao":
				raw.Period = s
			case "province", "tinh":
				raw.Province = s
			default:
				if s != "" {
					extra = append(extra, k+": "+s)
				}
			}
		}
		raw.Note = joinNote(raw.Note, strings.Join(extra, "; "))
		rows = append(rows, raw)
	}
	return rows, nil, nil
}

var jsonColumns = map[pipeline.Field]string{
	pipeline.FieldProvince: "province", pipeline.FieldUnit: "unit", pipeline.FieldPeriod: "period",
	pipeline.FieldIndicator: "indicator", pipeline.FieldDisaggregation: "disaggregation",
	pipeline.FieldValue: "value", pipeline.FieldQualifier: "qualifier", pipeline.FieldSubmittedAt: "submitted_at",
}

func decodeNumbers(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
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

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
		return notReport(file, fmt.Sprintf("%s là %s / %s is a %s", te.Field, te.Value, te.Field, te.Value))
	}
	line, col := lineCol(data, off)
	if off < 0 {
		line, col = lineCol(data, int64(len(data)))
	}
	return fileError(file, "malformed_json",
		"Tệp JSON sai cú pháp ở dòng %d, cột %d: %v.", "Malformed JSON at line %d, column %d: %v.", line, col, err)
}

func notReport(file, what string) *pipeline.FileError {
	return fileError(file, "not_a_report",
		"Tệp JSON không phải một báo cáo {\"province\", \"unit\", \"period\", \"values\": [...]}: %s.",
		"The JSON file is not a report {\"province\", \"unit\", \"period\", \"values\": [...]}: %s.", what)
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

// JSONL reads JSON Lines: one long-table row per line, keyed by the column
// names of a long table. A line that is not a JSON object is refused alone.
func JSONL(_ *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, emptyFile(file)
	}
	if !utf8.Valid(data) {
		return nil, nil, badEncoding(file)
	}
	if isBinary(data[:min(len(data), sniffSize)]) {
		return nil, nil, binaryFile(file)
	}
	var rows []pipeline.RawRow
	var rejects []pipeline.RowError
	for n, rest := 1, data; len(rest) > 0; n++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		ref := "dòng " + strconv.Itoa(n)
		var obj map[string]json.RawMessage
		err := decodeNumbers(line, &obj)
		if err == nil && obj == nil {
			err = errors.New("null")
		}
		if err != nil {
			shown := string(line)
			if len(shown) > 200 {
				shown = shown[:200] + "…"
			}
			rejects = append(rejects, pipeline.RowError{File: file, Ref: ref, Column: "", Value: shown, Code: "bad_json_line",
				Reason:   fmt.Sprintf("Dòng này không phải một đối tượng JSON hợp lệ (%v); các dòng khác vẫn được nhận.", err),
				ReasonEN: fmt.Sprintf("This line is not a valid JSON object (%v); the other lines still load.", err)})
			continue
		}
		raw := pipeline.RawRow{Ref: ref, Origin: pipeline.FromForm, Columns: map[pipeline.Field]string{}}
		var note, extra []string
		for _, k := range sortedKeys(obj) {
			s, plain := jsonText(obj[k])
			f, ok := headerAliases[headerKey(k)]
			if !ok {
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
		rows = append(rows, raw)
	}
	if len(rows) == 0 && len(rejects) > 0 {
		return nil, nil, fileError(file, "malformed_json",
			"Không dòng nào của tệp JSON Lines là JSON hợp lệ (%s: %s).", "No line of the JSON Lines file is valid JSON (%s: %s).",
			rejects[0].Ref, rejects[0].ReasonEN)
	}
	return rows, rejects, nil
}
