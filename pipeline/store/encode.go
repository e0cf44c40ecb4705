package store

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/internal/dense"
)

// encoder numbers the strings of one file's rows for the Parquet
// dictionaries (arrow.go): each dictionary column has a dict of the
// distinct strings the file uses, and a row becomes the indices of its
// strings. A unit, an indicator or a period gives the same strings on every
// row, so the encoder keeps their indices in tables by the reference's
// numbers (Unit.Index, Indicator.Index, Period.Key) instead of looking each
// string up again.
//
// An encoder is used by its Tx's caller goroutine only. The writer
// goroutines read a dictionary's values up to the length a chunk saw when
// it was handed over; values are only ever appended.
type encoder struct {
	dicts   [nCols]*dict
	provs   []provEntry // the file's provinces, in order of first row (three at most in the reference)
	units   []unitCodes // by Unit.Index
	inds    []int32     // by Indicator.Index: indicator id + 1
	periods dense.Table[periodCodes]
	// The codes of the periods met lately, by where their code's text
	// is in memory: a file's rows share one string per period text (the
	// Validator's), so most rows find theirs here without computing the
	// period's key (in rows of random periods, the key and the table
	// were a fifth of this encoder's time). Made once the file has more
	// rows than a small file's (plainRows): 40 KB, where a commune's form
	// has one period in ~36 rows.
	recent *[periodSlots]recentPeriod
	looked int // periods looked up while recent is nil
}

// periodSlots is how many periods encoder.recent holds, at most.
const periodSlots = 1024

type recentPeriod struct {
	code string
	c    periodCodes
}

// slotOf is the slot of a string in a table of n (a power of two) slots,
// by the address of its text: the same string always has the same slot.
// A slot is only a place to look: what is found there is compared whole.
func slotOf(s string, n int) int {
	return int(uintptr(unsafe.Pointer(unsafe.StringData(s)))>>3) & (n - 1)
}

type (
	provCodes struct {
		code, name int32
	}
	provEntry struct {
		index int // Unit.Index
		c     provCodes
	}
	unitCodes struct {
		code, name, level int32
		ok                bool
	}
	periodCodes struct {
		code, typ  int32
		start, end arrow.Date32
		year       int32
	}
)

// noNote is the note dictionary's id of "", written as null. Notes are
// free text but mostly one per report or file, so a dictionary keeps them
// once instead of copying and hashing the text of every row.
const noNote = 0

func newEncoder(sourceFile, batch string) encoder {
	var e encoder
	for _, c := range dictCols {
		if c != cReportID { // each partition's own (reportIndex)
			e.dicts[c] = newDict()
		}
	}
	e.dicts[cNote].id("") // noNote
	e.dicts[cSourceFile].id(sourceFile)
	e.dicts[cBatch].id(batch)
	return e
}

// grow extends s to hold index i, in one step: a file's first unit or
// province is as likely to be the reference's last as its first, and a
// table grown one cell at a time was copied a dozen times over for each
// small file.
func grow[T any](s []T, i int) []T {
	if i < len(s) {
		return s
	}
	return append(s, make([]T, i+1-len(s))...)
}

// yearBase is the year of the first row of the tables kept by a year
// (the encoder's periods, a Tx's partitions): a table by the year itself
// has two thousand empty rows before the first, allocated and cleared
// for every file. A year before it (none the Validator accepts) wraps
// round to a number past the table's limit and goes to its map
// (dense.Table), as do a range period's keys with their top bit set.
const yearBase = 1990

// province is looked up in the file's few provinces rather than a table
// by Unit.Index: the provinces come last among the reference's units, and
// that table was ~19 KB for each file.
func (e *encoder) province(u *pipeline.Unit) provCodes {
	for i := range e.provs {
		if e.provs[i].index == u.Index {
			return e.provs[i].c
		}
	}
	c := provCodes{e.dicts[cProvinceCode].id(u.Code), e.dicts[cProvinceName].id(u.Name)}
	e.provs = append(e.provs, provEntry{u.Index, c})
	return c
}

func (e *encoder) unit(u *pipeline.Unit) unitCodes {
	e.units = grow(e.units, u.Index)
	c := &e.units[u.Index]
	if !c.ok {
		*c = unitCodes{e.dicts[cUnitCode].id(u.Code), e.dicts[cUnitName].id(u.Name), e.dicts[cUnitLevel].id(string(u.Level)), true}
	}
	return *c
}

func (e *encoder) indicator(ind *pipeline.Indicator) int32 {
	e.inds = grow(e.inds, ind.Index)
	c := &e.inds[ind.Index]
	if *c == 0 {
		*c = e.dicts[cIndicator].id(ind.Code) + 1
	}
	return *c - 1
}

func (e *encoder) period(p *pipeline.Period) periodCodes {
	if e.recent == nil {
		if e.looked++; e.looked <= plainRows {
			return e.periodByKey(p)
		}
		e.recent = new([periodSlots]recentPeriod)
	}
	r := &e.recent[slotOf(p.Code, periodSlots)]
	if r.code == p.Code && p.Code != "" {
		return r.c
	}
	c := e.periodByKey(p)
	r.code, r.c = p.Code, c
	return c
}

func (e *encoder) periodByKey(p *pipeline.Period) periodCodes {
	k := p.Key()
	c, ok := e.periods.Get(k>>6-yearBase, k&63)
	if !ok {
		c = periodCodes{
			code: e.dicts[cPeriod].id(p.Code), typ: e.dicts[cPeriodType].id(string(p.Type)),
			start: arrow.Date32FromTime(p.Start), end: arrow.Date32FromTime(p.End),
			year: int32(p.Year()),
		}
		e.periods.Set(k>>6-yearBase, k&63, c)
	}
	return c
}
