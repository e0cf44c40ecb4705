package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// TestRejectsBytesRepeat writes the same refused rows in three stores and
// wants the same rejects file each time. The rows name a different unknown
// unit each, as a file of unknown units does: a column's distinct texts
// then pass a megabyte in a row group after its first data page, which
// made the Parquet writer switch that column chunk from its dictionary to
// plain values half-way and list the two encodings' page counts in the
// footer in Go's map order (10 bytes of a 200,000-row file's footer
// differed between two runs of the same binary).
func TestRejectsBytesRepeat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 60,000 refused rows three times")
	}
	errs := make([]pipeline.RowError, 60_000)
	for i := range errs {
		name := fmt.Sprintf("Xã Không Có Trong Danh Mục Của Tỉnh Số %07d", i)
		errs[i] = pipeline.RowError{File: "don-vi-la.csv", Ref: fmt.Sprintf("dòng %d", i+2), Column: "don_vi", Value: name,
			Code: "unknown_unit", Reason: fmt.Sprintf("Không tìm thấy đơn vị %q (theo tên) trong tỉnh Hà Tĩnh.", name),
			ReasonEN: fmt.Sprintf("No unit %q (by name) in Hà Tĩnh.", name), ProvinceCode: "42"}
	}
	b := batch{Hash: hashOf("don-vi-la"), SourceFile: "don-vi-la.csv", SourcePath: "/inbox/don-vi-la.csv", IngestedAt: ingestedAt, Rejects: errs}
	var first []byte
	var firstPath string
	for run := range 3 {
		dir := t.TempDir()
		s := open(t, dir, store.Options{ChunkRows: 20_000})
		if err := commit(context.Background(), s, b); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(layout.Dir(dir).RejectsFile(b.Hash))
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first, firstPath = got, layout.Dir(dir).RejectsFile(b.Hash)
			continue
		}
		if !bytes.Equal(got, first) {
			n, at := 0, -1
			for i := range min(len(got), len(first)) {
				if got[i] != first[i] {
					if at < 0 {
						at = i
					}
					n++
				}
			}
			t.Fatalf("run %d wrote other rejects bytes than run 1: %d and %d bytes, %d differ from byte %d", run+1, len(got), len(first), n, at)
		}
	}
	// And what was written reads back whole.
	db := openDB(t)
	if n := queryInt(t, db, "SELECT count(DISTINCT value) FROM read_parquet('"+firstPath+"')"); n != int64(len(errs)) {
		t.Errorf("%d distinct refused values read back, want %d", n, len(errs))
	}
}
