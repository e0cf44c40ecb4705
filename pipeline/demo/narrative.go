package demo

import (
	"fmt"
	"math"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// narrativeFile writes a province's annual report as a news article, in the
// style of the samples: figures inside sentences, some rounded ("gần
// 2.000"). It returns the file and the report of the figures it states, as
// an extractor should find them.
func (g *gen) narrativeFile(r *report) (*file, []*report, error) {
	get := func(ind string) float64 { v, _ := r.get(ind, ""); return v }
	year := r.period.Start.Year()
	said := &report{prov: r.prov, unit: r.unit, period: r.period, submitted: r.submitted}
	var raws []pipeline.RawRow
	var sentences []string
	// sentence adds one sentence; figs are the values it states, each with
	// the text that states it.
	sentence := func(text string, figs ...value) {
		sentences = append(sentences, text)
		for _, v := range figs {
			said.values = append(said.values, v)
			raws = append(raws, pipeline.RawRow{
				Ref: fmt.Sprintf("câu %d", len(sentences)), Province: r.prov.Name, Period: r.period.Code,
				Indicator: v.ind, Value: plain(v.v), Plain: true, Qualifier: string(qualOrExact(v.q)),
				Origin: pipeline.FromExtracted, Quote: text, Note: Note,
			})
		}
	}
	dialogues := value{ind: "dialogues", v: get("dialogues")}
	reg := value{ind: "models_registered", v: get("models_registered")}
	regText := vnNumber(reg.v)
	if math.Mod(reg.v, 100) != 0 {
		reg.v, reg.q = math.Ceil(reg.v/100)*100, pipeline.Approx
		regText = "gần " + vnNumber(reg.v)
	}
	rec := value{ind: "models_recognized", v: get("models_recognized")}
	land := value{ind: "land_donated_m2", v: math.Floor(get("land_donated_m2")/1000) * 1000, q: pipeline.AtLeast}
	funds := value{ind: "funds_mobilized_vnd", v: math.Round(get("funds_mobilized_vnd")/1e8) * 1e8, q: pipeline.Approx}
	fundsText, _ := moneyWords(funds.v)
	work := value{ind: "workdays_contributed", v: get("workdays_contributed")}
	ac := value{ind: "awards_collective", v: get("awards_collective")}
	ai := value{ind: "awards_individual", v: get("awards_individual")}

	var b strings.Builder
	fmt.Fprintf(&b, "URL: demo\nDATE: %s\n\n", r.submitted.Format("2006-01-02"))
	fmt.Fprintf(&b, "[DỮ LIỆU MINH HỌA - DEMO] %s: kết quả công tác dân vận năm %d\n\n", r.prov.Name, year)
	b.WriteString("(Bài viết minh họa do chương trình tạo ra, không phải tin thật. " + Note + ".)\n\n")
	sentence(fmt.Sprintf("Ngày %s, Ban Dân vận Tỉnh ủy %s họp tổng kết năm %d và bàn phương hướng cho năm %d.",
		r.submitted.Format("02/01/2006"), r.prov.Name, year, year+1))
	sentence(fmt.Sprintf("Năm %d, các cấp ủy, chính quyền cùng Mặt trận, đoàn thể của tỉnh bám sát cơ sở hơn, lấy việc giải quyết những điều người dân quan tâm làm thước đo của công tác dân vận.", year))
	sentence(fmt.Sprintf("Trong năm, lãnh đạo cấp ủy, chính quyền từ tỉnh đến xã đã chủ trì %s cuộc đối thoại với người dân.",
		vnNumber(dialogues.v)), dialogues)
	sentence(fmt.Sprintf("Các chi bộ, cơ quan, đoàn thể đăng ký %s mô hình “Dân vận khéo” ở mọi lĩnh vực, trong đó %s mô hình đã được công nhận.",
		regText, vnNumber(rec.v)), reg, rec)
	sentence(fmt.Sprintf("Để làm đường, mở rộng ngõ xóm, bà con đã hiến trên %s m² đất, đóng góp khoảng %s và %s ngày công.",
		vnNumber(land.v), fundsText, vnNumber(work.v)), land, funds, work)
	sentence(fmt.Sprintf("Các cấp đã khen thưởng %s tập thể và %s cá nhân tiêu biểu của phong trào trong năm.",
		vnNumber(ac.v), vnNumber(ai.v)), ac, ai)
	for i, s := range sentences {
		b.WriteString(s)
		if i == 1 || i == 3 || i == len(sentences)-1 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	name := fmt.Sprintf("%s-bai-viet-tong-ket.txt", g.baseName(r.prov, r.period))
	return &file{name: name, format: "txt", data: []byte(b.String()), rows: raws}, []*report{said}, nil
}

func qualOrExact(q pipeline.Qualifier) pipeline.Qualifier {
	if q == "" {
		return pipeline.Exact
	}
	return q
}
