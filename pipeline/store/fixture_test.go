package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/store"
)

// fixture makes deterministic records from the real reference data.
type fixture struct {
	provs     []*pipeline.Unit
	districts map[string][]*pipeline.Unit
	inds      []*pipeline.Indicator
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ref, err := pipeline.DefaultReference()
	if err != nil {
		tb.Fatalf("load reference: %v", err)
	}
	f := &fixture{provs: ref.Provinces(), districts: map[string][]*pipeline.Unit{}, inds: ref.Indicators}
	if len(f.provs) != 3 || len(f.inds) == 0 {
		tb.Fatalf("reference: %d provinces, %d indicators", len(f.provs), len(f.inds))
	}
	for _, p := range f.provs {
		us := ref.UnitsOn(p.Code, pipeline.LevelDistrict, time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC))
		if len(us) == 0 {
			tb.Fatalf("no districts in %s", p.Code)
		}
		f.districts[p.Code] = us
	}
	return f
}

var submitted = time.Date(2024, 1, 15, 8, 30, 0, 123456000, time.UTC)

// record i of a synthetic file: reports of one (unit, period) hold one
// value per indicator; provinces, units and periods rotate per report.
func (f *fixture) record(i int) pipeline.Record {
	r := i / len(f.inds)
	prov := f.provs[r%3]
	us := f.districts[prov.Code]
	unit := us[(r/3)%len(us)]
	year := 2020 + (r/(3*len(us)))%5
	per := pipeline.YearPeriod(year)
	if (r/7)%2 == 1 {
		per = pipeline.HalfPeriod(year, 1+r%2)
	}
	rec := pipeline.Record{
		Province: prov, Unit: unit, Period: per, Indicator: f.inds[i%len(f.inds)],
		Disaggregation: pipeline.Total, Value: float64(i%1000) + 0.5, Qualifier: pipeline.Exact,
		Origin: pipeline.FromForm, Ref: "dòng " + strconv.Itoa(i+2),
	}
	if i%4 == 1 {
		rec.Qualifier = pipeline.Approx
	}
	if i%10 == 3 {
		rec.Origin = pipeline.FromExtracted
		rec.Quote = fmt.Sprintf("Toàn huyện có gần %d mô hình \"Dân vận khéo\".", i%1000)
	}
	if i%7 == 0 {
		rec.Note = "ghi chú " + strconv.Itoa(i%5)
	}
	if i%2 == 0 {
		rec.SubmittedAt = submitted
	}
	return rec
}

func (f *fixture) records(n int) []pipeline.Record {
	out := make([]pipeline.Record, n)
	for i := range out {
		out[i] = f.record(i)
	}
	return out
}

func rejects(n int) []pipeline.RowError {
	out := make([]pipeline.RowError, n)
	for i := range out {
		out[i] = pipeline.RowError{
			File: "bao-cao.csv", Ref: "dòng " + strconv.Itoa(1000+i), Column: "don_vi", Value: "Huyện Không Có",
			Code: "unknown_unit", Reason: "Không tìm thấy đơn vị \"Huyện Không Có\" trong tỉnh.",
			ReasonEN: "Unit \"Huyện Không Có\" not found in the province.",
		}
	}
	return out
}

func partitionOf(r pipeline.Record) string {
	return "province=" + r.Province.Code + "/year=" + strconv.Itoa(r.Period.Year())
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func wantReportID(hash, unit, period string) string {
	sum := sha256.Sum256([]byte(hash + "|" + unit + "|" + period))
	return hex.EncodeToString(sum[:])[:16]
}

// batch is one file's outcome as ingest has it.
type batch struct {
	Hash       string
	SourceFile string
	SourcePath string
	IngestedAt time.Time
	Records    []pipeline.Record
	Rejects    []pipeline.RowError
	FileErr    *pipeline.FileError
}

// commit stores b through the Store's Sink methods, as ingest does.
func commit(ctx context.Context, s *store.Store, b batch) error {
	pb := pipeline.Batch{Hash: b.Hash, SourceFile: b.SourceFile, SourcePath: b.SourcePath, IngestedAt: b.IngestedAt}
	if b.FileErr != nil {
		return s.Quarantine(ctx, pb, b.FileErr)
	}
	w, err := s.Open(pb)
	if err != nil {
		return err
	}
	defer w.Rollback()
	if err := w.Add(b.Records); err != nil {
		return err
	}
	if err := w.Reject(b.Rejects); err != nil {
		return err
	}
	return w.Commit(ctx)
}
