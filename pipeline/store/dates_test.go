package store

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestDatesByKey: the dictionary of a period column's start or end dates
// found by the rows' period ids is the one hashing every row's date makes
// (the dates in order of first use), also when a key comes with two dates.
func TestDatesByKey(t *testing.T) {
	for _, tc := range []struct {
		name  string
		key   []int32
		dates []arrow.Date32
	}{
		{"one date a key", []int32{0, 1, 0, 2, 1, 3}, []arrow.Date32{10, 20, 10, 10, 20, 5}},
		{"a key with two dates", []int32{0, 1, 0, 1, 0}, []arrow.Date32{10, 20, 10, 30, 40}},
		{"one row", []int32{0}, []arrow.Date32{7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want dateDict
			wantIdx := make([]int32, len(tc.dates))
			for i, d := range tc.dates {
				wantIdx[i] = want.id(d)
			}
			a := datesByKey(tc.key, int(slices.Max(tc.key))+1, tc.dates)
			defer a.Release()
			d := a.(*array.Dictionary)
			if got := d.Dictionary().(*array.Date32).Date32Values(); !slices.Equal(got, want.vals) {
				t.Errorf("dictionary %v, want %v", got, want.vals)
			}
			if got := d.Indices().(*array.Int32).Int32Values(); !slices.Equal(got, wantIdx) {
				t.Errorf("indices %v, want %v", got, wantIdx)
			}
			for i := range tc.dates {
				if got := d.Dictionary().(*array.Date32).Value(d.GetValueIndex(i)); got != tc.dates[i] {
					t.Errorf("row %d: %v, want %v", i, got, tc.dates[i])
				}
			}
		})
	}
}
