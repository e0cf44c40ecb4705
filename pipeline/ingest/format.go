package ingest

import (
	"bytes"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// Reader turns one file's bytes into raw rows. Problems confined to one row
// that the reader itself meets (a JSON Lines line that is not JSON) are
// RowErrors; a file that cannot be read at all is a FileError.
type Reader func(ref *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError)

// Readers maps a lower-case file extension to its reader. Narrative text is
// read by package narrative; cmd plugs it in with one line, e.g.
//
//	ingest.Readers[".txt"] = narrativeReader
//
// Until then a .txt file is refused as an unknown format.
var Readers = map[string]Reader{
	".csv":    CSV,
	".tsv":    CSV,
	".xlsx":   XLSX,
	".xlsm":   XLSX,
	".json":   JSON,
	".jsonl":  JSONL,
	".ndjson": JSONL,
}

// Read reads one file with the reader its extension names, or, for an
// extension without one, the reader its content looks like, under
// DefaultLimits. It never panics: a reader's panic becomes a FileError, so
// one bad file cannot stop a batch.
func Read(ref *pipeline.Reference, file string, data []byte) (rows []pipeline.RawRow, rejects []pipeline.RowError, fe *pipeline.FileError) {
	rows, rejects, _, fe = readIn(ref, file, data, DefaultLimits())
	return rows, rejects, fe
}

// readIn is Read under lim, with the reader's notices (rowOut.notice).
func readIn(ref *pipeline.Reference, file string, data []byte, lim Limits) (rows []pipeline.RawRow, rejects []pipeline.RowError, notices []pipeline.Warning, fe *pipeline.FileError) {
	return readInDir(ref, file, data, lim, &zipDir{data: data})
}

// readInDir is readIn, dir data's zip directory.
func readInDir(ref *pipeline.Reference, file string, data []byte, lim Limits, dir *zipDir) (rows []pipeline.RawRow, rejects []pipeline.RowError, notices []pipeline.Warning, fe *pipeline.FileError) {
	defer func() {
		if p := recover(); p != nil {
			rows, rejects, notices, fe = nil, nil, nil, internalError(file, p)
		}
	}()
	if fe := misnamedIn(file, data, dir); fe != nil {
		return nil, nil, nil, fe
	}
	read, fe := readerFor(file, data)
	if fe != nil {
		return nil, nil, nil, fe
	}
	// A Reader has no place for lim nor for notices; the readers that hold
	// a file to it beyond its size, or have something to say, are called
	// here (functions compare by their code).
	switch reflect.ValueOf(read).Pointer() {
	case reflect.ValueOf(XLSX).Pointer():
		return xlsxIn(ref, file, data, lim, dir)
	case reflect.ValueOf(JSONL).Pointer():
		return jsonlIn(file, data, lim)
	case reflect.ValueOf(CSV).Pointer():
		return csvIn(ref, file, data, lim)
	case reflect.ValueOf(JSON).Pointer():
		return jsonIn(file, data)
	case reflect.ValueOf(Prose).Pointer():
		if strings.EqualFold(filepath.Ext(file), ".txt") {
			text, table := textFile(file, data)
			if table {
				return csvIn(ref, file, data, lim)
			}
			data = text
		}
		rows, rejects, fe = proseIn(ref, file, data, lim)
		return rows, rejects, nil, fe
	}
	rows, rejects, fe = read(ref, file, data)
	return rows, rejects, nil, fe
}

func internalError(file string, p any) *pipeline.FileError {
	stack := string(debug.Stack())
	if len(stack) > 2000 {
		stack = stack[:2000]
	}
	return fileError(file, "internal_error",
		"Lỗi nội bộ khi đọc tệp (%v); tệp được giữ lại để kiểm tra.",
		"Internal error while reading the file (%v); the file is kept aside for inspection. %s", p, stack)
}

// readerFor chooses by extension first, since offices name files what they
// are; content decides only when the name does not.
func readerFor(file string, data []byte) (Reader, *pipeline.FileError) {
	ext := strings.ToLower(filepath.Ext(file))
	if r, ok := Readers[ext]; ok {
		return r, nil
	}
	switch sniff(data) {
	case "empty":
		return nil, emptyFile(file)
	case "xlsx":
		return XLSX, nil
	case "xls":
		return nil, oldExcel(file)
	case "json":
		return JSON, nil
	case "jsonl":
		return JSONL, nil
	case "csv":
		return CSV, nil
	case "binary":
		return nil, binaryFile(file)
	}
	return nil, fileError(file, "unknown_format",
		"Không nhận ra loại tệp %q; gửi CSV, TSV, Excel (.xlsx), JSON hoặc JSON Lines.",
		"Unknown file type %q; send CSV, TSV, Excel (.xlsx), JSON or JSON Lines.", filepath.Base(file))
}

// sniff names what data looks like: empty, xlsx, xls, json, jsonl, csv,
// text or binary.
func sniff(data []byte) string {
	head := data
	if len(head) > sniffSize {
		head = head[:sniffSize]
	}
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return "empty"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "xls"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return "csv" // UTF-16 text comes from spreadsheets' "Unicode text" export
	case isBinary(head):
		return "binary"
	}
	t := bytes.TrimSpace(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}))
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case '[':
		return "json"
	case '{':
		first, _, more := bytes.Cut(t, []byte("\n"))
		if more && bytes.HasSuffix(bytes.TrimSpace(first), []byte("}")) {
			return "jsonl"
		}
		return "json"
	}
	first, _, _ := bytes.Cut(t, []byte("\n"))
	var fields []string
	for _, f := range bytes.FieldsFunc(first, func(r rune) bool { return r == ',' || r == ';' || r == '\t' }) {
		fields = append(fields, string(f))
	}
	if recognised(fields) >= 2 {
		return "csv"
	}
	return "text"
}

func oldExcel(file string) *pipeline.FileError {
	return fileError(file, "old_excel",
		"Tệp Excel 97-2003 (.xls) chưa đọc được; hãy lưu lại dưới dạng .xlsx.",
		"Excel 97-2003 (.xls) files are not read; save it as .xlsx.")
}

// cellRef is a spreadsheet cell reference, "Biểu 1!D7".
func cellRef(sheet string, col, row int) string {
	// Appended rather than formatted: a form names the cell of every value
	// it reads (fmt.Sprintf and colName's allocations were ~3 % of its CPU).
	b := make([]byte, 0, len(sheet)+12)
	b = append(b, sheet...)
	b = append(b, '!')
	b = appendColName(b, col)
	b = strconv.AppendInt(b, int64(row), 10)
	return string(b)
}

// appendColName appends the letters of a 1-based column number to b.
func appendColName(b []byte, col int) []byte {
	var letters [8]byte
	i := len(letters)
	for col > 0 && i > 0 {
		col--
		i--
		letters[i] = byte('A' + col%26)
		col /= 26
	}
	return append(b, letters[i:]...)
}
