package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

var update = flag.Bool("update", false, "rewrite generated inputs and want.json of the golden cases")

// goldenRecord is a Record as a reviewer reads it.
type goldenRecord struct {
	Ref            string  `json:"ref"`
	Unit           string  `json:"unit"` // code and canonical name
	Period         string  `json:"period"`
	Indicator      string  `json:"indicator"`
	Disaggregation string  `json:"disaggregation"`
	Value          float64 `json:"value"`
	Qualifier      string  `json:"qualifier"`
	Note           string  `json:"note,omitempty"`
	SubmittedAt    string  `json:"submitted_at,omitempty"`
}

type golden struct {
	Records   []goldenRecord      `json:"records"`
	Rejects   []pipeline.RowError `json:"rejects"`
	FileError *pipeline.FileError `json:"file_error,omitempty"`
}

func toGolden(recs []pipeline.Record, rejects []pipeline.RowError, fe *pipeline.FileError) golden {
	g := golden{Records: []goldenRecord{}, Rejects: rejects, FileError: fe}
	if g.Rejects == nil {
		g.Rejects = []pipeline.RowError{}
	}
	for _, r := range recs {
		gr := goldenRecord{Ref: r.Ref, Unit: r.Unit.Code + " " + r.Unit.Name, Period: r.Period.Code, Indicator: r.Indicator.Code,
			Disaggregation: r.Disaggregation, Value: r.Value, Qualifier: string(r.Qualifier), Note: r.Note}
		if !r.SubmittedAt.IsZero() {
			gr.SubmittedAt = r.SubmittedAt.Format("2006-01-02")
		}
		g.Records = append(g.Records, gr)
	}
	return g
}

// TestGolden reads each testdata/<case>/input.* and compares the outcome
// with want.json. CSV cases also go through the streaming path, which must
// agree with the in-memory one exactly.
func TestGolden(t *testing.T) {
	if *update {
		writeFixtures(t, "testdata")
	}
	dirs, err := filepath.Glob("testdata/*/want.json")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		inputs, _ := filepath.Glob("testdata/*/input.*")
		dirs = dirs[:0]
		for _, in := range inputs {
			dirs = append(dirs, filepath.Join(filepath.Dir(in), "want.json"))
		}
	}
	if len(dirs) < 8 {
		t.Fatalf("only %d golden cases", len(dirs))
	}
	for _, want := range dirs {
		dir := filepath.Dir(want)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			inputs, _ := filepath.Glob(filepath.Join(dir, "input.*"))
			if len(inputs) != 1 {
				t.Fatalf("want one input file, have %v", inputs)
			}
			path := inputs[0]
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in := newTestIngester(t)
			v := pipeline.NewValidator(in.opts.Reference, testNow)
			out := in.validate(v, filepath.Base(path), data)
			recs, rejects, fe := out.recs, out.rejects, out.fe
			got := toGolden(recs, rejects, fe)
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gotJSON = append(gotJSON, '\n')
			if *update {
				if err := os.WriteFile(want, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantJSON, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("outcome differs from %s (run with -update and review the diff):\n%s", want, gotJSON)
			}
			if streamed(path) {
				sum, err := in.Check(context.Background(), []string{path})
				if err != nil {
					t.Fatal(err)
				}
				res := sum.Files[0]
				if !reflect.DeepEqual(res.FileErr, fe) || res.Accepted != len(recs) || !reflect.DeepEqual(res.Rejects, rejects) {
					t.Errorf("streaming disagrees: %+v\nin memory: %d records, rejects %+v, file error %+v", res, len(recs), rejects, fe)
				}
			}
		})
	}
}

// TestGoldenRefsUnique: every raw row of every golden input has its own Ref.
func TestGoldenRefsUnique(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*/input.*")
	in := newTestIngester(t)
	for _, p := range inputs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, _ := Read(in.opts.Reference, filepath.Base(p), data)
		seen := map[string]bool{}
		for _, r := range rows {
			if seen[r.Ref] || r.Ref == "" {
				t.Errorf("%s: Ref %q repeated or empty", p, r.Ref)
			}
			seen[r.Ref] = true
			if strings.TrimSpace(r.Columns[pipeline.FieldValue]) == "" {
				t.Errorf("%s %s: no column name for the value", p, r.Ref)
			}
		}
	}
}
