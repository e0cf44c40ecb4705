package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// The answers of a form tool (Google Forms, Microsoft Forms) saved as a
// sheet, one answer a row, when a unit answered twice (a figure corrected
// by answering again): the later answer by the tool's timestamp counts,
// as the later of two files would. The timestamp only orders the answers;
// it is no submission date (the report's date, on time or late, is not
// the minute a clerk pressed "Gửi"). The tool writes it in the account's
// locale, day first (15/12/2023) or month first (12/15/2023): a day past
// 12 anywhere in the column says which (a workbook's date cell is read by
// its number, not its text); when none does, an answer counts
// only when both readings put it last, else nothing is guessed (both
// values stay, for the file's check to refuse as conflicting) and a notice
// says why.

// stampColumns are the headers of a form tool's timestamp, folded without
// spaces (headerKey), the one ordering the answers first: Microsoft
// Forms' completion time before its start time.
var stampColumns = []string{"completiontime", "thoigianhoanthanh", "dauthoigian", "timestamp", "starttime", "thoigianbatdau"}

// answerStamp is a timestamp's parts as written: a/b/y are the date's numbers
// in their order, ymd when the year is first (2023-12-15, no reading to
// choose), sec the time of day in seconds.
type answerStamp struct {
	a, b, y, sec int
	ymd          bool
}

// parseStamp reads "15/12/2023 9:30:12", "12/15/23 9:30 PM",
// "15/12/2023 9:30:12 CH" (Vietnamese PM), "2023-12-15 09:30:12".
func parseStamp(t string) (answerStamp, bool) {
	var s answerStamp
	f := strings.Fields(t)
	if len(f) < 1 || len(f) > 3 {
		return s, false
	}
	sep := "/"
	if strings.Contains(f[0], "-") {
		sep, s.ymd = "-", true
	} else if strings.Contains(f[0], ".") {
		sep = "."
	}
	d := strings.Split(f[0], sep)
	if len(d) != 3 {
		return s, false
	}
	var n [3]int
	for i, p := range d {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return s, false
		}
		n[i] = v
	}
	if s.ymd {
		s.y, s.a, s.b = n[0], n[2], n[1] // read day first below
	} else {
		s.a, s.b, s.y = n[0], n[1], n[2]
	}
	if s.y < 100 {
		s.y += 2000
	}
	if len(f) == 1 {
		return s, true
	}
	hms := strings.Split(f[1], ":")
	if len(hms) < 2 || len(hms) > 3 {
		return s, false
	}
	var tm [3]int
	for i, p := range hms {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 59 || i == 0 && v > 23 {
			return s, false
		}
		tm[i] = v
	}
	if len(f) == 3 {
		switch strings.ToUpper(f[2]) {
		case "PM", "CH":
			if tm[0] > 12 {
				return s, false
			}
			if tm[0] < 12 {
				tm[0] += 12
			}
		case "AM", "SA":
			if tm[0] > 12 {
				return s, false
			}
			if tm[0] == 12 {
				tm[0] = 0
			}
		default:
			return s, false
		}
	}
	s.sec = tm[0]*3600 + tm[1]*60 + tm[2]
	return s, true
}

// at is the stamp's time read day first, or month first; false when that
// reading is no date.
func (s answerStamp) at(monthFirst bool) (time.Time, bool) {
	day, month := s.a, s.b
	if monthFirst && !s.ymd {
		day, month = s.b, s.a
	}
	if month < 1 || month > 12 || day < 1 || s.y < 1900 {
		return time.Time{}, false
	}
	t := time.Date(s.y, time.Month(month), day, 0, 0, s.sec, 0, time.UTC)
	return t, t.Day() == day
}

// answer is a row of answers, ordered by its timestamp under each reading
// still possible (orders[0] day first, orders[1] month first).
type answer struct {
	row    int
	cell   string // the timestamp's
	text   string
	orders [2]time.Time
}

// laterAnswers keeps, of the values rows (at table rows rowOf) gives more
// than once for one key, the later answer's, and says each value passed
// over (replaced_in_file) or left for the file's check since the readings
// disagree (timestamp_ambiguous) in f.notices. ts is the timestamp's
// column.
func (f *form) laterAnswers(h tableHeader, ts int, rows []pipeline.RawRow, rowOf []int) []pipeline.RawRow {
	answers := map[int]*answer{}
	readings := [2]bool{true, true}
	for _, r := range rowOf {
		if answers[r] != nil {
			continue
		}
		a := &answer{row: r, cell: f.ref(r, ts), text: f.text(r, ts)}
		s, ok := parseStamp(a.text)
		if !ok {
			return rows // not a timestamp this reads: nothing is ordered
		}
		// A workbook's date cell is its number, shown day first
		// (shownDate) whatever its format: no other reading.
		dated := f.g.dated != nil && f.g.dated(r, ts)
		for i := range readings {
			t, ok := s.at(i == 1)
			readings[i] = readings[i] && ok && !(dated && i == 1)
			a.orders[i] = t
		}
		answers[r] = a
	}
	if !readings[0] && !readings[1] {
		return rows
	}
	// The values by key, as written (a unit picked from the form's list is
	// written the same each time; one typed otherwise is left to the
	// file's check).
	type key struct{ province, unit, period, indicator, disagg string }
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	byKey := map[key][]int{}
	var keys []key
	for i := range rows {
		r := &rows[i]
		if r.Total {
			continue
		}
		k := key{norm(r.Province), norm(r.Unit), norm(r.Period), r.Indicator, r.Disaggregation}
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	drop := map[int]bool{}
	told := map[[2]int]bool{}
	for _, k := range keys {
		idx := byKey[k]
		if len(idx) < 2 {
			continue
		}
		winner, agreed := -1, true
		for i, ok := range readings {
			if !ok {
				continue
			}
			w, tie := -1, false
			for _, j := range idx {
				o := answers[rowOf[j]].orders[i]
				switch {
				case w < 0 || o.After(answers[rowOf[w]].orders[i]):
					w, tie = j, false
				case o.Equal(answers[rowOf[w]].orders[i]):
					tie = true
				}
			}
			if tie {
				winner, agreed = -1, false
				break
			}
			if winner >= 0 && winner != w {
				agreed = false
				// The two readings order the answers differently.
				pair := [2]int{min(rowOf[winner], rowOf[w]), max(rowOf[winner], rowOf[w])}
				if !told[pair] {
					told[pair] = true
					f.notices = append(f.notices, f.ambiguousStamps(h, ts, answers[pair[0]], answers[pair[1]], rows[w].Unit))
				}
				break
			}
			winner = w
		}
		if !agreed || winner < 0 {
			continue
		}
		win := answers[rowOf[winner]]
		for _, j := range idx {
			if j != winner {
				drop[j] = true
				f.notices = append(f.notices, f.replacedAnswer(&rows[j], answers[rowOf[j]], win, readings))
			}
		}
	}
	if len(drop) == 0 {
		return rows
	}
	kept := rows[:0]
	for i := range rows {
		if !drop[i] {
			kept = append(kept, rows[i])
		}
	}
	return kept
}

// when is an answer's time as a clerk reads it, 15/12/2023 09:30:12, in
// the reading the column has (day first when both are left: the two put
// the answers in the same order).
func (a *answer) when(readings [2]bool) string {
	t := a.orders[0]
	if !readings[0] {
		t = a.orders[1]
	}
	return t.Format("02/01/2006 15:04:05")
}

func (f *form) replacedAnswer(raw *pipeline.RawRow, old, win *answer, readings [2]bool) pipeline.Warning {
	return pipeline.Warning{File: f.fr.file, Ref: raw.Ref, Column: raw.Columns[pipeline.FieldValue], Value: raw.Value, Code: "replaced_in_file",
		Reason: fmt.Sprintf("Giá trị của lần trả lời lúc %s (dấu thời gian ở ô %s) được thay bằng giá trị của lần trả lời sau, lúc %s (ô %s), trong cùng tệp (cùng đơn vị, kỳ, chỉ tiêu, phân tổ): chỉ giá trị trả lời sau được tính.",
			old.when(readings), old.cell, win.when(readings), win.cell),
		ReasonEN: fmt.Sprintf("The value of the answer sent %s (timestamp in cell %s) is replaced by that of the later answer, sent %s (cell %s), in the same file (same unit, period, indicator and breakdown): only the later one counts.",
			old.when(readings), old.cell, win.when(readings), win.cell)}
}

func (f *form) ambiguousStamps(h tableHeader, ts int, a, b *answer, unit string) pipeline.Warning {
	return pipeline.Warning{File: f.fr.file, Ref: b.cell, Column: f.shown(h.row, ts), Value: b.text, Code: "timestamp_ambiguous",
		Reason: fmt.Sprintf("Đơn vị %q trả lời hai lần (dấu thời gian %q ở ô %s và %q ở ô %s), nhưng trong cột dấu thời gian không có ngày nào lớn hơn 12, "+
			"nên không biết đọc ngày/tháng hay tháng/ngày, mà hai cách đọc cho thứ tự khác nhau: không biết lần nào gửi sau, nên giá trị khác nhau của hai lần đều bị từ chối. "+
			"Cách sửa: xóa dòng của lần trả lời cũ rồi gửi lại tệp.", unit, a.text, a.cell, b.text, b.cell),
		ReasonEN: fmt.Sprintf("Unit %q answered twice (timestamps %q in cell %s and %q in cell %s), but no day in the timestamp column is past 12, "+
			"so it cannot be told whether they are day/month or month/day, and the two readings order the answers differently: which came later is unknown, so the values that differ are refused for both. "+
			"Fix: delete the row of the earlier answer and send the file again.", unit, a.text, a.cell, b.text, b.cell)}
}
