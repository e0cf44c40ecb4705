package demo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"github.com/danvan/danvan/pipeline"
)

var (
	once   sync.Once
	shared *inbox
	errGen error
)

// demoInbox generates the default demo once for all tests.
func demoInbox(t *testing.T) *inbox {
	t.Helper()
	once.Do(func() { shared, errGen = generate(DefaultOptions()) })
	if errGen != nil {
		t.Fatal(errGen)
	}
	return shared
}

func ref(t *testing.T) *pipeline.Reference {
	t.Helper()
	r, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWriteIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	sa, err := Write(a, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(b, Options{}); err != nil { // zero options mean the defaults
		t.Fatal(err)
	}
	names := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	na, nb := names(a), names(b)
	if strings.Join(na, "\n") != strings.Join(nb, "\n") {
		t.Fatalf("file lists differ:\n%v\n%v", na, nb)
	}
	if len(na) != len(sa.Files)+1 {
		t.Errorf("%d files on disk, summary lists %d (+ README)", len(na), len(sa.Files))
	}
	for _, n := range na {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", n)
		}
		if n != "README-DEMO.txt" && !strings.HasPrefix(n, "demo-") {
			t.Errorf("%s: demo files must be named demo-*", n)
		}
	}
	// Another seed gives other data.
	other, err := generate(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i, f := range demoInbox(t).files {
		if i < len(other.files) && other.files[i].name == f.name && bytes.Equal(other.files[i].data, f.data) {
			same++
		}
	}
	if same > 3 { // README and the hand-written bad files may coincide
		t.Errorf("%d files identical under another seed", same)
	}
}

func TestEveryFormatAndVariantPresent(t *testing.T) {
	in := demoInbox(t)
	s := in.summary
	for _, f := range []string{"csv", "tsv", "xlsx-long", "xlsx-form", "json", "jsonl", "txt", "xlsx"} {
		if s.Formats[f] == 0 {
			t.Errorf("no %s file", f)
		}
	}
	if n := len(s.Files); n < 50 || n > 150 {
		t.Errorf("%d files, want 50-150", n)
	}
	if s.Values < 50000 || s.Values > 150000 {
		t.Errorf("%d values, want 50k-150k", s.Values)
	}
	t.Logf("%d files, %d values, formats %v, %d reports missing", len(s.Files), s.Values, s.Formats, s.Missing)
	var encs = map[string]bool{}
	seps := map[byte]bool{}
	headers := map[string]bool{}
	for _, f := range in.files {
		if f.format != "csv" && f.format != "tsv" || f.unreadable {
			continue
		}
		text, enc := decodeCSV(t, f)
		encs[enc] = true
		first := text[:strings.IndexByte(text, '\n')]
		for _, c := range []byte{',', ';', '\t'} {
			if strings.Count(first, string(c)) >= 5 {
				seps[c] = true
			}
		}
		headers[strings.ToLower(strings.Fields(strings.Map(func(r rune) rune {
			if r == ',' || r == ';' || r == '\t' {
				return ' '
			}
			return r
		}, first))[0])] = true
	}
	for _, e := range []string{"utf-8", "utf-8-bom", "utf-16le-bom", "windows-1258"} {
		if !encs[e] {
			t.Errorf("no CSV in %s (have %v)", e, encs)
		}
	}
	for _, c := range []byte{',', ';', '\t'} {
		if !seps[c] {
			t.Errorf("no CSV separated by %q", c)
		}
	}
	for _, h := range []string{"tỉnh", "tinh", "province"} {
		if !headers[h] {
			t.Errorf("no CSV whose header starts with %q (have %v)", h, headers)
		}
	}
	// Spelling variety in what readers will see.
	seen := map[string]bool{}
	for _, f := range in.files {
		for _, r := range f.rows {
			seen[r.Province] = true
			seen[r.Unit] = true
			seen[r.Period] = true
			if strings.HasPrefix(r.Period, "sơ kết 6 tháng ") {
				seen["sơ kết 6 tháng"] = true
			}
			if r.Unit != norm.NFC.String(r.Unit) {
				seen["<nfd>"] = true
			}
			if !r.Plain && strings.Contains(r.Value, ".") {
				seen["<vn-thousands>"] = true
			}
			if !r.Plain && len(r.Value) == 2 && r.Value[0] == '0' {
				seen["<leading-zero>"] = true
			}
		}
	}
	for _, want := range []string{"Thanh Hoá", "Thanh Hóa", "THANH HÓA", "Ha Tinh", "H. Cẩm Xuyên", "TX Kỳ Anh", "TP. Sầm Sơn",
		"Năm 2023", "6 tháng đầu năm 2024", "sơ kết 6 tháng", "2023-H1", "<nfd>", "<vn-thousands>", "<leading-zero>"} {
		if !seen[want] {
			t.Errorf("no row spells %q", want)
		}
	}
	var approx int
	for _, f := range in.files {
		if f.format == "json" && bytes.Contains(f.data, []byte(`"qualifier": "approx"`)) {
			approx++
		}
	}
	if approx == 0 {
		t.Error("no JSON report with an approximate value")
	}
}

// TestFilesValidate runs every readable file's rows through the pipeline's
// Validator: good files must load whole with the values the generator
// meant, bad files must produce exactly their errors.
func TestFilesValidate(t *testing.T) {
	in := demoInbox(t)
	r := ref(t)
	for _, f := range in.files {
		if f.unreadable || f.format == "readme" {
			continue
		}
		v := pipeline.NewValidator(r, AsOf)
		recs, errs, _ := v.File(f.name, f.rows)
		got := map[string]int{}
		for i, e := range errs {
			got[e.Code]++
			if f.bad == "" && i < 3 {
				t.Errorf("%s: %s", f.name, e.Error())
			}
		}
		for code, n := range f.codes {
			if got[code] != n {
				t.Errorf("%s: %d %s errors, want %d (all: %v)", f.name, got[code], code, n, got)
			}
		}
		if f.bad != "" && len(errs) != sum(mapValues(f.codes)) {
			t.Errorf("%s: errors %v, want exactly %v", f.name, got, f.codes)
		}
		found := map[pipeline.ValueKey]bool{}
		for _, rec := range recs {
			k := rec.ValueKey()
			w, ok := f.want[k]
			if !ok {
				t.Errorf("%s %s: unexpected value %v", f.name, rec.Ref, k)
				continue
			}
			found[k] = true
			if math.Abs(rec.Value-w.v) > 1e-6 {
				t.Errorf("%s %s %v: value %v, want %v", f.name, rec.Ref, k, rec.Value, w.v)
			}
			if want := qualOrExact(w.q); rec.Qualifier != want && !(rec.Qualifier == "" && want == pipeline.Exact) {
				t.Errorf("%s %s %v: qualifier %q, want %q", f.name, rec.Ref, k, rec.Qualifier, want)
			}
		}
		if len(found) != len(f.want) {
			t.Errorf("%s: %d of %d expected values loaded", f.name, len(found), len(f.want))
		}
	}
}

func mapValues(m map[string]int) []int {
	var out []int
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// decodeCSV decodes a CSV file's bytes the way its encoding demands and
// names the encoding.
func decodeCSV(t *testing.T, f *file) (string, string) {
	t.Helper()
	switch {
	case bytes.HasPrefix(f.data, []byte{0xff, 0xfe}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(f.data)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		return string(b), "utf-16le-bom"
	case bytes.HasPrefix(f.data, []byte("\ufeff")):
		return string(f.data[3:]), "utf-8-bom"
	case utf8.Valid(f.data):
		return string(f.data), "utf-8"
	}
	b, err := charmap.Windows1258.NewDecoder().Bytes(f.data)
	if err != nil {
		t.Fatalf("%s: %v", f.name, err)
	}
	return string(b), "windows-1258"
}

// TestBytesHoldTheRows reads the written bytes back with plain decoders and
// checks they say what the rows given to the Validator say.
func TestBytesHoldTheRows(t *testing.T) {
	in := demoInbox(t)
	for _, f := range in.files {
		if f.unreadable {
			continue
		}
		switch f.format {
		case "csv", "tsv":
			text, _ := decodeCSV(t, f)
			cr := csv.NewReader(strings.NewReader(text))
			cr.Comma = ','
			if first := text[:strings.IndexByte(text, '\n')]; strings.Count(first, ";") > 4 {
				cr.Comma = ';'
			} else if strings.Count(first, "\t") > 4 {
				cr.Comma = '\t'
			}
			recs, err := cr.ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if len(recs)-1 != len(f.rows) {
				t.Fatalf("%s: %d data lines, %d rows", f.name, len(recs)-1, len(f.rows))
			}
			off := len(recs[0]) - 8 // a leading STT column
			for i, r := range f.rows {
				rec := recs[i+1]
				if nfc(rec[off+1]) != nfc(r.Unit) || nfc(rec[off+5]) != nfc(r.Value) || nfc(rec[off]) != nfc(r.Province) {
					t.Fatalf("%s line %d: %q, row %+v", f.name, i+2, rec, r)
				}
			}
		case "json":
			var rep jsonReport
			if err := json.Unmarshal(f.data, &rep); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if len(rep.Values) != len(f.rows) || rep.Note != Note {
				t.Errorf("%s: %d values, %d rows, note %q", f.name, len(rep.Values), len(f.rows), rep.Note)
			}
		case "jsonl":
			lines := strings.Split(strings.TrimSpace(string(f.data)), "\n")
			if len(lines) != len(f.rows) {
				t.Fatalf("%s: %d lines, %d rows", f.name, len(lines), len(f.rows))
			}
			for i, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("%s line %d: %v", f.name, i+1, err)
				}
				if m["ghi_chu"] != Note {
					t.Fatalf("%s line %d: no demo note", f.name, i+1)
				}
			}
		case "xlsx-long", "xlsx-form":
			checkWorkbook(t, f)
		case "txt":
			text := string(f.data)
			for _, r := range f.rows {
				if !strings.Contains(text, r.Quote) {
					t.Errorf("%s: quote %q not in the text", f.name, r.Quote)
				}
			}
			if !strings.Contains(text, Note) {
				t.Errorf("%s: no demo note", f.name)
			}
		}
	}
}

func nfc(s string) string { return norm.NFC.String(s) }

func checkWorkbook(t *testing.T, f *file) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(f.data))
	if err != nil {
		t.Fatalf("%s: %v", f.name, err)
	}
	defer x.Close()
	props, err := x.GetDocProps()
	if err != nil || props.Created != fixedTime.Format("2006-01-02T15:04:05Z") || props.Description != Note {
		t.Errorf("%s: doc properties %+v, %v", f.name, props, err)
	}
	formulas := 0
	for _, r := range f.rows {
		sheet, cell, _ := strings.Cut(r.Ref, "!")
		got, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("%s %s: %v", f.name, r.Ref, err)
		}
		if got != r.Value {
			t.Fatalf("%s %s: cell holds %q, row says %q", f.name, r.Ref, got, r.Value)
		}
		if fm, _ := x.GetCellFormula(sheet, cell); fm != "" {
			formulas++
			if ty, _ := x.GetCellType(sheet, cell); ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
				t.Errorf("%s %s: formula result typed as text", f.name, r.Ref)
			}
		}
	}
	if f.format != "xlsx-form" {
		return
	}
	if strings.Contains(f.name, "phan-to") && formulas == 0 {
		t.Errorf("%s: a breakdown form without formulas", f.name)
	}
	// The header row is found by content: "Đơn vị" and an indicator label;
	// the province is stated by a "Tỉnh:" line or by a title naming it
	// ("BAN DÂN VẬN TỈNH ỦY HÀ TĨNH").
	sheets := x.GetSheetList()
	rows, _ := x.GetRows(sheets[0])
	var found, tinh, ky bool
	for _, row := range rows {
		for _, c := range row {
			found = found || c == "Đơn vị"
			tinh = tinh || strings.HasPrefix(c, "Tỉnh: ") || strings.Contains(c, "TỈNH ỦY ")
			ky = ky || strings.HasPrefix(c, "Kỳ báo cáo: ")
		}
	}
	if merged, _ := x.GetMergeCells(sheets[0]); !found || !tinh || !ky || len(merged) == 0 {
		t.Errorf("%s: header %v, Tỉnh %v, Kỳ %v, merged title cells %d", f.name, found, tinh, ky, len(merged))
	}
}

func TestBadFiles(t *testing.T) {
	in := demoInbox(t)
	byName := map[string]*file{}
	for _, f := range in.files {
		byName[f.name] = f
	}
	for _, n := range []string{"demo-loi-don-vi-khong-ton-tai.csv", "demo-loi-huyen-khong-con-ton-tai.csv",
		"demo-loi-ky-bao-cao-tuong-lai.json", "demo-loi-dong-tong-khong-khop.xlsx", "demo-loi-gia-tri-abc.jsonl",
		"demo-loi-gia-tri-am-va-vuot-dang-ky.csv", "demo-loi-file-hong.xlsx", "demo-loi-ma-hoa-tcvn3.csv"} {
		f := byName[n]
		if f == nil || f.bad == "" {
			t.Errorf("bad file %s missing or not marked bad", n)
		}
	}
	for _, f := range in.files {
		if strings.Contains(f.name, "loi") != (f.bad != "") {
			t.Errorf("%s: bad=%q but the name says otherwise", f.name, f.bad)
		}
	}
	if _, err := excelize.OpenReader(bytes.NewReader(byName["demo-loi-file-hong.xlsx"].data)); err == nil {
		t.Error("the corrupted workbook opens")
	}
	tc := byName["demo-loi-ma-hoa-tcvn3.csv"].data
	if utf8.Valid(tc) {
		t.Error("the TCVN3 file is valid UTF-8")
	}
	// "Hà Tĩnh" in TCVN3 is H 0xB5 space T 0xDC n h; read as Windows-1258
	// it is mojibake, not Vietnamese.
	if !bytes.Contains(tc, []byte("H\xb5 T\xdcnh")) {
		t.Error("the TCVN3 file does not hold Hà Tĩnh in TCVN3")
	}
	d, _ := charmap.Windows1258.NewDecoder().Bytes(tc)
	if strings.Contains(norm.NFC.String(string(d)), "Hà Tĩnh") {
		t.Error("the TCVN3 file reads fine as Windows-1258")
	}
	readme := string(in.files[0].data)
	if in.files[0].name != "README-DEMO.txt" || !strings.Contains(readme, "demo-loi-file-hong.xlsx") {
		t.Error("README-DEMO.txt missing or does not list the bad files")
	}
}

func TestResubmissionSupersedes(t *testing.T) {
	in := demoInbox(t)
	sup := in.summary.Superseded
	if len(sup) < 3 {
		t.Fatalf("superseded %v", sup)
	}
	r := ref(t)
	records := func(name string) map[pipeline.ValueKey]pipeline.Record {
		for _, f := range in.files {
			if f.name == name {
				recs, errs, _ := pipeline.NewValidator(r, AsOf).File(f.name, f.rows)
				if len(errs) > 0 {
					t.Fatalf("%s: %v", name, errs[0].Error())
				}
				out := map[pipeline.ValueKey]pipeline.Record{}
				for _, rec := range recs {
					out[rec.ValueKey()] = rec
				}
				return out
			}
		}
		t.Fatalf("no file %s", name)
		return nil
	}
	newer, older := records(sup[0].File), records(sup[0].Replaces)
	for _, s := range sup {
		k := pipeline.ValueKey{Unit: s.Unit, Period: s.Period, Indicator: s.Indicator, Disaggregation: s.Disaggregation}
		n, o := newer[k], older[k]
		if n.Value != s.New || o.Value != s.Old || s.New == s.Old {
			t.Errorf("%v: new file %v (want %v), old file %v (want %v)", k, n.Value, s.New, o.Value, s.Old)
		}
		if !n.SubmittedAt.After(o.SubmittedAt) {
			t.Errorf("%v: resubmitted %v, not after %v", k, n.SubmittedAt, o.SubmittedAt)
		}
	}
	if sup[0].File <= sup[0].Replaces {
		t.Errorf("resubmission %s sorts before %s", sup[0].File, sup[0].Replaces)
	}
	if len(newer) != len(older) && len(newer) < 30 {
		t.Errorf("resubmission carries %d values", len(newer))
	}
}

// TestRealisticData checks magnitudes, rules, trends, completeness and the
// province-versus-sum differences on the generated data.
func TestRealisticData(t *testing.T) {
	in := demoInbox(t)
	ds := in.data
	if ds.missing == 0 {
		t.Error("every unit reported every period; completeness must stay below 100 %")
	}
	sums := map[string]map[string]float64{} // province -> period -> models_registered
	var diffs, same int
	for _, prov := range ds.provinces {
		sums[prov.Code] = map[string]float64{}
		for _, pc := range sortedKeys(ds.groups[prov.Code]) {
			for _, r := range ds.groups[prov.Code][pc] {
				reg, _ := r.get("models_registered", "")
				rec, _ := r.get("models_recognized", "")
				eff, _ := r.get("models_effective", "")
				dia, _ := r.get("dialogues", "")
				if rec > reg || eff > reg || rec > eff {
					t.Errorf("%s %s: registered %v, effective %v, recognized %v", r.unit.Name, pc, reg, eff, rec)
				}
				if r.period.Type == pipeline.Year && r.unit.Level == pipeline.LevelDistrict {
					if reg < 15 || reg > 160 || dia < 5 || dia > 90 {
						t.Errorf("%s %s: registered %v, dialogues %v out of range", r.unit.Name, pc, reg, dia)
					}
				}
				for _, v := range r.values {
					if v.v < 0 || (pipeline.Fold(v.ind) != "land donated m2" && v.ind != "funds_mobilized_vnd" && v.v != math.Trunc(v.v)) {
						t.Errorf("%s %s %s: %v", r.unit.Name, pc, v.ind, v.v)
					}
				}
				sums[prov.Code][pc] += reg
				if !r.submitted.After(r.period.End) || r.submitted.After(AsOf) {
					t.Errorf("%s %s submitted %v", r.unit.Name, pc, r.submitted)
				}
			}
		}
		s := sums[prov.Code]
		if s["2024"] <= s["2019"]*1.1 {
			t.Errorf("%s: no growth 2019 %v -> 2024 %v", prov.Name, s["2019"], s["2024"])
		}
		for y := 2019; y <= 2024; y++ {
			ratio := s[strconv.Itoa(y)+"-H1"] / s[strconv.Itoa(y)]
			if ratio < 0.35 || ratio > 0.55 {
				t.Errorf("%s %d: H1 is %.2f of the year", prov.Name, y, ratio)
			}
			pr := ds.provinceReports[prov.Code][y]
			for _, v := range pr.values {
				if v.dis != "" {
					continue
				}
				sum := 0.0
				for _, r := range ds.groups[prov.Code][strconv.Itoa(y)] {
					x, _ := r.get(v.ind, "")
					sum += x
				}
				if math.Abs(sum-v.v) > 0.5 {
					diffs++
				} else {
					same++
				}
			}
		}
	}
	if diffs == 0 || same == 0 {
		t.Errorf("province totals: %d differ from the sum of districts, %d equal; want both", diffs, same)
	}
	// Province differences: Hà Tĩnh's districts register more models each.
	per := func(code string) float64 {
		return sums[code]["2023"] / float64(len(ds.groups[code]["2023"]))
	}
	if !(per("42") > per("38") && per("42") > per("40")) {
		t.Errorf("models per district 2023: TH %.0f, NA %.0f, HT %.0f", per("38"), per("40"), per("42"))
	}
	// Communes from 2025-H2: all 365 exist, most reported.
	n := 0
	for _, prov := range ds.provinces {
		n += len(ds.groups[prov.Code]["2025-H2"])
		for _, r := range ds.groups[prov.Code]["2024-H1"] {
			if r.unit.Level != pipeline.LevelDistrict {
				t.Errorf("%s in 2024-H1 is a %s", r.unit.Name, r.unit.Level)
			}
		}
	}
	if n < 330 || n >= 365 {
		t.Errorf("%d commune reports for 2025-H2, want most of 365 but not all", n)
	}
}

func TestUnitsValidThroughout(t *testing.T) {
	ds := demoInbox(t).data
	has := func(prov, period, name string) bool {
		for _, r := range ds.groups[prov][period] {
			if r.unit.Name == name {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		prov, period, name string
		want               bool
	}{
		{"40", "2024-H1", "Cửa Lò", true}, {"40", "2024", "Cửa Lò", false},
		{"38", "2024", "Đông Sơn", true}, {"38", "2025-H1", "Đông Sơn", false},
		{"42", "2025-H1", "Lộc Hà", false}, {"38", "2019", "Tĩnh Gia", true}, {"38", "2021", "Nghi Sơn", true},
	} {
		// A unit that existed may still have been drawn as missing; one that
		// did not exist must never report.
		if got := has(c.prov, c.period, c.name); got && !c.want {
			t.Errorf("%s %s %s reported, but did not exist throughout the period", c.prov, c.period, c.name)
		} else if got != c.want {
			t.Logf("%s %s %s missing (drawn as a missing report)", c.prov, c.period, c.name)
		}
	}
}

func TestLongCSV(t *testing.T) {
	var a, b bytes.Buffer
	const n = 20000
	if err := LongCSV(&a, n, 11); err != nil {
		t.Fatal(err)
	}
	if err := LongCSV(&b, n, 11); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("LongCSV is not deterministic")
	}
	recs, err := csv.NewReader(bytes.NewReader(a.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n+1 {
		t.Fatalf("%d lines", len(recs))
	}
	var rows []pipeline.RawRow
	types := map[pipeline.PeriodType]bool{}
	for i, rec := range recs[1:] {
		rows = append(rows, pipeline.RawRow{Ref: strconv.Itoa(i + 2), Province: rec[0], Unit: rec[1], Period: rec[2],
			Indicator: rec[3], Disaggregation: rec[4], Value: rec[5], Note: rec[6], SubmittedAt: rec[7]})
	}
	out, errs, _ := pipeline.NewValidator(ref(t), AsOf).File("long.csv", rows)
	for i, e := range errs {
		if i < 10 {
			t.Error(e.Error())
		}
	}
	keys := map[pipeline.ValueKey]bool{}
	for _, r := range out {
		keys[r.ValueKey()] = true
		types[r.Period.Type] = true
	}
	if len(keys) != n {
		t.Errorf("%d distinct keys in %d rows", len(keys), n)
	}
	for _, ty := range []pipeline.PeriodType{pipeline.Year, pipeline.Half, pipeline.Quarter, pipeline.Month} {
		if !types[ty] {
			t.Errorf("no %s period", ty)
		}
	}
	capacity, err := LongCSVCapacity()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LongCSV capacity: %d distinct keys", capacity)
	if err := LongCSV(io.Discard, capacity+1, 1); err == nil {
		t.Error("LongCSV wrote more rows than distinct keys")
	}
}

func BenchmarkLongCSV(b *testing.B) {
	for b.Loop() {
		if err := LongCSV(io.Discard, 100000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCommuneForms checks the benchmark's half-year drop: one form per
// commune of the three provinces, every value read back as drawn, the same
// bytes from the same seed.
func TestCommuneForms(t *testing.T) {
	p := pipeline.HalfPeriod(2026, 2)
	fs, err := communeForms(p, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := ref(t)
	communes := 0
	for _, prov := range r.Provinces() {
		communes += len(r.UnitsOn(prov.Code, pipeline.LevelCommune, p.Start))
	}
	if len(fs) != communes || communes != 365 {
		t.Fatalf("%d forms for %d communes, want 365", len(fs), communes)
	}
	names := map[string]bool{}
	for _, f := range fs {
		if names[f.name] {
			t.Fatalf("form name %s twice", f.name)
		}
		names[f.name] = true
		recs, errs, warns := pipeline.NewValidator(r, p.End.AddDate(0, 3, 0)).File(f.name, f.rows)
		for _, e := range errs {
			t.Errorf("%s: %s", f.name, e.Error())
		}
		for _, w := range warns {
			t.Errorf("%s: warning %s at %s", f.name, w.Reason, w.Ref)
		}
		if len(recs) != len(f.want) || len(recs) == 0 {
			t.Errorf("%s: %d values read, want %d", f.name, len(recs), len(f.want))
		}
		for _, rec := range recs {
			if w, ok := f.want[rec.ValueKey()]; !ok || math.Abs(rec.Value-w.v) > 1e-6 {
				t.Errorf("%s %s: value %v of %v, want %v", f.name, rec.Ref, rec.Value, rec.ValueKey(), w.v)
			}
		}
	}
	if testing.Short() {
		return
	}
	again, err := communeForms(p, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		if !bytes.Equal(fs[i].data, again[i].data) {
			t.Fatalf("%s: other bytes the second time", fs[i].name)
		}
	}
	if _, err := communeForms(pipeline.HalfPeriod(2025, 1), DefaultOptions()); err == nil {
		t.Error("forms for communes before the reform were written")
	}
}
