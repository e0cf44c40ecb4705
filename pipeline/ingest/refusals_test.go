package ingest

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	dd "github.com/danvan/danvan/pipeline/layout"
)

// TestRefusalsOrder: a streamed file's refused rows are stored in one
// order whatever the reading met first: the reader's own (lines that are
// no JSON), then the validator's (unknown units), each in line order, then
// the whole-file checks' (a repeated value). More of the validator's than
// wait in memory: after the reader's first refusal they wait in a file of
// Options.TempDir, removed after; before it, they went to the Writer
// already, and the file is read again.
func TestRefusalsOrder(t *testing.T) {
	const unknown = spoolRows + 1500
	row := func(unit string, v int) string {
		return fmt.Sprintf(`{"tinh":"Hà Tĩnh","don_vi":%q,"ky_bao_cao":"Năm 2023","chi_tieu":"dialogues","gia_tri":%d}`+"\n", unit, v)
	}
	var unknowns strings.Builder
	for i := range unknown {
		unknowns.WriteString(row(fmt.Sprint("Xã Không Có ", i), 1))
	}
	good := row("Thạch Hà", 3) + row("Cẩm Xuyên", 4)
	dup := row("Hương Sơn", 5) + row("Hương Sơn", 6) // the second is refused
	cases := []struct {
		name  string
		data  string
		opens int // Writers opened: 2 when the file is read again
	}{
		{"reader first", "không phải JSON\n" + unknowns.String() + good + "{còn thiếu\n", 1},
		{"reader after", unknowns.String() + good + "không phải JSON\n", 2},
		{"reader after, with a repeated value", unknowns.String() + dup + "không phải JSON\n" + good, 3},
		{"validator alone", good + unknowns.String() + dup, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"dong.jsonl": c.data})
			tmp := t.TempDir()
			in, err := New(Options{Now: func() time.Time { return testNow }, TempDir: tmp, Problems: 3})
			if err != nil {
				t.Fatal(err)
			}
			sink := newMemSink()
			sum, err := in.Files(context.Background(), []string{dir}, sink)
			if err != nil {
				t.Fatal(err)
			}
			res := sum.Files[0]
			if res.Status != Loaded || len(sink.files) != 1 {
				t.Fatalf("%s, %d files committed: %+v", res.Status, len(sink.files), res.FileErr)
			}
			var stored []pipeline.RowError
			for _, f := range sink.files {
				stored = f.Rejects
			}
			// The order: reader, validator, whole-file checks; lines
			// increasing within each.
			rank := func(e pipeline.RowError) int {
				switch e.Code {
				case "unknown_unit":
					return 1
				case "duplicate", "conflicting_duplicate":
					return 2
				}
				return 0
			}
			wantUnknown := 0
			last := map[int]int{}
			for i, e := range stored {
				r := rank(e)
				if i > 0 && r < rank(stored[i-1]) {
					t.Fatalf("refusal %d (%s, %s) after one of %s", i, e.Ref, e.Code, stored[i-1].Code)
				}
				var line int
				fmt.Sscanf(e.Ref, "dòng %d", &line)
				if line <= last[r] {
					t.Fatalf("refusal %d (%s, %s) after line %d", i, e.Ref, e.Code, last[r])
				}
				last[r] = line
				if r == 1 {
					wantUnknown++
				}
			}
			if wantUnknown != unknown {
				t.Errorf("%d unknown units stored, want %d", wantUnknown, unknown)
			}
			if res.Rejected != len(stored) || !reflect.DeepEqual(res.Rejects, stored[:min(len(stored), keptRejects)]) {
				t.Errorf("the result says %d refused, keeps %d; %d stored", res.Rejected, len(res.Rejects), len(stored))
			}
			if want := Problems(stored); res.ProblemCount != len(want) || len(res.Problems) != 3 || res.Problems[0].RowError != want[0].RowError {
				t.Errorf("problems: %d, first %+v; want %d, first %+v", res.ProblemCount, res.Problems[0], len(want), want[0])
			}
			if n := sink.opens("dong.jsonl"); n != c.opens {
				t.Errorf("%d Writers opened, want %d", n, c.opens)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in the temp folder: %v", left)
			}
		})
	}
}

// TestTallyProblems: the problems a FileResult describes are Problems'
// first n, each with its first five places and the others counted, and
// the count of all of them, whatever n: a summary prints the same as from
// every refusal.
func TestTallyProblems(t *testing.T) {
	var rejects []pipeline.RowError
	for i := range 200 {
		// Some problems repeat at several places, some once, some on
		// consecutive rows of one place.
		v := fmt.Sprint("x", i%37)
		if i%5 == 0 {
			v = fmt.Sprint("y", i)
		}
		rejects = append(rejects, pipeline.RowError{Ref: fmt.Sprint("dòng ", 2+i/3), Column: "don_vi", Value: v,
			Code: "unknown_unit", Reason: "Không tìm thấy " + v})
	}
	all := Problems(rejects)
	for _, n := range []int{-1, 1, 5, 36, len(all) - 1, len(all), len(all) + 3} {
		var res FileResult
		tallyOf(rejects, n).result(&res)
		want := all
		if n >= 0 && n < len(all) {
			want = all[:n]
		}
		if res.ProblemCount != len(all) || len(res.Problems) != len(want) {
			t.Fatalf("n=%d: %d problems of %d, want %d of %d", n, len(res.Problems), res.ProblemCount, len(want), len(all))
		}
		for i, p := range res.Problems {
			w := want[i]
			vi, en := p.Places()
			wvi, wen := w.Places()
			if p.RowError != w.RowError || p.Values != w.Values || vi != wvi || en != wen || len(p.Refs) > 5 {
				t.Errorf("n=%d, problem %d: %+v (%s), want %+v (%s)", n, i, p, vi, w, wvi)
			}
		}
	}
}

// TestTallyOfManyProblems: refusals each with a problem of its own (a
// different unknown unit on each of two million rows) are tallied without
// anything kept per refusal past the first keptRejects: held by
// allocations (testing.AllocsPerRun), not time.
func TestTallyOfManyProblems(t *testing.T) {
	const n = 3 * keptRejects
	rejects := make([]pipeline.RowError, n)
	for i := range rejects {
		v := fmt.Sprint("Xã Không Có ", i)
		rejects[i] = pipeline.RowError{File: "f.csv", Ref: fmt.Sprint("dòng ", i+2), Column: "don_vi", Value: v,
			Code: "unknown_unit", Reason: "Không tìm thấy đơn vị " + v, ReasonEN: "No unit " + v}
	}
	var res FileResult
	allocs := testing.AllocsPerRun(3, func() { tallyOf(rejects, 5).result(&res) })
	if allocs > n/20 {
		t.Errorf("tally of %d refusals: %.0f allocations, want at most %d", n, allocs, n/20)
	}
	if res.Rejected != n || len(res.Rejects) != keptRejects || res.ProblemCount != n || len(res.Problems) != 5 {
		t.Errorf("%d refused, %d kept, %d problems, %d described", res.Rejected, len(res.Rejects), res.ProblemCount, len(res.Problems))
	}
}

// TestSpool: refused rows past spoolRows wait in a file of the spool's
// folder, named for the store's clean-up of a killed run's leftovers, and
// come back in order, every field as it was; the file is removed after.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	s := &spool{dir: dir}
	var want []pipeline.RowError
	for i := range 2*spoolRows + 7 {
		e := pipeline.RowError{File: "a.csv", Ref: fmt.Sprint("dòng ", i), Column: "", Value: strings.Repeat("ễ", i%300),
			Code: "unknown_unit", Reason: fmt.Sprint("lý do ", i), ReasonEN: "why\x00\n", ProvinceCode: "42", UnitCode: fmt.Sprint(i % 7), Unit: "Thạch Hà"}
		want = append(want, e)
		if err := s.add(e); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 || !strings.HasPrefix(files[0].Name(), dd.Self()+"-") {
		t.Fatalf("temp files %v, want one named for this process", files)
	}
	tl := newTally(-1)
	if err := s.drain(&refusalOut{t: tl}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tl.kept, want) {
		t.Errorf("%d rows back, want %d, the same", len(tl.kept), len(want))
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("left: %v", files)
	}
}
