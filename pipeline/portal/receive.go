package portal

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
)

// refusal is a request the portal refuses, with its HTTP status and words
// for the page: what happened and what to do, Vietnamese and English.
type refusal struct {
	status     int
	code       string
	vi, en     string
	retryAfter time.Duration
}

func (r *refusal) Error() string { return r.code + ": " + r.en }

func refuse(status int, code, vi, en string) *refusal {
	return &refusal{status: status, code: code, vi: vi, en: en}
}

// upload is a file being received: a file of its own in
// DIR/portal/uploads, which ingest never reads, until it is committed to
// the inbox (copied there atomically) or dropped.
type upload struct {
	path string // the file in uploads/, named <pid>-<n>.<kind>
	name string // the name the client gave, cleaned; for people only, never a path
	size int64
	hash string // hex SHA-256 of the bytes
	kind string // xlsx, docx, csv, tsv, json, jsonl, txt: what the content is
}

func (u *upload) remove() {
	if u != nil && u.path != "" {
		os.Remove(u.path)
	}
}

// multipartSlack is what a multipart body may carry beyond the file: the
// part headers and boundaries, and small fields.
const multipartSlack = 64 << 10

var uploadSeq atomic.Uint64

// receive streams the request's multipart field "file" into a file of
// uploads/, hashing it on the way, and decides what it is from its bytes.
// Nothing of the client's is trusted: the size is counted (a declared
// Content-Length over the limit is refused before a byte is read), the name
// is kept only to show, and the type is sniffed.
func (p *Portal) receive(w http.ResponseWriter, r *http.Request) (*upload, *refusal) {
	max := p.opts.MaxBytes
	tooLarge := func() *refusal {
		return refuse(http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("Tệp lớn hơn giới hạn %s. Báo cáo của một đơn vị thường chỉ vài trăm KB: hãy kiểm tra lại tệp (xóa trang, ảnh không cần thiết) hoặc liên hệ Ban Dân vận tỉnh.", sizeVI(max)),
			fmt.Sprintf("The file is larger than the %s limit. A unit's report is usually a few hundred KB: check the file (remove sheets and pictures it does not need) or contact the province office.", sizeEN(max)))
	}
	if r.ContentLength > max+multipartSlack {
		return nil, tooLarge()
	}
	// A large file over a slow line takes longer than the server's
	// default read timeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(p.opts.UploadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, max+multipartSlack)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return nil, refuse(http.StatusBadRequest, "not_multipart",
			`Hãy gửi tệp dưới dạng multipart/form-data, trường "file".`,
			`Send the file as multipart/form-data, field "file".`)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "not_multipart", "Không đọc được yêu cầu gửi tệp: "+err.Error(), "Cannot read the upload: "+err.Error())
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, tooLarge()
		case errors.Is(err, io.EOF):
			return nil, refuse(http.StatusBadRequest, "no_file", `Chưa có tệp nào được gửi (trường "file").`, `No file was sent (field "file").`)
		case err != nil:
			return nil, broken(err)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		u, rf := p.store(part, max, tooLarge)
		part.Close()
		return u, rf
	}
}

func broken(err error) *refusal {
	return refuse(http.StatusBadRequest, "broken",
		"Tệp không đến nơi trọn vẹn (đường truyền bị ngắt?); hãy gửi lại.",
		"The file did not arrive whole (was the connection cut?); send it again: "+err.Error())
}

// store copies one part into uploads/ and sniffs it.
func (p *Portal) store(part io.Reader, max int64, tooLarge func() *refusal) (*upload, *refusal) {
	dir := p.dir.PortalUploads()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, p.internal(err)
	}
	base := filepath.Join(dir, strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(uploadSeq.Add(1), 10))
	f, err := os.OpenFile(base+".part", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, p.internal(err)
	}
	u := &upload{path: f.Name()}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(part, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || n > max:
		u.remove()
		return nil, tooLarge()
	case err != nil:
		u.remove()
		return nil, broken(err)
	case n == 0:
		u.remove()
		return nil, refuse(http.StatusUnprocessableEntity, "empty_file", "Tệp rỗng, không có số liệu.", "The file is empty.")
	}
	u.size, u.hash = n, hex.EncodeToString(h.Sum(nil))
	if fn, ok := part.(interface{ FileName() string }); ok {
		u.name = cleanName(fn.FileName())
	}
	kind, rf := sniffUpload(u.path, u.name)
	if rf != nil {
		u.remove()
		return nil, rf
	}
	u.kind = kind
	final := base + "." + kind
	if err := os.Rename(u.path, final); err != nil {
		u.remove()
		return nil, p.internal(err)
	}
	u.path = final
	return u, nil
}

// cleanName keeps a client's file name fit to show: its last element,
// valid UTF-8, no control characters, at most 120 characters.
func cleanName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:120])
	}
	return strings.TrimSpace(s)
}

// sniffUpload decides from its bytes what a file is, the name's extension
// choosing only between text forms (a CSV file and a prose text are both
// text). What ingest cannot read is refused here, saying what to send
// instead.
func sniffUpload(path, name string) (string, *refusal) {
	f, err := os.Open(path)
	if err != nil {
		return "", refuse(http.StatusInternalServerError, "internal", "Lỗi máy chủ khi đọc tệp.", "Server error reading the file.")
	}
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	claimed := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return sniffZip(path, claimed)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", refuse(http.StatusUnsupportedMediaType, "old_office",
			"Đây là tệp Excel hoặc Word đời cũ (97-2003, .xls/.doc), chưa đọc được. Hãy mở tệp, chọn Lưu thành (Save As) dạng .xlsx hoặc .docx, rồi gửi tệp mới.",
			"This is an old Excel or Word file (97-2003, .xls/.doc), which cannot be read. Open it, Save As .xlsx or .docx, and send the new file.")
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "", refuse(http.StatusUnsupportedMediaType, "pdf",
			"Đây là tệp PDF; số liệu trong PDF không đọc được. Hãy gửi chính tệp Excel (.xlsx) hoặc Word (.docx) đã dùng để in ra PDF.",
			"This is a PDF; figures in a PDF cannot be read. Send the Excel (.xlsx) or Word (.docx) file the PDF was printed from.")
	}
	switch ingest.Sniff(head) {
	case "empty":
		return "", refuse(http.StatusUnprocessableEntity, "empty_file", "Tệp rỗng, không có số liệu.", "The file is empty.")
	case "json":
		return "json", nil
	case "jsonl":
		return "jsonl", nil
	case "csv", "text":
		switch claimed {
		case ".tsv", ".tab":
			return "tsv", nil
		case ".txt", ".docx", ".doc":
			return "txt", nil
		case ".csv":
			return "csv", nil
		}
		if ingest.Sniff(head) == "csv" {
			return "csv", nil
		}
		return "txt", nil
	}
	return "", refuse(http.StatusUnsupportedMediaType, "not_a_report",
		"Không nhận ra loại tệp: không phải Excel (.xlsx), Word (.docx), CSV, JSON hay văn bản. Hãy gửi báo cáo ở một trong các dạng đó (ảnh chụp, tệp nén không đọc được).",
		"Unknown file type: not Excel (.xlsx), Word (.docx), CSV, JSON or text. Send the report in one of these forms (pictures and archives cannot be read).")
}

// sniffZip tells a workbook from a Word document by the parts its zip
// directory lists; reading the parts, with the limits that keep a zip bomb
// out, is ingest's.
func sniffZip(path, claimed string) (string, *refusal) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		// Ingest says what is wrong with a damaged workbook or document.
		switch claimed {
		case ".docx":
			return "docx", nil
		case ".xlsx", ".xlsm":
			return "xlsx", nil
		}
		return "", refuse(http.StatusUnsupportedMediaType, "not_a_report",
			"Tệp nén (zip) bị hỏng hoặc không phải Excel/Word: "+err.Error(),
			"A damaged zip file, or not Excel/Word: "+err.Error())
	}
	defer zr.Close()
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml":
			return "xlsx", nil
		case "word/document.xml":
			return "docx", nil
		}
	}
	return "", refuse(http.StatusUnsupportedMediaType, "zip_archive",
		"Đây là tệp nén (zip), không phải Excel (.xlsx) hay Word (.docx). Hãy giải nén và gửi từng tệp báo cáo.",
		"This is a zip archive, not an Excel (.xlsx) or Word (.docx) file. Unpack it and send each report file.")
}

// sweepUploads removes the files a process that is gone left in uploads/:
// its uploads ended with it.
func sweepUploads(d layout.Dir) error {
	des, err := os.ReadDir(d.PortalUploads())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sweep uploads: %w", err)
	}
	for _, de := range des {
		pid, _, _ := strings.Cut(de.Name(), "-")
		if n, err := strconv.Atoi(pid); err == nil && n != os.Getpid() && layout.Alive(n) {
			continue // another live server's upload
		}
		if err := os.Remove(filepath.Join(d.PortalUploads(), de.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sweep uploads: %w", err)
		}
	}
	return nil
}

// sizeVI and sizeEN say a size limit in MiB (2^20 bytes), as it is counted.
func sizeVI(n int64) string {
	return strings.Replace(fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)), ".", ",", 1)
}

func sizeEN(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
