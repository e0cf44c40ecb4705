package ingest

import (
	"fmt"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// One problem, one message: what a file's refusals come to for the clerk
// who reads them. Each refused value stays a RowError of its own (the
// rejects table counts and keeps every one); these functions only say them
// once per problem.

// Problem is the refusals of one file that say the same thing: the same
// kind, column, text and reason, at one or more places.
type Problem struct {
	pipeline.RowError          // the first of them
	Refs              []string // every place, in file order, each once
	// More counts the places past Refs: a FileResult's problems keep
	// their first five places (all Places prints), not millions.
	More   int
	Values int // how many values were refused for it
}

// Problems groups refusals by what they say, in the order each problem
// first appears.
func Problems(rejects []pipeline.RowError) []Problem {
	type key struct{ code, column, value, reason string }
	var out []Problem
	at := map[key]int{}
	for _, e := range rejects {
		k := key{e.Code, e.Column, e.Value, e.Reason}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, Problem{RowError: e})
		}
		p := &out[i]
		p.Values++
		if n := len(p.Refs); n == 0 || p.Refs[n-1] != e.Ref {
			p.Refs = append(p.Refs, e.Ref)
		}
	}
	return out
}

// Places writes the places of a problem for a message: all of them up to
// five, else the first three and how many more.
func (p Problem) Places() (vi, en string) {
	if n := len(p.Refs) + p.More; n > 5 {
		s := strings.Join(p.Refs[:3], ", ")
		return fmt.Sprintf("%s và %d chỗ khác", s, n-3), fmt.Sprintf("%s and %d more", s, n-3)
	}
	s := strings.Join(p.Refs, ", ")
	return s, s
}

// oneCause is the file-level problem of a file none of whose values was
// accepted, when all its refusals (t) have one cause (the same kind,
// column and text: no province, a period nobody can read, a column nobody
// knows): one message with its fix instead of one per cell, and the file
// kept aside whole, since nothing of it can load until that one thing is
// fixed. Nil otherwise, and for a single refusal, which is one message
// already.
func oneCause(file string, accepted int, t *tally) *pipeline.FileError {
	if accepted > 0 || t.n < 2 || !t.same {
		return nil
	}
	first, p := t.first, t.problems[0] // every refusal's problem
	where, whereEN := p.Places()
	column, columnEN := "", ""
	if first.Column != "" {
		column, columnEN = fmt.Sprintf(", cột %q", first.Column), fmt.Sprintf(", column %q", first.Column)
	}
	value, valueEN := "", ""
	if first.Value != "" {
		value, valueEN = fmt.Sprintf(", giá trị %q", first.Value), fmt.Sprintf(", value %q", first.Value)
	}
	return &pipeline.FileError{File: file, Code: first.Code,
		Reason: fmt.Sprintf("Không nhận được giá trị nào: cả %d giá trị của tệp cùng một lỗi (%s%s%s). %s",
			t.n, where, column, value, first.Reason),
		ReasonEN: fmt.Sprintf("No value could be accepted: all %d values of the file have the same problem (%s%s%s). %s",
			t.n, whereEN, columnEN, valueEN, first.ReasonEN)}
}

// Context is where a file's values took a text their rows do not state in
// a cell of their own (province, unit, period, submission date): a line above a
// form's table, its title, its file name. An accepted file's summary says
// it, so a clerk can see why the values landed where they did.
type Context struct {
	Field pipeline.Field
	Text  string // as read
	By    pipeline.StatedBy
	Cells []string // where, each once, in file order
}

// contexts lists the distinct stated texts of rows: province, unit,
// period, date.
func contexts(rows []pipeline.RawRow) []Context {
	var out []Context
	type key struct {
		f    pipeline.Field
		text string
		by   pipeline.StatedBy
	}
	at := map[key]int{}
	for _, f := range []pipeline.Field{pipeline.FieldProvince, pipeline.FieldUnit, pipeline.FieldPeriod, pipeline.FieldSubmittedAt} {
		for i := range rows {
			s, ok := rows[i].Stated[f]
			if !ok {
				continue
			}
			k := key{f, fieldText(&rows[i], f), s.By}
			j, ok := at[k]
			if !ok {
				j = len(out)
				at[k] = j
				out = append(out, Context{Field: f, Text: k.text, By: s.By})
			}
			if c := &out[j]; len(c.Cells) == 0 || c.Cells[len(c.Cells)-1] != s.Cell {
				c.Cells = append(c.Cells, s.Cell)
			}
		}
	}
	return out
}

func fieldText(r *pipeline.RawRow, f pipeline.Field) string {
	switch f {
	case pipeline.FieldProvince:
		return r.Province
	case pipeline.FieldUnit:
		return r.Unit
	case pipeline.FieldPeriod:
		return r.Period
	case pipeline.FieldSubmittedAt:
		return r.SubmittedAt
	}
	return ""
}
