package store

import (
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
	provs   []provCodes // by the province's Unit.Index
	units   []unitCodes // by Unit.Index
	inds    []int32     // by Indicator.Index: indicator id + 1
	periods dense.Table[periodCodes]
	// The period of the previous row: rows of one report come together,
	// so most rows skip even the table.
	lastPeriod      string
	lastPeriodCodes periodCodes
}

type (
	provCodes struct {
		code, name int32
		ok         bool
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
		e.dicts[c] = newDict()
	}
	e.dicts[cNote].id("") // noNote
	e.dicts[cSourceFile].id(sourceFile)
	e.dicts[cBatch].id(batch)
	return e
}

func grow[T any](s []T, i int) []T {
	for len(s) <= i {
		s = append(s, *new(T))
	}
	return s
}

func (e *encoder) province(u *pipeline.Unit) provCodes {
	e.provs = grow(e.provs, u.Index)
	c := &e.provs[u.Index]
	if !c.ok {
		*c = provCodes{e.dicts[cProvinceCode].id(u.Code), e.dicts[cProvinceName].id(u.Name), true}
	}
	return *c
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
	if p.Code == e.lastPeriod && p.Code != "" {
		return e.lastPeriodCodes
	}
	k := p.Key()
	c, ok := e.periods.Get(k>>6, k&63)
	if !ok {
		c = periodCodes{
			code: e.dicts[cPeriod].id(p.Code), typ: e.dicts[cPeriodType].id(string(p.Type)),
			start: arrow.Date32FromTime(p.Start), end: arrow.Date32FromTime(p.End),
			year: int32(p.Year()),
		}
		e.periods.Set(k>>6, k&63, c)
	}
	e.lastPeriod, e.lastPeriodCodes = p.Code, c
	return c
}
