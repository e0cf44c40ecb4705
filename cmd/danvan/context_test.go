package main

import (
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
)

// TestContextTextSaysAWordOnce: a title read as "Tỉnh Thanh Hóa" is not
// printed as "tỉnh Tỉnh Thanh Hóa".
func TestContextTextSaysAWordOnce(t *testing.T) {
	for _, c := range []struct {
		ctx  ingest.Context
		want string
	}{
		{ingest.Context{Field: pipeline.FieldProvince, Text: "Thanh Hóa", By: pipeline.ByKeyLine, Cells: []string{"Biểu 1!A3"}},
			"tỉnh Thanh Hóa theo dòng khai báo trên bảng (Biểu 1!A3)"},
		{ingest.Context{Field: pipeline.FieldProvince, Text: "tỉnh Thanh Hóa", By: pipeline.ByKeyLine, Cells: []string{"Biểu 1!A3"}},
			"tỉnh Thanh Hóa theo dòng khai báo trên bảng (Biểu 1!A3)"},
		{ingest.Context{Field: pipeline.FieldProvince, Text: "TỈNH NGHỆ AN", By: pipeline.ByTitle, Cells: []string{"Biểu 1!A1"}},
			"TỈNH NGHỆ AN theo tiêu đề (Biểu 1!A1)"},
		{ingest.Context{Field: pipeline.FieldPeriod, Text: "Kỳ báo cáo: Năm 2023", By: pipeline.ByKeyLine, Cells: []string{"Biểu 1!A4"}},
			"Kỳ báo cáo: Năm 2023 theo dòng khai báo trên bảng (Biểu 1!A4)"},
		{ingest.Context{Field: pipeline.FieldPeriod, Text: "2023-H1", By: pipeline.ByFileName},
			"kỳ 2023-H1 theo tên tệp"},
	} {
		if got := contextText([]ingest.Context{c.ctx}); got != c.want {
			t.Errorf("contextText(%q) = %q, want %q", c.ctx.Text, got, c.want)
		}
	}
}
