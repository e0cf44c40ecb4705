package pipeline

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestTotalRow: a total's words, with or without their marks; never a
// unit whose name folds to the same letters, nor a body that opens with
// "Tổng" written with other marks.
func TestTotalRow(t *testing.T) {
	for in, want := range map[string][2]bool{
		"Tổng cộng": {true, true}, "TỔNG CỘNG": {true, true}, "Tổng cộng (I+II)": {true, true}, "Tong cong": {true, true},
		norm.NFD.String("Tổng cộng"): {true, true}, "Tổng  cộng:": {true, true}, "Tổng số": {true, true}, "Tổng": {true, true},
		"Cộng": {true, false}, "Cộng:": {true, false}, "Cộng khối huyện": {true, false}, "Tổng số các xã": {true, false},
		"Công Chính": {false, false}, "Tống Sơn": {false, false}, "Công Liêm": {false, false},
		"Thạch Hà": {false, false}, "": {false, false},
		// "Tổng" opens a subtotal only before a section's words or marks
		// ("khối", "các", "I", "(1)+(2)"); before any other word it is a
		// compound's first syllable: bodies, and the national motto.
		"Tổng khối huyện": {true, false}, "Tổng các xã": {true, false}, "Tổng I + II": {true, false}, "Tổng (1)+(2)": {true, false},
		"Tổng A": {true, false}, "Tổng cả tỉnh": {true, false},
		"Tổng công ty Sông Đà": {false, false}, "Tong cong ty Song Da": {false, false}, "Tổng đội TNXP": {false, false},
		"Tổng cục Thống kê": {false, false}, "Tổng liên đoàn Lao động": {false, false}, "Tổng kết": {false, false},
		"Cộng hòa xã hội chủ nghĩa Việt Nam": {false, false}, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": {false, false},
		"Cộng đồng dân cư": {false, false}, "Cong ty Song Da": {false, false}, "Cong an huyen": {false, false},
	} {
		if total, grand := TotalRow(in); total != want[0] || grand != want[1] {
			t.Errorf("TotalRow(%q) = %v, %v; want %v, %v", in, total, grand, want[0], want[1])
		}
	}
}
