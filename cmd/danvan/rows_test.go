package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// writeRows writes a long CSV of n rows: valid ones over 57 districts, 13
// indicators and 1425 periods (distinct up to 1,055,925 rows), or rows
// each naming a different unknown unit.
func writeRows(t *testing.T, path string, n int, unknown bool) {
	t.Helper()
	rows := longRows()
	writeCSV(t, path, "tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri,ghi_chu\n", n, func(w io.Writer, i int) {
		r := rows(i)
		if unknown {
			r[1] = fmt.Sprintf("Xã Không Có %d", i)
		}
		fmt.Fprintf(w, "%s,%s,%s,%s,,%s,%s\n", r[0], r[1], r[2], r[3], r[4], r[5])
	})
}

// writeCSV writes a CSV at path: the header, then line's row i for each
// of n rows, through a large buffer.
func writeCSV(t *testing.T, path, header string, n int, line func(w io.Writer, i int)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := newBufWriter(f)
	w.WriteString(header)
	for i := range n {
		line(w, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// longRows gives row i of a long table of valid values: 57 districts that
// existed from before 1950 to 2024 (by code), 13 indicators, the months,
// quarters, halves and years of 1950-2024; distinct for 1,055,925 rows.
func longRows() func(i int) [6]string {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		panic(err)
	}
	type unit struct{ province, code string }
	var units []unit
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, p := range ref.Provinces() {
		for _, u := range ref.UnitsOn(p.Code, pipeline.LevelDistrict, end) {
			if u.From.IsZero() {
				units = append(units, unit{p.Name, u.Code})
			}
		}
	}
	var inds []string
	for _, ind := range ref.Indicators {
		if ind.MaxOf == "" {
			inds = append(inds, ind.Code)
		}
	}
	var periods []string
	for y := 1950; y <= 2024; y++ {
		for m := 1; m <= 12; m++ {
			periods = append(periods, fmt.Sprintf("tháng %d/%d", m, y))
		}
		periods = append(periods, fmt.Sprintf("Quý I/%d", y), fmt.Sprintf("Quý II/%d", y), fmt.Sprintf("Quý III/%d", y),
			fmt.Sprintf("Quý IV/%d", y), fmt.Sprintf("6 tháng đầu năm %d", y), fmt.Sprintf("6 tháng cuối năm %d", y), fmt.Sprintf("Năm %d", y))
	}
	return func(i int) [6]string {
		u := units[i%len(units)]
		k := i / len(units)
		return [6]string{u.province, u.code, periods[(k/len(inds))%len(periods)], inds[k%len(inds)], strconv.Itoa(i % 1000), "dòng " + strconv.Itoa(i)}
	}
}

func newBufWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 1<<20) }

// partitionRows gives every key the reference lets one partition hold:
// Thanh Hóa's province and the districts it had throughout (since before
// 1950) to 2024, every period that ends in 2024 (the year, its halves,
// quarters and months, the totals to each of its months, and the ranges
// from 1945 to it), every indicator with each breakdown its dimension
// allows and its total. Row i of version v has the same key in every
// version and a value that differs between versions (a correction), the
// values a max_of rule bounds staying under their bound. 160,160 keys;
// the reference fixes the number.
func partitionRows() (n int, row func(i, v int) [6]string) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		panic(err)
	}
	const year = 2024
	end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	prov := ref.Provinces()[0] // Thanh Hóa, 38
	units := []string{"Toàn tỉnh"}
	for _, u := range ref.UnitsOn(prov.Code, pipeline.LevelDistrict, end) {
		if u.From.IsZero() {
			units = append(units, u.Code)
		}
	}
	periods := []string{strconv.Itoa(year)}
	for h := 1; h <= 2; h++ {
		periods = append(periods, fmt.Sprintf("%d-H%d", year, h))
	}
	for q := 1; q <= 4; q++ {
		periods = append(periods, fmt.Sprintf("%d-Q%d", year, q))
	}
	for m := 1; m <= 12; m++ {
		periods = append(periods, fmt.Sprintf("%d-%02d", year, m), fmt.Sprintf("to-date@%d-%02d", year, m))
	}
	for from := 1945; from < year; from++ {
		periods = append(periods, fmt.Sprintf("%d..%d", from, year))
	}
	type key struct{ ind, dis string }
	var keys []key
	for _, ind := range ref.Indicators {
		keys = append(keys, key{ind.Code, ""})
		for _, d := range ref.Disaggregations {
			if ind.Dimension != "" && d.Dimension == ind.Dimension {
				keys = append(keys, key{ind.Code, d.Code})
			}
		}
	}
	n = len(units) * len(periods) * len(keys)
	return n, func(i, v int) [6]string {
		k := keys[i%len(keys)]
		up := i / len(keys)
		val := 1000 + i%1000 + v
		if ind := ref.Indicator(k.ind); ind.MaxOf != "" {
			val = 1 + v // under its bound's 1000 and more
		}
		return [6]string{prov.Name, units[up%len(units)], periods[up/len(units)], k.ind, k.dis, strconv.Itoa(val)}
	}
}

// writePartition writes version v of the partition of partitionRows as a
// long CSV: every key, each with version v's value.
func writePartition(t *testing.T, path string, v int) int {
	t.Helper()
	n, row := partitionRows()
	writeCSV(t, path, "tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri\n", n, func(w io.Writer, i int) {
		r := row(i, v)
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s\n", r[0], r[1], r[2], r[3], r[4], r[5])
	})
	return n
}
