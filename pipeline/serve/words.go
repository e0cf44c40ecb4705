package serve

import (
	"time"

	"github.com/danvan/danvan/pipeline"
)

// The words the server writes for people, outside the pages (whose words
// are in dashboards/web/app.js): download headers and cells, the feedback
// workbook, the brief, /healthz. Vietnamese first, English second.

// word is one text in both languages.
type word struct{ vi, en string }

func (w word) in(lang string) string {
	if lang == "en" {
		return w.en
	}
	return w.vi
}

// codeWords name the codes of the outputs in words.
var codeWords = map[string]map[string]word{
	"qualifier": {
		"exact": {"chính xác", "exact"}, "approx": {"khoảng", "about"},
		"at_least": {"trên", "more than"}, "at_most": {"dưới", "less than"},
	},
	"basis": {
		"province_report": {"Báo cáo của tỉnh", "Province report"}, "sum_of_units": {"Tổng các đơn vị", "Sum of units"},
	},
	"year_basis": {
		"annual": {"Báo cáo năm", "Annual report"}, "halves": {"Hai báo cáo 6 tháng", "Both half-year reports"},
		"quarters": {"Bốn báo cáo quý", "Four quarterly reports"}, "months": {"Báo cáo các tháng", "Monthly reports"},
		"stock_latest": {"Số liệu mới nhất trong năm", "Latest figure of the year"},
		"sum_of_units": {"Tổng các đơn vị", "Sum of units"}, "partial": {"Chưa đủ năm", "Part of the year"},
	},
	"yoy_note": {
		"part_year":          {"Năm chưa đủ: không so sánh với năm đủ", "Part-year: not compared with a whole year"},
		"previous_part_year": {"Năm trước chưa đủ: không so sánh", "Previous year incomplete: not compared"},
		"no_previous_year":   {"Không có số liệu năm trước", "No figure for the previous year"},
		"previous_zero":      {"Năm trước bằng 0: không tính %", "Previous year zero: no percentage"},
	},
	"unit_level": {
		"province": {"Tỉnh", "Province"}, "district": {"Cấp huyện", "District"}, "commune": {"Cấp xã", "Commune"},
	},
	"unit_type": {
		"thanh_pho": {"Thành phố", "City"}, "thi_xa": {"Thị xã", "Town"}, "huyen": {"Huyện", "District"},
		"phuong": {"Phường", "Ward"}, "xa": {"Xã", "Commune"}, "thi_tran": {"Thị trấn", "Township"},
	},
	"status": {
		"on_time": {"Đúng hạn", "On time"}, "late": {"Trễ hạn", "Late"},
		"missing": {"Chưa báo cáo", "Not reported"}, "pending": {"Chưa đến hạn", "Not yet due"},
		"loaded": {"Đã nạp", "Loaded"}, "quarantined": {"Cách ly (không đọc được)", "Quarantined (unreadable)"},
	},
	"origin": {"form": {"Biểu mẫu", "Form"}, "extracted": {"Trích từ văn bản", "Extracted from text"}},
	"kind":   {"flow": {"Cộng dồn theo thời gian", "Flow"}, "stock": {"Số tại một thời điểm", "Stock"}},
	"period_type": {
		"year": {"Năm", "Year"}, "half": {"6 tháng", "Half-year"}, "quarter": {"Quý", "Quarter"}, "month": {"Tháng", "Month"},
	},
	"bool": {"true": {"Có", "Yes"}, "false": {"Không", "No"}},
}

// codeWord names a code of kind in lang, or returns the code itself.
func codeWord(kind, code, lang string) string {
	if w, ok := codeWords[kind][code]; ok {
		return w.in(lang)
	}
	return code
}

// zoneWord says which clock a time is on: every time shown to people is
// Vietnam time and says so.
var zoneWord = word{"giờ Việt Nam", "Vietnam time, UTC+7"}

// formatInstant shows an RFC 3339 instant as DD/MM/YYYY HH:MM in Vietnam
// time, with the zone said; text that is no instant is returned as it is.
func formatInstant(s, lang string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(pipeline.Vietnam).Format("02/01/2006 15:04") + " (" + zoneWord.in(lang) + ")"
}
