package pipeline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PeriodType is the kind of reporting period.
type PeriodType string

const (
	Year    PeriodType = "year"
	Half    PeriodType = "half"
	Quarter PeriodType = "quarter"
	Month   PeriodType = "month"
	Range   PeriodType = "range"   // a multi-year review, giai đoạn 2016-2020
	ToDate  PeriodType = "to_date" // a cumulative "đến nay" figure as of a month
)

// Period is a reporting period with its canonical code ("2023", "2023-H1",
// "2023-Q3", "2023-07", "2016..2020", "to-date@2020-10") and inclusive dates.
type Period struct {
	Code  string
	Type  PeriodType
	Start time.Time
	End   time.Time
}

// Year is the calendar year the period ends in; facts are partitioned by it.
func (p Period) Year() int { return p.End.Year() }

func (p Period) String() string { return p.Code }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func lastDay(y int, m time.Month) time.Time { return date(y, m+1, 1).AddDate(0, 0, -1) }

// YearPeriod, HalfPeriod, QuarterPeriod, MonthPeriod, RangePeriod and
// ToDatePeriod build canonical periods.
func YearPeriod(y int) Period {
	return Period{strconv.Itoa(y), Year, date(y, 1, 1), date(y, 12, 31)}
}

func HalfPeriod(y, h int) Period {
	m := time.Month(6*(h-1) + 1)
	return Period{fmt.Sprintf("%d-H%d", y, h), Half, date(y, m, 1), lastDay(y, m+5)}
}

func QuarterPeriod(y, q int) Period {
	m := time.Month(3*(q-1) + 1)
	return Period{fmt.Sprintf("%d-Q%d", y, q), Quarter, date(y, m, 1), lastDay(y, m+2)}
}

func MonthPeriod(y int, m time.Month) Period {
	return Period{fmt.Sprintf("%d-%02d", y, int(m)), Month, date(y, m, 1), lastDay(y, m)}
}

func RangePeriod(from, to int) Period {
	return Period{fmt.Sprintf("%d..%d", from, to), Range, date(from, 1, 1), date(to, 12, 31)}
}

// ToDatePeriod is a cumulative total as of the end of the given month. Its
// start is unknown, so it is the start of the study window (2010), or of
// the month itself for a total as of an earlier month, so that no period
// ends before it starts.
func ToDatePeriod(y int, m time.Month) Period {
	start, end := date(2010, 1, 1), lastDay(y, m)
	if end.Before(start) {
		start = date(y, m, 1)
	}
	return Period{fmt.Sprintf("to-date@%d-%02d", y, int(m)), ToDate, start, end}
}

var (
	reCanon   = regexp.MustCompile(`^(\d{4})(?:-(h[12]|q[1-4]|\d{2}))?$`)
	reToDate  = regexp.MustCompile(`^to-date@(\d{4})-(\d{2})$`)
	rangeSep  = strings.NewReplacer("..", " den ", "–", " den ", "—", " den ", "-", " den ", "/", " ")
	reRange   = regexp.MustCompile(`^(?:giai doan |tu nam |tu |nam )?(\d{4}) (?:den|toi) (?:nam )?(\d{4})$`)
	reHalf    = regexp.MustCompile(`^(?:so ket |bao cao |tong ket )?(6|sau) thang (dau|cuoi)? ?(?:nam )?(\d{4}|nam \d{2})$`)
	reQuarter = regexp.MustCompile(`^(?:quy|q) ?(i{1,3}|iv|[1-4]) (?:nam )?(\d{4}|\d{2})$`)
	reMonth   = regexp.MustCompile(`^(?:thang )?(\d{1,2}) (?:nam )?(\d{4})$|^thang (\d{1,2}) (?:nam )?(\d{2})$`)
	reYear    = regexp.MustCompile(`^(?:tong ket |bao cao )?(?:nam )?(\d{4})$|^(?:tong ket |bao cao )?nam (\d{2})$`)
	romans    = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4}
	reSpan    = regexp.MustCompile(`^(?:tu )?(?:ngay )?(\d{1,2}) (\d{1,2}) (\d{4}) (?:den|toi) (?:het )?(?:ngay )?(\d{1,2}) (\d{1,2}) (\d{4})$`)
)

// spanPeriod is the period a span of days is exactly ("từ 01/01/2024 đến
// 30/6/2024" is 2024-H1), as a form's key line may write it; false for a
// span that is no period (from 15/12, the Party's working year, or part of
// a month): which period it is reported under is not the reader's guess.
func spanPeriod(m []string) (Period, bool) {
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	from, to := date(n[2], time.Month(n[1]), n[0]), date(n[5], time.Month(n[4]), n[3])
	if from.Day() != n[0] || int(from.Month()) != n[1] || to.Day() != n[3] || int(to.Month()) != n[4] {
		return Period{}, false // no such day (31/02)
	}
	y := n[5]
	candidates := []Period{YearPeriod(y), HalfPeriod(y, 1), HalfPeriod(y, 2)}
	for q := 1; q <= 4; q++ {
		candidates = append(candidates, QuarterPeriod(y, q))
	}
	for mo := time.January; mo <= time.December; mo++ {
		candidates = append(candidates, MonthPeriod(y, mo))
	}
	for _, p := range candidates {
		if p.Start.Equal(from) && p.End.Equal(to) {
			return p, true
		}
	}
	return Period{}, false
}

// ParsePeriod reads a period as reports write it: "2023", "Năm 2023",
// "6 tháng đầu năm 2023", "sơ kết 6 tháng 2023", "Quý III/2023", "Q3/2023",
// "tháng 7/2023", "07/2023", "giai đoạn 2016-2020", or a canonical code;
// a span of days that is exactly one ("từ 01/01/2024 đến 30/6/2024"); a
// two-digit year where the words say a period ("Quý III/23", "6 tháng
// đầu năm 23", "tháng 7/24", "năm 23"), in 20yy as ParseDate reads a
// date's; "7/24" or "23" alone say no period.
func ParsePeriod(s string) (Period, error) {
	raw := strings.TrimSpace(strings.ToLower(s))
	if m := reToDate.FindStringSubmatch(raw); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return checkYear(ToDatePeriod(y, time.Month(mo)), s)
		}
	}
	if m := reCanon.FindStringSubmatch(raw); m != nil {
		y, _ := strconv.Atoi(m[1])
		switch sub := m[2]; {
		case sub == "":
			return checkYear(YearPeriod(y), s)
		case sub[0] == 'h':
			return checkYear(HalfPeriod(y, int(sub[1]-'0')), s)
		case sub[0] == 'q':
			return checkYear(QuarterPeriod(y, int(sub[1]-'0')), s)
		default:
			mo, _ := strconv.Atoi(sub)
			if mo >= 1 && mo <= 12 {
				return checkYear(MonthPeriod(y, time.Month(mo)), s)
			}
		}
	}
	// Dashes and ".." between years read as "đến"; slashes as spaces.
	f := Fold(rangeSep.Replace(raw))
	if m := reSpan.FindStringSubmatch(f); m != nil {
		if p, ok := spanPeriod(m); ok {
			return checkYear(p, s)
		}
	}
	if m := reRange.FindStringSubmatch(f); m != nil {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if from < to {
			return checkYear(RangePeriod(from, to), s)
		}
	}
	if m := reHalf.FindStringSubmatch(f); m != nil {
		y := fullYear(strings.TrimPrefix(m[3], "nam "))
		h := 1
		if m[2] == "cuoi" {
			h = 2
		}
		return checkYear(HalfPeriod(y, h), s)
	}
	if m := reQuarter.FindStringSubmatch(f); m != nil {
		y := fullYear(m[2])
		q, ok := romans[m[1]]
		if !ok {
			q, _ = strconv.Atoi(m[1])
		}
		return checkYear(QuarterPeriod(y, q), s)
	}
	if m := reMonth.FindStringSubmatch(f); m != nil {
		mo, _ := strconv.Atoi(m[1] + m[3])
		y := fullYear(m[2] + m[4])
		if mo >= 1 && mo <= 12 {
			return checkYear(MonthPeriod(y, time.Month(mo)), s)
		}
	}
	if m := reYear.FindStringSubmatch(f); m != nil {
		y := fullYear(m[1] + m[2])
		return checkYear(YearPeriod(y), s)
	}
	return Period{}, fmt.Errorf("period %q: %w", s, ErrBadPeriod)
}

// fullYear reads a period's year, of four digits or two (in 20yy, as
// ParseDate reads a date's: the years reports are about).
func fullYear(s string) int {
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y
}

// ErrBadPeriod is wrapped by ParsePeriod errors.
var ErrBadPeriod = fmt.Errorf("not a period")

// checkYear refuses years outside the range reports can be about.
func checkYear(p Period, s string) (Period, error) {
	if p.Start.Year() < 1945 || p.End.Year() > 2100 {
		return Period{}, fmt.Errorf("period %q: year out of range: %w", s, ErrBadPeriod)
	}
	return p, nil
}
