package ingest

import (
	"errors"
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
