package serve

// The one-page brief ("Bản tin so sánh"): for a year, the three provinces
// side by side on every indicator (absolute, per 100,000 inhabitants, change
// on the previous year), the completeness of that year's reports, and three
// to five sentences written from those numbers. Every figure of a sentence
// is a cell of the brief's tables (data-ref names it, and the test checks
// that the sentence says what the cell says), so a reader can trace each
// sentence to its figures on the same page. It is written on the server,
// so `danvan brief` makes the same page without a browser, and prints on
// one A4 page.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/danvan/danvan/dashboards"
	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// briefData is what a brief is made of, read from one snapshot.
type briefData struct {
	manifest     layout.SnapshotManifest
	indicators   []briefIndicator
	provinces    []briefProvince
	provinceYear []briefPY
	completeness []briefComp
	years        []briefYear
}

type briefIndicator struct {
	Code    string `json:"code"`
	LabelVI string `json:"label_vi"`
	LabelEN string `json:"label_en"`
	Unit    string `json:"unit"`
	UnitEN  string `json:"unit_en"`
}

type briefProvince struct {
	Code string `json:"province_code"`
	Name string `json:"province_name"`
}

type briefPY struct {
	Province       string   `json:"province_code"`
	Year           int      `json:"year"`
	Indicator      string   `json:"indicator"`
	Value          float64  `json:"value"`
	Qualifier      string   `json:"qualifier"`
	Per100k        *float64 `json:"per_100k"`
	YoYPct         *float64 `json:"yoy_pct"`
	YoYNote        *string  `json:"yoy_note"`
	Partial        bool     `json:"partial"`
	DifferenceFlag bool     `json:"difference_flag"`
}

type briefComp struct {
	Province string `json:"province_code"`
	Period   string `json:"period"`
	Type     string `json:"period_type"`
	Expected int    `json:"expected"`
	Received int    `json:"received"`
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Pending  int    `json:"pending"`
}

type briefYear struct {
	Year     int    `json:"year"`
	Complete bool   `json:"complete"`
	LabelVI  string `json:"label_vi"`
	LabelEN  string `json:"label_en"`
}

// readBrief reads what a brief needs from a snapshot; read returns a file
// of it by its slash-separated name.
func readBrief(read func(name string) ([]byte, error)) (*briefData, error) {
	d := &briefData{}
	for name, v := range map[string]any{
		"manifest.json": &d.manifest, "indicators.json": &d.indicators, "provinces.json": &d.provinces,
		"province_year.json": &d.provinceYear, "completeness.json": &d.completeness, "years.json": &d.years,
	} {
		b, err := read(name)
		if err != nil {
			return nil, fmt.Errorf("brief: read %s: %w", name, err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, fmt.Errorf("brief: read %s: %w", name, err)
		}
	}
	slices.SortFunc(d.provinces, func(a, b briefProvince) int { return cmp.Compare(a.Code, b.Code) })
	// The catalogue's order (registered models first), not the codes'.
	order := map[string]int{}
	if ref, err := pipeline.DefaultReference(); err == nil {
		for i, ind := range ref.Indicators {
			order[ind.Code] = i
		}
	}
	slices.SortFunc(d.indicators, func(a, b briefIndicator) int {
		return cmp.Or(cmp.Compare(order[a.Code], order[b.Code]), cmp.Compare(a.Code, b.Code))
	})
	return d, nil
}

// DefaultYear is the year a brief is about unless told: the latest year
// whose figures cover the whole year, else the latest.
func (d *briefData) defaultYear() int {
	best, latest := 0, 0
	for _, y := range d.years {
		latest = max(latest, y.Year)
		if y.Complete {
			best = max(best, y.Year)
		}
	}
	if best == 0 {
		return latest
	}
	return best
}

// The brief as the template renders it.
type brief struct {
	Lang, Title, YearLabel, AsOf, Run, Note string
	Year                                    int
	Partial, Demo                           bool
	Provinces                               []string
	Heads                                   briefHeads
	Rows                                    []briefRow
	Comp                                    briefCompTable
	Sentences                               []sentence
	CSS                                     template.CSS
	CSSHref                                 string
}

type briefHeads struct {
	Indicator, Value, Per100k, Change, Province, Total, Missing, Late, Sentences, Reports, Source string
}

type briefRow struct {
	Label, Unit string
	Cells       []briefCell
}

// briefCell is one province's figures of one indicator.
type briefCell struct {
	ID                         string // "v-38-dialogues"; "p-" per 100k, "c-" change
	Value, Per100k, Change     string
	Leader, LeaderPer, Partial bool
	ChangeNote                 string
}

type briefCompTable struct {
	Periods []string // column heads: 2025-H1, 2025-H2
	Rows    []briefCompRow
}

type briefCompRow struct {
	Province string
	Cells    []string // received/expected per period
	Total    string   // received/expected
	TotalID  string
	Missing  string
	MissID   string
	Late     string
	LateID   string
}

// sentence is a text with figures in it, each figure naming its cell.
type sentence struct{ Parts []sentencePart }

type sentencePart struct {
	Text, Ref string // Ref: the id of the cell the figure comes from ("" for words)
}

func (s *sentence) words(f string, args ...any) *sentence {
	s.Parts = append(s.Parts, sentencePart{Text: fmt.Sprintf(f, args...)})
	return s
}

func (s *sentence) fig(text, ref string) *sentence {
	s.Parts = append(s.Parts, sentencePart{Text: text, Ref: ref})
	return s
}

// makeBrief builds the brief of year in lang.
func (d *briefData) makeBrief(year int, lang string) (*brief, error) {
	L := func(vi, en string) string { return word{vi, en}.in(lang) }
	var info *briefYear
	for i := range d.years {
		if d.years[i].Year == year {
			info = &d.years[i]
		}
	}
	if info == nil {
		return nil, fmt.Errorf("%w: no figures for %d", errNoYear, year)
	}
	b := &brief{Lang: lang, Year: year, Partial: !info.Complete, Demo: d.manifest.Demo, Run: d.manifest.RunID}
	b.YearLabel = strconv.Itoa(year)
	if !info.Complete {
		b.YearLabel = L(info.LabelVI, info.LabelEN)
	}
	if d.manifest.DataAsOf != nil {
		if lang == "en" {
			b.AsOf = *d.manifest.DataAsOf
		} else if s := *d.manifest.DataAsOf; len(s) == 10 {
			b.AsOf = s[8:10] + "/" + s[5:7] + "/" + s[0:4]
		}
	}
	b.Title = L("Bản tin so sánh công tác dân vận", "Mass mobilisation work: comparison brief")
	b.Heads = briefHeads{
		Indicator: L("Chỉ tiêu", "Indicator"), Value: L("Số liệu", "Figure"), Per100k: L("/100.000 dân", "/100,000"),
		Change: L("± năm trước", "± prev. year"), Province: L("Tỉnh", "Province"), Total: L("Tổng", "Total"),
		Missing: L("Chưa báo cáo", "Not reported"), Late: L("Trễ hạn", "Late"), Sentences: L("Nhận định", "Findings"),
		Reports: L("Tình hình báo cáo năm "+strconv.Itoa(year)+" (đã nhận/phải nộp)", "Reports for "+strconv.Itoa(year)+" (received/expected)"),
		Source:  L("Nguồn", "Source"),
	}
	for _, p := range d.provinces {
		b.Provinces = append(b.Provinces, p.Name)
	}
	get := func(pc, ind string) *briefPY {
		for i := range d.provinceYear {
			r := &d.provinceYear[i]
			if r.Province == pc && r.Year == year && r.Indicator == ind {
				return r
			}
		}
		return nil
	}
	label := func(i briefIndicator) (string, string) {
		if i.Unit == "đồng" { // in billions, as leaders read money
			return word{i.LabelVI, i.LabelEN}.in(lang), L("tỷ đồng", "billion VND")
		}
		if lang == "en" {
			return i.LabelEN, cmp.Or(i.UnitEN, i.Unit)
		}
		return i.LabelVI, i.Unit
	}
	// scale is what a figure of an indicator is divided by in the brief.
	scale := func(i briefIndicator) float64 {
		if i.Unit == "đồng" {
			return 1e9
		}
		return 1
	}
	fig := func(i briefIndicator, v float64, q string) string { return qualified(v/scale(i), q, lang) }
	per := func(i briefIndicator, v float64) string { return fixed(v/scale(i), 1, lang) }
	type lead struct {
		ind      briefIndicator
		abs, per []int // indexes of the leading provinces (ties share)
		values   []*briefPY
	}
	var leads []lead
	for _, ind := range d.indicators {
		rows := make([]*briefPY, len(d.provinces))
		any := false
		for i, p := range d.provinces {
			rows[i] = get(p.Code, ind.Code)
			any = any || rows[i] != nil
		}
		if !any {
			continue
		}
		lbl, unit := label(ind)
		row := briefRow{Label: lbl, Unit: unit}
		l := lead{ind: ind, values: rows}
		l.abs = leaders(rows, func(r *briefPY) *float64 { return &r.Value })
		l.per = leaders(rows, func(r *briefPY) *float64 { return r.Per100k })
		for i, p := range d.provinces {
			c := briefCell{ID: p.Code + "-" + ind.Code, Value: "–", Per100k: "–", Change: "–"}
			if r := rows[i]; r != nil {
				c.Value = fig(ind, r.Value, r.Qualifier)
				if r.Per100k != nil {
					c.Per100k = per(ind, *r.Per100k)
				}
				if r.YoYPct != nil {
					c.Change = signedFixed(*r.YoYPct, 1, lang) + "%"
				} else if r.YoYNote != nil {
					c.ChangeNote = codeWord("yoy_note", *r.YoYNote, lang)
				}
				c.Partial = r.Partial
				c.Leader = slices.Contains(l.abs, i)
				c.LeaderPer = slices.Contains(l.per, i)
			}
			row.Cells = append(row.Cells, c)
		}
		b.Rows = append(b.Rows, row)
		leads = append(leads, l)
	}
	if len(b.Rows) == 0 {
		return nil, fmt.Errorf("%w: no figures for %d", errNoYear, year)
	}

	// Completeness of the year's reports, per province.
	var periods []string
	for _, c := range d.completeness {
		if strings.HasPrefix(c.Period, strconv.Itoa(year)) && !slices.Contains(periods, c.Period) {
			periods = append(periods, c.Period)
		}
	}
	slices.SortFunc(periods, comparePeriods)
	b.Comp.Periods = periods
	type compTotal struct{ expected, received, late, pending int }
	totals := make([]compTotal, len(d.provinces))
	for i, p := range d.provinces {
		row := briefCompRow{Province: p.Name, TotalID: "t-" + p.Code, MissID: "m-" + p.Code, LateID: "l-" + p.Code}
		for _, per := range periods {
			cell := "–"
			for _, c := range d.completeness {
				if c.Province == p.Code && c.Period == per {
					cell = number(float64(c.Received), 0, lang) + "/" + number(float64(c.Expected), 0, lang)
					totals[i].expected += c.Expected
					totals[i].received += c.Received
					totals[i].late += c.Late
					totals[i].pending += c.Pending
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		t := totals[i]
		row.Total = number(float64(t.received), 0, lang) + "/" + number(float64(t.expected), 0, lang)
		row.Missing = number(float64(t.expected-t.received), 0, lang)
		row.Late = number(float64(t.late), 0, lang)
		b.Comp.Rows = append(b.Comp.Rows, row)
	}

	// The sentences.
	names := b.Provinces
	n := len(leads)
	// 1. Who leads how many indicators, absolute and per capita.
	{
		s := &sentence{}
		s.words("%s, ", cap1(inYear(b, lang)))
		countAbs := make([]int, len(names))
		countPer := make([]int, len(names))
		perN := 0
		for _, l := range leads {
			for _, i := range l.abs {
				countAbs[i]++
			}
			if len(l.per) > 0 {
				perN++
			}
			for _, i := range l.per {
				countPer[i]++
			}
		}
		order := byCount(countAbs)
		for k, i := range order {
			switch {
			case k == 0:
				s.words("%s", L(names[i]+" dẫn đầu "+strconv.Itoa(countAbs[i])+"/"+strconv.Itoa(n)+" chỉ tiêu về số tuyệt đối",
					names[i]+" leads "+strconv.Itoa(countAbs[i])+" of "+strconv.Itoa(n)+" indicators in absolute terms"))
			case countAbs[i] > 0:
				s.words("%s", L(", "+names[i]+" "+strconv.Itoa(countAbs[i])+"/"+strconv.Itoa(n), ", "+names[i]+" "+strconv.Itoa(countAbs[i])))
			}
		}
		if perN > 0 {
			top := byCount(countPer)[0]
			s.words("%s", L("; tính trên 100.000 dân, "+names[top]+" dẫn đầu "+strconv.Itoa(countPer[top])+"/"+strconv.Itoa(perN)+" chỉ tiêu",
				"; per 100,000 inhabitants, "+names[top]+" leads "+strconv.Itoa(countPer[top])+" of "+strconv.Itoa(perN)))
		}
		s.words("%s", L(" (ô in đậm trong bảng).", " (bold cells in the table)."))
		b.Sentences = append(b.Sentences, *s)
	}
	// 2. The first indicator of the catalogue, its leader and the others.
	{
		l := leads[0]
		lbl, unit := label(l.ind)
		s := &sentence{}
		lead := l.abs[0]
		s.words("%s", L("Về "+lowerFirst(lbl)+", "+names[lead]+" cao nhất với ", "On "+lbl+", "+names[lead]+" is highest with "))
		s.fig(fig(l.ind, l.values[lead].Value, l.values[lead].Qualifier), "v-"+d.provinces[lead].Code+"-"+l.ind.Code)
		s.words(" %s", unit)
		var others []int
		for i := range names {
			if i != lead && l.values[i] != nil {
				others = append(others, i)
			}
		}
		slices.SortFunc(others, func(a, c int) int { return cmp.Compare(l.values[c].Value, l.values[a].Value) })
		for k, i := range others {
			switch {
			case k == 0:
				s.words("%s", L(", tiếp theo là "+names[i]+" (", ", followed by "+names[i]+" ("))
			case k == len(others)-1:
				s.words("%s", L(" và "+names[i]+" (", " and "+names[i]+" ("))
			default:
				s.words(", %s (", names[i])
			}
			s.fig(fig(l.ind, l.values[i].Value, l.values[i].Qualifier), "v-"+d.provinces[i].Code+"-"+l.ind.Code)
			s.words(")")
		}
		if len(l.per) > 0 {
			p := l.per[0]
			s.words("%s", L("; tính trên 100.000 dân, "+names[p]+" cao nhất (", "; per 100,000 inhabitants, "+names[p]+" is highest ("))
			s.fig(per(l.ind, *l.values[p].Per100k), "p-"+d.provinces[p].Code+"-"+l.ind.Code)
			s.words(")")
		}
		s.words(".")
		if b.Partial {
			s.words("%s", L(" Đây mới là số liệu "+partOf(b, lang)+", chưa phải cả năm.", " These are figures of "+partOf(b, lang)+" only, not the whole year."))
		}
		b.Sentences = append(b.Sentences, *s)
	}
	// 3. The largest change on the previous year, or why there is none.
	{
		s := &sentence{}
		var best *briefPY
		bestInd, bestProv := briefIndicator{}, 0
		for _, l := range leads {
			for i, r := range l.values {
				if r != nil && r.YoYPct != nil && (best == nil || math.Abs(*r.YoYPct) > math.Abs(*best.YoYPct)) {
					best, bestInd, bestProv = r, l.ind, i
				}
			}
		}
		switch {
		case b.Partial:
			s.words("%s", L("Không so sánh với năm "+strconv.Itoa(year-1)+" vì đây mới là số liệu "+partOf(b, lang)+": một phần năm không so sánh được với cả năm.",
				"No comparison with "+strconv.Itoa(year-1)+": these are figures of "+partOf(b, lang)+", and part of a year is not comparable with a whole one."))
		case best == nil:
			s.words("%s", L("Không có số liệu năm "+strconv.Itoa(year-1)+" đủ năm để so sánh.", "There is no whole-year figure of "+strconv.Itoa(year-1)+" to compare with."))
		default:
			lbl, unit := label(bestInd)
			up := *best.YoYPct >= 0
			s.words("%s", L("So với năm "+strconv.Itoa(year-1)+", thay đổi lớn nhất là "+lowerFirst(lbl)+" ở "+names[bestProv]+" (",
				"Compared with "+strconv.Itoa(year-1)+", the largest change is in "+lbl+" in "+names[bestProv]+" ("))
			s.fig(signedFixed(*best.YoYPct, 1, lang)+"%", "c-"+d.provinces[bestProv].Code+"-"+bestInd.Code)
			s.words("%s", map[bool]string{true: L("), lên ", "), up to "), false: L("), còn ", "), down to ")}[up])
			s.fig(fig(bestInd, best.Value, best.Qualifier), "v-"+d.provinces[bestProv].Code+"-"+bestInd.Code)
			s.words(" %s.", unit)
		}
		b.Sentences = append(b.Sentences, *s)
	}
	// 4. Who has not reported.
	if len(periods) > 0 {
		s := &sentence{}
		s.words("%s", L("Về báo cáo năm "+strconv.Itoa(year)+" theo lịch báo cáo (", "Of the reports due for "+strconv.Itoa(year)+" by the reporting calendar ("))
		s.words("%s", strings.Join(periods, ", "))
		s.words("%s", L("), ", "), "))
		var missing []int
		for i, t := range totals {
			if t.expected-t.received > 0 {
				missing = append(missing, i)
			}
		}
		if len(missing) == 0 {
			s.words("%s", L("cả ba tỉnh đã nhận đủ: ", "all three provinces have every one: "))
			for i := range d.provinces {
				if i > 0 {
					s.words(", ")
				}
				s.words("%s ", names[i])
				s.fig(b.Comp.Rows[i].Total, b.Comp.Rows[i].TotalID)
			}
			s.words(".")
		} else {
			s.words("%s", L("còn thiếu báo cáo của ", "reports are missing from "))
			for k, i := range missing {
				switch {
				case k > 0 && k == len(missing)-1:
					s.words("%s", L(" và ", " and "))
				case k > 0:
					s.words(", ")
				}
				s.fig(b.Comp.Rows[i].Missing, b.Comp.Rows[i].MissID)
				s.words("%s", L(" đơn vị ở "+names[i], " units in "+names[i]))
				s.words(" (")
				s.fig(b.Comp.Rows[i].Total, b.Comp.Rows[i].TotalID)
				s.words("%s", L(" đã nhận)", " received)"))
			}
			pending := 0
			for _, t := range totals {
				pending += t.pending
			}
			if pending > 0 {
				s.words("%s", L("; một số báo cáo còn trong hạn nộp", "; some are not yet due"))
			}
			s.words(".")
		}
		b.Sentences = append(b.Sentences, *s)
	}
	b.Note = L("Các câu nhận định được viết tự động từ số liệu của hai bảng; mỗi con số gạch dưới là một ô của bảng. "+
		"Số liệu có dấu ≈ là số ước tính, ≥ là số tối thiểu. Ô in đậm: cao nhất trong ba tỉnh.",
		"The findings are written from the figures of the two tables; each underlined number is a cell of a table. "+
			"≈ marks an estimate, ≥ a lower bound. Bold: highest of the three provinces.")
	return b, nil
}

var errNoYear = errors.New("no such year")

// leaders are the indexes of the rows with the greatest value (ties share).
func leaders(rows []*briefPY, val func(*briefPY) *float64) []int {
	best := math.Inf(-1)
	var out []int
	for i, r := range rows {
		if r == nil || val(r) == nil {
			continue
		}
		switch v := *val(r); {
		case v > best:
			best, out = v, []int{i}
		case v == best:
			out = append(out, i)
		}
	}
	return out
}

// byCount orders indexes by their count, largest first, then by index.
func byCount(counts []int) []int {
	idx := make([]int, len(counts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(counts[b], counts[a]) })
	return idx
}

// qualified is a figure with its qualifier's mark, as the pages show it.
func qualified(v float64, q, lang string) string {
	mark := map[string]string{"approx": "≈\u202f", "at_least": "≥\u202f", "at_most": "≤\u202f"}[q]
	return mark + number(v, 1, lang)
}

// inYear is "năm 2025", or "trong 6 tháng đầu năm 2026 (chưa đủ năm)".
func inYear(b *brief, lang string) string {
	if b.Partial {
		return word{"trong " + lowerFirst(b.YearLabel), "in the " + lowerFirst(b.YearLabel)}.in(lang)
	}
	return word{"năm " + strconv.Itoa(b.Year), "in " + strconv.Itoa(b.Year)}.in(lang)
}

// partOf is what a part-year holds, without the words that say it is
// partial: "6 tháng đầu năm 2026", "the first half of 2026".
func partOf(b *brief, lang string) string {
	if lang == "en" {
		return "the " + lowerFirst(strings.TrimSuffix(b.YearLabel, " (part-year)"))
	}
	return lowerFirst(strings.TrimSuffix(b.YearLabel, " (chưa đủ năm)"))
}

func cap1(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// comparePeriods orders periods by their end, a half before its year.
func comparePeriods(a, b string) int {
	pa, ea := pipeline.ParsePeriod(a)
	pb, eb := pipeline.ParsePeriod(b)
	if ea != nil || eb != nil {
		return cmp.Compare(a, b)
	}
	return cmp.Or(pa.End.Compare(pb.End), pb.Start.Compare(pa.Start))
}

// briefTemplate is parsed when a brief is first made, not when the
// process starts (every danvan command would pay for it).
var briefTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("brief").Parse(briefHTML))
})

// render writes the brief as HTML: with its style sheet linked (served) or
// written into the page (a file on its own).
func (b *brief) render(w io.Writer) error { return briefTemplate().Execute(w, b) }

// BriefFile writes the brief of year (0: the latest complete year) of the
// snapshot in snapDir as one HTML file of its own, style included, for
// `danvan brief`.
func BriefFile(w io.Writer, snapDir string, year int, lang string) (int, error) {
	d, err := readBrief(func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(snapDir, filepath.FromSlash(name)))
	})
	if err != nil {
		return 0, err
	}
	if year == 0 {
		year = d.defaultYear()
	}
	b, err := d.makeBrief(year, lang)
	if err != nil {
		return year, err
	}
	css, err := fs.ReadFile(dashboards.FS, "web/brief.css")
	if err != nil {
		return year, err
	}
	b.CSS = template.CSS(css)
	return year, b.render(w)
}

// briefPage serves /brief?year=…&lang=en.
func (s *Server) briefPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := "vi"
	if q.Get("lang") == "en" {
		lang = "en"
	}
	snap, err := s.data.pinned(q.Get("run"))
	if err != nil {
		s.snapshotError(w, err)
		return
	}
	d, err := readBrief(func(name string) ([]byte, error) {
		f, err := s.data.read(snap, name)
		if err != nil {
			return nil, err
		}
		return f.body, nil
	})
	if err != nil {
		s.log.Error("read snapshot for the brief", "err", err)
		httpError(w, http.StatusInternalServerError, "không đọc được dữ liệu / cannot read data")
		return
	}
	year := d.defaultYear()
	if y := q.Get("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			httpError(w, http.StatusBadRequest, "năm không hợp lệ / not a year: "+y)
			return
		}
	}
	b, err := d.makeBrief(year, lang)
	if errors.Is(err, errNoYear) {
		httpError(w, http.StatusNotFound, fmt.Sprintf("không có số liệu năm %d / no figures for %d", year, year))
		return
	}
	if err != nil {
		s.log.Error("make the brief", "err", err)
		httpError(w, http.StatusInternalServerError, "không tạo được bản tin / cannot make the brief")
		return
	}
	b.CSSHref = "/assets/" + s.assets.version + "/brief.css"
	var buf bytes.Buffer
	if err := b.render(&buf); err != nil {
		s.log.Error("render the brief", "err", err)
		httpError(w, http.StatusInternalServerError, "không tạo được bản tin / cannot make the brief")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
}

const briefHTML = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.YearLabel}}</title>
<link rel="icon" href="data:,">
{{if .CSSHref}}<link rel="stylesheet" href="{{.CSSHref}}">{{else}}<style>{{.CSS}}</style>{{end}}
</head>
<body data-page="brief" data-ready="1">
<main class="brief">
<header>
<h1>{{.Title}} – <span class="year{{if .Partial}} part-year{{end}}" data-field="year-label">{{.YearLabel}}</span></h1>
<p class="sub">Thanh Hóa · Nghệ An · Hà Tĩnh{{if .AsOf}} · {{if eq .Lang "en"}}data as of{{else}}số liệu tính đến{{end}} {{.AsOf}}{{end}}{{if .Demo}} · <strong class="demo">{{if eq .Lang "en"}}illustrative data (demo){{else}}dữ liệu minh họa (demo){{end}}</strong>{{end}}</p>
</header>
<section class="findings">
<h2>{{.Heads.Sentences}}</h2>
<ol id="sentences">{{range .Sentences}}<li>{{range .Parts}}{{if .Ref}}<span class="figref" data-ref="{{.Ref}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}</li>{{end}}</ol>
</section>
<div class="table-scroll">
<table id="brief-table">
<colgroup><col class="c-ind">{{range .Provinces}}<col class="c-v"><col class="c-p"><col class="c-c">{{end}}</colgroup>
<thead>
<tr><th rowspan="2" class="ind">{{.Heads.Indicator}}</th>{{range .Provinces}}<th colspan="3" class="prov">{{.}}</th>{{end}}</tr>
<tr>{{range .Provinces}}<th class="num">{{$.Heads.Value}}</th><th class="num">{{$.Heads.Per100k}}</th><th class="num">{{$.Heads.Change}}</th>{{end}}</tr>
</thead>
<tbody>
{{range .Rows}}<tr><th scope="row" class="ind">{{.Label}} <span class="unit">({{.Unit}})</span></th>{{range .Cells}}<td class="num{{if .Leader}} lead{{end}}" id="v-{{.ID}}">{{.Value}}{{if .Partial}}<sup class="part">*</sup>{{end}}</td><td class="num{{if .LeaderPer}} lead{{end}}" id="p-{{.ID}}">{{.Per100k}}</td><td class="num change" id="c-{{.ID}}"{{if .ChangeNote}} title="{{.ChangeNote}}"{{end}}>{{.Change}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
</div>
<h2>{{.Heads.Reports}}</h2>
<table id="brief-comp">
<thead><tr><th>{{.Heads.Province}}</th>{{range .Comp.Periods}}<th class="num">{{.}}</th>{{end}}<th class="num">{{.Heads.Total}}</th><th class="num">{{.Heads.Missing}}</th><th class="num">{{.Heads.Late}}</th></tr></thead>
<tbody>{{range .Comp.Rows}}<tr><th scope="row">{{.Province}}</th>{{range .Cells}}<td class="num">{{.}}</td>{{end}}<td class="num" id="{{.TotalID}}">{{.Total}}</td><td class="num" id="{{.MissID}}">{{.Missing}}</td><td class="num" id="{{.LateID}}">{{.Late}}</td></tr>{{end}}</tbody>
</table>
<footer>
<p>{{if .Partial}}* {{if eq .Lang "en"}}part of the year only; not comparable with a whole year.{{else}}chưa đủ năm; không so sánh được với năm đủ.{{end}} {{end}}{{.Note}}</p>
<p>{{.Heads.Source}}: danvan, {{if eq .Lang "en"}}snapshot{{else}}bản dữ liệu{{end}} {{.Run}}.</p>
</footer>
</main>
</body>
</html>
`
