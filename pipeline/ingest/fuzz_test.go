package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/xuri/excelize/v2"
)

// accountFor checks the invariants every reader keeps: each row has its own
// Ref, and validation accounts for every row: a record or a refusal, except
// a form total that checked out.
func accountFor(t *testing.T, v *pipeline.Validator, file string, rows []pipeline.RawRow, fe *pipeline.FileError) {
	t.Helper()
	if fe != nil {
		if len(rows) != 0 || fe.Code == "" || fe.Reason == "" || fe.File != file {
			t.Fatalf("file error %+v with %d rows", fe, len(rows))
		}
		return
	}
	refs := map[string]bool{}
	details := 0
	for _, r := range rows {
		if r.Ref == "" || refs[r.Ref] {
			t.Fatalf("Ref %q empty or repeated", r.Ref)
		}
		refs[r.Ref] = true
		if !r.Total {
			details++
		}
	}
	recs, errs, _ := v.File(file, rows)
	refused := 0
	total := map[string]bool{}
	for _, r := range rows {
		total[r.Ref] = r.Total
	}
	// A refusal names a row's place, or the place of a text the row quotes
	// (a form's unit cell, its header).
	places := map[string]bool{}
	for _, r := range rows {
		places[r.Ref] = true
		for _, c := range r.Cells {
			places[c] = true
		}
		if r.HeaderCell != "" { // a form's indicator and breakdown are refused at their header cell (RawRow.cell)
			places[r.HeaderCell] = true
		}
	}
	for _, e := range errs {
		if !places[e.Ref] {
			t.Fatalf("refusal at unknown place %q", e.Ref)
		}
		if !total[e.Ref] {
			refused++
		}
	}
	if len(recs)+refused != details {
		t.Fatalf("%d rows, %d records + %d refusals", details, len(recs), refused)
	}
}

func seeds(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzCSV holds the CSV reader to encoding/csv with LazyQuotes, an
// independent reader of the same grammar (see csvOracle), and checks that
// the rows it reads and the rows it refuses are each on their own line.
// (Validation of what it reads is FuzzRead's; the streaming path is held
// to the in-memory one by TestBadInputs.)
func FuzzCSV(f *testing.F) {
	seeds(f, "testdata/*/input.csv")
	seeds(f, "testdata/*/input.tsv")
	f.Add([]byte(header + good + "\"Hà Tĩnh\",\"a\"\"b\nc\",2023,dialogues,,3\n"))
	f.Add(tcvn3CSV)
	f.Add(vniCSV)
	f.Add([]byte("sep=;\r\ntinh;don_vi;ky_bao_cao;chi_tieu;gia_tri\r\nHà Tĩnh;Thạch Hà;2023;dialogues;\"1,5\"\r\n"))
	f.Add([]byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri,ghi_chu\nH\xb5 T\xdcNH,C\xc8M XUY\xaaN,2023,dialogues,12,B\xb8O C\xb8O \"hay\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		csvOracle(t, data)
		rows, rejects, fe := CSV(nil, "f.csv", data)
		if fe != nil {
			if len(rows)+len(rejects) != 0 || fe.Code == "" || fe.Reason == "" || fe.ReasonEN == "" || fe.File != "f.csv" {
				t.Fatalf("file error %+v with %d rows, %d refused", fe, len(rows), len(rejects))
			}
			return
		}
		refs := map[string]bool{}
		for _, r := range rows {
			if r.Ref == "" || refs[r.Ref] {
				t.Fatalf("Ref %q empty or repeated", r.Ref)
			}
			refs[r.Ref] = true
		}
		for _, r := range rejects {
			if r.Code != "unclosed_quote" && r.Code != "extra_cells" || r.Reason == "" || r.ReasonEN == "" || r.File != "f.csv" || refs[r.Ref] {
				t.Fatalf("reader refusal %+v (Ref also read or refused: %v)", r, refs[r.Ref])
			}
			refs[r.Ref] = true
		}
	})
}

// csvOracle compares the scanner's records with encoding/csv's on the same
// text: the bytes decoded as the scanner decodes them (encoding is not the
// grammar), with the scanner's separator, LazyQuotes, TrimLeadingSpace
// unless the separator is a tab, and lone CRs made LFs (encoding/csv ends
// lines at LF and CRLF only). Cells are compared without surrounding white
// space, which the reader drops, and records with no text are left out, as
// the reader skips them; each record must start on the same line.
//
// Where the scanner refuses a record for a quote not closed right, the
// oracle must read, on the line named, a quoted cell that proves it: one
// that runs to the end of the file, or over a line end with a stray quote
// in it, or past quoteLimit. The lines of each refused record are then
// blanked in the oracle's text, and everything else must agree.
func csvOracle(t *testing.T, data []byte) {
	s, fe := newCSVScanner("f.csv", bytes.NewReader(data))
	if fe != nil {
		return // refused before any CSV is read: encoding, binary, empty
	}
	dec, _, _ := openText("f.csv", bytes.NewReader(data))
	text, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range text {
		if c == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			text[i] = '\n'
		}
	}
	if _, n := sepLine(text); n > 0 {
		// Excel's "sep=;" line names the separator and is no record: the
		// oracle reads it blank, on its line.
		for i := range n - 1 {
			text[i] = ' '
		}
	}
	type record struct {
		line  int
		cells []string
	}
	type refusal struct {
		start int
		bad   *brokenQuote
	}
	var ours []record
	var refused []refusal
	for {
		line, bad, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if bad != nil {
			refused = append(refused, refusal{line, bad})
			continue
		}
		r := record{line: line}
		blank := true
		for _, f := range s.fields {
			c := strings.TrimSpace(string(f))
			r.cells = append(r.cells, c)
			blank = blank && c == ""
		}
		if !blank {
			ours = append(ours, r)
		}
	}
	read := func(text []byte) []record {
		cr := csv.NewReader(bytes.NewReader(text))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord, cr.TrimLeadingSpace = rune(s.delim), true, -1, s.delim != '\t'
		var out []record
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("encoding/csv: %v", err)
			}
			line, _ := cr.FieldPos(0)
			r := record{line: line}
			blank := true
			for _, c := range rec {
				c = strings.TrimSpace(c)
				r.cells = append(r.cells, c)
				blank = blank && c == ""
			}
			if !blank {
				out = append(out, r)
			}
		}
	}
	lines := bytes.SplitAfter(text, []byte{'\n'})
	joined := func() []byte { return bytes.Join(lines, nil) }
	for _, r := range refused {
		justifyRefusal(t, joined(), r.start, r.bad, s.delim, s.delim != '\t')
		for l := r.start; l <= r.bad.line; l++ {
			if bytes.HasSuffix(lines[l-1], []byte{'\n'}) {
				lines[l-1] = []byte{'\n'}
			} else {
				lines[l-1] = nil
			}
		}
	}
	want := read(joined())
	if !reflect.DeepEqual(ours, want) {
		t.Fatalf("separator %q, refused %d\nscanner:      %+v\nencoding/csv: %+v", s.delim, len(refused), ours, want)
	}
}

// justifyRefusal checks, with encoding/csv (LazyQuotes) on text, that the
// record starting on line start has a quoted cell in column bad.col opening
// on line bad.line that could not be closed as the scanner says.
func justifyRefusal(t *testing.T, text []byte, start int, bad *brokenQuote, delim byte, trim bool) {
	t.Helper()
	read := func(text []byte) ([][]string, [][][2]int) {
		cr := csv.NewReader(bytes.NewReader(text))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord, cr.TrimLeadingSpace = rune(delim), true, -1, trim
		var recs [][]string
		var pos [][][2]int
		for {
			rec, err := cr.Read()
			if err != nil {
				return recs, pos
			}
			p := make([][2]int, len(rec))
			for i := range rec {
				p[i][0], p[i][1] = cr.FieldPos(i)
			}
			recs, pos = append(recs, rec), append(pos, p)
		}
	}
	recs, pos := read(text)
	lineStart := func(line int) int {
		off := 0
		for l := 1; l < line; l++ {
			off += bytes.IndexByte(text[off:], '\n') + 1
		}
		return off
	}
	for i := range recs {
		if pos[i][0][0] != start {
			continue
		}
		if bad.col >= len(recs[i]) || pos[i][bad.col][0] != bad.line {
			t.Fatalf("refused line %d: encoding/csv has no cell %d on line %d: %q %v", start, bad.col, bad.line, recs[i], pos[i])
		}
		from := lineStart(bad.line) + pos[i][bad.col][1] - 1
		if text[from] != '"' {
			t.Fatalf("refused line %d: cell %d does not start with a quote: %q", start, bad.col, text[from:])
		}
		cell := recs[i][bad.col]
		switch bad.kind {
		case quoteEOF:
			// Unclosed at the end: a quote and a line end added close it
			// and change nothing else.
			more, _ := read(append(append([]byte{}, text...), '"', '\n'))
			if i != len(recs)-1 || bad.col != len(recs[i])-1 || !reflect.DeepEqual(more, recs) {
				t.Fatalf("refused line %d as unclosed, but encoding/csv closes it: %q", start, recs[i:])
			}
		case quoteLong:
			if len(cell) <= quoteLimit || !strings.Contains(cell, "\n") {
				t.Fatalf("refused line %d as too long: %d bytes", start, len(cell))
			}
		case quoteStray:
			if !strings.Contains(cell, "\n") {
				t.Fatalf("refused line %d for a stray quote, but the cell %q ends on its line", start, cell)
			}
			// The raw cell up to where encoding/csv's next cell or record
			// starts (or the end) holds a quote that is neither doubled
			// nor the closing one.
			end := len(text)
			if bad.col+1 < len(pos[i]) {
				end = lineStart(pos[i][bad.col+1][0]) + pos[i][bad.col+1][1] - 1
			} else if i+1 < len(recs) {
				end = lineStart(pos[i+1][0][0])
			}
			raw, stray := text[from+1:end], false
			for j := 0; j < len(raw); j++ {
				if raw[j] != '"' {
					continue
				}
				if j+1 < len(raw) && raw[j+1] == '"' {
					j++
					continue
				}
				if j+1 == len(raw) || raw[j+1] == delim || raw[j+1] == '\n' {
					break
				}
				stray = true
				break
			}
			if !stray {
				t.Fatalf("refused line %d for a stray quote, but its cell has none: %q", start, raw)
			}
		}
		return
	}
	t.Fatalf("refused line %d, but encoding/csv starts no record there: %v", start, pos)
}

// distinctRefusals: a reader's own refusals have one of codes, both
// languages, and a Ref of their own.
func distinctRefusals(t *testing.T, rows []pipeline.RawRow, rejects []pipeline.RowError, codes ...string) {
	t.Helper()
	refs := map[string]bool{}
	for _, r := range rows {
		refs[r.Ref] = true
	}
	for _, r := range rejects {
		if !slices.Contains(codes, r.Code) || r.Reason == "" || r.ReasonEN == "" || refs[r.Ref] {
			t.Fatalf("reader refusal %+v (Ref also read or refused: %v)", r, refs[r.Ref])
		}
		refs[r.Ref] = true
	}
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"province":"Hà Tĩnh","unit":"A","don_vi":"B","values":[{"indicator":"dialogues","value":1,"value":2}]}`))
	seeds(f, "testdata/*/input.json")
	f.Add([]byte(`{"province":"Hà Tĩnh","values":[{"indicator":"dialogues","value":1e400}]}`))
	f.Add([]byte(`[1,2]`))
	// An array of reports, as a form tool exports its submissions: one
	// good, one without values, one with a key given twice.
	f.Add([]byte(`[{"province":"Hà Tĩnh","unit":"Thạch Hà","period":"2023","values":[{"indicator":"dialogues","value":3}]},` +
		`{"unit":"Can Lộc","values":[]},{"unit":"A","unit":"B","values":[{"value":1}]}]`))
	// An array of rows, as an "export as JSON" writes records.
	f.Add([]byte(`[{"tinh":"Hà Tĩnh","don_vi":"Thạch Hà","ky_bao_cao":"2023","chi_tieu":"dialogues","gia_tri":3},{"gia_tri":"ba","gia_tri":1}]`))
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rejects, fe := JSON(in.opts.Reference, "f.json", data)
		accountFor(t, v, "f.json", rows, fe)
		// A report of an array is refused alone for what refuses a file
		// of one report.
		distinctRefusals(t, rows, rejects, "duplicate_key", "conflicting_keys", "no_values", "not_a_report", "nested_report_keys")
	})
}

func FuzzJSONL(f *testing.F) {
	seeds(f, "testdata/*/input.jsonl")
	f.Add([]byte("{}\n[]\nnull\n{\"gia_tri\": {\"a\": 1}}\n"))
	f.Add([]byte("{\"gia_tri\": 1, \"value\": 2}\n{\"x\": 1, \"x\": 1}\n{\"tinh\": \"A\"} {}\n"))
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rejects, fe := JSONL(in.opts.Reference, "f.jsonl", data)
		accountFor(t, v, "f.jsonl", rows, fe)
		distinctRefusals(t, rows, rejects, "bad_json_line", "duplicate_key", "conflicting_keys")
	})
}

func FuzzXLSX(f *testing.F) {
	seeds(f, "testdata/*/input.xlsx")
	seeds(f, "testdata/forms/*.xlsx")
	// A workbook typed in a .VnTime font, and a form with a row of units
	// of measure under its header.
	f.Add(fixtureXLSX(f, xsheet{name: "Sheet1", rows: [][]any{
		{"T\u00d8nh: H\u00b5 T\u00dcnh"}, {"K\u00fa b\u00b8o c\u00b8o: N\u00a8m 2023"},
		{"STT", "\u00a7\u00ac\u006e v\u00de", "Số cuộc tiếp xúc, đối thoại"}, {1, "C\u00c8m Xuy\u00aan", 12},
	}}))
	f.Add(fixtureXLSX(f, xsheet{name: "Biểu 1", rows: [][]any{
		{"HUYỆN ỦY NAM ĐÀN"}, {"BIỂU TỔNG HỢP KẾT QUẢ NĂM 2024"},
		{"STT", "Đơn vị", "Diện tích đất Nhân dân hiến", "Kinh phí Nhân dân đóng góp"},
		{nil, nil, "ha", "triệu đồng"}, {1, "Nam Đàn", "1,5", 350.5}, {nil, "Tổng cộng", "-", "350,5"},
	}}))
	// Numbers shown as dates and times: a count typed "12/5" (format 16),
	// "8:30" (20), a period "6/2024" (17), a template's own date format.
	f.Add(fixtureXLSX(f, xsheet{name: "Biểu 1", rows: [][]any{
		{"Tỉnh: Hà Tĩnh"}, {"Kỳ báo cáo:", dateCell{serial: 45444, numFmt: 17}},
		{"STT", "Đơn vị", "Số cuộc tiếp xúc, đối thoại", "Hội thi \"Dân vận khéo\""},
		{1, "Thạch Hà", dateCell{serial: 45424, numFmt: 16}, dateCell{serial: 8.5 / 24, numFmt: 20}},
		{2, "Can Lộc", dateCell{serial: 45424.5, code: "[$-42A]dd/mm/yyyy h:mm;@"}, 3},
	}}))
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, fe := XLSX(in.opts.Reference, "f.xlsx", data)
		accountFor(t, v, "f.xlsx", rows, fe)
	})
}

// FuzzRead: any bytes under an unknown name are sniffed and read or
// refused, never a panic (Read recovers, so a panic shows as internal_error).
func FuzzRead(f *testing.F) {
	seeds(f, "testdata/*/input.*")
	in := newTestIngester(f)
	// One validator for all inputs: building its resolver is the slow part.
	v := pipeline.NewValidator(in.opts.Reference, testNow)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, fe := Read(in.opts.Reference, "inbox-file", data)
		if fe != nil && fe.Code == "internal_error" {
			t.Fatalf("reader panicked: %s", fe.ReasonEN)
		}
		accountFor(t, v, "inbox-file", rows, fe)
	})
}

// FuzzForm reads any grid of texts as a form sheet: lines are rows, tabs
// separate cells, a cell "#n" holds the number n, a line "merge r1 c1 r2 c2"
// merges a range. The seeds are the test forms. Never a panic, and what is
// read comes from the grid: every value from a value cell of its own row
// (the number or text in it), every place named within the sheet, every
// row accounted for by validation.
func FuzzForm(f *testing.F) {
	for _, fw := range formWorkbooks() {
		for _, s := range fw.sheets {
			f.Add(gridText(s))
		}
	}
	ref, err := pipeline.DefaultReference()
	if err != nil {
		f.Fatal(err)
	}
	res := pipeline.NewResolver(ref)
	v := pipeline.NewValidator(ref, testNow)
	f.Fuzz(func(t *testing.T, text string) {
		g := parseGrid(text)
		fr := &formReader{file: "f.xlsx", res: res, name: nameContext(res, "bao-cao-ha-tinh-2023.xlsx")}
		rows, rejects, _ := newForm(fr, g).read()
		inSheet := func(ref string) bool {
			sheet, cellName, ok := strings.Cut(ref, "!")
			if !ok || sheet != g.name {
				return false
			}
			c, r, err := excelize.CellNameToCoordinates(cellName)
			return err == nil && r >= 1 && c >= 1 && r <= len(g.rows)
		}
		for _, raw := range rows {
			sheet, cellName, _ := strings.Cut(raw.Ref, "!")
			c, r, err := excelize.CellNameToCoordinates(cellName)
			if sheet != g.name || err != nil {
				t.Fatalf("row at %q", raw.Ref)
			}
			want := cell(g.rows, r-1, c-1)
			if n, ok := g.number(r-1, c-1); ok {
				want = n
			}
			if want == "" || raw.Value != want {
				t.Fatalf("value %q at %s, the cell holds %q", raw.Value, raw.Ref, want)
			}
			for f, place := range raw.Cells {
				if f != pipeline.FieldSubmittedAt && f != pipeline.FieldProvince && f != pipeline.FieldPeriod && !inSheet(place) {
					t.Fatalf("%s of %s at %q, outside the sheet", f, raw.Ref, place)
				}
			}
		}
		for _, e := range rejects {
			if !inSheet(e.Ref) || e.Code == "" || e.Reason == "" || e.ReasonEN == "" {
				t.Fatalf("refusal %+v", e)
			}
		}
		accountFor(t, v, "f.xlsx", rows, nil)
	})
}

// gridText writes a test sheet as FuzzForm's text.
func gridText(s xsheet) string {
	var b strings.Builder
	for _, row := range s.rows {
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			switch x := v.(type) {
			case nil:
			case int:
				fmt.Fprintf(&b, "#%d", x)
			case float64:
				fmt.Fprintf(&b, "#%g", x)
			case string:
				if _, cached, formula := strings.Cut(x, "|"); formula && strings.HasPrefix(x, "=") {
					b.WriteString("#" + cached)
				} else {
					b.WriteString(x)
				}
			}
		}
		b.WriteByte('\n')
	}
	for _, m := range s.merges {
		c1, r1, _ := excelize.CellNameToCoordinates(m[0])
		c2, r2, _ := excelize.CellNameToCoordinates(m[1])
		fmt.Fprintf(&b, "merge %d %d %d %d\n", r1-1, c1-1, r2-1, c2-1)
	}
	return b.String()
}

// parseGrid reads FuzzForm's text.
func parseGrid(text string) *sheetGrid {
	g := &sheetGrid{name: "Biểu 1"}
	nums := map[[2]int]string{}
	for _, line := range strings.Split(text, "\n") {
		var m cellRange
		if n, _ := fmt.Sscanf(line, "merge %d %d %d %d", &m.r1, &m.c1, &m.r2, &m.c2); n == 4 {
			if m.r1 >= 0 && m.c1 >= 0 && m.r2 >= m.r1 && m.c2 >= m.c1 && m.r2 < 1000 && m.c2 < 100 {
				g.merges = append(g.merges, m)
			}
			continue
		}
		if len(g.rows) >= 1000 {
			break
		}
		var row []string
		for c, t := range strings.Split(line, "\t") {
			if c >= 100 {
				break
			}
			t = strings.TrimSpace(t)
			if n, ok := strings.CutPrefix(t, "#"); ok {
				if f, err := strconv.ParseFloat(n, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
					t = strconv.FormatFloat(f, 'f', -1, 64)
					nums[[2]int{len(g.rows), c}] = t
				}
			}
			row = append(row, t)
		}
		g.rows = append(g.rows, row)
	}
	g.number = func(r, c int) (string, bool) {
		n, ok := nums[[2]int{r, c}]
		return n, ok
	}
	return g
}

// FuzzValidObject holds validObject, the JSON Lines reader's fast way to
// an object's fields, to jsonObject over encoding/json's Decoder: for
// every input one accepts as an object, both give the same keys and raw
// values in the same order; validObject declines what is not one object.
func FuzzValidObject(f *testing.F) {
	for _, s := range []string{
		`{"tinh":"Hà Tĩnh","gia_tri":3}`, ` { "a" : [1, {"b": "}"}] , "c\"d" : null , "e":true }  `, `{}`, `{"a":1,"a":2}`,
		`{"k\u00e9y":"v\\"}`, `[1]`, `{"a":1} {"b":2}`, `{"a":1`, `"x"`, `{"a":-1.5e3,"b":{"c":[[],{}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := validObject(data)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		want, err := jsonObject(dec)
		if err == nil && dec.More() {
			err = errors.New("more")
		}
		if !ok {
			if err == nil && json.Valid(data) {
				t.Fatalf("%q: declined, jsonObject read %v", data, want)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: read %v, jsonObject: %v", data, got, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d fields, jsonObject %d", data, len(got), len(want))
		}
		for i := range got {
			if got[i].key != want[i].key || !bytes.Equal(got[i].raw, want[i].raw) {
				t.Fatalf("%q: field %d %q=%s, jsonObject %q=%s", data, i, got[i].key, got[i].raw, want[i].key, want[i].raw)
			}
		}
	})
}

// FuzzPeriodIn compares periodIn, which tries only the runs of words that
// hold a year, with trying every run of up to 7 words, leftmost and
// longest first (what it did before): the skipped runs are never periods.
// Both read a run with runPeriod, so this checks the pruning, not the
// period rules (the form and golden tests hold those).
func FuzzPeriodIn(f *testing.F) {
	for _, s := range []string{
		"BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM 2024", "Quý III/2023", "tháng 7/2023", "9 THÁNG NĂM 2024",
		"giai đoạn 2016-2020", "Năm 2023 – số 125", "sơ kết 6 tháng 2023 huyện Nam Đàn", "Q3/2024 ngày 15/10/2024",
		"12 tháng năm 2022", "2024-h1", "tháng 13/2024", "Từ năm 2019 đến năm 2021", "quý iv năm 1900",
	} {
		f.Add(s)
	}
	every := func(title string) string {
		words := strings.Fields(periodSeps.Replace(title))
		for i := range words {
			for n := min(len(words)-i, 7); n >= 2; n-- {
				if code, done := runPeriod(words, i, n); done {
					return code
				}
			}
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, s string) {
		title := pipeline.Fold(s) // as its callers give it
		if got, want := periodIn(title), every(title); got != want {
			t.Errorf("periodIn(%q) = %q, trying every run: %q", title, got, want)
		}
	})
}
