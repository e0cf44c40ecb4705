package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// Limits bound what one file may cost to read; a file over one is
// quarantined with a reason that names the limit, the file's figure and
// the fix.
type Limits struct {
	// FileBytes: a file larger than this is not read at all.
	FileBytes int64
	// UnzippedBytes: a workbook whose parts unzip to more than this, by
	// its zip directory, is refused before excelize decompresses any of
	// it (a zip that lies about its sizes fails as damaged when a part
	// outgrows what it declared: archive/zip checks).
	UnzippedBytes int64
}

// DefaultLimits are the limits of a production run.
func DefaultLimits() Limits {
	return Limits{FileBytes: 512 << 20, UnzippedBytes: 1 << 30}
}

func (l Limits) withDefaults() Limits {
	def := DefaultLimits()
	if l.FileBytes <= 0 {
		l.FileBytes = def.FileBytes
	}
	if l.UnzippedBytes <= 0 {
		l.UnzippedBytes = def.UnzippedBytes
	}
	return l
}

// readOpts are what the readers of whole files need besides the file.
type readOpts struct {
	tmp      string // excelize's temp folder; "" is the system's
	unzipped int64  // Limits.UnzippedBytes; 0: excelize's own limit
}

// unzippedSize adds up the sizes the zip directory of data declares for
// its parts; ok is false when data is not a zip that can be listed (the
// workbook reader says what is wrong then).
func unzippedSize(data []byte) (size int64, ok bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, false
	}
	var n uint64
	for _, f := range zr.File {
		n += f.UncompressedSize64
		if n > 1<<62 {
			return 1 << 62, true
		}
	}
	return int64(n), true
}

// The words of the fix the limits share.
const (
	splitVI = "Hãy chia tệp thành nhiều tệp nhỏ hơn (ví dụ theo tỉnh hoặc theo năm) rồi gửi lại."
	splitEN = "Split it into smaller files (by province or by year, say) and send them again."
)

func fileTooLarge(file string, size, max int64) *pipeline.FileError {
	return bilingual(file, "file_too_large",
		fmt.Sprintf("Tệp lớn %s, quá giới hạn %s cho một tệp (--max-file-size). "+splitVI, sizeVI(size), sizeVI(max)),
		fmt.Sprintf("The file is %s, over the limit of %s per file (--max-file-size). "+splitEN, sizeEN(size), sizeEN(max)))
}

func unzippedTooLarge(file string, size, max int64) *pipeline.FileError {
	return bilingual(file, "unzipped_too_large",
		fmt.Sprintf("Tệp Excel khi giải nén lớn %s, quá giới hạn %s (--max-unzipped); tệp không được giải nén. "+splitVI+
			" Nếu tệp không lớn như vậy thì tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.", sizeVI(size), sizeVI(max)),
		fmt.Sprintf("The workbook unzips to %s, over the limit of %s (--max-unzipped); it was not decompressed. "+splitEN+
			" If it is not that big, it is damaged: open it in Excel, save it again and send it again.", sizeEN(size), sizeEN(max)))
}

// sizeVI and sizeEN write a size in bytes for a clerk: "1,5 GiB",
// "1.5 GiB".
func sizeVI(n int64) string { return strings.ReplaceAll(sizeEN(n), ".", ",") }

func sizeEN(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}
