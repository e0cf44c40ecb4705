package narrative

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds for .docx files: a zip can claim any size, so the document part is
// read through a limit, and archives with absurd entry counts are refused.
var (
	maxDocxEntries       = 2000
	maxDocumentXML int64 = 32 << 20
)

func isDocx(name string, data []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".docx") || bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// docxText returns the paragraphs of word/document.xml, one per line.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("not a zip archive: %w", err)
	}
	if len(zr.File) > maxDocxEntries {
		return "", fmt.Errorf("too many entries (%d)", len(zr.File))
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
			break
		}
	}
	if doc == nil {
		return "", errors.New("no word/document.xml")
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("open word/document.xml: %w", err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxDocumentXML + 1}
	var out strings.Builder
	dec := xml.NewDecoder(lr)
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return "", fmt.Errorf("word/document.xml larger than %d bytes", maxDocumentXML)
			}
			return "", fmt.Errorf("read word/document.xml: %w", err)
		}
		if out.Len() > MaxTextBytes {
			return "", fmt.Errorf("text longer than %d bytes", MaxTextBytes)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				out.WriteByte('\t')
			case "br", "cr":
				out.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				out.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				out.Write(t)
			}
		}
	}
	if lr.N <= 0 {
		return "", fmt.Errorf("word/document.xml larger than %d bytes", maxDocumentXML)
	}
	return out.String(), nil
}
