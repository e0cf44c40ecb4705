package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// bombLimit is the unzipped limit the bombs are read under (the portal's)
// and bombPad how much their extra part unpacks to: past bombLimit, and
// from a few hundred KB of zip.
const (
	bombLimit = 256 << 20
	bombPad   = bombLimit + 32<<20
)

var (
	padOnce sync.Once
	pad     []byte // bombPad zeros, deflated
	padCRC  uint32
)

// xlsxBomb is a readable workbook (a district's form) with one more part
// that unpacks to bombPad bytes of zeros. honest: its zip directory says
// so; otherwise it claims the part unpacks to 1 KiB.
func xlsxBomb(t testing.TB, honest bool) []byte {
	t.Helper()
	base := fixtureXLSX(t, formSheet())
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	padOnce.Do(func() {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		crc := crc32.NewIEEE()
		zeros := make([]byte, 1<<20)
		for n := 0; n < bombPad; n += len(zeros) {
			fw.Write(zeros)
			crc.Write(zeros)
		}
		fw.Close()
		pad, padCRC = b.Bytes(), crc.Sum32()
	})
	h := &zip.FileHeader{Name: "xl/media/image1.bin", Method: zip.Deflate, CRC32: padCRC,
		CompressedSize64: uint64(len(pad)), UncompressedSize64: bombPad}
	if !honest {
		h.UncompressedSize64 = 1 << 10
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pad); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if out.Len() > 2<<20 {
		t.Fatalf("the bomb is %d bytes, want a small file", out.Len())
	}
	return out.Bytes()
}

// A zip bomb is refused before it is unpacked, in words, when its
// directory says how much it unpacks to; one whose directory lies is
// unpacked only as far as it claims (archive/zip refuses a part past its
// declared size, and excelize reads what came). Either way checking it
// allocates a few MB, not the bomb's size: without the limit, excelize
// unpacked the first into memory (its own default allows 16 GB) and read
// the workbook. (Allocation is counted, not timed: runtime.MemStats.)
func TestXLSXBomb(t *testing.T) {
	in, err := New(Options{Now: func() time.Time { return testNow }, Limits: Limits{UnzippedBytes: bombLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, honest := range []bool{true, false} {
		data := xlsxBomb(t, honest)
		path := filepath.Join(t.TempDir(), "bao-cao.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sum, err := in.Check(context.Background(), []string{path})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("honest=%v: checking the bomb allocated %d MB", honest, alloc>>20)
		}
		res := sum.Files[0]
		if !honest {
			continue // read as far as it claims: whatever that holds
		}
		if res.FileErr == nil || res.FileErr.Code != "unzipped_too_large" || !strings.Contains(res.FileErr.Reason, "giới hạn 256,0 MiB") || res.Accepted != 0 {
			t.Errorf("%+v, want the file refused whole (unzipped_too_large)", res)
			continue
		}
		if _, ok := pipeline.FixFor(res.FileErr.Code); !ok {
			t.Errorf("no fix for %s (pipeline/fix.go)", res.FileErr.Code)
		}
	}
}
