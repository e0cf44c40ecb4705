// Package demo writes a deterministic demo inbox: reports of the three
// provinces' districts (2019 to 2025-H1), communes (2025-H2, 2026-H1) and
// the provinces themselves, in every format the pipeline accepts, with
// realistic spelling variety and a few deliberately bad files. 2026 is a
// part-year (its first half only); one district sent both half-years of
// 2024 and no annual report; stray monthly and quarterly files cover
// periods the reporting calendar does not ask for. The same seed
// always gives byte-identical files, so the demo can back tests and
// screenshots. Every file says it is demo data: names start with "demo-",
// values carry the note "Dữ liệu minh họa (demo)", and README-DEMO.txt
// explains the inbox.
package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// DefaultSeed is the seed of the demo shipped with `danvan demo`.
const DefaultSeed = 20250701

// AsOf is the day the demo data are as of: every period has started and
// every submission date has passed by then. Validate demo files with a
// clock at or after it.
var AsOf = time.Date(2026, 9, 1, 0, 0, 0, 0, pipeline.Vietnam)

// Options control the demo. The zero value is usable: seed 0 means
// DefaultSeed and a nil Reference the embedded one.
type Options struct {
	Seed      uint64
	Reference *pipeline.Reference
}

// DefaultOptions returns the options of the shipped demo.
func DefaultOptions() Options { return Options{Seed: DefaultSeed} }

// Summary says what Write wrote.
type Summary struct {
	Dir   string
	Files []FileInfo // in name order
	// Formats counts files per format: csv, tsv, xlsx-long, xlsx-form,
	// json, jsonl, txt, and xlsx for the corrupted workbook.
	Formats map[string]int
	// Values is the number of values in readable files as a reader sees
	// them, form total rows not counted.
	Values int
	// Missing is the number of unit reports deliberately left out, so
	// completeness stays below 100 %.
	Missing int
	// Superseded are the values a later corrected file replaces.
	Superseded []Superseded
}

// FileInfo describes one written file.
type FileInfo struct {
	Name   string
	Format string
	Values int
	// Bad says what is deliberately wrong with the file; empty for good
	// files.
	Bad string
}

// Superseded is one value replaced by a resubmission.
type Superseded struct {
	File, Replaces                                    string
	Province, Unit, Period, Indicator, Disaggregation string
	Old, New                                          float64
}

// file is one file of the inbox with what a reader should find in it.
type file struct {
	name, format string
	data         []byte
	rows         []pipeline.RawRow
	// want are the values the good rows mean, by key.
	want map[pipeline.ValueKey]value
	// bad is why the file is bad ("" when good); codes are the RowError
	// codes it must produce, and unreadable marks files no reader can open.
	bad        string
	codes      map[string]int
	unreadable bool
	cols       []formCol // the value columns of a form
}

// Write writes the demo inbox into dir, creating it if needed. Existing
// files of the same names are replaced; other files are left alone.
func Write(dir string, opts Options) (Summary, error) {
	in, err := generate(opts)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("create demo inbox %s: %w", dir, err)
	}
	for _, f := range in.files {
		// Atomic, so an ingest running at the same time never reads half a file.
		if err := layout.WriteFile(filepath.Join(dir, f.name), f.data); err != nil {
			return Summary{}, fmt.Errorf("write demo file: %w", err)
		}
	}
	s := in.summary
	s.Dir = dir
	return s, nil
}

// inbox is the whole demo in memory.
type inbox struct {
	files   []*file
	summary Summary
	data    *dataset
}

// gen carries the state of one generation.
type gen struct {
	ref   *pipeline.Reference
	sp    *speller
	rng   *rand.Rand // formatting choices; the data have their own
	data  *dataset
	files []*file
	sup   []Superseded
}

func generate(opts Options) (*inbox, error) {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	ref := opts.Reference
	if ref == nil {
		var err error
		if ref, err = pipeline.DefaultReference(); err != nil {
			return nil, fmt.Errorf("load reference: %w", err)
		}
	}
	ds, err := build(ref, rand.New(rand.NewPCG(opts.Seed, 1)))
	if err != nil {
		return nil, fmt.Errorf("draw demo data: %w", err)
	}
	// Drawn after the rest, from a stream of their own, so the rest of
	// the data stays as it was.
	if err := ds.strays(ref, rand.New(rand.NewPCG(opts.Seed, 3))); err != nil {
		return nil, fmt.Errorf("draw demo data: %w", err)
	}
	style := rand.New(rand.NewPCG(opts.Seed, 2))
	g := &gen{ref: ref, data: ds, rng: style, sp: &speller{ref: ref, res: pipeline.NewResolver(ref), rng: style}}
	steps := []func() error{g.groupFiles, g.provinceFiles, g.resubmission, g.strayFiles, g.badFiles}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	g.files = append(g.files, g.readme(opts.Seed))
	sort.Slice(g.files, func(i, j int) bool { return g.files[i].name < g.files[j].name })
	for i := 1; i < len(g.files); i++ {
		if g.files[i].name == g.files[i-1].name {
			return nil, fmt.Errorf("demo file name %s used twice", g.files[i].name)
		}
	}
	s := Summary{Formats: map[string]int{}, Missing: ds.missing, Superseded: g.sup}
	for _, f := range g.files {
		if f.format == "readme" {
			continue
		}
		n := 0
		for _, r := range f.rows {
			if !r.Total {
				n++
			}
		}
		s.Files = append(s.Files, FileInfo{Name: f.name, Format: f.format, Values: n, Bad: f.bad})
		s.Formats[f.format]++
		s.Values += n
	}
	return &inbox{files: g.files, summary: s, data: ds}, nil
}

// add records a file; reps are the reports its good rows hold.
func (g *gen) add(f *file, reps ...*report) {
	f.want = map[pipeline.ValueKey]value{}
	for _, r := range reps {
		for _, v := range r.values {
			f.want[keyOf(r, v)] = v
		}
	}
	g.files = append(g.files, f)
}

func keyOf(r *report, v value) pipeline.ValueKey {
	dis := v.dis
	if dis == "" {
		dis = pipeline.Total
	}
	return pipeline.ValueKey{Unit: r.unit.Code, Period: r.period.Code, Indicator: v.ind, Disaggregation: dis}
}

// longStyle is how one long-table file writes its rows.
type longStyle struct {
	province string
	names    nameStyle
	period   periodStyle
	ind      indicatorStyle
	num      numStyle
	isoDate  bool
	typed    float64 // share of values written as number cells (XLSX, JSONL)
}

func (g *gen) randomStyle(prov string) longStyle {
	r := g.rng
	return longStyle{
		province: g.sp.provinceName(prov),
		names:    []nameStyle{namePlain, nameTyped, nameAbbrev, nameNFD, nameUpper, nameASCII, nameMixed, nameMixed}[r.IntN(8)],
		period:   periodStyle(r.IntN(3)),
		ind:      indicatorStyle(r.IntN(3)),
		num:      []numStyle{numPlain, numVN, numMixed, numMixed}[r.IntN(4)],
		isoDate:  r.IntN(2) == 0,
		typed:    0.8,
	}
}

// valueText writes one value as a long table or form text cell would.
func (g *gen) valueText(v value, st numStyle) string {
	s := g.sp.number(v.v, v.ind, st)
	switch v.q {
	case pipeline.Approx:
		return []string{"khoảng ", "gần ", "ước "}[g.rng.IntN(3)] + s
	case pipeline.AtLeast:
		return "trên " + s
	}
	return s
}

// longRows writes reports as long-table rows.
func (g *gen) longRows(reps []*report, st longStyle) []longRow {
	var rows []longRow
	for _, r := range reps {
		unit := g.sp.unitName(r.unit, r.period, st.names)
		period := periodText(r.period, st.period)
		date := dateText(r.submitted, st.isoDate)
		for _, v := range r.values {
			row := longRow{cells: [8]string{
				st.province, unit, period, g.sp.indicator(v.ind, st.ind), g.sp.disagg(v.dis, r.unit),
				g.valueText(v, st.num), Note, date,
			}}
			if v.q == "" && g.rng.Float64() < st.typed {
				row.num, row.typed = v.v, true
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// groupFiles writes each province's unit reports of one period into one
// file, cycling through the formats so each appears for every province.
func (g *gen) groupFiles() error {
	dps := districtPeriods()
	for pi, prov := range g.data.provinces {
		for k, p := range dps {
			spec := (k + 5*pi) % 13
			if err := g.groupFile(prov, p, spec); err != nil {
				return fmt.Errorf("write %s %s: %w", prov.Name, p.Code, err)
			}
		}
		for k, p := range communePeriods() {
			spec := []int{6, 0, 7, 10, 4, 2}[pi+3*k]
			if err := g.groupFile(prov, p, spec); err != nil {
				return fmt.Errorf("write %s %s: %w", prov.Name, p.Code, err)
			}
		}
	}
	return nil
}

func (g *gen) baseName(prov *pipeline.Unit, p pipeline.Period) string {
	return fmt.Sprintf("demo-%s-%s-%s", prov.Code, slug(prov.Name), p.Code)
}

func (g *gen) groupFile(prov *pipeline.Unit, p pipeline.Period, spec int) error {
	reps := g.data.groups[prov.Code][p.Code]
	if len(reps) == 0 {
		return nil
	}
	base := g.baseName(prov, p)
	st := g.randomStyle(prov.Code)
	level := "huyen"
	if p.Start.After(pipeline.ReformDate) || p.Start.Equal(pipeline.ReformDate) {
		level = "xa"
	}
	var (
		f   = &file{}
		err error
	)
	csvSpec := func(header string, sep rune, enc encoding, crlf, extra bool, ext string) {
		h := longHeaders[header]
		if header == "en" && level == "huyen" {
			h[1] = "district"
		} else if header == "en" {
			h[1] = "commune"
		}
		if header == "mixed" && level == "xa" {
			h[1] = "Xã"
		}
		f.name = base + "." + ext
		f.format = ext
		f.data, f.rows, err = csvFile(h, g.longRows(reps, st), sep, enc, crlf, extra)
	}
	switch spec {
	case 0:
		csvSpec("vi", ',', encUTF8, false, false, "csv")
	case 1:
		csvSpec("ascii", ';', encUTF8BOM, true, false, "csv")
	case 2:
		csvSpec("en", '\t', encUTF16LE, true, false, "csv")
	case 3:
		csvSpec("vi", ',', enc1258, true, true, "csv")
	case 4:
		f.name, f.format = base+".xlsx", "xlsx-long"
		f.data, f.rows, err = xlsxLong("Dữ liệu", longHeaders["vi"], g.longRows(reps, st))
	case 5:
		f.name, f.format = base+"-bieu-mau.xlsx", "xlsx-form"
		f.data, f.rows, f.cols, err = g.formWorkbook(prov, p, reps, formSimple)
	case 6:
		f.name, f.format = base+"-bieu-mau-phan-to.xlsx", "xlsx-form"
		f.data, f.rows, f.cols, err = g.formWorkbook(prov, p, reps, formTwoRow)
	case 7:
		st.typed = 0.85
		f.name, f.format = base+".jsonl", "jsonl"
		f.data, f.rows, err = jsonlFile(g.longRows(reps, st))
	case 8:
		if prov.Code == "42" {
			return g.jsonPerUnit(reps)
		}
		h := longHeaders["en"]
		f.name, f.format = base+"-en.xlsx", "xlsx-long"
		f.data, f.rows, err = xlsxLong("Data", h, g.longRows(reps, st))
	case 9:
		csvSpec("vi", '\t', encUTF8, false, false, "tsv")
	case 10:
		csvSpec("ascii", ';', enc1258, true, false, "csv")
	case 11:
		f.name, f.format = base+"-bieu-mau-tung-don-vi.xlsx", "xlsx-form"
		f.data, f.rows, f.cols, err = g.formWorkbook(prov, p, reps, formPerUnit)
	case 12:
		csvSpec("mixed", ',', encUTF16LE, true, false, "csv")
	default:
		return fmt.Errorf("no format spec %d", spec)
	}
	if err != nil {
		return err
	}
	g.add(f, g.formReports(f, reps)...)
	return nil
}

// formReports narrows the expected values to what the file holds: forms
// carry only some of the breakdowns.
func (g *gen) formReports(f *file, reps []*report) []*report {
	if f.format != "xlsx-form" {
		return reps
	}
	return onlyColumns(reps, f.cols)
}

// jsonPerUnit writes one JSON report per unit, as a web form would send.
func (g *gen) jsonPerUnit(reps []*report) error {
	for _, r := range reps {
		st := g.randomStyle(r.prov.Code)
		f, err := g.jsonReportFile(r, st, fmt.Sprintf("%s-%s.json", g.baseName(r.prov, r.period), slug(r.unit.Name+" "+r.unit.Type)))
		if err != nil {
			return err
		}
		g.add(f, r)
	}
	return nil
}

func (g *gen) jsonReportFile(r *report, st longStyle, name string) (*file, error) {
	rep := jsonReport{
		Province: st.province, Unit: g.sp.unitName(r.unit, r.period, st.names),
		Period: periodText(r.period, st.period), SubmittedAt: r.submitted.Format("2006-01-02"), Note: Note,
	}
	if r.provinceLevel() {
		rep.Unit = ""
	}
	for _, v := range r.values {
		jv := jsonValue{Indicator: g.sp.indicator(v.ind, st.ind), Value: json.Number(plain(v.v)), Qualifier: string(v.q)}
		if v.dis != "" {
			jv.Disaggregation = g.sp.disagg(v.dis, r.unit)
		}
		if g.rng.Float64() < 0.05 && v.q == "" {
			jv.Value = vnNumber(v.v) // a clerk typed it as text
		}
		rep.Values = append(rep.Values, jv)
	}
	data, rows, err := jsonFile(rep)
	return &file{name: name, format: "json", data: data, rows: rows}, err
}

// provinceFiles writes the provinces' own annual reports: JSON for
// 2019-2024, two narrative articles instead of JSON, and one workbook with
// the three 2025 reports.
func (g *gen) provinceFiles() error {
	narrative := map[string]int{"42": 2022, "38": 2023}
	for _, prov := range g.data.provinces {
		for y := 2019; y <= 2024; y++ {
			r := g.data.provinceReports[prov.Code][y]
			if narrative[prov.Code] == y {
				f, reps, err := g.narrativeFile(r)
				if err != nil {
					return err
				}
				g.add(f, reps...)
				continue
			}
			st := g.randomStyle(prov.Code)
			f, err := g.jsonReportFile(r, st, fmt.Sprintf("%s-toan-tinh.json", g.baseName(prov, r.period)))
			if err != nil {
				return err
			}
			g.add(f, r)
		}
	}
	var reps []*report
	for _, prov := range g.data.provinces {
		reps = append(reps, g.data.provinceReports[prov.Code][2025])
	}
	data, rows, cols, err := g.provinceWorkbook(reps)
	if err != nil {
		return err
	}
	f := &file{name: "demo-ba-tinh-2025-toan-tinh-bieu-mau.xlsx", format: "xlsx-form", data: data, rows: rows, cols: cols}
	g.add(f, g.formReports(f, reps)...)
	return nil
}
