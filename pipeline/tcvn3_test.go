package pipeline

import (
	"testing"
	"unicode"
)

// TestTCVN3 holds the table to what VN3 is: every letter's byte gives the
// letter back, the bytes it assigns are ASCII, the no-break space and the
// 74 letters (67 small letters with marks, Ă Â Ê Ô Ơ Ư Đ), and a capital
// with a tone is written with its small letter's byte. A few bytes as
// references on the code name them (à 0xB5, á 0xB8, ĩ 0xDC, Đ 0xA7).
func TestTCVN3(t *testing.T) {
	assigned := 0
	for b := 0; b < 256; b++ {
		r, ok := TCVN3Rune(byte(b))
		if !ok {
			continue
		}
		assigned++
		if back, ok := TCVN3Byte(r); r != 0xA0 && (!ok || back != byte(b)) {
			t.Errorf("byte %#x is %q, whose byte is %#x", b, r, back)
		}
	}
	if assigned != 127+1+74 {
		t.Errorf("%d bytes assigned, want ASCII, the no-break space and 74 letters", assigned)
	}
	for _, b := range []byte{0x80, 0x9F, 0xAF, 0xB0, 0xB4, 0xBA, 0xBF, 0xC0, 0xC5, 0xCD, 0xD9, 0xDB, 0xE0, 0xF0, 0xFF} {
		if r, ok := TCVN3Rune(b); ok {
			t.Errorf("byte %#x is %q; VN3 does not assign it", b, r)
		}
	}
	for r, b := range map[rune]byte{'à': 0xB5, 'á': 0xB8, 'ĩ': 0xDC, 'Đ': 0xA7, 'đ': 0xAE, 'ư': 0xAD, 'Ầ': 0xC7, 'Ỵ': 0xFE} {
		if got, ok := TCVN3Byte(r); !ok || got != b {
			t.Errorf("TCVN3Byte(%q) = %#x, want %#x", r, got, b)
		}
	}
	if _, ok := TCVN3Byte('€'); ok {
		t.Error("TCVN3 writes €")
	}
	for r := range tcvn3Letters {
		if unicode.IsUpper(r) && r != 'Ă' && r != 'Â' && r != 'Ê' && r != 'Ô' && r != 'Ơ' && r != 'Ư' && r != 'Đ' {
			t.Errorf("capital %q has a byte of its own", r)
		}
	}
}
