package narrative

import (
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// A lexicon line written twice changes nothing the extractor does, so the
// leave-one-out test can never find it needed: each line is there once.
func TestLexiconLinesAreDistinct(t *testing.T) {
	raw, err := readLexicon(lexiconFS)
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range raw {
		seen := map[string]bool{}
		for _, r := range rows {
			line := strings.Join(r, "\t")
			if seen[line] {
				t.Errorf("lexicon/%s.tsv: %q is written twice", name, line)
			}
			seen[line] = true
		}
	}
}

// The qualifier words are pipeline's (words/qualifiers.tsv), read by a
// cell's value and by prose alike: every word written before a number
// gives the figure of a sentence the qualifier it gives a cell, and the
// words of prose only ("vượt") theirs. ("ít nhất", "tối thiểu" are a
// quota in prose.)
func TestQualifierWordsShared(t *testing.T) {
	x := testExtractor(t)
	rows := pipeline.QualifierRows()
	quota := map[string]bool{"ít nhất": true, "tối thiểu": true}
	if len(rows) < 20 {
		t.Fatalf("%d qualifier words", len(rows))
	}
	for _, r := range rows {
		if r[2] != "before" {
			continue
		}
		text := "DATE: 2023-12-20\n\nNăm 2023, Nhân dân huyện góp " + r[0] + " 1.500 ngày công làm đường."
		figs, err := x.Extract("t.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		// In prose "ít nhất 1 mô hình" is mostly a quota, a plan
		// (exclusions.tsv): no figure, whatever its qualifier.
		if quota[r[0]] {
			if len(figs) != 0 {
				t.Errorf("%q: %+v, want none (a quota)", text, figs)
			}
		} else if len(figs) != 1 || figs[0].Value != 1500 || string(figs[0].Qualifier) != r[1] {
			t.Errorf("%q: %+v, want 1500 %s", text, figs, r[1])
		}
		if len(r) > 3 && r[3] == "prose" {
			continue
		}
		if n, err := pipeline.ParseNumber(r[0] + " 1.500"); err != nil || string(n.Qualifier) != r[1] {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %s", r[0]+" 1.500", n, err, r[1])
		}
	}
}
