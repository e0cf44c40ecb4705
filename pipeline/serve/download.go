package serve

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// columns of each downloadable output, in the order of the JSON contract;
// keys a newer contract adds come after them, sorted.
var columns = map[string][]string{}

func init() {
	for _, o := range append([]layout.Output{layout.Sources}, layout.Outputs...) {
		columns[o.Name] = o.Columns
	}
}

// table is an output flattened for download: every cell a string, a number
// or nil.
type table struct {
	name string
	cols []string
	rows [][]any // string, float64 or nil
}

// download serves /download/<output>.csv and .xlsx, e.g.
// /download/province_year.xlsx?year=2024&indicator=dialogues,
// /download/sources-42-2024.csv or /download/sources/42-2024.csv. Query keys
// that name a column filter rows (several values of one key: any of them);
// lang=en and format=machine choose the form; other keys are ignored.
//
// A download is for people unless format=machine: Vietnamese headers
// (English with lang=en), names beside codes, the unit in the header, words
// for codes; a CSV in UTF-8 with a byte order mark and, in Vietnamese, ";"
// between cells and a decimal comma, so Excel set to Vietnamese opens it
// right. format=machine gives the JSON's own keys and values, "," and ".".
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if strings.HasPrefix(r.URL.Path, "/download/sources/") {
		file = "sources-" + file
	}
	base, ext, _ := strings.Cut(file, ".")
	if ext != "csv" && ext != "xlsx" {
		http.NotFound(w, r)
		return
	}
	output, jsonName := base, base+".json" // the file of layout.Output base
	sourcesOf := ""
	if rest, ok := strings.CutPrefix(base, "sources-"); ok {
		output, jsonName = layout.Sources.Name, layout.SourcesDir+"/"+rest+".json"
		if !sourceName.MatchString(rest + ".json") {
			http.NotFound(w, r)
			return
		}
		sourcesOf = rest
	}
	if _, ok := columns[output]; !ok {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	snap, err := s.data.pinned(q.Get("run"))
	if err != nil {
		s.snapshotError(w, err)
		return
	}
	f, err := s.data.read(snap, jsonName)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Error("read snapshot file", "file", jsonName, "err", err)
		httpError(w, http.StatusInternalServerError, "không đọc được dữ liệu / cannot read data")
		return
	}
	objs, keys, err := decodeRows(output, f.body, q)
	if err != nil {
		s.log.Error("flatten output for download", "file", jsonName, "err", err)
		httpError(w, http.StatusInternalServerError, "dữ liệu không đúng định dạng / malformed data")
		return
	}
	lang := "vi"
	if q.Get("lang") == "en" {
		lang = "en"
	}
	machine := q.Get("format") == "machine"
	var t *table
	if machine {
		t = machineTable(objs, keys)
	} else {
		x, err := s.lookups(snap, lang)
		if err != nil {
			s.log.Error("read names for download", "err", err)
			httpError(w, http.StatusInternalServerError, "không đọc được dữ liệu / cannot read data")
			return
		}
		if sourcesOf != "" {
			x.province, _, _ = strings.Cut(sourcesOf, "-")
		}
		t = peopleTable(output, objs, x)
	}
	t.name = base
	etag := `W/"` + snap.runID + "-" + lang + strconv.FormatBool(machine) + `"`
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var body []byte
	if ext == "csv" {
		if machine || lang == "en" {
			body = t.csv(',', '.')
		} else {
			body = t.csv(';', ',')
		}
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		if body, err = t.xlsx(); err != nil {
			s.log.Error("write xlsx", "file", file, "err", err)
			httpError(w, http.StatusInternalServerError, "không tạo được tệp Excel / cannot write Excel file")
			return
		}
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="danvan-%s.%s"`, base, ext))
	w.Write(body)
}

// decodeRows decodes a JSON array of objects, keeping the rows that pass the
// filters in q, and returns them with every key they use: the output's
// columns in contract order, then any other key, sorted.
func decodeRows(output string, data []byte, q map[string][]string) ([]map[string]any, []string, error) {
	var objs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&objs); err != nil {
		return nil, nil, err
	}
	keys := slices.Clone(columns[output])
	var extra []string
	for _, o := range objs {
		for k := range o {
			if !slices.Contains(keys, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	kept := objs[:0]
	for _, o := range objs {
		keep := true
		for _, k := range keys {
			if want, ok := q[k]; ok && !slices.Contains(want, pipeline.CellText(scalar(o[k]))) {
				keep = false
				break
			}
		}
		if keep {
			kept = append(kept, o)
		}
	}
	return kept, keys, nil
}

// flatten is decodeRows into a machine table (tests and the JSON's own form).
func flatten(output string, data []byte, q map[string][]string) (*table, error) {
	objs, keys, err := decodeRows(output, data, q)
	if err != nil {
		return nil, err
	}
	return machineTable(objs, keys), nil
}

// machineTable is the rows as the JSON has them: its keys, its values.
func machineTable(objs []map[string]any, keys []string) *table {
	t := &table{cols: keys}
	for _, o := range objs {
		row := make([]any, len(keys))
		for i, k := range keys {
			row[i] = scalar(o[k])
		}
		t.rows = append(t.rows, row)
	}
	return t
}

func scalar(v any) any {
	switch x := v.(type) {
	case nil, string, float64:
		return x
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, pipeline.CellText(scalar(e)))
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		if n, ok := x["unit_name"].(string); ok {
			if c, ok := x["unit_code"].(string); ok {
				return n + " (" + c + ")"
			}
			return n
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// csv writes UTF-8 with a byte order mark, which Excel needs to read
// Vietnamese letters right, with sep between cells and dec as the decimal
// mark of numbers. Text cells and column names that a spreadsheet would
// take for a formula are neutralised (pipeline.SpreadsheetText); numbers
// are written as they are.
func (t *table) csv(sep, dec rune) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = sep
	rec := make([]string, len(t.cols))
	for i, c := range t.cols {
		rec[i] = pipeline.SpreadsheetText(c)
	}
	cw.Write(rec)
	for _, row := range t.rows {
		for i, v := range row {
			switch x := v.(type) {
			case string:
				rec[i] = pipeline.SpreadsheetText(x)
			case float64:
				rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
				if dec != '.' {
					rec[i] = strings.Replace(rec[i], ".", string(dec), 1)
				}
			default:
				rec[i] = pipeline.CellText(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return buf.Bytes()
}

// xlsx writes one sheet: a bold header row kept in view,
// numbers as numbers with thousands separators (whole numbers without
// decimals), text as text (a spreadsheet never runs a text cell of an XLSX
// file as a formula).
func (t *table) xlsx() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.name
	if len(sheet) > 31 {
		sheet = sheet[:31]
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, err
	}
	frac := "#,##0.0###"
	decimal, err := f.NewStyle(&excelize.Style{CustomNumFmt: &frac})
	if err != nil {
		return nil, err
	}
	for i, c := range t.cols {
		width := math.Min(math.Max(float64(len([]rune(c)))*0.9, 10), 40)
		for _, row := range t.rows[:min(len(t.rows), 200)] {
			if s, ok := row[i].(string); ok {
				width = math.Max(width, math.Min(float64(len([]rune(s)))*1.05, 60))
			}
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	head := make([]any, len(t.cols))
	for i, c := range t.cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	cells := make([]any, len(t.cols))
	for i, row := range t.rows {
		for j, v := range row {
			if x, ok := v.(float64); ok {
				style := decimal
				if x == math.Trunc(x) && math.Abs(x) < 1e15 {
					style = whole
				}
				cells[j] = excelize.Cell{StyleID: style, Value: x}
			} else {
				cells[j] = v
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, cells); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
