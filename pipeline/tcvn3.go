package pipeline

import "unicode"

// TCVN 5712:1993 VN3, the "ABC" code of the .VnTime fonts, in which old
// Word and Excel files of the offices were typed: ASCII below 0x80, the
// small letters with marks and the seven capitals Ă Â Ê Ô Ơ Ư Đ at single
// bytes from 0xA1. VN3 has no byte of its own for a capital with a tone:
// the .VnTimeH fonts draw a small letter's byte as its capital, so the
// bytes alone do not say the case.
//
// The table was checked byte for byte, every one of its 74 letters, against
// two published tables made apart from each other and from this one: GNU
// libiconv's TCVN table (lib/tcvn.h, TCVN 5712 VN1, whose letters from 0xA1
// to 0xFE are VN3's where VN3 assigns them) and a TCVN3-to-Unicode
// converter table published on its own. The bytes VN3 leaves unassigned
// (0x80-0xA0 but 0xA0, and 0xAF, 0xB0-0xB4, 0xBA, 0xBF, 0xC0-0xC5, 0xCD,
// 0xD9-0xDB, 0xE0, 0xF0, 0xFF, where VN1 puts capitals and combining
// marks) stand for nothing here: a file holding one is not VN3.
var tcvn3Letters = map[rune]byte{
	'Ă': 0xA1, 'Â': 0xA2, 'Ê': 0xA3, 'Ô': 0xA4, 'Ơ': 0xA5, 'Ư': 0xA6, 'Đ': 0xA7,
	'ă': 0xA8, 'â': 0xA9, 'ê': 0xAA, 'ô': 0xAB, 'ơ': 0xAC, 'ư': 0xAD, 'đ': 0xAE,
	'à': 0xB5, 'ả': 0xB6, 'ã': 0xB7, 'á': 0xB8, 'ạ': 0xB9,
	'ằ': 0xBB, 'ẳ': 0xBC, 'ẵ': 0xBD, 'ắ': 0xBE, 'ặ': 0xC6,
	'ầ': 0xC7, 'ẩ': 0xC8, 'ẫ': 0xC9, 'ấ': 0xCA, 'ậ': 0xCB,
	'è': 0xCC, 'ẻ': 0xCE, 'ẽ': 0xCF, 'é': 0xD0, 'ẹ': 0xD1,
	'ề': 0xD2, 'ể': 0xD3, 'ễ': 0xD4, 'ế': 0xD5, 'ệ': 0xD6,
	'ì': 0xD7, 'ỉ': 0xD8, 'ĩ': 0xDC, 'í': 0xDD, 'ị': 0xDE,
	'ò': 0xDF, 'ỏ': 0xE1, 'õ': 0xE2, 'ó': 0xE3, 'ọ': 0xE4,
	'ồ': 0xE5, 'ổ': 0xE6, 'ỗ': 0xE7, 'ố': 0xE8, 'ộ': 0xE9,
	'ờ': 0xEA, 'ở': 0xEB, 'ỡ': 0xEC, 'ớ': 0xED, 'ợ': 0xEE,
	'ù': 0xEF, 'ủ': 0xF1, 'ũ': 0xF2, 'ú': 0xF3, 'ụ': 0xF4,
	'ừ': 0xF5, 'ử': 0xF6, 'ữ': 0xF7, 'ứ': 0xF8, 'ự': 0xF9,
	'ỳ': 0xFA, 'ỷ': 0xFB, 'ỹ': 0xFC, 'ý': 0xFD, 'ỵ': 0xFE,
}

// tcvn3Runes is tcvn3Letters by byte, with ASCII and the no-break space
// (0xA0, as in Latin-1); 0 is a byte VN3 does not assign.
var tcvn3Runes = func() *[256]rune {
	var t [256]rune
	for b := 1; b < 0x80; b++ {
		t[b] = rune(b)
	}
	t[0xA0] = 0xA0
	for r, b := range tcvn3Letters {
		t[b] = r
	}
	return &t
}()

// TCVN3Rune is the character byte b stands for in TCVN3 (a letter with
// marks as its small letter, but for Ă Â Ê Ô Ơ Ư Đ), and false for a byte
// TCVN3 does not assign (and NUL).
func TCVN3Rune(b byte) (rune, bool) {
	r := tcvn3Runes[b]
	return r, r != 0
}

// TCVN3Byte is r's byte in TCVN3: a capital with a tone has its small
// letter's, as the .VnTimeH fonts wrote it; false for a character TCVN3
// cannot write (ASCII is its own byte).
func TCVN3Byte(r rune) (byte, bool) {
	if r > 0 && r < 0x80 {
		return byte(r), true
	}
	if b, ok := tcvn3Letters[r]; ok {
		return b, true
	}
	b, ok := tcvn3Letters[unicode.ToLower(r)]
	return b, ok
}
