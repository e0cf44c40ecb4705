package ingest

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/transform"
)

// scanAll reads every record of a CSV text the way csvRead does, as
// "line: cell|cell" strings, and each refused record as "line: broken N at
// L" (N the kind, L the line of the quote).
func scanAll(t testing.TB, data string) []string {
	t.Helper()
	s, fe := newCSVScanner("t.csv", strings.NewReader(data))
	if fe != nil {
		t.Fatalf("file error %+v", fe)
	}
	var out []string
	for {
		line, bad, err := s.next()
		if err != nil {
			return out
		}
		if bad != nil {
			out = append(out, fmt.Sprintf("%d: broken %d at %d col %d %q", line, bad.kind, bad.line, bad.col, bad.text))
			continue
		}
		cells := make([]string, len(s.fields))
		for i, f := range s.fields {
			cells[i] = string(f)
		}
		out = append(out, fmt.Sprintf("%d: %s", line, strings.Join(cells, "|")))
	}
}

// TestCSVQuotes: quotes and line ends as RFC 4180, spreadsheets and
// hand-made files write them, each record on the line it starts.
func TestCSVQuotes(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"lf", "a,b\n1,2\n", []string{"1: a|b", "2: 1|2"}},
		{"crlf", "a,b\r\n1,2\r\n", []string{"1: a|b", "2: 1|2"}},
		{"cr only", "a,b\r1,2\r3,4", []string{"1: a|b", "2: 1|2", "3: 3|4"}},
		{"mixed ends", "a,b\r\n1,2\n3,4\r5,6", []string{"1: a|b", "2: 1|2", "3: 3|4", "4: 5|6"}},
		{"blank lines counted", "a,b\n\n\r\n1,2\n", []string{"1: a|b", "2: ", "3: ", "4: 1|2"}},
		{"stray quote is text", "a,b\nMô hình \"hay,x\n1,2\n", []string{"1: a|b", "2: Mô hình \"hay|x", "3: 1|2"}},
		{"quote mid cell", "a,b\nx\"y\"z,a\"\n", []string{"1: a|b", "2: x\"y\"z|a\""}},
		{"rfc quoting", "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n", []string{"1: a|b", "2: x,y|say \"hi\""}},
		{"multi-line cell", "a,b\n\"one\r\ntwo\rthree\",x\n1,2\n", []string{"1: a|b", "2: one\ntwo\nthree|x", "5: 1|2"}},
		{"empty quoted", "a,b,c\n\"\",\"\",\n", []string{"1: a|b|c", "2: ||"}},
		{"space before quote", "a,b\n \"x,y\", \"z\"\n", []string{"1: a|b", "2: x,y|z"}},
		{"tsv keeps spaces", "a\tb\n \"x\ty\"\n", []string{"1: a|b", "2:  \"x|y\""}},
		{"stray quote closed on its line", "a,b\n\"x\"y\",z\n", []string{"1: a|b", "2: x\"y|z"}},
		{"semicolon", "a;b\n\"1,5\";x\n", []string{"1: a|b", "2: 1,5|x"}},
		// A quote that is not closed right: its row is refused and the
		// next line is read as a row of its own.
		{"unclosed to eof", "a,b\n1,\"2\n3,4\n5,6\n", []string{"1: a|b", "2: broken 1 at 2 col 1 \"\\\"2\"", "3: 3|4", "4: 5|6"}},
		{"unclosed on last line", "a,b\n1,\"2", []string{"1: a|b", "2: broken 1 at 2 col 1 \"\\\"2\""}},
		{"quote then text", "a,b\n\"Dân vận khéo\" cấp tỉnh,x\n1,2\n", []string{"1: a|b", "2: broken 0 at 2 col 0 \"\\\"Dân vận khéo\\\" cấp tỉnh,x\"", "3: 1|2"}},
		{"stray on a later line", "a,b\n1,\"x\n3,\"4\"\n5,6\n", []string{"1: a|b", "2: broken 0 at 2 col 1 \"\\\"x\"", "3: 3|4", "4: 5|6"}},
		{"broken after a good multi-line cell", "a,b,c\n\"p\nq\",\"x\n\"y\",z\n7,8\n",
			[]string{"1: a|b|c", "2: broken 0 at 3 col 1 \"\\\"x\"", "4: y|z", "5: 7|8"}},
		{"broken in replayed lines", "a,b\n1,\"x\n2,\"y\n3,\"z\"w\"\n4,5\n",
			[]string{"1: a|b", "2: broken 0 at 2 col 1 \"\\\"x\"", "3: broken 0 at 3 col 1 \"\\\"y\"", "4: 3|z\"w", "5: 4|5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := scanAll(t, c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// TestCSVQuoteLimit: a quoted cell running over lines for longer than any
// spreadsheet cell is refused, and the lines it ran over are read again.
func TestCSVQuoteLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("a,b\n1,\"x\n")
	n := 0
	for b.Len() < quoteLimit+1000 {
		n++
		fmt.Fprintf(&b, "%d,y\n", n)
	}
	got := scanAll(t, b.String())
	if len(got) < 3 || got[1] != "2: broken 2 at 2 col 1 \"\\\"x\"" || got[2] != "3: 1|y" || got[len(got)-1] != fmt.Sprintf("%d: %d|y", n+2, n) || len(got) != n+2 {
		t.Errorf("got %d records, %q … %q", len(got), got[:min(4, len(got))], got[len(got)-1])
	}
}

// TestCSVSplit holds split, which finds separators and quotes eight bytes at
// a time, to bytes.Split over lines of every length up to 40 bytes made of
// the bytes that could fool a word-at-a-time search: the separators, the
// quote, the LF, zero, and bytes that differ from them only in the high
// bit or the lowest bit.
func TestCSVSplit(t *testing.T) {
	alphabet := []byte{',', ';', '\t', '"', '\n', 0, 'a', ',' | 0x80, '"' | 0x80, ',' ^ 1, '"' ^ 1, 0x80, 0xff, 0x7f}
	seed := uint64(1)
	next := func() uint64 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	for _, delim := range []byte{',', ';', '\t'} {
		s := &csvScanner{delim: delim}
		for n := 0; n <= 40; n++ {
			for k := 0; k < 300; k++ {
				line := make([]byte, n)
				for i := range line {
					line[i] = alphabet[next()%uint64(len(alphabet))]
				}
				if k%3 == 0 {
					line = append(line, '\n')
				}
				body := bytes.TrimSuffix(line, []byte{'\n'})
				ok := s.split(line)
				if want := bytes.IndexByte(body, '"') < 0; ok != want {
					t.Fatalf("split(%q) with %q = %v, want %v", line, delim, ok, want)
				}
				if !ok {
					continue
				}
				if want := bytes.Split(body, []byte{delim}); !reflect.DeepEqual(s.fields, want) {
					t.Fatalf("split(%q) with %q = %q, want %q", line, delim, s.fields, want)
				}
			}
		}
	}
}

// TestTCVN3Decoder: TCVN3 text read a byte at a time (words cut anywhere
// by the reads, a destination one rune long) decodes as read whole, and a
// word's case is decided over the whole word.
func TestTCVN3Decoder(t *testing.T) {
	src := []byte("H\xb5 T\xdcNH, B\xb8O C\xb8O c\xf1a Huy\xd6n \xf1y\n\xa7\xb5 N\xb5ng \xc0 " + strings.Repeat("\xb5", 100) + "\n")
	want := "Hà TĨNH, BÁO CÁO của Huyện ủy\nĐà Nàng \xc0 " + strings.Repeat("à", 100) + "\n"
	whole, _, err := transform.Bytes(&tcvn3Decoder{}, src)
	if err != nil || string(whole) != want {
		t.Fatalf("whole: %q, %v; want %q", whole, err, want)
	}
	slow, err := io.ReadAll(transform.NewReader(iotest.OneByteReader(bytes.NewReader(src)), &tcvn3Decoder{}))
	if err != nil || string(slow) != want {
		t.Errorf("a byte at a time: %q, %v", slow, err)
	}
	var out []byte
	buf := make([]byte, 3)
	tr := transform.NewReader(bytes.NewReader(src), &tcvn3Decoder{})
	for {
		n, err := tr.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if string(out) != want {
		t.Errorf("read 3 bytes at a time: %q", out)
	}
	// Past transform.Reader's 4 KiB reads, which end inside words: the
	// file was stopped there with "inconsistent byte count".
	long := bytes.Repeat(src, 100)
	all, err := io.ReadAll(transform.NewReader(bytes.NewReader(long), &tcvn3Decoder{}))
	if err != nil || string(all) != strings.Repeat(want, 100) {
		t.Errorf("%d bytes read through 4 KiB reads: %d bytes decoded, %v", len(long), len(all), err)
	}
}

// TestVnTime: a workbook cell typed in a .VnTime font is decoded, and no
// other: Unicode Vietnamese, even all below U+0100, a sign alone, a
// character TCVN3 does not assign.
func TestVnTime(t *testing.T) {
	for in, want := range map[string]string{
		"H\u00b5 T\u00dcnh":          "Hà Tĩnh",
		"\u00a7\u00ac\u006e v\u00de": "Đơn vị",
		"B\u00b8O C\u00b8O":          "BÁO CÁO",
		"Hà":                         "Hà",
		"Mô hình":                    "Mô hình",
		"Số cuộc tiếp xúc":           "Số cuộc tiếp xúc",
		"© 2024":                     "© 2024",
		"Hµ Tà":                      "Hµ Tà", // à (0xE0) is no TCVN3 byte
		"12.500":                     "12.500",
	} {
		if got := vnTime(in); got != want {
			t.Errorf("vnTime(%q) = %q, want %q", in, got, want)
		}
	}
}
