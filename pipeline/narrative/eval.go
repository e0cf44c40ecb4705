package narrative

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/danvan/danvan/pipeline"
)

// ExpectedFile is the name of the answer key in an evaluation folder: one
// JSON object per line, each a figure a reader records from one of the
// folder's documents (doc is the file name without .txt or .docx).
const ExpectedFile = "expected.jsonl"

// Expected is one line of an answer key.
type Expected struct {
	Doc       string  `json:"doc"`
	Province  *string `json:"province"`
	District  *string `json:"district"`
	Period    string  `json:"period"`
	Indicator string  `json:"indicator"`
	Value     float64 `json:"value"`
	Qualifier string  `json:"qualifier"`
	Unit      string  `json:"unit"`
	Quote     string  `json:"quote"`
}

// Found is a figure read from one document of an evaluation folder.
type Found struct {
	Doc string
	Figure
}

// Match is an expected figure and the figure that matched it.
type Match struct {
	Want Expected
	Got  Found
}

// Tally counts the figures of one indicator.
type Tally struct {
	Indicator                string
	Expected, Found, Matched int
	Misses, FalseFinds       int
}

// Precision is matched over found (1 when nothing was found).
func (t *Tally) Precision() float64 { return ratio(t.Matched, t.Found) }

// Recall is matched over expected (1 when nothing was expected).
func (t *Tally) Recall() float64 { return ratio(t.Matched, t.Expected) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Evaluation scores extraction against an answer key. An extracted figure
// is a hit when the key holds, for its document, a figure with the same
// indicator, value and qualifier; no key figure is used twice.
type Evaluation struct {
	Docs        []string
	Total       Tally
	ByIndicator []*Tally // sorted by indicator code
	Matches     []Match
	Misses      []Expected
	FalseFinds  []Found
	// PeriodAgree counts matches whose period is the expected one, out of
	// PeriodComparable (expected periods that are not "unknown"). Periods
	// are not part of the match.
	PeriodAgree, PeriodComparable int
	// PlaceAgree counts matches whose province and district are the
	// expected ones (district names compared without "TP", "TX", "xã"),
	// out of PlaceComparable (expected with a province).
	PlaceAgree, PlaceComparable int
}

// Precision is over all documents.
func (v *Evaluation) Precision() float64 { return v.Total.Precision() }

// Recall is over all documents.
func (v *Evaluation) Recall() float64 { return v.Total.Recall() }

// ReadExpected reads an answer key.
func ReadExpected(r io.Reader) ([]Expected, error) {
	var out []Expected
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Expected
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if e.Doc == "" || e.Indicator == "" {
			return nil, fmt.Errorf("line %d: doc and indicator are required", line)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// EvaluateDir reads every .txt and .docx document at the top of fsys and the
// answer key ExpectedFile beside them, and scores the extraction.
func (e *Extractor) EvaluateDir(fsys fs.FS) (*Evaluation, error) {
	f, err := fsys.Open(ExpectedFile)
	if err != nil {
		return nil, fmt.Errorf("open the answer key: %w", err)
	}
	want, err := ReadExpected(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ExpectedFile, err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var docs []string
	var found []Found
	for _, en := range entries {
		name := en.Name()
		ext := strings.ToLower(path.Ext(name))
		if en.IsDir() || (ext != ".txt" && ext != ".docx") || strings.EqualFold(name, "README.md") {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		figs, err := e.Extract(name, data)
		if err != nil {
			return nil, err
		}
		doc := strings.TrimSuffix(name, path.Ext(name))
		docs = append(docs, doc)
		for _, fg := range figs {
			found = append(found, Found{Doc: doc, Figure: fg})
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no .txt or .docx documents beside %s", ExpectedFile)
	}
	v := Score(want, found)
	v.Docs = docs
	return v, nil
}

// Score matches found figures to expected ones, document by document.
func Score(want []Expected, found []Found) *Evaluation {
	v := &Evaluation{Total: Tally{Indicator: "all"}}
	by := map[string]*Tally{}
	tally := func(ind string) *Tally {
		t := by[ind]
		if t == nil {
			t = &Tally{Indicator: ind}
			by[ind] = t
		}
		return t
	}
	used := make([]bool, len(found))
	for _, w := range want {
		t := tally(w.Indicator)
		t.Expected++
		v.Total.Expected++
		hit := -1
		for i, f := range found {
			if !used[i] && f.Doc == w.Doc && f.Indicator == w.Indicator && string(f.Qualifier) == w.Qualifier && sameValue(f.Value, w.Value) {
				hit = i
				break
			}
		}
		if hit < 0 {
			t.Misses++
			v.Misses = append(v.Misses, w)
			continue
		}
		used[hit] = true
		t.Matched++
		v.Total.Matched++
		v.Matches = append(v.Matches, Match{Want: w, Got: found[hit]})
		if wp, err := pipeline.ParsePeriod(w.Period); err == nil {
			v.PeriodComparable++
			if wp.Code == found[hit].Period {
				v.PeriodAgree++
			}
		}
		if w.Province != nil && *w.Province != "" {
			v.PlaceComparable++
			wd := ""
			if w.District != nil {
				wd = *w.District
			}
			if samePlace(*w.Province, found[hit].Province) && sameUnit(wd, found[hit].District, found[hit].DistrictType) {
				v.PlaceAgree++
			}
		}
	}
	for i, f := range found {
		t := tally(f.Indicator)
		t.Found++
		v.Total.Found++
		if !used[i] {
			t.FalseFinds++
			v.FalseFinds = append(v.FalseFinds, f)
		}
	}
	v.Total.Misses, v.Total.FalseFinds = len(v.Misses), len(v.FalseFinds)
	for _, t := range by {
		v.ByIndicator = append(v.ByIndicator, t)
	}
	sort.Slice(v.ByIndicator, func(i, j int) bool { return v.ByIndicator[i].Indicator < v.ByIndicator[j].Indicator })
	return v
}

// samePlace compares names of provinces as annotators and the extractor
// write them: "Bà Rịa - Vũng Tàu" and "Bà Rịa – Vũng Tàu" are one.
func samePlace(a, b string) bool {
	_, na := splitTypeWord(a)
	_, nb := splitTypeWord(b)
	return na == nb
}

// sameUnit compares the key's district with the unit found and its type.
// The key writes a district or town bare ("Cửa Lò") or as "TP …"/"TX …",
// and a unit that exists only after July 2025 with its type word ("xã Đức
// Thọ", "phường Cửa Lò"); a new commune often carries its former district's
// name, so the type words are compared, not dropped: "xã Đức Thọ" is not
// the district Đức Thọ. A unit found without a type (named by the options)
// is taken as a district.
func sameUnit(want, got, gotType string) bool {
	wt, wn := splitTypeWord(want)
	_, gn := splitTypeWord(got)
	if wn != gn {
		return false
	}
	district := func(t string) bool { return t == "" || t == "huyen" || t == "thi_xa" || t == "thanh_pho" }
	if wt == "" {
		return district(gotType)
	}
	return gotType == wt || gotType == "" && district(wt)
}

// splitTypeWord splits a place's name into its type (as DistrictType
// writes it, "" when it has none) and its folded name, dashes as spaces.
func splitTypeWord(s string) (typ, name string) {
	s = pipeline.Fold(s)
	for _, p := range [...][2]string{{"tp ", "thanh_pho"}, {"thanh pho ", "thanh_pho"}, {"tx ", "thi_xa"}, {"thi xa ", "thi_xa"},
		{"huyen ", "huyen"}, {"xa ", "xa"}, {"phuong ", "phuong"}, {"thi tran ", "thi_tran"}} {
		if rest, ok := strings.CutPrefix(s, p[0]); ok {
			typ, s = p[1], rest
			break
		}
	}
	return typ, strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '–' }), " ")
}

// sameValue compares values read from text: every indicator counts whole
// units (đồng, m², models), so values agree when they round to the same
// whole number; below one, to nine significant digits.
func sameValue(a, b float64) bool {
	if math.Abs(a) >= 1 || math.Abs(b) >= 1 {
		return math.Round(a) == math.Round(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// Write prints the evaluation: precision and recall, a table by indicator,
// then every miss and false find with its document and quote.
func (v *Evaluation) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "documents: %d, expected: %d, found: %d, matched: %d\n", len(v.Docs), v.Total.Expected, v.Total.Found, v.Total.Matched)
	fmt.Fprintf(bw, "precision: %.3f  recall: %.3f\n", v.Precision(), v.Recall())
	if v.PeriodComparable > 0 {
		fmt.Fprintf(bw, "periods of matched figures as expected: %d of %d\n", v.PeriodAgree, v.PeriodComparable)
	}
	if v.PlaceComparable > 0 {
		fmt.Fprintf(bw, "places of matched figures as expected: %d of %d\n", v.PlaceAgree, v.PlaceComparable)
	}
	fmt.Fprintln(bw)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "indicator\texpected\tfound\tmatched\tmissed\tfalse\tprecision\trecall\t")
	for _, t := range append(append([]*Tally{}, v.ByIndicator...), &v.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t\n", t.Indicator, t.Expected, t.Found, t.Matched, t.Misses, t.FalseFinds, t.Precision(), t.Recall())
	}
	tw.Flush()
	if len(v.Misses) > 0 {
		fmt.Fprintf(bw, "\nmissed (%d):\n", len(v.Misses))
		for _, m := range v.Misses {
			fmt.Fprintf(bw, "  %s  %s %s %s  %q\n", m.Doc, m.Indicator, formatValue(m.Value), m.Qualifier, m.Quote)
		}
	}
	var off []Match
	for _, m := range v.Matches {
		if wp, err := pipeline.ParsePeriod(m.Want.Period); err == nil && wp.Code != m.Got.Period {
			off = append(off, m)
		}
	}
	if len(off) > 0 {
		fmt.Fprintf(bw, "\nmatched with another period (%d):\n", len(off))
		for _, m := range off {
			fmt.Fprintf(bw, "  %s  %s %s  period %s, expected %s\n", m.Want.Doc, m.Want.Indicator, formatValue(m.Want.Value), m.Got.Period, m.Want.Period)
		}
	}
	if len(v.FalseFinds) > 0 {
		fmt.Fprintf(bw, "\nfalse finds (%d):\n", len(v.FalseFinds))
		for _, f := range v.FalseFinds {
			fmt.Fprintf(bw, "  %s  %s %s %s  câu %d  %q\n", f.Doc, f.Indicator, formatValue(f.Value), f.Qualifier, f.SentenceIndex, f.Quote)
		}
	}
	return bw.Flush()
}

func formatValue(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
