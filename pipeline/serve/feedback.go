package serve

// The feedback workbook: for one ingested file, an Excel workbook the
// province office can send back to the unit that sent the file, in
// Vietnamese (English with ?lang=en): what was accepted, every refused value
// with where it is, what it says, why it was refused and how to fix it, or,
// for a file that could not be read at all, why and what to do.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

// batchName is compiled when first used: its counted repetition makes a
// large program, ~0.5 ms of every danvan process's start when compiled
// at package initialisation.
var batchName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{16,128})\.xlsx$`) })

type fileRecord struct {
	SourceFile   string   `json:"source_file"`
	Batch        string   `json:"batch"`
	Status       string   `json:"status"`
	IngestedAt   string   `json:"ingested_at"`
	RowsAccepted int64    `json:"rows_accepted"`
	RowsRejected int64    `json:"rows_rejected"`
	Provinces    []string `json:"provinces"`
	Reason       string   `json:"reason"`
	ReasonEN     string   `json:"reason_en"`
	FixVI        string   `json:"fix_vi"`
	FixEN        string   `json:"fix_en"`
}

type refusalRecord struct {
	SourceFile string `json:"source_file"`
	Batch      string `json:"batch"`
	SourceRef  string `json:"source_ref"`
	Column     string `json:"column"`
	Value      string `json:"value"`
	Code       string `json:"code"`
	Reason     string `json:"reason"`
	ReasonEN   string `json:"reason_en"`
	FixVI      string `json:"fix_vi"`
	FixEN      string `json:"fix_en"`
	Unit       string `json:"unit"`
}

// feedback serves /download/feedback/<batch>.xlsx.
func (s *Server) feedback(w http.ResponseWriter, r *http.Request) {
	m := batchName().FindStringSubmatch(r.PathValue("file"))
	if m == nil {
		http.NotFound(w, r)
		return
	}
	batch := m[1]
	lang := "vi"
	if r.URL.Query().Get("lang") == "en" {
		lang = "en"
	}
	snap, err := s.data.pinned(r.URL.Query().Get("run"))
	if err != nil {
		s.snapshotError(w, err)
		return
	}
	var files []fileRecord
	var refusals []refusalRecord
	for name, v := range map[string]any{"files.json": &files, "refusals.json": &refusals} {
		f, err := s.data.read(snap, name)
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		if err == nil {
			err = json.Unmarshal(f.body, v)
		}
		if err != nil {
			s.log.Error("read snapshot file", "file", name, "err", err)
			httpError(w, http.StatusInternalServerError, "không đọc được dữ liệu / cannot read data")
			return
		}
	}
	var file *fileRecord
	for i := range files {
		if files[i].Batch == batch {
			file = &files[i]
		}
	}
	if file == nil {
		http.NotFound(w, r)
		return
	}
	var rows []refusalRecord
	for _, x := range refusals {
		if x.Batch == batch {
			rows = append(rows, x)
		}
	}
	body, err := feedbackWorkbook(*file, rows, lang)
	if err != nil {
		s.log.Error("write feedback workbook", "batch", batch, "err", err)
		httpError(w, http.StatusInternalServerError, "không tạo được tệp Excel / cannot write Excel file")
		return
	}
	name := strings.TrimSuffix(path.Base(file.SourceFile), path.Ext(file.SourceFile))
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
		asciiName("phan-hoi-"+name+".xlsx"), pathEscape(word{"phan-hoi-", "feedback-"}.in(lang)+name+".xlsx")))
	w.Write(body)
}

// The sheets and texts of the workbook.
var (
	fbSummary = word{"Tóm tắt", "Summary"}
	fbRows    = word{"Dòng bị từ chối", "Refused rows"}
	fbTitle   = word{"PHẢN HỒI VỀ TỆP BÁO CÁO ĐÃ GỬI", "FEEDBACK ON THE REPORT FILE SENT"}
	fbIntro   = word{
		"Các giá trị dưới đây không được nhận vào hệ thống. Các giá trị khác của tệp đã được nhận. Hãy sửa theo cột \"Cách sửa\" rồi gửi lại tệp; những giá trị đã nhận sẽ không bị tính hai lần.",
		"The values below were not accepted. The file's other values were. Correct them as the \"How to fix it\" column says and send the file again; values already accepted are not counted twice.",
	}
	fbQuarantine = word{
		"Tệp không đọc được nên không giá trị nào được nhận. Hãy sửa như hướng dẫn rồi gửi lại tệp.",
		"The file could not be read, so none of its values was accepted. Correct it as below and send it again.",
	}
	fbNone = word{"Không có giá trị nào bị từ chối.", "No value was refused."}
)

// feedbackWorkbook writes the workbook of one file: a summary sheet, and
// the refused rows with reasons and fixes.
func feedbackWorkbook(file fileRecord, rows []refusalRecord, lang string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sum := fbSummary.in(lang)
	if err := f.SetSheetName("Sheet1", sum); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#EEF1F4"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err != nil {
		return nil, err
	}
	status := codeWord("status", file.Status, lang)
	lines := [][2]any{
		{word{"Tệp", "File"}.in(lang), file.SourceFile},
		{word{"Tình trạng", "Status"}.in(lang), status},
		{word{"Thời điểm nạp", "Ingested at"}.in(lang), formatInstant(file.IngestedAt, lang)},
		{word{"Giá trị được nhận", "Values accepted"}.in(lang), float64(file.RowsAccepted)},
		{word{"Giá trị bị từ chối", "Values refused"}.in(lang), float64(file.RowsRejected)},
		{word{"Mã tệp (SHA-256)", "File hash (SHA-256)"}.in(lang), file.Batch},
	}
	if err := f.SetCellValue(sum, "A1", fbTitle.in(lang)); err != nil {
		return nil, err
	}
	f.SetCellStyle(sum, "A1", "A1", title)
	for i, l := range lines {
		r := i + 3
		f.SetCellValue(sum, fmt.Sprintf("A%d", r), l[0])
		f.SetCellStyle(sum, fmt.Sprintf("A%d", r), fmt.Sprintf("A%d", r), bold)
		f.SetCellValue(sum, fmt.Sprintf("B%d", r), l[1])
		if _, ok := l[1].(float64); ok {
			f.SetCellStyle(sum, fmt.Sprintf("B%d", r), fmt.Sprintf("B%d", r), whole)
		}
	}
	next := len(lines) + 4
	note := fbIntro.in(lang)
	if file.Status == "quarantined" {
		note = fbQuarantine.in(lang)
	} else if len(rows) == 0 {
		note = fbNone.in(lang)
	}
	f.SetCellValue(sum, fmt.Sprintf("A%d", next), note)
	f.MergeCell(sum, fmt.Sprintf("A%d", next), fmt.Sprintf("B%d", next))
	f.SetCellStyle(sum, fmt.Sprintf("A%d", next), fmt.Sprintf("B%d", next), wrap)
	f.SetRowHeight(sum, next, 48)
	if file.Status == "quarantined" {
		reason, fix := file.Reason, file.FixVI
		if lang == "en" {
			reason, fix = file.ReasonEN, file.FixEN
		}
		for i, l := range [][2]string{{word{"Lý do", "Reason"}.in(lang), reason}, {word{"Cách sửa", "How to fix it"}.in(lang), fix}} {
			r := next + 2 + i
			f.SetCellValue(sum, fmt.Sprintf("A%d", r), l[0])
			f.SetCellStyle(sum, fmt.Sprintf("A%d", r), fmt.Sprintf("A%d", r), bold)
			f.SetCellValue(sum, fmt.Sprintf("B%d", r), l[1])
			f.SetCellStyle(sum, fmt.Sprintf("B%d", r), fmt.Sprintf("B%d", r), wrap)
			f.SetRowHeight(sum, r, 45)
		}
	}
	f.SetColWidth(sum, "A", "A", 24)
	f.SetColWidth(sum, "B", "B", 90)

	sheet := fbRows.in(lang)
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, err
	}
	cols := []struct {
		head  word
		width float64
		get   func(x refusalRecord) string
	}{
		{word{"Vị trí trong tệp", "Place in the file"}, 16, func(x refusalRecord) string { return x.SourceRef }},
		{word{"Cột", "Column"}, 18, func(x refusalRecord) string { return x.Column }},
		{word{"Giá trị đã ghi", "Value as written"}, 18, func(x refusalRecord) string { return x.Value }},
		{word{"Lý do", "Reason"}, 60, func(x refusalRecord) string {
			if lang == "en" {
				return x.ReasonEN
			}
			return x.Reason
		}},
		{word{"Cách sửa", "How to fix it"}, 50, func(x refusalRecord) string {
			if lang == "en" {
				return x.FixEN
			}
			return x.FixVI
		}},
		{word{"Đơn vị", "Unit"}, 18, func(x refusalRecord) string { return x.Unit }},
		{word{"Mã lỗi", "Kind of problem"}, 22, func(x refusalRecord) string { return x.Code }},
	}
	for j, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		f.SetCellValue(sheet, cell, c.head.in(lang))
		f.SetCellStyle(sheet, cell, cell, head)
		name, _ := excelize.ColumnNumberToName(j + 1)
		f.SetColWidth(sheet, name, name, c.width)
	}
	for i, x := range rows {
		for j, c := range cols {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			// Set as text, never as a formula: a refused value may well
			// start with "=".
			f.SetCellStr(sheet, cell, c.get(x))
			f.SetCellStyle(sheet, cell, cell, wrap)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(cols), len(rows)+1)
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return nil, err
		}
	}
	if len(rows) > 0 {
		idx, _ := f.GetSheetIndex(sheet)
		f.SetActiveSheet(idx)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// asciiName is a file name for the plain filename= of Content-Disposition:
// the letters without their marks (đ as d), anything else as "-".
func asciiName(s string) string {
	s = pipeline.Fold(s)
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// pathEscape percent-encodes s for filename*= (RFC 8187).
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 128 && (c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
