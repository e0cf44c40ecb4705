package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// sniffSize is how much of a text file decides its encoding. Offices do not
// switch encoding half-way, and a later bad byte is still caught line by line.
const sniffSize = 64 << 10

// encoding is how a text file's bytes become UTF-8.
type encoding int

const (
	encUTF8 encoding = iota
	encUTF16
	encWindows1258
	encTCVN3
)

// openText decides the encoding of a text file from its first bytes and
// returns a reader of UTF-8 text. Legacy Vietnamese font encodings (TCVN3,
// VNI) decode without error into mojibake, so they are caught by the letters
// they produce, before anything is stored.
func openText(file string, r io.Reader) (*bufio.Reader, encoding, *pipeline.FileError) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, 0, fileError(file, "unreadable", "Không đọc được tệp: %v.", "Cannot read the file: %v.", err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, 0, emptyFile(file)
	}
	if fe := misnamed(file, head); fe != nil {
		return nil, 0, fe
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out := bufio.NewReaderSize(transform.NewReader(br, dec), 1<<20)
		h, _ := out.Peek(sniffSize)
		if fe := checkText(file, h); fe != nil {
			return nil, 0, fe
		}
		return out, encUTF16, nil
	}
	if isBinary(head) {
		return nil, 0, binaryFile(file)
	}
	if utf8.Valid(trimPartialRune(head)) {
		if fe := checkText(file, head); fe != nil {
			return nil, 0, fe
		}
		return br, encUTF8, nil
	}
	decoded, _ := charmap.Windows1258.NewDecoder().Bytes(head)
	if bytes.ContainsRune(decoded, utf8.RuneError) || hasC1(decoded) {
		return nil, 0, badEncoding(file)
	}
	if legacyEncoding(decoded) == tcvn3Name {
		if at := notTCVN3(head); at >= 0 {
			line := 1 + bytes.Count(head[:at], []byte{'\n'})
			return nil, 0, fileError(file, "legacy_encoding",
				"Tệp có vẻ được gõ bằng bảng mã %s, nhưng dòng %d có byte không thuộc bảng mã này (ký tự gõ bằng bảng mã khác?), nên không tự chuyển được; hãy chuyển tệp sang Unicode (UTF-8) rồi gửi lại.",
				"The file looks like %s-encoded text, but line %d holds a byte outside that code (a character typed in another encoding?), so it cannot be converted here; convert the file to Unicode (UTF-8) and send it again.",
				tcvn3Name, line)
		}
		return bufio.NewReaderSize(transform.NewReader(br, &tcvn3Decoder{}), 1<<20), encTCVN3, nil
	}
	if fe := checkText(file, norm.NFC.Bytes(decoded)); fe != nil {
		return nil, 0, fe
	}
	return bufio.NewReaderSize(transform.NewReader(br, charmap.Windows1258.NewDecoder()), 1<<20), encWindows1258, nil
}

// trimPartialRune drops an incomplete UTF-8 sequence cut by the sniff window.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// isBinary: text never holds NUL, and holds few other control bytes.
func isBinary(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	return ctl > len(b)/20
}

func hasC1(b []byte) bool {
	for _, r := range string(b) {
		if r >= 0x80 && r < 0xA0 {
			return true
		}
	}
	return false
}

// Letters that TCVN3 (ABC) and VNI text turn into when read as Latin-1,
// Windows-1258 or UTF-8 converted from either, and that Vietnamese written
// in Unicode never uses. TCVN3 puts whole letters in 0xA1-0xFF (à is 0xB5
// "µ", á is 0xB8 "¸"); VNI writes a base letter followed by a mark byte
// ("Haø" for Hà, "Ngheä" for Nghệ).
var (
	tcvn3Marks = []rune("¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹¼½¾ÇËÎÏ")
	vniMarks   = []rune("øûïäåëüñæö")
)

const tcvn3Name = "TCVN3 (ABC)"

// legacyEncoding names the legacy encoding text looks like, or "".
func legacyEncoding(text []byte) string {
	tcvn, vni := 0, 0
	prevLetter := false
	for _, r := range string(text) {
		if prevLetter {
			switch {
			case containsRune(vniMarks, r):
				vni++
			case containsRune(tcvn3Marks, r):
				tcvn++
			}
		}
		prevLetter = unicode.IsLetter(r)
	}
	switch {
	case tcvn >= 2 && tcvn >= vni:
		return tcvn3Name
	case vni >= 2:
		return "VNI"
	}
	return ""
}

func containsRune(set []rune, r rune) bool {
	for _, s := range set {
		if s == r {
			return true
		}
	}
	return false
}

// checkText refuses decoded text in a legacy font encoding.
func checkText(file string, text []byte) *pipeline.FileError {
	if enc := legacyEncoding(text); enc != "" {
		return fileError(file, "legacy_encoding",
			"Tệp có vẻ được gõ bằng bảng mã %s (chữ hiện ra sai dấu); hãy chuyển sang Unicode (UTF-8) rồi gửi lại.",
			"The file looks like %s-encoded text (letters come out garbled); convert it to Unicode (UTF-8) and send it again.", enc)
	}
	return nil
}

func fileError(file, code, vi, en string, args ...any) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: code, Reason: fmt.Sprintf(vi, args...), ReasonEN: fmt.Sprintf(en, args...)}
}

// noValues is the one reason for a file that holds no value, whatever its
// shape: empty, a header alone, a form with no cell filled in. To the
// clerk who sent it these are the same mistake (a blank template, the
// wrong file), so they get the same code and the same kind of sentence.
func noValues(file, what, whatEN string) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: "no_values",
		Reason:   "Tệp không có số liệu nào: " + what + ". Hãy điền số liệu (ô trống là chưa báo cáo, ghi 0 nếu bằng không) rồi gửi lại.",
		ReasonEN: "The file holds no values: " + whatEN + ". Fill in the figures (an empty cell means not reported; write 0 for zero) and send it again."}
}

func emptyFile(file string) *pipeline.FileError {
	return noValues(file, "tệp rỗng", "it is empty")
}

func binaryFile(file string) *pipeline.FileError {
	return fileError(file, "not_text",
		"Tệp không phải văn bản hay bảng tính đọc được (dữ liệu nhị phân).",
		"The file is not readable text or a spreadsheet (binary data).")
}

func badEncoding(file string) *pipeline.FileError {
	return fileError(file, "bad_encoding",
		"Tệp không phải văn bản UTF-8 hay Windows-1258 hợp lệ; hãy lưu lại dưới dạng CSV UTF-8.",
		"The file is neither valid UTF-8 nor Windows-1258 text; save it again as CSV UTF-8.")
}

// badJSONEncoding is badEncoding for JSON, which is UTF-8 (or UTF-16 with
// its mark) only: no Windows code page, and no CSV to save it as.
func badJSONEncoding(file string) *pipeline.FileError {
	return fileError(file, "bad_encoding",
		"Tệp JSON không phải văn bản UTF-8 (hay UTF-16 có BOM) hợp lệ; hãy lưu lại tệp với bảng mã UTF-8.",
		"The JSON file is not valid UTF-8 (or UTF-16 with a byte-order mark) text; save it again encoded as UTF-8.")
}

// notTCVN3 is the offset of the first byte of text that TCVN3 does not
// assign (pipeline.TCVN3Rune), or -1: text without one decodes without a
// guess.
func notTCVN3(text []byte) int {
	for i, c := range text {
		if _, ok := pipeline.TCVN3Rune(c); !ok {
			return i
		}
	}
	return -1
}

// tcvn3Decoder turns TCVN3 text into UTF-8 a word at a time, so a word's
// case is known before its letters are written: TCVN3 has no capital
// with a tone (the .VnTimeH fonts draw the small letter's byte as its
// capital), so the letters of a word with no ASCII small letter and at
// least two capitals (ASCII, or Ă Â Ê Ô Ơ Ư Đ) are written as capitals
// ("TĨNH", "BÁO CÁO"); a word of one capital keeps the small letters
// ("Hà", and "HÀ" also reads "Hà"). A byte TCVN3 does not assign is passed
// on as it is: not UTF-8, the CSV reader refuses its line (bad_encoding).
type tcvn3Decoder struct{ transform.NopResetter }

// maxWord bounds a word held back for its case: longer runs of letters are
// decoded as they come.
const maxWord = 64

func tcvn3Letter(c byte) bool {
	if c >= 0x80 {
		_, ok := pipeline.TCVN3Rune(c)
		return ok && c != 0xA0
	}
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (*tcvn3Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if !tcvn3Letter(c) {
			r, ok := pipeline.TCVN3Rune(c)
			if !ok {
				r = -1
			}
			n := 1
			if r >= utf8.RuneSelf {
				n = utf8.RuneLen(r)
			}
			if nDst+n > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			if r < 0 || r < utf8.RuneSelf {
				dst[nDst] = c
			} else {
				utf8.EncodeRune(dst[nDst:], r)
			}
			nDst, nSrc = nDst+n, nSrc+1
			continue
		}
		end := nSrc
		for end < len(src) && end-nSrc < maxWord && tcvn3Letter(src[end]) {
			end++
		}
		if end == len(src) && !atEOF && end-nSrc < maxWord {
			// The word may go on in the next read: ErrShortSrc, even with
			// progress made. A nil error says all of src was taken, and
			// transform.Reader stopped the file with "inconsistent byte
			// count" wherever a read ended inside a word (past ~4 KiB).
			return nDst, nSrc, transform.ErrShortSrc
		}
		word := src[nSrc:end]
		upper, lower := 0, 0
		for _, b := range word {
			switch r, _ := pipeline.TCVN3Rune(b); {
			case b >= 'a' && b <= 'z':
				lower++
			case unicode.IsUpper(r):
				upper++
			}
		}
		capitals := upper >= 2 && lower == 0
		if nDst+3*len(word) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		for _, b := range word {
			if b < utf8.RuneSelf {
				dst[nDst] = b
				nDst++
				continue
			}
			r, _ := pipeline.TCVN3Rune(b)
			if capitals {
				r = unicode.ToUpper(r)
			}
			nDst += utf8.EncodeRune(dst[nDst:], r)
		}
		nSrc = end
	}
	return nDst, nSrc, nil
}

// fromUTF16 is UTF-16 text with its byte-order mark (as Windows writes
// "Unicode": PowerShell's Out-File, Notepad, Excel's "Unicode Text") as
// UTF-8, its mark dropped; ok is false for any other bytes.
func fromUTF16(data []byte) (text []byte, ok bool) {
	if !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, false
	}
	text, _, err := transform.Bytes(xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder(), data)
	return text, err == nil
}

// textFile reads a .txt file as the text it is: a table saved as text
// (Excel's "Unicode Text" and "Text (Tab delimited)": every line of its
// start that is not blank has a tab) is a table (table set); any other
// text is the UTF-8 of what openText decodes (UTF-16, Windows-1258,
// TCVN3), for the narrative reader, which reads UTF-8 only. UTF-8 text
// is returned as it is; text openText refuses (VNI) is too, for the
// narrative reader to refuse.
func textFile(file string, data []byte) (text []byte, table bool) {
	r, enc, fe := openText(file, bytes.NewReader(data))
	if fe != nil {
		return data, false
	}
	head, _ := r.Peek(sniffSize)
	split := bytes.Split(head, []byte{'\n'})
	if len(head) == sniffSize && len(split) > 1 {
		split = split[:len(split)-1] // a line cut by the window
	}
	lines, tabbed := 0, 0
	for _, line := range split {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines++
		if bytes.IndexByte(line, '\t') >= 0 {
			tabbed++
		}
	}
	if lines > 0 && tabbed == lines {
		return data, true
	}
	if enc == encUTF8 {
		return data, false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return data, false
	}
	return out, false
}
