package narrative

import (
	"fmt"
	"strings"
	"testing"
)

// pageBytes is a printed A4 page of a report in Vietnamese: about 450 words.
const pageBytes = 3000

// report50Pages builds a 50-page report from the rule sentences: a title,
// dated sections with headings, paragraphs of figures and of plain prose,
// numbers varied so that nothing repeats.
func report50Pages() string {
	var b strings.Builder
	b.WriteString("BAN DÂN VẬN HUYỆN ỦY CẨM XUYÊN\nCẩm Xuyên, ngày 20 tháng 12 năm 2023\n\nBÁO CÁO TỔNG KẾT CÔNG TÁC DÂN VẬN NĂM 2023\n\n")
	prose := "Các chi bộ thôn thường xuyên nắm bắt tâm tư của bà con, họp dân đúng định kỳ, công khai từng khoản đóng góp và lắng nghe ý kiến trước khi làm đường, nên việc gì cũng được bà con đồng tình. "
	for n := 0; b.Len() < 50*pageBytes; n++ {
		if n%len(ruleCases) == 0 {
			fmt.Fprintf(&b, "\nPHẦN %d. KẾT QUẢ THỰC HIỆN NĂM %d\n\n", n/len(ruleCases)+1, 2010+n/len(ruleCases)%14)
		}
		tc := ruleCases[n%len(ruleCases)]
		text := strings.NewReplacer("1.", fmt.Sprintf("%d.", 1+n%9), "2.", fmt.Sprintf("%d.", 2+n%7)).Replace(tc.text)
		b.WriteString(prose)
		b.WriteString(text)
		b.WriteString("\n")
	}
	return b.String()
}

// BenchmarkExtract50Pages: one 50-page report (150 KB). The issue asks for
// well under a second; go test -bench Extract50Pages ./pipeline/narrative/
// prints the time per report.
func BenchmarkExtract50Pages(b *testing.B) {
	x := testExtractor(b)
	data := []byte(report50Pages())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		figs, err := x.Extract("report.txt", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(figs) == 0 {
			b.Fatal("no figures")
		}
	}
}
