package narrative

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract: no input makes the extractor panic, and every figure it
// returns holds together: its quote is inside its sentence, its value is a
// sane number, its period is canonical.
func FuzzExtract(f *testing.F) {
	for _, tc := range ruleCases {
		f.Add("DATE: 2023-12-20\n\n" + tc.text)
	}
	f.Add("DATE: 2023-12-20\n\nĐến nay có trên 1.000 mô hình “Dân vận khéo”.")
	f.Add("1 tỷ 250 triệu đồng 12,5 ha 04 cá nhân gần 2.000 mô hình 2016-2020 Quý IV/2023 tháng 13/2023")
	f.Add(string(makeDocx(f, "Năm 2023 có 5 mô hình.")))
	x := testExtractor(f)
	f.Fuzz(func(t *testing.T, text string) {
		figs, err := x.Extract("f.txt", []byte(text))
		if err != nil {
			return
		}
		for _, fg := range figs {
			if !strings.Contains(fg.Sentence, fg.Quote) || fg.Quote == "" {
				t.Fatalf("quote %q not in sentence %q", fg.Quote, fg.Sentence)
			}
			if fg.Value < 0 || fg.Value != fg.Value || fg.Value > 1e18 {
				t.Fatalf("value %v", fg.Value)
			}
			if fg.Period == "" || fg.Indicator == "" || x.ref.Indicator(fg.Indicator) == nil {
				t.Fatalf("figure %+v", fg)
			}
			if !utf8.ValidString(fg.Quote) {
				t.Fatalf("quote not UTF-8: %q", fg.Quote)
			}
		}
		if _, err := x.Rows("f.txt", []byte(text)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLargeInput: long texts without full stops, and many places and
// numbers, stay linear enough to read (the sentence cap at work).
func TestLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	x := testExtractor(t)
	var b strings.Builder
	b.WriteString("DATE: 2023-12-20\n")
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString("huyện Xa Ya khen thưởng 1.000 tập thể, 2 cá nhân (trong đó 3 mô hình) năm 2023 ")
	}
	figs, err := x.Extract("big.txt", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) == 0 {
		t.Error("no figures in a long text")
	}
	// Thousands of figures in one paragraph, nothing dating them: each is
	// dated and placed from the document in one pass, not by reading back.
	b.Reset()
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "Nhân dân thôn %d đã hiến %d m2 đất làm đường. ", i, 100+i)
	}
	figs, err = x.Extract("undated.txt", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) < 10000 || figs[0].Period != UnknownPeriod {
		t.Errorf("%d figures, first %+v", len(figs), figs[0])
	}
}
