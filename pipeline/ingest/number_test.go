package ingest

import (
	"math"
	"strconv"
	"testing"

	"github.com/danvan/danvan/pipeline/ingest/internal/workbook"
)

// convertedNumber is numberText by its conversions alone: its oracle.
func convertedNumber(v string) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v, false
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

func FuzzNumberText(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-12", "007", "123456789012345", "1234567890123456", "9999999999999999",
		"0.1", "1e3", "1E3", "+5", "--1", "-", "", " 1", "0x10", "1_000", "NaN", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if v == "" {
			return
		}
		got, gok := numberText(workbook.Number, v)
		want, wok := convertedNumber(v)
		if got != want || gok != wok {
			t.Fatalf("numberText(%q) = %q, %v; by conversion %q, %v", v, got, gok, want, wok)
		}
	})
}

// TestNumberTextOfIntegersAllocatesNothing: most numbers of a form are
// whole, and every one went through four conversions.
func TestNumberTextOfIntegersAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { numberText(workbook.Number, "1234") }); n != 0 {
		t.Errorf("numberText of a whole number allocates %.0f times", n)
	}
}
