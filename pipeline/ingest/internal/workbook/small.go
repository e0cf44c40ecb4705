package workbook

import (
	"archive/zip"
	"encoding/binary"
	"io"
	"strconv"
	"strings"
	"sync"
)

// The small parts Open reads whole (the relationships, the workbook part,
// the styles) go through the scanner when it can read them as encoding/xml
// would, and through xml.Decoder.Decode otherwise (decodeSmall).
//
// Hand-written, with a measured reason: decoding them with encoding/xml's
// Decode into structs was ~30 % of the CPU of reading a commune's form
// (0.13 s of 0.40 s for the 365 forms of a half-year's drop, CPU profile of
// `danvan run`), the styles part alone 0.08 s. TestSmallPartsAsDecode and
// FuzzSmallPartsAsDecode hold the two to the same result.

// decodeSmallOnly makes Open read every small part with decodeSmall, and
// the shared strings with encoding/xml alone: the tests' reference.
var decodeSmallOnly bool

// scanSmall hands each element of part f, from its root (depth 1) to the
// root's end, to visit with its depth, its parent's local name and its
// attributes, as Decode sees them. It reports false when the scanner cannot
// read the part exactly as encoding/xml does, or visit returned false (a
// value Decode would refuse): the caller then decodes it with decodeSmall,
// whose errors are the part's.
func (b *Book) scanSmall(f *zip.File, visit func(depth int, parent, local string, attrs []rawAttr) bool) bool {
	if decodeSmallOnly || f.UncompressedSize64 > maxScanned {
		return false
	}
	stored, keyed := b.storedKey(f)
	if keyed {
		if els, ok := storedParts.recall(stored, b.lim.Token); ok {
			return visitAll(els, visit)
		}
	}
	data, ok := readWhole(f, int64(f.UncompressedSize64))
	if !ok {
		return false
	}
	if els, ok := scannedParts.recall(data, b.lim.Token); ok {
		if keyed {
			storedParts.remember(stored, b.lim.Token, els)
		}
		return visitAll(els, visit)
	}
	if !withinToken(data, b.lim.Token) || prefixedElement(data) {
		return false
	}
	s := newScanner(data)
	var stack []string
	var els []element // what the part's bytes give, to remember
	keep := len(data) <= maxRemembered
	for {
		ok, end := s.next()
		if !ok || end {
			return false // outside the scanner's subset, or the root never closed
		}
		switch s.tok.kind {
		case tokStart:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, s.tok.local)
			if keep {
				e := element{depth: len(stack), parent: parent, local: s.tok.local, attrs: make([]rawAttr, len(s.tok.attrs))}
				for i, a := range s.tok.attrs {
					e.attrs[i] = rawAttr{local: a.local, s: a.value()}
				}
				els = append(els, e)
			}
			if !visit(len(stack), parent, s.tok.local, s.tok.attrs) {
				return false
			}
		case tokEnd:
			// encoding/xml refuses an element closed by another's name.
			if len(stack) == 0 || stack[len(stack)-1] != s.tok.local {
				return false
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				if keep {
					scannedParts.remember(data, b.lim.Token, els)
					if keyed {
						storedParts.remember(stored, b.lim.Token, els)
					}
				}
				return true // Decode reads no further than the root's end
			}
		}
	}
}

// visitAll hands remembered elements to visit, as scanSmall does.
func visitAll(els []element, visit func(depth int, parent, local string, attrs []rawAttr) bool) bool {
	for _, e := range els {
		if !visit(e.depth, e.parent, e.local, e.attrs) {
			return false
		}
	}
	return true
}

// storedKey is everything reading part f whole (readWhole) depends on: its
// compression method, checksum and sizes as the zip directory gives them,
// and the bytes read, those stored and the data descriptor after them.
// Two parts of one key unzip to the same bytes or fail alike, so what the
// scanner found in a part is remembered by this key too (storedParts),
// and a form made from the template of the forms before is not unzipped
// again (inflating its three small parts was ~45 ms of CPU of a 365-form
// drop's ingest). False: f is not remembered by key.
func (b *Book) storedKey(f *zip.File) ([]byte, bool) {
	const head = 2 + 1 + 4 + 8 + 8
	if b.r == nil || f.CompressedSize64 > maxRemembered-head-16 || strings.HasSuffix(f.Name, "/") {
		return nil, false
	}
	off, err := f.DataOffset()
	if err != nil || off < 0 || off > b.size {
		return nil, false
	}
	n := int64(f.CompressedSize64)
	if f.Flags&0x8 != 0 {
		n += 16 // the data descriptor, read at the end (its CRC checked)
	}
	n = min(n, b.size-off)
	key := make([]byte, head+n)
	binary.LittleEndian.PutUint16(key[0:], f.Method)
	key[2] = byte(f.Flags & 0x8)
	binary.LittleEndian.PutUint32(key[3:], f.CRC32)
	binary.LittleEndian.PutUint64(key[7:], f.UncompressedSize64)
	binary.LittleEndian.PutUint64(key[15:], f.CompressedSize64)
	if _, err := b.r.ReadAt(key[head:], off); err != nil && !(err == io.EOF && n == 0) {
		return nil, false
	}
	return key, true
}

// scannedParts remembers, by a small part's bytes, the elements the
// scanner found in it (scanSmall hands them to visit again): the commune
// forms of a drop are made from one template, and their relationships,
// workbook part and styles were scanned again in each of 365 files (the
// styles alone ~0.05 s of CPU of the drop's ingest at load ~13). The bytes
// are the key, so a part remembered is one read before, byte for byte,
// under the same token limit; at most maxRememberedBytes of parts of at
// most maxRemembered bytes each.
var scannedParts = partMemo{m: map[string]scannedPart{}}

// storedParts remembers the same by the part's storedKey, bounded alike.
var storedParts = partMemo{m: map[string]scannedPart{}}

const maxRemembered, maxRememberedBytes = 64 << 10, 4 << 20

type partMemo struct {
	mu       sync.Mutex
	m        map[string]scannedPart
	bytes    int
	kept     int // parts remembered (for the tests)
	recalled int // parts handed again (for the tests)
}

type scannedPart struct {
	token int
	els   []element
}

// element is a start element as scanSmall hands it to visit; its
// attributes hold their values as strings.
type element struct {
	depth         int
	parent, local string
	attrs         []rawAttr
}

func (m *partMemo) recall(data []byte, token int) ([]element, bool) {
	if len(data) > maxRemembered {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.m[string(data)]
	if !ok || p.token != token {
		return nil, false
	}
	m.recalled++
	return p.els, true
}

func (m *partMemo) remember(data []byte, token int, els []element) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, had := m.m[string(data)]; had || m.bytes+len(data) > maxRememberedBytes {
		return
	}
	m.m[string(data)] = scannedPart{token: token, els: els}
	m.bytes += len(data)
	m.kept++
}

// prefixedElement reports whether an element's name in data has a prefix
// ("<x:sheet>", "</x:sheet>"): the scanner yields local names only, and
// encoding/xml refuses an element closed with another prefix, so such a
// part is left to it.
func prefixedElement(data []byte) bool {
	for i := 0; i+1 < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		j := i + 1
		if data[j] == '/' {
			j++
		}
		for ; j < len(data); j++ {
			c := data[j]
			if c == ':' {
				return true
			}
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
				break
			}
		}
	}
	return false
}

// attrInt is an attribute's value as Decode sets an int field from it: 0
// when empty, else the number with spaces trimmed; false when it is none.
func attrInt(a rawAttr) (int, bool) {
	v := a.value()
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return int(n), err == nil
}
