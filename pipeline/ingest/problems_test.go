package ingest

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// TestFirstProblems: FirstProblems is Problems cut to its first n, with the
// count of all, whatever n: the summary prints the same either way.
func TestFirstProblems(t *testing.T) {
	var rejects []pipeline.RowError
	for i := range 200 {
		// Some problems repeat at several places, some once, some on
		// consecutive rows of one place.
		v := fmt.Sprint("x", i%37)
		if i%5 == 0 {
			v = fmt.Sprint("y", i)
		}
		rejects = append(rejects, pipeline.RowError{Ref: fmt.Sprint("dòng ", 2+i/3), Column: "don_vi", Value: v,
			Code: "unknown_unit", Reason: "Không tìm thấy " + v})
	}
	all := Problems(rejects)
	for _, n := range []int{-1, 0, 1, 5, 36, len(all) - 1, len(all), len(all) + 3} {
		first, count := FirstProblems(rejects, n)
		want := all
		if n >= 0 && n < len(all) {
			want = all[:n]
		}
		if count != len(all) || len(first) != len(want) || (len(want) > 0 && !reflect.DeepEqual(first, want)) {
			t.Errorf("n=%d: %d problems of %d, want %d of %d", n, len(first), count, len(want), len(all))
		}
	}
}
