package pipeline

import (
	"errors"
	"testing"
)

// The qualifier and multiplier words have one home (words/*.tsv), read by
// ParseNumber and ParseQualifier here and by the narrative extractor. What
// a form's cell or a CSV column read before they moved there reads the same:
// the list below is the one number.go kept in its own code until then,
// written out by hand.
func TestQualifierWordsOfCellsUnchanged(t *testing.T) {
	before := []struct {
		word string
		q    Qualifier
	}{
		{"trên dưới", Approx}, {"khoảng gần", Approx}, {"ước tính", Approx}, {"xấp xỉ", Approx},
		{"ít nhất", AtLeast}, {"tối thiểu", AtLeast}, {"chưa đến", AtMost}, {"tối đa", AtMost},
		{"gần", Approx}, {"khoảng", Approx}, {"ước", Approx}, {"trên", AtLeast}, {"hơn", AtLeast},
		{"dưới", AtMost},
	}
	for _, b := range before {
		for _, w := range []string{b.word, Fold(b.word)} {
			n, err := ParseNumber(w + " 1.500 đồng")
			if err != nil || n.Value != 1500 || n.Qualifier != b.q || n.Unit != "đồng" {
				t.Errorf("ParseNumber(%q) = %+v, %v; want 1500 %s đồng", w+" 1.500 đồng", n, err, b.q)
			}
			// ParseQualifier's own list lacked "khoảng gần", which
			// ParseNumber's had: one list now.
			if q, ok := ParseQualifier(w); (!ok || q != b.q) && b.word != "khoảng gần" {
				t.Errorf("ParseQualifier(%q) = %q, %v; want %s", w, q, ok, b.q)
			}
		}
	}
	// A qualifier column's own words, which are not the prose's.
	for w, want := range map[string]Qualifier{"": Exact, "exact": Exact, "chính xác": Exact, "approx": Approx,
		"approximately": Approx, "about": Approx, "at least": AtLeast, "at_least": AtLeast, "more than": AtLeast,
		"at most": AtMost, "at_most": AtMost, "less than": AtMost} {
		if q, ok := ParseQualifier(w); !ok || q != want {
			t.Errorf("ParseQualifier(%q) = %q, %v; want %s", w, q, ok, want)
		}
	}
	for _, w := range []string{"không rõ", "gần đúng", "xyz"} {
		if q, ok := ParseQualifier(w); ok {
			t.Errorf("ParseQualifier(%q) = %q, want refused", w, q)
		}
	}
	// The multipliers.
	for in, want := range map[string]float64{"2 nghìn": 2e3, "2 ngàn": 2e3, "2 triệu": 2e6, "2 tỷ": 2e9, "2 tỉ": 2e9,
		"2 nghin": 2e3, "2 ty": 2e9, "3 nghìn tỷ": 3e12} {
		if n, err := ParseNumber(in); err != nil || n.Value != want {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %v", in, n, err, want)
		}
	}
}

// Words the prose extractor knew and a cell did not: the same words, in a
// cell, mean what they mean in prose ("ngót 2.000" is nearly 2,000, where
// the cell was refused as no number). "vượt" stays refused in a cell: with
// no sentence around it, "vượt 5" may be by how much a target was beaten.
func TestQualifierWordsOfProseInCells(t *testing.T) {
	for w, want := range map[string]Qualifier{"ngót": Approx, "ngót nghét": Approx, "chừng": Approx,
		"ước đạt": Approx, "chưa tới": AtMost, "ngot": Approx, "khoảng gần": Approx} {
		n, err := ParseNumber(w + " 2.000")
		if err != nil || n.Value != 2000 || n.Qualifier != want {
			t.Errorf("ParseNumber(%q) = %+v, %v; want 2000 %s", w+" 2.000", n, err, want)
		}
		if q, ok := ParseQualifier(w); !ok || q != want {
			t.Errorf("ParseQualifier(%q) = %q, %v; want %s", w, q, ok, want)
		}
	}
	if n, err := ParseNumber("vượt 5"); !errors.Is(err, ErrNotNumber) {
		t.Errorf("ParseNumber(%q) = %+v, %v; want refused", "vượt 5", n, err)
	}
	if q, ok := ParseQualifier("vượt"); ok {
		t.Errorf("ParseQualifier(%q) = %q, want refused", "vượt", q)
	}
	// "trở lên" is written after a number ("50 trở lên"): a qualifier
	// column may hold it; a cell's value does not start with it.
	if q, ok := ParseQualifier("trở lên"); !ok || q != AtLeast {
		t.Errorf("ParseQualifier(%q) = %q, %v; want at_least", "trở lên", q, ok)
	}
	if n, err := ParseNumber("trở lên 5"); !errors.Is(err, ErrNotNumber) {
		t.Errorf("ParseNumber(%q) = %+v, %v; want refused", "trở lên 5", n, err)
	}
}

// TestCellQualifiersNotInProse: the words of cells only (where "cell", a
// figure's "(ước)", "(tạm tính)") are read in a cell and a qualifier
// column, and are not handed to the narrative reader, whose prose they
// would change ("tạm tính" there is an action, not a figure's note).
func TestCellQualifiersNotInProse(t *testing.T) {
	cell := 0
	for _, r := range numberWords().qualifierRows {
		if len(r) > 3 && r[3] == "cell" {
			cell++
			if q, ok := ParseQualifier(r[0]); !ok || string(q) != r[1] {
				t.Errorf("ParseQualifier(%q) = %q, %v; want %s", r[0], q, ok, r[1])
			}
		}
	}
	if cell == 0 {
		t.Fatal("no word of cells only in qualifiers.tsv")
	}
	for _, r := range QualifierRows() {
		if len(r) > 3 && r[3] == "cell" {
			t.Errorf("QualifierRows hands %q, a word of cells only, to prose", r[0])
		}
	}
}
