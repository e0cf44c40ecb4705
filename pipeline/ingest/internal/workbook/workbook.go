// Package workbook reads the cells of an Excel workbook (.xlsx, Office Open
// XML) as a stream: a sheet's rows come one at a time out of its zipped
// XML, so a sheet of a million rows is never held whole, and nothing is
// written to disk. Its limits (Limits) are checked before anything is
// decompressed where the zip directory tells, and while reading otherwise,
// so a workbook that unzips to gigabytes is refused in milliseconds.
//
// It reads cells, nothing more: what a sheet means (a long table, a form) is
// the caller's business.
//
// Hand-written rather than excelize (which the project uses to write
// workbooks, and which the tests use as this reader's oracle) because
// excelize cannot read within the ingest's memory budget: opening a workbook
// decompresses every part, into memory or, for sheets over 16 MB, into temp
// files in the system temp directory (left there when the process is
// killed); its row iterator gives a cell's text but not its type, and a
// number cell 1.234 is not the text "1.234" (Vietnamese for 1234); asking
// the type loads the whole sheet. The ingest that read a 1,000,000-row
// workbook (23 MB) with excelize passed 3 GiB; this reader reads one of
// 28 MB (351 MB of sheet XML) in 25 MiB of RSS and 15 s of CPU.
package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits bound what a workbook may cost to read. Zero fields are unbounded.
type Limits struct {
	// Unzipped bounds the decompressed size of the workbook's parts, by
	// its zip directory: every part, those read (the workbook part, its
	// relationships, the shared strings and every worksheet, also
	// counted as read, since a part may lie about its size) and the
	// others (images, a bomb).
	Unzipped int64
	// SharedStrings bounds the number of shared strings, SharedBytes the
	// decompressed size of the shared strings part.
	SharedStrings int
	SharedBytes   int64
	// Token bounds the XML between two tags: a cell's text, or a tag with
	// its attributes.
	Token int
}

// maxDirectory bounds the zip's central directory: a workbook has a few
// dozen parts, and a directory of millions of entries would cost hundreds
// of MiB to list before any other limit could be checked.
const maxDirectory = 8 << 20

// LimitError is a workbook over one of its Limits.
type LimitError struct {
	Limit  Limit
	Figure int64  // the workbook's figure, as far as it was counted
	Max    int64  // the limit
	Part   string // the sheet concerned, when it is one sheet
}

// Limit names a limit.
type Limit string

const (
	LimitUnzipped      Limit = "unzipped"       // Limits.Unzipped
	LimitSharedStrings Limit = "shared_strings" // Limits.SharedStrings
	LimitSharedBytes   Limit = "shared_bytes"   // Limits.SharedBytes
	LimitToken         Limit = "token"          // Limits.Token
	LimitDirectory     Limit = "directory"      // the zip's directory, maxDirectory
)

func (e *LimitError) Error() string {
	s := fmt.Sprintf("workbook over its %s limit: %d > %d", e.Limit, e.Figure, e.Max)
	if e.Part != "" {
		s += " in " + e.Part
	}
	return s
}

// FormatError is a workbook that is not a readable Office Open XML package.
type FormatError struct {
	Part string // the part where it was found, if any
	Err  error
}

func (e *FormatError) Error() string {
	if e.Part == "" {
		return e.Err.Error()
	}
	return e.Part + ": " + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

// Book is an open workbook. It holds the zip's directory and the shared
// strings; sheets are read from the zip each time Rows is called.
type Book struct {
	r      io.ReaderAt // the workbook's bytes (storedKey)
	size   int64
	files  map[string]*zip.File // by lower-cased name
	sheets []sheet
	sst    sharedStrings
	lim    Limits
	// shown[s] is how cell style s shows a number when not as written: as
	// a percent, a date or a time (Cell.Shown); nil when no
	// style does, so a cell's style is looked at only in a workbook that
	// has one.
	shown []Shown
}

type sheet struct {
	name   string
	file   *zip.File // nil: not a worksheet (a chart sheet)
	hidden bool      // hidden in the workbook (state "hidden" or "veryHidden")
}

// Open reads the directory, the workbook part and the shared strings of the
// workbook in r.
func Open(r io.ReaderAt, size int64, lim Limits) (*Book, error) {
	return OpenListed(r, size, nil, lim)
}

// OpenListed is Open, zr archive/zip's reader of the same size bytes as r
// when the caller listed them already (nil: Open lists them).
func OpenListed(r io.ReaderAt, size int64, zr *zip.Reader, lim Limits) (*Book, error) {
	if err := checkDirectory(r, size); err != nil {
		return nil, err
	}
	if zr == nil {
		var err error
		if zr, err = zip.NewReader(r, size); err != nil {
			return nil, &FormatError{Err: err}
		}
	}
	b := &Book{r: r, size: size, files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	var all uint64 // every part, read or not: a part no reader here opens is still a bomb for the next program
	for _, f := range zr.File {
		b.files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
		all = min(all+f.UncompressedSize64, 1<<62)
	}
	if lim.Unzipped > 0 && all > uint64(lim.Unzipped) {
		return nil, &LimitError{Limit: LimitUnzipped, Figure: int64(all), Max: lim.Unzipped}
	}
	wbPath := "xl/workbook.xml"
	if rels, err := b.rels("_rels/.rels"); err != nil {
		return nil, err
	} else {
		for _, rel := range rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPath = resolve("", rel.Target)
				break
			}
		}
	}
	wbFile := b.file(wbPath)
	if wbFile == nil {
		return nil, &FormatError{Part: wbPath, Err: errors.New("no workbook part")}
	}
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	rels, err := b.rels(relsPath)
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	sstPath, stylesPath := "", ""
	for _, rel := range rels {
		t := resolve(path.Dir(wbPath), rel.Target)
		targets[rel.ID] = t
		switch {
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			sstPath = t
		case strings.HasSuffix(rel.Type, "/styles"):
			stylesPath = t
		}
	}
	if sstPath == "" && b.file(path.Join(path.Dir(wbPath), "sharedStrings.xml")) != nil {
		sstPath = path.Join(path.Dir(wbPath), "sharedStrings.xml")
	}
	var wb struct {
		Sheets []wbSheet `xml:"sheets>sheet"`
	}
	if !b.scanSmall(wbFile, func(depth int, parent, local string, attrs []rawAttr) bool {
		if depth == 3 && parent == "sheets" && local == "sheet" {
			var s wbSheet
			for _, a := range attrs {
				if a.local == "name" {
					s.Name = a.value()
				} else {
					s.Attr = append(s.Attr, xml.Attr{Name: xml.Name{Local: a.local}, Value: a.value()})
				}
			}
			wb.Sheets = append(wb.Sheets, s)
		}
		return true
	}) {
		wb.Sheets = nil
		if err := b.decodeSmall(wbFile, &wb); err != nil {
			return nil, err
		}
	}
	// The parts this reader reads, decompressed, against Limits.Unzipped.
	total := int64(wbFile.UncompressedSize64)
	if f := b.file(relsPath); f != nil {
		total += int64(f.UncompressedSize64)
	}
	for _, s := range wb.Sheets {
		sh := sheet{name: s.Name}
		for _, a := range s.Attr {
			switch a.Name.Local {
			case "id":
				sh.file = b.file(targets[a.Value])
			case "state":
				sh.hidden = a.Value == "hidden" || a.Value == "veryHidden"
			}
		}
		if sh.file != nil && !strings.Contains(strings.ToLower(sh.file.Name), "worksheets/") {
			sh.file = nil // a chart or dialog sheet holds no cells
		}
		if sh.file != nil {
			total += int64(sh.file.UncompressedSize64)
		}
		b.sheets = append(b.sheets, sh)
	}
	var sst *zip.File
	if sstPath != "" {
		if sst = b.file(sstPath); sst != nil {
			total += int64(sst.UncompressedSize64)
		}
	}
	if lim.Unzipped > 0 && total > lim.Unzipped {
		return nil, &LimitError{Limit: LimitUnzipped, Figure: total, Max: lim.Unzipped, Part: b.largest()}
	}
	if f := b.file(stylesPath); f != nil && stylesPath != "" {
		b.shown = b.styles(f)
	}
	if sst != nil {
		if lim.SharedBytes > 0 && int64(sst.UncompressedSize64) > lim.SharedBytes {
			return nil, &LimitError{Limit: LimitSharedBytes, Figure: int64(sst.UncompressedSize64), Max: lim.SharedBytes}
		}
		if err := b.sst.read(sst, lim); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Shown is how a cell's style shows its number, when not as written.
type Shown uint8

const (
	ShownPercent   Shown = iota + 1 // a percent ("0%", 0.5 shown 50%)
	ShownDate                       // a date (with a day), maybe with a time of day
	ShownMonth                      // a month and year, no day ("mmm-yy")
	ShownTime                       // a time of day, no date ("h:mm")
	ShownYear                       // a year alone ("yyyy")
	ShownThousands                  // scaled by a thousand ("#,##0,": 12,500 shown 13)
	ShownMillions                   // by a million ("#,##0,,": 350,400,000 shown 350)
	ShownBillions                   // by a billion ("#,##0,,,")
)

// Scale is the power of ten a scaled number is shown divided by (3, 6,
// 9), 0 for any other way of showing it.
func (s Shown) Scale() int {
	switch s {
	case ShownThousands:
		return 3
	case ShownMillions:
		return 6
	case ShownBillions:
		return 9
	}
	return 0
}

// builtinShown are the built-in number formats (ECMA-376 18.8.30) that
// show a number as a percent or a date: 14–22 in every locale, 27–36 and
// 50–58 in the East Asian ones (dates, some with times, all taken as
// dates: no Vietnamese workbook uses them), 45–47 elapsed times.
var builtinShown = map[int]Shown{9: ShownPercent, 10: ShownPercent,
	14: ShownDate, 15: ShownDate, 16: ShownDate, 17: ShownMonth, 18: ShownTime, 19: ShownTime, 20: ShownTime, 21: ShownTime,
	22: ShownDate, 27: ShownDate, 28: ShownDate, 29: ShownDate, 30: ShownDate, 31: ShownDate, 32: ShownDate, 33: ShownDate,
	34: ShownDate, 35: ShownDate, 36: ShownDate, 45: ShownTime, 46: ShownTime, 47: ShownTime, 50: ShownDate, 51: ShownDate,
	52: ShownDate, 53: ShownDate, 54: ShownDate, 55: ShownDate, 56: ShownDate, 57: ShownDate, 58: ShownDate}

// styles reads how each cell style (cellXfs) shows a number: as a percent
// (the built-in formats 9 and 10, or a format of the workbook's own with a
// % outside quoted text), as a date or a time (builtinShown, or a format of
// the workbook's own with date or time codes: formatShown). Styles only
// change how a number is shown, so styles that cannot be read are no
// error: every number is then shown as it is written.
func (b *Book) styles(f *zip.File) []Shown {
	type numFmt struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	}
	type xf struct {
		ID int `xml:"numFmtId,attr"`
	}
	var st struct {
		NumFmts []numFmt `xml:"numFmts>numFmt"`
		Xfs     []xf     `xml:"cellXfs>xf"`
	}
	if !b.scanSmall(f, func(depth int, parent, local string, attrs []rawAttr) bool {
		switch {
		case depth != 3:
		case parent == "numFmts" && local == "numFmt":
			var n numFmt
			for _, a := range attrs {
				switch a.local {
				case "numFmtId":
					id, ok := attrInt(a)
					if !ok {
						return false
					}
					n.ID = id
				case "formatCode":
					n.Code = a.value()
				}
			}
			st.NumFmts = append(st.NumFmts, n)
		case parent == "cellXfs" && local == "xf":
			var x xf
			for _, a := range attrs {
				if a.local == "numFmtId" {
					id, ok := attrInt(a)
					if !ok {
						return false
					}
					x.ID = id
				}
			}
			st.Xfs = append(st.Xfs, x)
		}
		return true
	}) {
		st.NumFmts, st.Xfs = nil, nil
		if b.decodeSmall(f, &st) != nil {
			return nil
		}
	}
	var own map[int]Shown // the workbook's own formats, which may redefine a built-in id
	for _, n := range st.NumFmts {
		if own == nil {
			own = make(map[int]Shown, len(st.NumFmts))
		}
		own[n.ID] = formatShown(n.Code)
	}
	var out []Shown
	for i, x := range st.Xfs {
		s, ok := own[x.ID]
		if !ok {
			s = builtinShown[x.ID]
		}
		if s != 0 {
			if out == nil {
				out = make([]Shown, len(st.Xfs))
			}
			out[i] = s
		}
	}
	return out
}

// formatShown reads a number format's code (its first section, the one
// of a positive number): a percent when it has a % outside quoted text; a
// date or time when it has the codes of one (y, m, d, h, s, [h], AM/PM)
// outside quoted text, escaped characters (\x, _x, *x) and brackets
// ([Red], [$-42A], [>100]); 0 for any other ("#,##0", "General", `0" người"`).
// An m is minutes after an h or before an s, a month otherwise. Commas
// right after the last digit placeholder (0, #, ?) scale the number by a
// thousand each ("#,##0,,": millions); one between them parts thousands.
func formatShown(code string) Shown {
	var day, month, year, clock bool
	prev := byte(0) // the last date or time code, lower case
	scale := 0      // commas since the last digit placeholder, right after it
	afterDigit := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch c {
		case '0', '#', '?':
			scale, afterDigit = 0, true
			continue
		case ',':
			if afterDigit {
				scale++
			}
			continue
		}
		afterDigit = false
		switch c {
		case ';':
			i = len(code) // the first section only
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return 0
			}
			if j > 1 && strings.Trim(strings.ToLower(code[i+1:i+j]), "hms") == "" { // [h], [mm], [ss]: elapsed time
				clock, prev = true, 'h'
			}
			i += j
		case '%':
			return ShownPercent
		case 'a':
			if l := strings.ToLower(code[i:]); strings.HasPrefix(l, "am/pm") {
				clock, i = true, i+len("am/pm")-1
			} else if strings.HasPrefix(l, "a/p") {
				clock, i = true, i+len("a/p")-1
			}
		case 'y':
			year, prev = true, 'y'
		case 'd':
			day, prev = true, 'd'
		case 'h', 's':
			clock, prev = true, c
		case 'm':
			j := i
			for j < len(code) && (code[j] == 'm' || code[j] == 'M') {
				j++
			}
			if prev == 'h' || nextCode(code[j:]) == 's' {
				clock, prev = true, 'h'
			} else {
				month, prev = true, 'm'
			}
			i = j - 1
		}
	}
	switch {
	case day:
		return ShownDate
	case month:
		return ShownMonth
	case year:
		return ShownYear
	case clock:
		return ShownTime
	case scale == 1:
		return ShownThousands
	case scale == 2:
		return ShownMillions
	case scale >= 3:
		return ShownBillions
	}
	return 0
}

// nextCode is the next letter among y, m, d, h, s in a format's code,
// lower case, past separators: "mm:ss" has s after m.
func nextCode(code string) byte {
	for i := 0; i < len(code); i++ {
		switch c := code[i] | 0x20; c {
		case 'y', 'm', 'd', 'h', 's':
			return c
		}
	}
	return 0
}

// largest names the largest worksheet, for a message about the size.
func (b *Book) largest() string {
	name, size := "", uint64(0)
	for _, s := range b.sheets {
		if s.file != nil && s.file.UncompressedSize64 > size {
			name, size = s.name, s.file.UncompressedSize64
		}
	}
	return name
}

// Sheets names the workbook's sheets in their order.
func (b *Book) Sheets() []string {
	out := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		out[i] = s.name
	}
	return out
}

// Hidden reports whether sheet i is hidden (Excel's Hide or VBA's
// veryHidden): the workbook does not show it.
func (b *Book) Hidden(i int) bool { return b.sheets[i].hidden }

// Size is the decompressed size of sheet i's part, 0 for a sheet without
// cells.
func (b *Book) Size(i int) int64 {
	if f := b.sheets[i].file; f != nil {
		return int64(f.UncompressedSize64)
	}
	return 0
}

func (b *Book) file(name string) *zip.File {
	return b.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// resolve is a relationship's target as a part name: relative to dir, or
// from the package's root when it starts with a slash.
func resolve(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join("/", dir, target)), "/")
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// rels reads a relationships part; a missing one has none.
func (b *Book) rels(name string) ([]relationship, error) {
	f := b.file(name)
	if f == nil {
		return nil, nil
	}
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	if b.scanSmall(f, func(depth int, _, local string, attrs []rawAttr) bool {
		if depth == 2 && local == "Relationship" {
			var r relationship
			for _, a := range attrs {
				switch a.local {
				case "Id":
					r.ID = a.value()
				case "Type":
					r.Type = a.value()
				case "Target":
					r.Target = a.value()
				}
			}
			rels.Rels = append(rels.Rels, r)
		}
		return true
	}) {
		return rels.Rels, nil
	}
	rels.Rels = nil
	if err := b.decodeSmall(f, &rels); err != nil {
		return nil, err
	}
	return rels.Rels, nil
}

// wbSheet is a sheet as the workbook part lists it.
type wbSheet struct {
	Name string     `xml:"name,attr"`
	Attr []xml.Attr `xml:",any,attr"`
}

// smallPart bounds the parts decoded whole (the workbook part and the
// relationships): they list sheets, a few KiB.
const smallPart = 16 << 20

func (b *Book) decodeSmall(f *zip.File, v any) error {
	if f.UncompressedSize64 > smallPart {
		return &LimitError{Limit: LimitUnzipped, Figure: int64(f.UncompressedSize64), Max: smallPart, Part: f.Name}
	}
	rc, err := f.Open()
	if err != nil {
		return &FormatError{Part: f.Name, Err: err}
	}
	defer rc.Close()
	if err := xml.NewDecoder(b.guard(rc, "")).Decode(v); err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			return le
		}
		return &FormatError{Part: f.Name, Err: err}
	}
	return nil
}

func (b *Book) guard(r io.Reader, part string) io.Reader {
	if b.lim.Token <= 0 {
		return r
	}
	return &tokenGuard{r: r, max: b.lim.Token, part: part}
}

// tokenGuard fails a read once more than max bytes come without a '<':
// encoding/xml holds a whole text or tag in memory, and a cell of a
// gigabyte would be one.
type tokenGuard struct {
	r    io.Reader
	run  int
	max  int
	part string
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	b := p[:n]
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			g.run += len(b)
			break
		}
		if g.run+i > g.max {
			g.run += i
			break
		}
		g.run, b = 0, b[i+1:]
	}
	if g.run > g.max {
		return 0, &LimitError{Limit: LimitToken, Figure: int64(g.run), Max: int64(g.max), Part: g.part}
	}
	return n, err
}

// checkDirectory refuses a zip whose central directory is larger than
// maxDirectory, before archive/zip lists it: each entry costs a few hundred
// bytes there, and it reads entries up to the end of the file whatever
// count the directory declares.
func checkDirectory(r io.ReaderAt, size int64) error {
	const eocdLen, zip64LocLen, zip64EOCDLen = 22, 20, 56
	// The end record is looked for from the end, over as much as a comment
	// after it may take; a zip without a comment (Excel's, every office
	// tool's) ends with it, so its last bytes are read first, and the rest
	// only when they are not it: the whole tail was ~1 % of the CPU of a
	// 365-form drop's ingest, a 40 KB form's every byte copied.
	var last [zip64LocLen + eocdLen]byte // the end record and, before it, a zip64 locator's place
	buf := last[:min(size, int64(len(last)))]
	if _, err := r.ReadAt(buf, size-int64(len(buf))); err != nil && err != io.EOF {
		return &FormatError{Err: err}
	}
	at := -1
	if i := len(buf) - eocdLen; i >= 0 && binary.LittleEndian.Uint32(buf[i:]) == 0x06054b50 {
		at = i
	} else {
		tail := min(size, 65535+eocdLen)
		buf = make([]byte, tail)
		if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
			return &FormatError{Err: err}
		}
		for i := len(buf) - eocdLen; i >= 0; i-- {
			if binary.LittleEndian.Uint32(buf[i:]) == 0x06054b50 {
				at = i
				break
			}
		}
	}
	if at < 0 {
		return &FormatError{Err: zip.ErrFormat}
	}
	offset := int64(binary.LittleEndian.Uint32(buf[at+16:]))
	if offset == 0xffffffff && at >= zip64LocLen {
		loc := buf[at-zip64LocLen:]
		if binary.LittleEndian.Uint32(loc) == 0x07064b50 {
			var rec [zip64EOCDLen]byte
			if _, err := r.ReadAt(rec[:], int64(binary.LittleEndian.Uint64(loc[8:]))); err == nil &&
				binary.LittleEndian.Uint32(rec[:]) == 0x06064b50 {
				offset = int64(binary.LittleEndian.Uint64(rec[48:]))
			}
		}
	}
	if offset < 0 || offset > size {
		return &FormatError{Err: zip.ErrFormat}
	}
	if dir := size - offset; dir > maxDirectory {
		return &LimitError{Limit: LimitDirectory, Figure: dir, Max: maxDirectory}
	}
	return nil
}
