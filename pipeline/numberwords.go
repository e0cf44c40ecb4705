package pipeline

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// wordsFS holds the words of numbers shared by every reader of figures: the
// qualifiers ("gần", "trên") and the multipliers ("triệu", "tỷ"). A value
// in a form's cell, a CSV column and a figure in prose read the same lists.
//
//go:embed words/*.tsv
var wordsFS embed.FS

// QualifierRows and MultiplierRows are the lines of words/qualifiers.tsv
// (phrase, qualifier, side, where) and words/multipliers.tsv (word, value),
// comments left out: the narrative extractor's lexicon reads them as its own.
// The words of cells only (where "cell") are left out.
func QualifierRows() [][]string {
	var rows [][]string
	for _, r := range numberWords().qualifierRows {
		if len(r) <= 3 || r[3] != "cell" {
			rows = append(rows, r)
		}
	}
	return cloneRows(rows)
}

// MultiplierRows: see QualifierRows.
func MultiplierRows() [][]string { return cloneRows(numberWords().multiplierRows) }

func cloneRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string(nil), r...)
	}
	return out
}

type qualifierWord struct {
	word string // folded
	q    Qualifier
}

// numberWords reads the lists on first use, not while the package
// initialises: a process that reads no qualifier or multiplier (most cells
// are plain numbers) does not pay for it (~0.15 ms and 90 KB at start,
// measured with GODEBUG=inittrace=1).
var numberWords = sync.OnceValue(mustNumberWords)

type numberWordLists struct {
	qualifierRows, multiplierRows [][]string
	// cellQualifiers: the words a cell's value may start with, folded,
	// longest first (ParseNumber); cellAfter those it may end with ("12
	// trở lên")
	cellQualifiers, cellAfter []qualifierWord
	// signs, signsAfter: the signs typed for the words ("~", "> ", "12+"),
	// matched as typed, since folding drops them
	signs, signsAfter []qualifierWord
	// columnQualifiers: the words a qualifier column may hold, folded
	// (ParseQualifier), beside the contract's own codes
	columnQualifiers map[string]Qualifier
	multipliers      map[string]float64 // folded
}

func mustNumberWords() *numberWordLists {
	l, err := readNumberWords()
	if err != nil {
		panic(err) // the files are embedded: a test reads them
	}
	return l
}

func readNumberWords() (*numberWordLists, error) {
	l := &numberWordLists{columnQualifiers: map[string]Qualifier{}, multipliers: map[string]float64{}}
	var err error
	if l.qualifierRows, err = ReadWordRows(wordsFS, "words/qualifiers.tsv"); err != nil {
		return nil, err
	}
	if l.multiplierRows, err = ReadWordRows(wordsFS, "words/multipliers.tsv"); err != nil {
		return nil, err
	}
	for _, r := range l.qualifierRows {
		if len(r) < 3 {
			return nil, fmt.Errorf("words/qualifiers.tsv: %q: want phrase, qualifier, side", r[0])
		}
		q := Qualifier(r[1])
		if q != Approx && q != AtLeast && q != AtMost || r[2] != "before" && r[2] != "after" {
			return nil, fmt.Errorf("words/qualifiers.tsv: %q: bad qualifier %q or side %q", r[0], r[1], r[2])
		}
		if len(r) > 3 && r[3] == "prose" {
			continue
		}
		w := Fold(r[0])
		if w == "" { // a sign
			if r[2] == "before" {
				l.signs = append(l.signs, qualifierWord{r[0], q})
			} else {
				l.signsAfter = append(l.signsAfter, qualifierWord{r[0], q})
			}
			continue
		}
		l.columnQualifiers[w] = q
		if r[2] == "before" {
			l.cellQualifiers = append(l.cellQualifiers, qualifierWord{w, q})
		} else {
			l.cellAfter = append(l.cellAfter, qualifierWord{w, q})
		}
	}
	sort.SliceStable(l.cellQualifiers, func(i, j int) bool {
		return len(l.cellQualifiers[i].word) > len(l.cellQualifiers[j].word)
	})
	for _, r := range l.multiplierRows {
		v, err := strconv.ParseFloat(r[len(r)-1], 64)
		if len(r) < 2 || err != nil {
			return nil, fmt.Errorf("words/multipliers.tsv: %q: want word, value", r[0])
		}
		l.multipliers[Fold(r[0])] = v
	}
	return l, nil
}

// ReadWordRows reads a word file of fsys (pipeline's words/*.tsv, the
// narrative reader's lexicon/*.tsv): tab-separated, one row a line, cells
// trimmed, blank lines and "#" comments left out.
func ReadWordRows(fsys fs.FS, name string) ([][]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		rows = append(rows, cols)
	}
	return rows, sc.Err()
}
