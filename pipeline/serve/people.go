package serve

// Downloads for people: each output's columns as a leader or a clerk reads
// them, with names beside codes and words for codes.

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/danvan/danvan/pipeline"
)

// names is what a people's download needs to name codes, read from the
// snapshot it downloads from.
type names struct {
	lang       string
	indicators map[string]indicatorName
	provinces  map[string]string
	breakdowns map[string]word
	province   string // the province of a sources file, from its name
}

type indicatorName struct {
	LabelVI string `json:"label_vi"`
	LabelEN string `json:"label_en"`
	Unit    string `json:"unit"`
	UnitEN  string `json:"unit_en"`
}

func (n *names) indicator(code string) (label, unit string) {
	i, ok := n.indicators[code]
	if !ok {
		return code, ""
	}
	if n.lang == "en" {
		label, unit = i.LabelEN, i.UnitEN
		if unit == "" {
			unit = i.Unit
		}
		return label, unit
	}
	return i.LabelVI, i.Unit
}

// breakdownWords names the breakdown codes, from the reference (the
// snapshot has no output of them).
var breakdownWords = sync.OnceValue(func() map[string]word {
	m := map[string]word{pipeline.Total: {"Tổng", "Total"}}
	if ref, err := pipeline.DefaultReference(); err == nil {
		for _, d := range ref.Disaggregations {
			m[d.Code] = word{d.LabelVI, d.LabelEN}
		}
	}
	return m
})

// lookups reads the names of indicators and provinces of snap.
func (s *Server) lookups(snap snapshot, lang string) (*names, error) {
	n := &names{lang: lang, indicators: map[string]indicatorName{}, provinces: map[string]string{}, breakdowns: breakdownWords()}
	f, err := s.data.read(snap, "indicators.json")
	if err != nil {
		return nil, err
	}
	var inds []struct {
		Code string `json:"code"`
		indicatorName
	}
	if err := json.Unmarshal(f.body, &inds); err != nil {
		return nil, fmt.Errorf("indicators.json: %w", err)
	}
	for _, i := range inds {
		n.indicators[i.Code] = i.indicatorName
	}
	f, err = s.data.read(snap, "provinces.json")
	if err != nil {
		return nil, err
	}
	var provs []struct {
		Code string `json:"province_code"`
		Name string `json:"province_name"`
	}
	if err := json.Unmarshal(f.body, &provs); err != nil {
		return nil, fmt.Errorf("provinces.json: %w", err)
	}
	for _, p := range provs {
		n.provinces[p.Code] = p.Name
	}
	return n, nil
}

// getter gives one cell of a row: a string, a float64 or nil.
type getter func(r map[string]any, n *names) any

// col is one column of a people's download. unit puts the indicator's unit
// in the header when every row has the same one ("Giá trị (mô hình)").
type col struct {
	head word
	get  getter
	unit bool
}

func raw(key string) getter {
	return func(r map[string]any, _ *names) any { return scalar(r[key]) }
}

func words(kind, key string) getter {
	return func(r map[string]any, n *names) any {
		v := r[key]
		switch x := v.(type) {
		case string:
			return codeWord(kind, x, n.lang)
		case bool:
			return codeWord("bool", fmt.Sprint(x), n.lang)
		}
		return scalar(v)
	}
}

func province(key string) getter {
	return func(r map[string]any, n *names) any {
		code, _ := r[key].(string)
		if code == "" {
			code = n.province
		}
		if name, ok := n.provinces[code]; ok {
			return name
		}
		return nilIfEmpty(code)
	}
}

func provinceCode(key string) getter {
	return func(r map[string]any, n *names) any {
		if code, _ := r[key].(string); code != "" {
			return code
		}
		return nilIfEmpty(n.province)
	}
}

func indicatorLabel(key string) getter {
	return func(r map[string]any, n *names) any {
		code, _ := r[key].(string)
		label, _ := n.indicator(code)
		return label
	}
}

func indicatorUnit(key string) getter {
	return func(r map[string]any, n *names) any {
		code, _ := r[key].(string)
		_, unit := n.indicator(code)
		return unit
	}
}

func breakdown(key string) getter {
	return func(r map[string]any, n *names) any {
		code, _ := r[key].(string)
		if w, ok := n.breakdowns[code]; ok {
			return w.in(n.lang)
		}
		return nilIfEmpty(code)
	}
}

// round1 is a number with one decimal, as the pages show it.
func round1(key string) getter {
	return func(r map[string]any, _ *names) any {
		if x, ok := r[key].(float64); ok {
			return math.Round(x*10) / 10
		}
		return nil
	}
}

// percent is a share (0..1) as a percentage with one decimal.
func percent(key string) getter {
	return func(r map[string]any, _ *names) any {
		if x, ok := r[key].(float64); ok {
			return math.Round(x*1000) / 10
		}
		return nil
	}
}

// day is an ISO date as DD/MM/YYYY in Vietnamese, as it is in English.
func day(key string) getter {
	return func(r map[string]any, n *names) any {
		s, _ := r[key].(string)
		if n.lang == "en" || len(s) < 10 {
			return nilIfEmpty(s)
		}
		return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
	}
}

// instant is an RFC 3339 UTC time shown in Vietnam time, with the zone said.
func instant(key string) getter {
	return func(r map[string]any, n *names) any {
		s, _ := r[key].(string)
		if s == "" {
			return nil
		}
		return formatInstant(s, n.lang)
	}
}

// missingUnits lists completeness.missing as names, with the periods of it
// they did send.
func missingUnits(r map[string]any, n *names) any {
	list, _ := r["missing"].([]any)
	parts := make([]string, 0, len(list))
	for _, m := range list {
		o, _ := m.(map[string]any)
		name, _ := o["unit_name"].(string)
		if t, _ := o["unit_type"].(string); t != "" {
			name = codeWord("unit_type", t, n.lang) + " " + name
		}
		if sent, _ := o["parts_received"].([]any); len(sent) > 0 {
			name += " (" + word{"đã gửi ", "sent "}.in(n.lang) + pipeline.CellText(scalar(sent)) + ")"
		}
		if st, _ := o["status"].(string); st == "pending" {
			name += " (" + codeWord("status", st, n.lang) + ")"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, "; ")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var (
	hProvince     = word{"Tỉnh", "Province"}
	hProvinceCode = word{"Mã tỉnh", "Province code"}
	hYear         = word{"Năm", "Year"}
	hIndicator    = word{"Chỉ tiêu", "Indicator"}
	hIndicatorID  = word{"Mã chỉ tiêu", "Indicator code"}
	hUnitOfMeas   = word{"Đơn vị tính", "Unit of measure"}
	hValue        = word{"Giá trị", "Value"}
	hQualifier    = word{"Mức chính xác", "Qualifier"}
	hUnit         = word{"Đơn vị", "Unit"}
	hUnitCode     = word{"Mã đơn vị", "Unit code"}
	hUnitType     = word{"Loại đơn vị", "Type of unit"}
	hLevel        = word{"Cấp", "Level"}
	hPeriod       = word{"Kỳ báo cáo", "Period"}
	hPeriods      = word{"Các kỳ đã gửi", "Periods sent"}
	hLacking      = word{"Kỳ còn thiếu", "Periods lacking"}
	hPer100k      = word{"Trên 100.000 dân", "Per 100,000 inhabitants"}
	hPopulation   = word{"Dân số (điều tra 2019)", "Population (2019 census)"}
	hFile         = word{"Tệp", "File"}
	hRef          = word{"Vị trí trong tệp", "Place in the file"}
)

// peopleColumns are the columns of each output for people.
var peopleColumns = map[string][]col{
	"province_year": {
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: hYear, get: raw("year")},
		{head: hIndicator, get: indicatorLabel("indicator")},
		{head: hIndicatorID, get: raw("indicator")},
		{head: hUnitOfMeas, get: indicatorUnit("indicator")},
		{head: hValue, get: raw("value"), unit: true},
		{head: hQualifier, get: words("qualifier", "qualifier")},
		{head: word{"Cơ sở số liệu", "Basis"}, get: words("basis", "basis")},
		{head: word{"Số của tỉnh", "Province's own figure"}, get: raw("value_province_report"), unit: true},
		{head: word{"Tổng các đơn vị", "Sum of units"}, get: raw("value_sum_of_units"), unit: true},
		{head: word{"Chênh lệch", "Difference"}, get: raw("difference"), unit: true},
		{head: word{"Đơn vị đã báo cáo", "Units reporting"}, get: raw("units_reporting")},
		{head: word{"Đơn vị phải báo cáo", "Units expected"}, get: raw("units_expected")},
		{head: hPer100k, get: round1("per_100k"), unit: true},
		{head: hPopulation, get: raw("population")},
		{head: word{"Thay đổi so với năm trước", "Change on previous year"}, get: raw("yoy_change"), unit: true},
		{head: word{"Thay đổi (%)", "Change (%)"}, get: round1("yoy_pct")},
		{head: word{"Vì sao không so sánh", "Why not compared"}, get: words("yoy_note", "yoy_note")},
		{head: word{"Cách tính năm", "How the year was formed"}, get: words("year_basis", "year_basis")},
		{head: word{"Chưa đủ năm", "Part of the year only"}, get: words("bool", "partial")},
		{head: hPeriods, get: raw("periods")},
		{head: hLacking, get: raw("periods_lacking")},
	},
	"unit_year": {
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: hUnit, get: raw("unit_name")},
		{head: hUnitCode, get: raw("unit_code")},
		{head: hUnitType, get: words("unit_type", "unit_type")},
		{head: hLevel, get: words("unit_level", "unit_level")},
		{head: hYear, get: raw("year")},
		{head: hPeriod, get: raw("period")},
		{head: hIndicator, get: indicatorLabel("indicator")},
		{head: hIndicatorID, get: raw("indicator")},
		{head: hUnitOfMeas, get: indicatorUnit("indicator")},
		{head: hValue, get: raw("value"), unit: true},
		{head: hQualifier, get: words("qualifier", "qualifier")},
		{head: word{"Hạng", "Rank"}, get: raw("comparable_rank")},
		{head: word{"Số đơn vị xếp hạng", "Units ranked"}, get: raw("comparable_of")},
		{head: word{"So sánh được (đủ kỳ)", "Comparable (same periods)"}, get: words("bool", "comparable")},
		{head: hPeriods, get: raw("periods")},
		{head: hLacking, get: raw("periods_lacking")},
		{head: hPer100k, get: round1("per_100k"), unit: true},
		{head: hPopulation, get: raw("population")},
	},
	"completeness": {
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: hPeriod, get: raw("period")},
		{head: word{"Loại kỳ", "Kind of period"}, get: words("period_type", "period_type")},
		{head: word{"Hạn nộp", "Deadline"}, get: day("deadline")},
		{head: word{"Phải báo cáo", "Expected"}, get: raw("expected")},
		{head: word{"Đã nhận", "Received"}, get: raw("received")},
		{head: word{"Đúng hạn", "On time"}, get: raw("on_time")},
		{head: word{"Trễ hạn", "Late"}, get: raw("late")},
		{head: word{"Chưa đến hạn", "Not yet due"}, get: raw("pending")},
		{head: word{"Tỉ lệ báo cáo (%)", "Reporting rate (%)"}, get: percent("rate")},
		{head: word{"Tỉ lệ đúng hạn (%)", "On-time rate (%)"}, get: percent("timeliness")},
		{head: word{"Chưa báo cáo", "Not reported"}, get: missingUnits},
		{head: word{"Tỉnh đã báo cáo số của tỉnh", "Province sent its own figure"}, get: words("bool", "province_reported")},
	},
	"reporting": {
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: hUnit, get: raw("unit_name")},
		{head: hUnitCode, get: raw("unit_code")},
		{head: hUnitType, get: words("unit_type", "unit_type")},
		{head: hLevel, get: words("unit_level", "unit_level")},
		{head: hPeriod, get: raw("period")},
		{head: word{"Báo cáo", "Report"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "report_label_en", false: "report_label_vi"}[n.lang == "en"])(r, n)
		}},
		{head: word{"Hạn nộp", "Deadline"}, get: day("deadline")},
		{head: word{"Tình trạng", "Status"}, get: words("status", "status")},
		{head: word{"Ngày nhận", "Received on"}, get: day("first_received")},
		{head: word{"Đã gửi các kỳ ngắn hơn", "Shorter periods sent"}, get: raw("parts_received")},
		{head: hFile, get: raw("source_files")},
	},
	"sources": {
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: provinceCode("province_code")},
		{head: hIndicator, get: indicatorLabel("indicator")},
		{head: hIndicatorID, get: raw("indicator")},
		{head: hUnitOfMeas, get: indicatorUnit("indicator")},
		{head: hUnit, get: raw("unit_name")},
		{head: hUnitCode, get: raw("unit_code")},
		{head: hLevel, get: words("unit_level", "unit_level")},
		{head: hPeriod, get: raw("period")},
		{head: word{"Phân tổ", "Breakdown"}, get: breakdown("disaggregation")},
		{head: hValue, get: raw("value"), unit: true},
		{head: hQualifier, get: words("qualifier", "qualifier")},
		{head: word{"Nguồn gốc", "Origin"}, get: words("origin", "origin")},
		{head: hFile, get: raw("source_file")},
		{head: hRef, get: raw("source_ref")},
		{head: word{"Trích dẫn", "Quote"}, get: raw("quote")},
		{head: word{"Mã báo cáo", "Report id"}, get: raw("report_id")},
	},
	"refusals": {
		{head: hFile, get: raw("source_file")},
		{head: hRef, get: raw("source_ref")},
		{head: word{"Cột", "Column"}, get: raw("column")},
		{head: word{"Giá trị đã ghi", "Value as written"}, get: raw("value")},
		{head: word{"Lý do", "Reason"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "reason_en", false: "reason"}[n.lang == "en"])(r, n)
		}},
		{head: word{"Cách sửa", "How to fix it"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "fix_en", false: "fix_vi"}[n.lang == "en"])(r, n)
		}},
		{head: word{"Mã lỗi", "Kind of problem"}, get: raw("code")},
		{head: hProvince, get: province("province_code")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: hUnit, get: raw("unit")},
		{head: hUnitCode, get: raw("unit_code")},
	},
	"files": {
		{head: hFile, get: raw("source_file")},
		{head: word{"Tình trạng", "Status"}, get: words("status", "status")},
		{head: word{"Thời điểm nạp", "Ingested at"}, get: instant("ingested_at")},
		{head: word{"Giá trị được nhận", "Values accepted"}, get: raw("rows_accepted")},
		{head: word{"Giá trị bị từ chối", "Values refused"}, get: raw("rows_rejected")},
		{head: hProvince, get: func(r map[string]any, n *names) any {
			codes, _ := r["provinces"].([]any)
			var out []string
			for _, c := range codes {
				s, _ := c.(string)
				out = append(out, n.provinces[s])
			}
			return strings.Join(out, "; ")
		}},
		{head: word{"Lý do cách ly", "Why quarantined"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "reason_en", false: "reason"}[n.lang == "en"])(r, n)
		}},
		{head: word{"Cách sửa", "How to fix it"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "fix_en", false: "fix_vi"}[n.lang == "en"])(r, n)
		}},
		{head: word{"Mã tệp (SHA-256)", "File hash (SHA-256)"}, get: raw("batch")},
	},
	"years": {
		{head: hYear, get: raw("year")},
		{head: word{"Đủ năm", "Whole year"}, get: words("bool", "complete")},
		{head: word{"Số tháng có số liệu", "Months covered"}, get: raw("months_covered")},
		{head: word{"Các kỳ", "Periods"}, get: raw("periods")},
		{head: hLacking, get: raw("periods_lacking")},
		{head: word{"Ghi chú", "Note"}, get: func(r map[string]any, n *names) any {
			return raw(map[bool]string{true: "label_en", false: "label_vi"}[n.lang == "en"])(r, n)
		}},
	},
	"indicators": {
		{head: hIndicatorID, get: raw("code")},
		{head: hIndicator, get: indicatorLabel("code")},
		{head: hUnitOfMeas, get: indicatorUnit("code")},
		{head: word{"Loại", "Kind"}, get: words("kind", "kind")},
	},
	"provinces": {
		{head: hProvince, get: raw("province_name")},
		{head: hProvinceCode, get: raw("province_code")},
		{head: word{"Dân số", "Population"}, get: raw("population")},
		{head: word{"Năm điều tra", "Census year"}, get: raw("population_year")},
	},
}

// peopleTable builds the people's form of an output's rows.
func peopleTable(output string, objs []map[string]any, n *names) *table {
	cols := peopleColumns[output]
	// The indicators' unit goes into the headers of unit columns when all
	// rows have the same one.
	unit := ""
	for i, o := range objs {
		code, _ := o["indicator"].(string)
		_, u := n.indicator(code)
		if i == 0 {
			unit = u
		} else if u != unit {
			unit = ""
			break
		}
	}
	t := &table{}
	for _, c := range cols {
		h := c.head.in(n.lang)
		if c.unit && unit != "" {
			h += " (" + unit + ")"
		}
		t.cols = append(t.cols, h)
	}
	for _, o := range objs {
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = c.get(o, n)
		}
		t.rows = append(t.rows, row)
	}
	return t
}
