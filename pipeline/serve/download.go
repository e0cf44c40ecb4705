package serve

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

// columns of each downloadable output, in the order of the JSON contract;
// keys a newer contract adds come after them, sorted.
var columns = map[string][]string{}

func init() {
	for _, o := range append([]layout.Output{layout.Sources}, layout.Outputs...) {
		columns[o.Name] = o.Columns
	}
}

// table is an output flattened for download: every cell a string or a number.
type table struct {
	name string
	cols []string
	rows [][]any // string, float64 or nil
}

// download serves /download/<output>.csv and .xlsx, e.g.
// /download/province_year.xlsx?year=2024&indicator=dialogues or
// /download/sources-42-2024.csv. Query keys that name a column filter rows
// (several values of one key: any of them); other keys are ignored.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	base, ext, _ := strings.Cut(file, ".")
	if ext != "csv" && ext != "xlsx" {
		http.NotFound(w, r)
		return
	}
	output, jsonName := base, base+".json" // the file of layout.Output base
	if rest, ok := strings.CutPrefix(base, "sources-"); ok {
		output, jsonName = layout.Sources.Name, layout.SourcesDir+"/"+rest+".json"
		if !sourceName.MatchString(rest + ".json") {
			http.NotFound(w, r)
			return
		}
	}
	if _, ok := columns[output]; !ok {
		http.NotFound(w, r)
		return
	}
	snap, err := s.data.pinned(r.URL.Query().Get("run"))
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
	t, err := flatten(output, f.body, r.URL.Query())
	if err != nil {
		s.log.Error("flatten output for download", "file", jsonName, "err", err)
		httpError(w, http.StatusInternalServerError, "dữ liệu không đúng định dạng / malformed data")
		return
	}
	t.name = base
	etag := `W/"` + snap.runID + `"`
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var body []byte
	if ext == "csv" {
		body = t.csv()
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

// flatten decodes a JSON array of objects into a table, keeping the rows
// that pass the filters in q.
func flatten(output string, data []byte, q map[string][]string) (*table, error) {
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(data, &objs); err != nil {
		return nil, err
	}
	cols := slices.Clone(columns[output])
	var extra []string
	for _, o := range objs {
		for k := range o {
			if !slices.Contains(cols, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	slices.Sort(extra)
	cols = append(cols, extra...)
	t := &table{cols: cols}
	for _, o := range objs {
		row := make([]any, len(cols))
		keep := true
		for i, c := range cols {
			row[i] = cell(o[c])
			if want, ok := q[c]; ok && !slices.Contains(want, text(row[i])) {
				keep = false
				break
			}
		}
		if keep {
			t.rows = append(t.rows, row)
		}
	}
	return t, nil
}

// cell turns a JSON value into a string, a number or nil. Lists join with
// "; ", objects of a list show their unit name (completeness.missing).
func cell(raw json.RawMessage) any {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return scalar(v)
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
			parts = append(parts, text(scalar(e)))
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

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// csv writes UTF-8 with a byte order mark, which Excel needs to read
// Vietnamese letters right. Text cells and column names that a spreadsheet
// would take for a formula are neutralised (pipeline.SpreadsheetText);
// numbers are written as they are.
func (t *table) csv() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	rec := make([]string, len(t.cols))
	for i, c := range t.cols {
		rec[i] = pipeline.SpreadsheetText(c)
	}
	cw.Write(rec)
	for _, row := range t.rows {
		for i, v := range row {
			if s, ok := v.(string); ok {
				rec[i] = pipeline.SpreadsheetText(s)
			} else {
				rec[i] = text(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return buf.Bytes()
}

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
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
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
	for i, row := range t.rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, row); err != nil {
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
