package narrative

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

var (
	extOnce sync.Once
	ext     *Extractor
	extErr  error
)

func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	extOnce.Do(func() {
		ref, err := pipeline.DefaultReference()
		if err != nil {
			extErr = err
			return
		}
		ext, extErr = New(ref, Options{})
	})
	if extErr != nil {
		t.Fatal(extErr)
	}
	return ext
}

type expected struct {
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

func readExpected(t *testing.T) []expected {
	f, err := os.Open("testdata/samples/expected.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expected
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var e expected
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestSamples: on the dev samples every expected figure is found with its
// indicator, value, qualifier and period, and nothing else is found.
func TestSamples(t *testing.T) {
	x := testExtractor(t)
	want := readExpected(t)
	files, _ := filepath.Glob("testdata/samples/S*.txt")
	found, extra, missing := 0, 0, 0
	for _, path := range files {
		doc := strings.TrimSuffix(filepath.Base(path), ".txt")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		figs, err := x.Extract(filepath.Base(path), data)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		used := make([]bool, len(figs))
		for _, w := range want {
			if w.Doc != doc {
				continue
			}
			wp, err := pipeline.ParsePeriod(w.Period)
			if err != nil {
				t.Fatalf("expected period %q: %v", w.Period, err)
			}
			hit := -1
			for i, f := range figs {
				if !used[i] && f.Indicator == w.Indicator && f.Value == w.Value && string(f.Qualifier) == w.Qualifier {
					hit = i
					break
				}
			}
			if hit < 0 {
				missing++
				t.Errorf("%s: missing %s %v %s (%q)", doc, w.Indicator, w.Value, w.Qualifier, w.Quote)
				continue
			}
			used[hit] = true
			found++
			f := figs[hit]
			if f.Period != wp.Code {
				t.Errorf("%s: %s %v: period %s, want %s", doc, w.Indicator, w.Value, f.Period, wp.Code)
			}
			if w.Province != nil && *w.Province != "" && f.Province != "" && f.Province != *w.Province {
				t.Errorf("%s: %s %v: province %q, want %q", doc, w.Indicator, w.Value, f.Province, *w.Province)
			}
			wd := ""
			if w.District != nil {
				wd = *w.District
			}
			if f.District != wd {
				t.Errorf("%s: %s %v: district %q, want %q", doc, w.Indicator, w.Value, f.District, wd)
			}
			if !strings.Contains(f.Sentence, f.Quote) || !strings.Contains(f.Sentence, w.Quote) {
				t.Errorf("%s: %s %v: quote %q / sentence %q do not hold the expected quote %q", doc, w.Indicator, w.Value, f.Quote, f.Sentence, w.Quote)
			}
		}
		for i, f := range figs {
			if !used[i] {
				extra++
				t.Errorf("%s: extra figure %s %v %s %s (%q)", doc, f.Indicator, f.Value, f.Qualifier, f.Period, f.Quote)
			}
		}
	}
	t.Logf("dev samples: found %d of %d expected, %d missing, %d extra", found, len(want), missing, extra)
}
