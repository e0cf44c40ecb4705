package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/narrative"
)

func init() {
	Readers[".txt"] = Prose
	Readers[".docx"] = Prose
}

// extractors keeps one narrative extractor per reference: building one
// compiles the lexicon, which a run needs once, not once per file.
var extractors sync.Map // *pipeline.Reference -> *narrative.Extractor

// Prose reads the figures out of a narrative report (.txt, .docx). Every
// figure is a raw row marked as extracted, with its sentence as the quote,
// so it is validated like any table row and can be reviewed apart.
func Prose(ref *pipeline.Reference, file string, data []byte) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	x, ok := extractors.Load(ref)
	if !ok {
		e, err := narrative.New(ref, narrative.Options{})
		if err != nil {
			return nil, nil, fileError(file, "internal_error", "Không nạp được bộ từ vựng đọc văn bản: %v.",
				"Cannot load the narrative lexicon: %v.", err)
		}
		x, _ = extractors.LoadOrStore(ref, e)
	}
	rows, err := x.(*narrative.Extractor).Rows(file, data)
	var fe *pipeline.FileError
	switch {
	case errors.As(err, &fe):
		fe.File = file
		if fe.Code == "unreadable_docx" {
			// The reader's words for what is wrong are English (archive/zip,
			// encoding/xml): the Vietnamese reason says it in Vietnamese,
			// the English one keeps them.
			fe.Reason = "Không đọc được tệp Word (.docx): tệp bị hỏng hoặc không đúng định dạng."
		}
		return nil, nil, fe
	case err != nil:
		return nil, nil, fileError(file, "unreadable_text", "Không đọc được văn bản: %v.", "Cannot read the text: %v.", err)
	}
	if len(rows) == 0 {
		// Quarantined rather than loaded empty, so somebody reads it.
		return nil, nil, fileError(file, "no_figures",
			"Không tìm thấy số liệu nào trong văn bản (số kèm chỉ tiêu như \"392 cuộc tiếp xúc, đối thoại\"); tệp được giữ lại để xem xét.",
			"No figures found in the text (a number with an indicator, like \"392 cuộc tiếp xúc, đối thoại\"); the file is kept aside for review.")
	}
	return rows, nil, nil
}

// proseIn reads a narrative report held to lim. A Word document (.docx, a
// zip) is held to what it unzips to, not to its size on disk, as a workbook
// is: one whose parts unzip to more than lim.UnzippedBytes, or whose text
// (word/document.xml, read at once) to more than lim.WholeBytes, is refused
// from its zip directory before anything is decompressed. A part that
// unzips to more than its directory declared fails as damaged when read
// (archive/zip checks), unreadable_docx.
func proseIn(ref *pipeline.Reference, file string, data []byte, lim Limits) ([]pipeline.RawRow, []pipeline.RowError, *pipeline.FileError) {
	if fe := lim.docxSize(file, data); fe != nil {
		return nil, nil, fe
	}
	return Prose(ref, file, data)
}

// docxSize refuses a Word document over lim by what its zip directory
// declares; nil for one within it, and for what is no zip (the narrative
// reader says what is wrong then).
func (l Limits) docxSize(file string, data []byte) *pipeline.FileError {
	if !strings.EqualFold(filepath.Ext(file), ".docx") && !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var all, text uint64
	for _, f := range zr.File {
		all = min(all+f.UncompressedSize64, 1<<62)
		if f.Name == "word/document.xml" {
			text = f.UncompressedSize64
		}
	}
	switch {
	case all > uint64(l.UnzippedBytes):
		vi, en := l.set("--max-unzipped")
		return bilingual(file, "docx_too_large",
			fmt.Sprintf("Tệp Word khi giải nén lớn %s, quá giới hạn %s%s; tệp không được giải nén.", sizeVI(int64(all)), sizeVI(l.UnzippedBytes), vi),
			fmt.Sprintf("The Word document unzips to %s, over the limit of %s%s; it was not decompressed.", sizeEN(int64(all)), sizeEN(l.UnzippedBytes), en))
	case text > uint64(l.WholeBytes):
		vi, en := l.set("--max-read-whole")
		return bilingual(file, "docx_too_large",
			fmt.Sprintf("Phần chữ của tệp Word (word/document.xml) khi giải nén lớn %s, quá giới hạn %s cho phần được đọc một lần%s; tệp không được giải nén.",
				sizeVI(int64(text)), sizeVI(l.WholeBytes), vi),
			fmt.Sprintf("The text of the Word document (word/document.xml) unzips to %s, over the limit of %s for what is read at once%s; it was not decompressed.",
				sizeEN(int64(text)), sizeEN(l.WholeBytes), en))
	}
	return nil
}
