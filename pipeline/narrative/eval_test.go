package narrative

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/danvan/danvan/pipeline"
)

func found(doc, ind string, v float64, q pipeline.Qualifier) Found {
	return Found{Doc: doc, Figure: Figure{Indicator: ind, Value: v, Qualifier: q, Period: "2023", Quote: "q", Sentence: "q", SentenceIndex: 1}}
}

// TestScore: an extracted figure is a hit against the key figure of its
// document with equal indicator, value and qualifier, each key figure used
// once; precision and recall are summed over documents and by indicator.
func TestScore(t *testing.T) {
	want := []Expected{
		{Doc: "1", Indicator: "models_total", Value: 120, Qualifier: "exact", Period: "2023"},
		{Doc: "1", Indicator: "models_total", Value: 120, Qualifier: "exact", Period: "2022"}, // the same figure twice
		{Doc: "1", Indicator: "land_donated_m2", Value: 3073000, Qualifier: "exact", Period: "2023"},
		{Doc: "2", Indicator: "funds_mobilized_vnd", Value: 17600000000, Qualifier: "at_least", Period: "2023"},
		{Doc: "2", Indicator: "dialogues", Value: 14, Qualifier: "exact", Period: "2023"},
	}
	got := []Found{
		found("1", "models_total", 120, pipeline.Exact),
		found("1", "land_donated_m2", 307.3*10000, pipeline.Exact),       // float noise matches
		found("2", "funds_mobilized_vnd", 17.6e9, pipeline.Exact),        // wrong qualifier
		found("2", "dialogues", 14, pipeline.Exact),                      // right
		found("1", "dialogues", 14, pipeline.Exact),                      // wrong document
		found("2", "awards_collective", 3, pipeline.Exact),               // not expected
		found("2", "funds_mobilized_vnd", 17600000001, pipeline.AtLeast), // other value
	}
	v := Score(want, got)
	if v.Total.Expected != 5 || v.Total.Found != 7 || v.Total.Matched != 3 {
		t.Fatalf("tally %+v", v.Total)
	}
	if p, r := v.Precision(), v.Recall(); p != 3.0/7 || r != 3.0/5 {
		t.Errorf("precision %v recall %v", p, r)
	}
	if len(v.Misses) != 2 || len(v.FalseFinds) != 4 {
		t.Errorf("misses %v, false finds %v", v.Misses, v.FalseFinds)
	}
	by := map[string]*Tally{}
	for _, tl := range v.ByIndicator {
		by[tl.Indicator] = tl
	}
	if m := by["models_total"]; m.Expected != 2 || m.Found != 1 || m.Matched != 1 || m.Recall() != 0.5 || m.Precision() != 1 {
		t.Errorf("models_total %+v", m)
	}
	if d := by["dialogues"]; d.Found != 2 || d.Matched != 1 || d.FalseFinds != 1 {
		t.Errorf("dialogues %+v", d)
	}
	if v.PeriodComparable != 3 || v.PeriodAgree != 3 {
		t.Errorf("periods %d of %d", v.PeriodAgree, v.PeriodComparable)
	}
	var out bytes.Buffer
	if err := v.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"precision: 0.429  recall: 0.600", "missed (2):", "false finds (4):", "  2  awards_collective 3 exact  câu 1"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestReadExpectedErrors(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"{\"doc\":\"1\",\"indicator\":\"dialogues\",\"value\":3}\n{not json}\n", "line 2"},
		{"\n{\"indicator\":\"dialogues\",\"value\":3}\n", "line 2: doc and indicator are required"},
	} {
		_, err := ReadExpected(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.msg)
		}
	}
}

// TestEvaluateDir reads the documents beside the answer key; the key's
// README and folders are not documents.
func TestEvaluateDir(t *testing.T) {
	x := testExtractor(t)
	fsys := fstest.MapFS{
		"expected.jsonl": {Data: []byte(`{"doc":"r1","indicator":"contests","value":7,"qualifier":"exact","period":"2023"}` + "\n")},
		"r1.txt":         {Data: []byte("DATE: 2023-12-20\n\nNăm 2023, các xã tổ chức 7 hội thi “Dân vận khéo”.\n")},
		"r2.txt":         {Data: []byte("DATE: 2023-12-20\n\nCông tác dân vận phải gần dân, hiểu dân.\n")},
		"README.md":      {Data: []byte("Năm 2023 có 9 hội thi.")},
		"sub/r3.txt":     {Data: []byte("Năm 2023 có 9 hội thi.")},
	}
	v, err := x.EvaluateDir(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Docs) != 2 || v.Precision() != 1 || v.Recall() != 1 {
		t.Errorf("docs %v, precision %v, recall %v, false %v", v.Docs, v.Precision(), v.Recall(), v.FalseFinds)
	}
	if _, err := x.EvaluateDir(fstest.MapFS{"r1.txt": {Data: []byte("x")}}); err == nil || !strings.Contains(err.Error(), "answer key") {
		t.Errorf("no answer key: err %v", err)
	}
}

// TestRowsUnknownPeriod: a figure nothing dates keeps its quote and goes to
// validation without a period, which refuses it as missing one: nothing is
// lost, and a person can date it.
func TestRowsUnknownPeriod(t *testing.T) {
	x := testExtractor(t)
	text := "Nhân dân xóm Bắc đã hiến 640 m2 đất để mở rộng đường liên xóm."
	figs, err := x.Extract("r.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 1 || figs[0].Period != UnknownPeriod || figs[0].Quote != "hiến 640 m2" || figs[0].SentenceIndex != 1 {
		t.Fatalf("figures %+v", figs)
	}
	rows, err := x.Rows("r.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Period != "" || rows[0].Quote != text {
		t.Fatalf("rows %+v", rows)
	}
	_, errs, _ := pipeline.NewValidator(x.ref, time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)).File("r.txt", rows)
	if len(errs) != 1 || errs[0].Code != "missing_period" {
		t.Errorf("validation errors %+v", errs)
	}
}

// TestScorePlaceTypeWords: a unit's type word in the key is compared with
// the type of the unit found. After July 2025 a new commune can carry its
// former district's name (xã Đức Thọ, huyện Đức Thọ): the key writes the
// commune with its prefix, a district or town without one (or as TP/TX).
func TestScorePlaceTypeWords(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		want, got, gotType string
		same               bool
	}{
		{"xã Đức Thọ", "Đức Thọ", "xa", true},
		{"xã Đức Thọ", "Đức Thọ", "huyen", false},
		{"Đức Thọ", "Đức Thọ", "xa", false},
		{"Đức Thọ", "Đức Thọ", "huyen", true},
		{"phường Cửa Lò", "Cửa Lò", "phuong", true},
		{"phường Cửa Lò", "Cửa Lò", "thi_xa", false},
		{"Cửa Lò", "Cửa Lò", "thi_xa", true}, // a town keyed without its type
		{"TP Hà Tĩnh", "Hà Tĩnh", "thanh_pho", true},
		{"TX Kỳ Anh", "Kỳ Anh", "huyen", false},
		{"TX Kỳ Anh", "Kỳ Anh", "thi_xa", true},
		{"Nghi Lộc", "Nghi Lộc", "", true}, // a district the options name, its type unknown
		{"xã Nghi Lộc", "Nghi Lộc", "", false},
		{"Bà Rịa - Vũng Tàu", "Bà Rịa – Vũng Tàu", "", true},
		{"Hương Sơn", "Hương Khê", "huyen", false},
	} {
		want := []Expected{{Doc: "1", Province: str("Hà Tĩnh"), District: str(tc.want), Indicator: "dialogues", Value: 3, Qualifier: "exact"}}
		f := found("1", "dialogues", 3, pipeline.Exact)
		f.Province, f.District, f.DistrictType = "Hà Tĩnh", tc.got, tc.gotType
		v := Score(want, []Found{f})
		if got := v.PlaceAgree == 1; v.PlaceComparable != 1 || got != tc.same {
			t.Errorf("key %q, found %q (%s): same place %v, want %v", tc.want, tc.got, tc.gotType, got, tc.same)
		}
	}
}
