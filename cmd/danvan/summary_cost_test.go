package main

import (
	"fmt"
	"io"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
)

// TestSummaryOfManyProblems: a file refusing a value per row, each with a
// problem of its own (2,000,000 rows naming different unknown units), is
// summed up without a Problem built for each refusal: the summary prints
// five. Held by allocations (testing.AllocsPerRun), not time: the code
// before made one or more per refusal.
func TestSummaryOfManyProblems(t *testing.T) {
	const n = 20_000
	rejects := make([]pipeline.RowError, n)
	for i := range rejects {
		v := fmt.Sprint("Xã Không Có ", i)
		rejects[i] = pipeline.RowError{File: "f.csv", Ref: fmt.Sprint("dòng ", i+2), Column: "don_vi", Value: v,
			Code: "unknown_unit", Reason: "Không tìm thấy đơn vị " + v, ReasonEN: "No unit " + v}
	}
	sum := ingest.Summary{Files: []ingest.FileResult{{File: "f.csv", Status: ingest.Loaded, Rejected: n, Rejects: rejects}}}
	allocs := testing.AllocsPerRun(3, func() { printSummary(io.Discard, sum, 5) })
	if allocs > n/10 {
		t.Errorf("summary of %d refusals: %.0f allocations, want at most %d", n, allocs, n/10)
	}
}
