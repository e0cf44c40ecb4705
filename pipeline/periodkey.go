package pipeline

import "time"

// Key is a number that identifies a canonical period (one ParsePeriod or
// the *Period constructors give), computed from the period alone: equal
// periods have equal keys and different ones different keys, whoever
// computes them. It is small and dense for the periods of a study window
// (a year's periods take 64 consecutive numbers: the year, its halves,
// quarters, months, "to date" months and the ranges ending in it), so
// tables indexed by period stay small and a file's keys pack in few bits.
//
//	key = end year << 6 | slot
//	slot: 0 year, 1-2 halves, 3-6 quarters, 7-18 months, 19-30 "to date"
//	      months, 31-63 ranges of 2 to 34 years
//
// A range of more than 34 years takes a key of its own above 1<<31.
func (p Period) Key() uint32 {
	y, m := civilYearMonth(p.End)
	var slot int
	switch p.Type {
	case Year:
	case Half:
		slot = 1 + (m-1)/6
	case Quarter:
		slot = 3 + (m-1)/3
	case Month:
		slot = 7 + m - 1
	case ToDate:
		slot = 19 + m - 1
	case Range:
		start, _ := civilYearMonth(p.Start)
		span := y - start // 1 for 2019..2020
		if span > 33 || span < 1 {
			return 1<<31 | uint32(y)<<14 | uint32(start)&(1<<14-1)
		}
		slot = 30 + span
	}
	return uint32(y)<<6 | uint32(slot)
}

// civilYearMonth is t's year and month in UTC, from its day number alone
// (Hinnant's civil_from_days): Key runs for every row of a large file,
// and time.Time.Date costs several times as much.
func civilYearMonth(t time.Time) (year, month int) {
	z := t.Unix()
	if z >= 0 {
		z /= 86400
	} else {
		z = (z - 86399) / 86400
	}
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return int(y), int(m)
}
