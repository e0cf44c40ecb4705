package ingest

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStreamedWorkbooksReadAsWhole: a workbook whose parts unzip to more
// than Limits.WholeBytes streams (its long tables row by row, each form
// sheet read whole and validated on its own, totals included), and reads
// exactly as the same workbook read whole: the same values, refusals,
// warnings and contexts, for every form of testdata/forms and the long
// and form fixtures. Here WholeBytes is the workbook's largest sheet, so
// every one of its sheets goes the streaming way.
func TestStreamedWorkbooksReadAsWhole(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "forms", "*.xlsx"))
	if err != nil || len(paths) < 5 {
		t.Fatalf("forms: %v %v", paths, err)
	}
	paths = append(paths, filepath.Join("testdata", "xlsx_long", "input.xlsx"), filepath.Join("testdata", "xlsx_form", "input.xlsx"))
	// A long table and a form in one workbook, with a wrong total.
	mixed := filepath.Join(t.TempDir(), "bang-va-bieu.xlsx")
	form := formSheet()
	form.rows[10][5] = 999 // the total of dialogues, 1071
	if err := os.WriteFile(mixed, fixtureXLSX(t, longSheet(), form), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, mixed)
	whole := newTestIngester(t)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in, err := New(Options{Now: func() time.Time { return testNow }, Limits: Limits{WholeBytes: largestSheet(t, p)}})
			if err != nil {
				t.Fatal(err)
			}
			data, _, hash, _, streams, err := in.readIn(p)
			wdata, _, whash, _, wholeStreams, werr := whole.readIn(p)
			if !streams || wholeStreams || err != nil || werr != nil {
				t.Fatalf("streams: %v under the largest sheet, %v by default (%v, %v); want true, false", streams, wholeStreams, err, werr)
			}
			// Whether it streams is known from its bytes or from the file
			// (smallWorkbook): either way it is not held, and its hash is
			// the file's.
			if data != nil || len(wdata) == 0 || hash != whash {
				t.Fatalf("held %d bytes streaming (want 0), %d whole; hash %s streaming, %s whole", len(data), len(wdata), hash, whash)
			}
			if h, err := HashFile(p); err != nil || h != hash {
				t.Fatalf("hash %s, HashFile %s (%v)", hash, h, err)
			}
			// Under WholeBytes of the file's own size it is read, and found to
			// stream from those bytes.
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			small, err := New(Options{Now: func() time.Time { return testNow }, Limits: Limits{WholeBytes: st.Size()}})
			if err != nil {
				t.Fatal(err)
			}
			if data, _, hash, _, streams, err := small.readIn(p); !streams || data != nil || hash != whash || err != nil {
				t.Fatalf("under its own size: streams %v, held %d bytes, hash %s (%v); want true, 0, %s", streams, len(data), hash, err, whash)
			}
			want, err := whole.Check(context.Background(), []string{p})
			if err != nil {
				t.Fatal(err)
			}
			got, err := in.Check(context.Background(), []string{p})
			if err != nil {
				t.Fatal(err)
			}
			w, g := want.Files[0], got.Files[0]
			if w.FileErr != nil && p == mixed {
				t.Fatalf("the mixed workbook: %+v", w.FileErr)
			}
			w.Hash, g.Hash = "", ""
			if !reflect.DeepEqual(w, g) {
				t.Errorf("streamed:\n%+v\nread whole:\n%+v", g, w)
			}
			if p == mixed && !hasCode(g, "total_mismatch") {
				t.Errorf("the wrong total of the mixed workbook's form is not refused: %+v", g.Rejects)
			}
		})
	}
}

func hasCode(r FileResult, code string) bool {
	for _, e := range r.Rejects {
		if e.Code == code {
			return true
		}
	}
	return false
}

// largestSheet is the unzipped size of the largest worksheet of the
// workbook at path.
func largestSheet(t *testing.T, path string) int64 {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var n int64
	for _, f := range zr.File {
		if strings.Contains(f.Name, "worksheets/") {
			n = max(n, int64(f.UncompressedSize64))
		}
	}
	return n
}
