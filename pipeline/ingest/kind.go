package ingest

import (
	"archive/zip"
	"bytes"
	"path/filepath"
	"strings"

	"github.com/danvan/danvan/pipeline"
)

// What a file is when it is not what its name says: offices send a photo
// of the printed form, its PDF, the Word report, or a workbook under the
// wrong name. Such a file is named for what it is, with what to send
// instead, rather than called unreadable. Decided by the magic bytes each
// format starts with (and, for the ZIP packages of Office and OpenDocument,
// by the parts inside), never by the name.

// fileKind is a kind of file danvan recognises by content.
type fileKind struct {
	name, nameEN string // "ảnh PNG", "a PNG image"
	fix, fixEN   string // what to send instead
	reads        string // the extension whose reader reads it, "" for none
}

var (
	sendTable   = "Hãy gửi chính tệp bảng tính (Excel .xlsx hoặc CSV) của báo cáo."
	sendTableEN = "Send the report's spreadsheet file itself (Excel .xlsx or CSV)."
	kindImage   = func(f, fEN string) *fileKind {
		return &fileKind{"ảnh " + f, "an image (" + fEN + ")",
			"Ảnh chụp hay bản quét không đọc được số liệu. " + sendTable,
			"Figures cannot be read from a photo or a scan. " + sendTableEN, ""}
	}
	kindPDF = &fileKind{"tài liệu PDF", "a PDF document",
		"Không đọc được số liệu từ PDF. " + sendTable, "Figures are not read from a PDF. " + sendTableEN, ""}
	kindDocx = &fileKind{"văn bản Word (.docx)", "a Word document (.docx)",
		"Nếu đây là báo cáo bằng lời văn, đổi đuôi tệp thành .docx; nếu là bảng số liệu, gửi tệp Excel (.xlsx) hoặc CSV.",
		"If it is a report in prose, rename it to .docx; if it is a table of figures, send the Excel (.xlsx) or CSV file.", ".docx"}
	kindDoc = &fileKind{"văn bản Word 97-2003 (.doc)", "a Word 97-2003 document (.doc)",
		"Mở bằng Word và lưu lại dưới dạng .docx (báo cáo bằng lời văn), hoặc gửi bảng số liệu dạng Excel (.xlsx).",
		"Open it in Word and save it as .docx (a report in prose), or send the table of figures as Excel (.xlsx).", ""}
	kindXLSX = &fileKind{"bảng tính Excel (.xlsx)", "an Excel workbook (.xlsx)",
		"Đổi đuôi tệp thành .xlsx rồi gửi lại.", "Rename it to .xlsx and send it again.", ".xlsx"}
	kindXLS = &fileKind{"bảng tính Excel 97-2003 (.xls)", "an Excel 97-2003 workbook (.xls)",
		"Mở bằng Excel và lưu lại dưới dạng .xlsx.", "Open it in Excel and save it as .xlsx.", ""}
	kindPPT = &fileKind{"bản trình chiếu PowerPoint", "a PowerPoint presentation",
		sendTable, sendTableEN, ""}
	kindODS = &fileKind{"bảng tính OpenDocument (.ods)", "an OpenDocument spreadsheet (.ods)",
		"Mở bằng LibreOffice và lưu lại dưới dạng Excel (.xlsx).", "Open it in LibreOffice and save it as Excel (.xlsx).", ""}
	kindODT = &fileKind{"văn bản OpenDocument (.odt)", "an OpenDocument text (.odt)",
		"Mở bằng LibreOffice và lưu lại dưới dạng Word (.docx).", "Open it in LibreOffice and save it as Word (.docx).", ""}
	kindArchive = func(f, fEN string) *fileKind {
		return &fileKind{"tệp nén " + f, "a " + fEN + " archive",
			"Giải nén rồi gửi từng tệp báo cáo.", "Unpack it and send each report file.", ""}
	}
	kindHTML = &fileKind{"trang web (HTML)", "a web page (HTML)",
		"Phần mềm đôi khi xuất trang web mang đuôi .xls/.xlsx: mở bằng Excel và lưu lại dưới dạng .xlsx.",
		"Some software exports a web page named .xls/.xlsx: open it in Excel and save it as .xlsx.", ""}
	kindXML2003 = &fileKind{"bảng tính XML 2003", "an XML 2003 spreadsheet",
		"Mở bằng Excel và lưu lại dưới dạng .xlsx.", "Open it in Excel and save it as .xlsx.", ""}
	kindRTF = &fileKind{"văn bản RTF", "an RTF document",
		"Mở bằng Word và lưu lại dưới dạng .docx, hoặc gửi bảng số liệu dạng Excel (.xlsx).",
		"Open it in Word and save it as .docx, or send the table of figures as Excel (.xlsx).", ""}
)

// kindOf names the kind of data when it is one of those above; nil for
// text and anything else. data may be only the start of the file: a ZIP
// package is then told by the names of its first parts.
func kindOf(data []byte) *fileKind {
	return kindIn(data, &zipDir{data: data})
}

// kindIn is kindOf, dir data's zip directory.
func kindIn(data []byte, dir *zipDir) *fileKind {
	has := func(p string) bool { return bytes.HasPrefix(data, []byte(p)) }
	switch {
	case has("\x89PNG\r\n\x1a\n"):
		return kindImage("PNG", "PNG")
	case has("\xff\xd8\xff"):
		return kindImage("JPEG", "JPEG")
	case has("GIF87a"), has("GIF89a"):
		return kindImage("GIF", "GIF")
	case has("II*\x00"), has("MM\x00*"):
		return kindImage("TIFF", "TIFF")
	case has("RIFF") && len(data) >= 12 && string(data[8:12]) == "WEBP":
		return kindImage("WebP", "WebP")
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && strings.Contains("heic heix mif1 msf1 avif", string(data[8:12])):
		return kindImage("HEIC", "HEIC")
	case has("BM") && len(data) >= 26 && bytes.Equal(data[6:10], []byte{0, 0, 0, 0}):
		return kindImage("BMP", "BMP")
	case has("%PDF-"):
		return kindPDF
	case has("Rar!\x1a\x07"):
		return kindArchive("RAR", "RAR")
	case has("7z\xbc\xaf\x27\x1c"):
		return kindArchive("7z", "7z")
	case has("\x1f\x8b"):
		return kindArchive("gzip", "gzip")
	case has("{\\rtf"):
		return kindRTF
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return oleKind(data)
	case has("PK\x03\x04"):
		return zipKind(data, dir)
	}
	head := strings.ToLower(string(bytes.TrimSpace(bytes.TrimPrefix(data[:min(len(data), 1024)], []byte{0xEF, 0xBB, 0xBF}))))
	switch {
	case strings.HasPrefix(head, "<!doctype html"), strings.HasPrefix(head, "<html"):
		return kindHTML
	case strings.HasPrefix(head, "<?xml") && strings.Contains(string(data[:min(len(data), 4096)]), "urn:schemas-microsoft-com:office:spreadsheet"):
		return kindXML2003
	}
	return nil
}

// oleKind tells the old Office formats apart by the names of their
// streams (UTF-16 in the compound file's directory).
func oleKind(data []byte) *fileKind {
	utf16 := func(s string) []byte {
		b := make([]byte, 0, 2*len(s))
		for i := 0; i < len(s); i++ {
			b = append(b, s[i], 0)
		}
		return b
	}
	switch {
	case bytes.Contains(data, utf16("WordDocument")):
		return kindDoc
	case bytes.Contains(data, utf16("PowerPoint Document")):
		return kindPPT
	}
	return kindXLS
}

// zipKind tells Office and OpenDocument packages from a plain archive by
// their parts' names: from the central directory when data is the whole
// file, else from the local headers in the part of it that is there (and
// then only a known package is named: a damaged workbook is no archive).
func zipKind(data []byte, dir *zipDir) *fileKind {
	var names []string
	whole := false // the central directory was read: a ZIP file, whatever its parts
	if zr, err := dir.reader(); err == nil {
		whole = true
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if len(zr.File) > 0 && zr.File[0].Name == "mimetype" {
			if rc, err := zr.File[0].Open(); err == nil {
				var b [80]byte
				n, _ := rc.Read(b[:])
				rc.Close()
				names = append(names, "mimetype:"+string(b[:n]))
			}
		}
	} else {
		// A local file header: signature, 22 bytes, name length at 26,
		// extra length at 28, the name at 30; the stored mimetype follows.
		for i := 0; i+30 <= len(data); {
			j := bytes.Index(data[i:], []byte("PK\x03\x04"))
			if j < 0 || i+j+30 > len(data) {
				break
			}
			i += j
			n := int(data[i+26]) | int(data[i+27])<<8
			if i+30+n > len(data) {
				break
			}
			name := string(data[i+30 : i+30+n])
			names = append(names, name)
			if name == "mimetype" {
				x := int(data[i+28]) | int(data[i+29])<<8
				start := i + 30 + n + x
				names = append(names, "mimetype:"+string(data[min(start, len(data)):min(start+80, len(data))]))
			}
			i += 30 + n
		}
	}
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "xl/"):
			return kindXLSX
		case strings.HasPrefix(n, "word/"):
			return kindDocx
		case strings.HasPrefix(n, "ppt/"):
			return kindPPT
		case strings.HasPrefix(n, "mimetype:application/vnd.oasis.opendocument.spreadsheet"):
			return kindODS
		case strings.HasPrefix(n, "mimetype:application/vnd.oasis.opendocument.text"):
			return kindODT
		}
	}
	if !whole {
		return nil // a damaged file, or the start of one: its reader says so
	}
	return kindArchive("ZIP", "ZIP")
}

// codeWrongFileType is the code of misnamed's refusal; a file refused so
// is read again once named rightly (readAgain).
const codeWrongFileType = "wrong_file_type"

// misnamed refuses a file whose content is a kind that the reader of its
// extension does not read, naming what it is; nil when the content may be
// what the name says (the reader then judges it).
func misnamed(file string, data []byte) *pipeline.FileError {
	return misnamedIn(file, data, &zipDir{data: data})
}

// misnamedIn is misnamed, dir data's zip directory.
func misnamedIn(file string, data []byte, dir *zipDir) *pipeline.FileError {
	k := kindIn(data, dir)
	if k == nil {
		return nil
	}
	if k == kindXLS {
		return oldExcel(file)
	}
	ext := strings.ToLower(filepath.Ext(file))
	if k.reads != "" && (k.reads == ext || (k.reads == ".xlsx" && ext == ".xlsm")) {
		return nil
	}
	return &pipeline.FileError{File: file, Code: codeWrongFileType,
		Reason:   "Tệp này là " + k.name + ", không phải bảng số liệu hay báo cáo danvan đọc được. " + k.fix,
		ReasonEN: "This file is " + k.nameEN + ", not a table of figures or a report danvan can read. " + k.fixEN}
}

// zipDir is the zip directory of data, listed once for those that look at
// it: what kind of file it is (zipKind), then the workbook reader. Each
// listed it for itself, and a commune's form was listed three times (each
// ~1.5 % of the CPU of a 365-form drop's ingest).
type zipDir struct {
	data   []byte
	listed bool
	zr     *zip.Reader
	err    error
}

// reader is archive/zip's reader of data.
func (d *zipDir) reader() (*zip.Reader, error) {
	if !d.listed {
		d.zr, d.err = zip.NewReader(bytes.NewReader(d.data), int64(len(d.data)))
		d.listed = true
	}
	return d.zr, d.err
}
