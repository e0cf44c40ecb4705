package pipeline

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Vietnam has kept UTC+7 without daylight saving since 1975; a fixed zone
// avoids depending on the host's tzdata.
var Vietnam = time.FixedZone("ICT", 7*3600)

// ParseDate reads a day as reports write it: 27/12/2022, 27-12-2022,
// 2022-12-27, or an RFC 3339 date-time; a time of day is dropped. A year
// written first leaves no doubt which field is the day, whatever parts
// them: 2024/12/15 (a spreadsheet set to another locale), 2024.12.15.
func ParseDate(s string) (time.Time, bool) {
	if t, ok := isoDate(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	if t, ok := dmyDate(s); ok {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		y, m, d := t.In(Vietnam).Date()
		return date(y, m, d), true
	}
	whole := s
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006", "02.01.2006",
		"2006/1/2", "2006.1.2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if m := reShortYear.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[3])
		y, _ := strconv.Atoi(m[5])
		return civil(2000+y, mo, d)
	}
	return wordDate(whole)
}

// reShortYear is a day with a two-digit year (15/12/23), as a cell
// formatted dd/mm/yy shows a date and a CSV saved from it holds it: day
// first, as Vietnamese write a date (yy/mm/dd is no Vietnamese order), the
// year in 2000–2099, the years reports are about.
var reShortYear = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{2})$`)

// reWordDate is a day in words, folded (Fold parts words by a space, so
// "ngày 15/12/2023" is "ngay 15 12 2023"), as a date line writes it: "(ngày)
// 15 tháng 12 năm 2023", or "ngày 15/12/2023".
var reWordDate = regexp.MustCompile(`^(?:ngay )?(\d{1,2}) thang (\d{1,2}) nam (\d{4})$|^ngay (\d{1,2}) (\d{1,2}) (\d{4})$`)

// wordDate reads a day typed in words in a date's cell, "15 tháng 12 năm
// 2023", "ngày 15/12/2023" (ParseDate's last resort).
func wordDate(s string) (time.Time, bool) {
	m := reWordDate.FindStringSubmatch(Fold(s))
	if m == nil {
		return time.Time{}, false
	}
	if m[1] == "" {
		m = m[3:]
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	return civil(y, mo, d)
}

// reMonthFirst is a date of three numbers with a year last, of four
// digits or two (in 20yy, as reShortYear).
var reMonthFirst = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4}|\d{2})$`)

// MonthFirst reads a date ParseDate refuses as written month first
// (12/15/2023, a spreadsheet set to the United States' locale): the day it
// likely is, as D/M/YYYY, when its second number cannot be a month and the
// date exists with the first as one. A date that reads either way (5/6/2023)
// is never one: it is read day first.
func MonthFirst(s string) (string, bool) {
	m := reMonthFirst.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[2] != m[4] {
		return "", false
	}
	mo, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[3])
	y, _ := strconv.Atoi(m[5])
	if len(m[5]) == 2 {
		y += 2000
	}
	if d <= 12 {
		return "", false
	}
	t, ok := civil(y, mo, d)
	if !ok {
		return "", false
	}
	return t.Format("02/01/2006"), true
}

// isoDate is ParseDate's fast path for the common YYYY-MM-DD: the same
// answer time.Parse("2006-01-02", s) gives, without its allocations. It
// reports false for anything else, which then takes the general path.
func isoDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	return civil(y, m, d)
}

// dmyDate is ParseDate's fast path for the D/M/YYYY forms write (27/12/2022,
// 2/1/2006): the same answer time.Parse("2/1/2006", s) gives, without the
// two failed parses before it (RFC 3339, YYYY-MM-DD), whose errors were a
// quarter of a workbook's whole-file checks' allocations, one date per row.
// It reports false for anything else, which then takes the general path.
func dmyDate(s string) (time.Time, bool) {
	field := func(s string, most int) (n int, rest string, ok bool) {
		i := 0
		for ; i < len(s) && i < most && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n, s[i:], i > 0
	}
	d, rest, ok1 := field(s, 2)
	if !ok1 || len(rest) == 0 || rest[0] != '/' {
		return time.Time{}, false
	}
	m, rest, ok2 := field(rest[1:], 2)
	if !ok2 || len(rest) != 5 || rest[0] != '/' {
		return time.Time{}, false
	}
	y, rest, ok3 := field(rest[1:], 4)
	if !ok3 || rest != "" {
		return time.Time{}, false
	}
	return civil(y, m, d)
}

// civil is the day d of month m of year y at midnight UTC, if it exists.
func civil(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	// time.Date normalises and looks up zones; a row needs neither. The
	// day count is Hinnant's days_from_civil.
	if m <= 2 {
		y-- // -1 for January of year 0
	}
	era := (y+400)/400 - 1
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	days := era*146097 + yoe*365 + yoe/4 - yoe/100 + doy - 719468
	return time.Unix(int64(days)*86400, 0).UTC(), true
}

// daysIn is the number of days of month m of year y.
func daysIn(y, m int) int {
	switch {
	case m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0):
		return 29
	case m == 2:
		return 28
	case m == 4 || m == 6 || m == 9 || m == 11:
		return 30
	}
	return 31
}
