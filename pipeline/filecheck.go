package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// File validates all rows of one file: each row, then the checks that need
// the whole file. Records come back in row order; every raw row is either
// in records, in errors, or a form total row, which is never stored: it
// checked out, or it is in errors (it does not add up), or in warnings (a
// row it adds up was refused, so it could not be checked).
func (v *Validator) File(file string, rows []RawRow) ([]Record, []RowError, []Warning) {
	// The records are written in place into a slice of the rows' number
	// (Row returned each one by value, grown by doubling: ~0.75 MB of fresh
	// memory for a workbook of 972 values, where a page touched for the
	// first time costs ~2 µs of CPU).
	recs := make([]Record, 0, len(rows))
	var errs []RowError
	var totals []int
	for i := range rows {
		if rows[i].Total {
			totals = append(totals, i)
			continue
		}
		n := len(recs)
		recs = recs[:n+1]
		if rerr := v.RowTo(&recs[n], file, &rows[i]); rerr != nil {
			recs[n] = Record{}
			recs = recs[:n]
			errs = append(errs, *rerr)
		}
	}
	check := v.NewFileCheck(file, func(seq int) string { return recs[seq].Ref })
	for i := range recs {
		check.Add(i, &recs[i])
	}
	refused, passed := check.Finish(), check.PassedOver()
	var warns []Warning
	if len(refused)+len(passed) > 0 {
		drop := make(map[int]bool, len(refused)+len(passed))
		for _, r := range refused {
			drop[r.Seq] = true
			errs = append(errs, r.Err)
		}
		for _, r := range passed {
			drop[r.Seq] = true
			warns = append(warns, Warning(r.Err))
		}
		kept := recs[:0]
		for i, r := range recs {
			if !drop[i] {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	terrs, twarns := v.totals(file, rows, totals, recs)
	return recs, append(errs, terrs...), append(warns, twarns...)
}

// FileCheck is the whole-file part of File (duplicates, then the
// catalogue's max_of rules) fed one record at a time, so a file of millions
// of rows can be checked without holding its records: it keeps one small
// entry per record and sorts them once at the end, which costs far less
// than looking every key up in a hash table as it comes.
type FileCheck struct {
	v       *Validator
	file    string
	ref     func(seq int) string
	entries []checkEntry
	tmp     []checkEntry // the radix sort's other buffer
	// The last breakdown seen and its index: rows mostly repeat one.
	lastDis      string
	lastDisIndex uint32
	otherDis     map[string]uint32 // codes the reference lacks (records built elsewhere)
	// The keys of the periods met lately, by where their code's text is
	// in memory (a file's records share one string per period text): in
	// rows of random periods, computing Period.Key was half of Add.
	recentKeys *[keySlots]recentKey
	// The last submission date seen and its day: rows mostly share one.
	lastSubAt time.Time
	lastSub   uint32
	passed    []Refusal // what Finish passed over (PassedOver)
}

// keySlots is how many period keys FileCheck.recentKeys holds, at most.
const keySlots = 1024

type recentKey struct {
	code string // a canonical period's code, which identifies it
	key  uint32
}

// periodKey is p.Key(), remembered by p's code.
func (c *FileCheck) periodKey(p *Period) uint32 {
	if c.recentKeys == nil {
		if c.recentKeys, c.v.recentKeys = c.v.recentKeys, nil; c.recentKeys == nil {
			c.recentKeys = new([keySlots]recentKey)
		}
	}
	// The slot is only a place to look, by the address of the code's
	// text; what is found there is compared whole.
	r := &c.recentKeys[int(uintptr(unsafe.Pointer(unsafe.StringData(p.Code)))>>3)&(keySlots-1)]
	if r.code != p.Code || p.Code == "" {
		r.code, r.key = p.Code, p.Key()
	}
	return r.key
}

type (
	// checkEntry is one record: its key (the unit's CodeIndex and the
	// period's Key in hi, the indicator's Index and the breakdown's in lo),
	// seq, the day its report says it was submitted (submittedDay; in the
	// padding after seq, so an entry stays 32 bytes) and value.
	checkEntry struct {
		hi, lo uint64
		seq    uint32
		sub    uint32
		value  float64
	}
	refusal struct {
		seq   int
		hi    uint64 // the entry's: the unit's CodeIndex in its upper half
		value float64
		p     *Problem
	}
)

func (e *checkEntry) sameKey(o *checkEntry) bool { return e.hi == o.hi && e.lo == o.lo }

func compareEntries(a, b checkEntry) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// Refusal is a record FileCheck refuses: its seq as given to Add, and why.
type Refusal struct {
	Seq int
	Err RowError
}

// NewFileCheck starts the whole-file checks of file. ref gives the Ref of
// the record added with a seq, for messages that point at another row.
func (v *Validator) NewFileCheck(file string, ref func(seq int) string) *FileCheck {
	return &FileCheck{v: v, file: file, ref: ref}
}

// Expect sizes the check for about n records, so a large file's entries
// are not copied as they grow: n is an estimate, so it keeps an eighth
// more. It does nothing once records were added.
func (c *FileCheck) Expect(n int) {
	if len(c.entries) == 0 && n > 0 {
		c.entries = c.v.entryBuffer(n + n/8)
	}
}

// entryBuffer returns an empty buffer for n entries, reusing one a finished
// FileCheck gave back: a large file's entries take tens of megabytes, which
// a fresh allocation zeroes and faults in page by page.
func (v *Validator) entryBuffer(n int) []checkEntry {
	for i, b := range v.spare {
		if cap(b) >= n {
			v.spare = slices.Delete(v.spare, i, i+1)
			return b[:0]
		}
	}
	return make([]checkEntry, 0, n)
}

// giveBack keeps the two largest of bufs and the spares for the next files.
func (v *Validator) giveBack(bufs ...[]checkEntry) {
	for _, b := range bufs {
		if cap(b) >= 1<<16 {
			v.spare = append(v.spare, b[:0])
		}
	}
	slices.SortFunc(v.spare, func(a, b []checkEntry) int { return cmp.Compare(cap(b), cap(a)) })
	v.spare = v.spare[:min(len(v.spare), 2)]
}

// Add takes the next record; seqs must increase and fit in 32 bits.
// Whether the record stands is known once Finish has seen the whole file.
func (c *FileCheck) Add(seq int, r *Record) {
	if r.Disaggregation != c.lastDis || c.lastDis == "" {
		c.lastDis, c.lastDisIndex = r.Disaggregation, c.breakdown(r.Disaggregation)
	}
	if r.SubmittedAt != c.lastSubAt {
		c.lastSubAt, c.lastSub = r.SubmittedAt, submittedDay(r.SubmittedAt)
	}
	c.entries = append(c.entries, checkEntry{
		hi:  uint64(r.Unit.CodeIndex)<<32 | uint64(c.periodKey(&r.Period)),
		lo:  uint64(r.Indicator.Index)<<32 | uint64(c.lastDisIndex),
		seq: uint32(seq), sub: c.lastSub, value: r.Value,
	})
}

// submittedDay numbers the day of a stated submission date from 1, on
// 1970-01-01; 0 is a date not stated (or before then).
func submittedDay(t time.Time) uint32 {
	if t.IsZero() || t.Unix() < 0 {
		return 0
	}
	return uint32(t.Unix()/86400) + 1
}

// dayText writes a submittedDay as a clerk reads it, 20/01/2024.
func dayText(day uint32) string {
	return time.Unix(int64(day-1)*86400, 0).UTC().Format("02/01/2006")
}

// breakdown is the index of a breakdown code: the reference's, or for a
// code it lacks one above them all.
func (c *FileCheck) breakdown(code string) uint32 {
	if i, ok := c.v.Ref.Breakdown(code); ok {
		return uint32(i)
	}
	i, ok := c.otherDis[code]
	if !ok {
		if c.otherDis == nil {
			c.otherDis = map[string]uint32{}
		}
		i = uint32(len(c.v.Ref.Disaggregations) + 1 + len(c.otherDis))
		c.otherDis[code] = i
	}
	return i
}

// Finish returns the refused records in File's order: duplicates by seq,
// then rule violations by seq. Within one key the first record is kept and
// later ones with the same value are duplicates; two different values
// refuse both. But when every record of a key states its submission date
// and one date is the latest, that record is kept and the others are
// passed over, not refused (PassedOver): a form tool's export holds a
// unit's first report and its correction, each dated, and a clerk expects
// the correction to count, as it would have had the two come as two files
// in that order. The dates decide, not the order in the file (exports list
// newest first as often as oldest first); when they cannot (one date, a
// date missing), both are refused as before. Rules only see values that
// survived the duplicate check.
func (c *FileCheck) Finish() []Refusal {
	o := c.sortEntries()
	defer func() {
		c.v.giveBack(c.entries, c.tmp)
		c.entries, c.tmp = nil, nil
		if c.recentKeys != nil {
			c.v.recentKeys, c.recentKeys = c.recentKeys, nil
		}
		if o.packed != nil {
			c.v.keys = [2][]uint64{o.packed, o.other}
		}
	}()
	n := o.len()
	var dups, rules, passed []refusal
	var conflicted map[uint32]bool // first seqs of keys with conflicting values
	var won map[int]int            // a key's first place in o, for a key a later submission won: the winner's
	for g := 0; g < n; {
		end := g + 1
		for end < n && o.sameKey(end, g) {
			end++
		}
		if end == g+1 {
			g = end
			continue
		}
		if w, ok := latest(&o, g, end); ok {
			if won == nil {
				won = map[int]int{}
			}
			won[g] = w
			win := o.entry(w)
			for j := g; j < end; j++ {
				if e := o.entry(j); j != w {
					passed = append(passed, refusal{int(e.seq), e.hi, e.value, replaced(e.sub, win.sub)})
				}
			}
			g = end
			continue
		}
		first := *o.entry(g)
		for j := g + 1; j < end; j++ {
			e := o.entry(j)
			if e.value == first.value {
				at := c.ref(int(first.seq))
				dups = append(dups, refusal{int(e.seq), e.hi, e.value, &Problem{"duplicate",
					fmt.Sprintf("Trùng với %s (cùng đơn vị, kỳ, chỉ tiêu, phân tổ và giá trị); chỉ tính một lần.", at),
					fmt.Sprintf("Duplicate of %s (same unit, period, indicator, disaggregation and value); counted once.", RefEN(at))}})
				continue
			}
			dups = append(dups, refusal{int(e.seq), e.hi, e.value, c.conflict(int(first.seq), first.value, e.value)})
			if !conflicted[first.seq] {
				if conflicted == nil {
					conflicted = map[uint32]bool{}
				}
				conflicted[first.seq] = true
				dups = append(dups, refusal{int(first.seq), first.hi, first.value, c.conflict(int(e.seq), e.value, first.value)})
			}
		}
		g = end
	}
	// A key's limit has the same unit, period and breakdown: it is in the
	// same run of one unit and period, which is searched alone.
	runStart, runEnd := 0, 0
	for i := 0; i < n; i++ {
		if i > 0 && o.sameKey(i-1, i) {
			continue
		}
		if i >= runEnd {
			runStart, runEnd = i, i+1
			for runEnd < n && o.sameUnitPeriod(runEnd, i) {
				runEnd++
			}
		}
		ind := c.v.Ref.Indicators[o.indicator(i)]
		if ind.MaxOf == "" {
			continue
		}
		limit := c.v.Ref.Indicator(ind.MaxOf)
		j, ok := o.find(i, runStart, runEnd, uint64(limit.Index))
		if !ok {
			continue
		}
		first, lim := o.entry(i), o.entry(j)
		if w, ok := won[i]; ok {
			first = o.entry(w)
		}
		if w, ok := won[j]; ok {
			lim = o.entry(w)
		}
		if conflicted[first.seq] || conflicted[lim.seq] || first.value <= lim.value {
			continue
		}
		at := c.ref(int(lim.seq))
		rules = append(rules, refusal{int(first.seq), first.hi, first.value, &Problem{"rule_violated",
			fmt.Sprintf("%s (%s) lớn hơn %s (%s, %s); không thể như vậy.", ind.LabelVI, fmtValue(first.value), limit.LabelVI, fmtValue(lim.value), at),
			fmt.Sprintf("%s (%s) exceeds %s (%s, %s), which cannot be.", ind.LabelEN, fmtValueEN(first.value), limit.LabelEN, fmtValueEN(lim.value), RefEN(at))}})
	}
	bySeq := func(a, b refusal) int { return cmp.Compare(a.seq, b.seq) }
	slices.SortFunc(dups, bySeq)
	slices.SortFunc(rules, bySeq)
	slices.SortFunc(passed, bySeq)
	c.passed = nil
	for _, r := range passed {
		p := c.refuse(r)
		p.Err.Column, p.Err.Value = "", "" // one notice for all of a submission's values
		c.passed = append(c.passed, p)
	}
	out := make([]Refusal, 0, len(dups)+len(rules))
	for _, r := range append(dups, rules...) {
		out = append(out, c.refuse(r))
	}
	return out
}

// keyOrder is a file's entries in key order, seq order within a key:
// either the entries sorted (packed nil), or packed, one uint64 per entry
// in key order, the entry's key (its four parts less their least values,
// in as many bits as they span) above its index in es.
type keyOrder struct {
	es      []checkEntry
	packed  []uint64
	other   []uint64 // the radix sort's other buffer, kept for the next file
	idxBits uint
	least   [4]uint64
	width   [4]uint
}

func (o *keyOrder) len() int { return len(o.es) }

// entry is the i-th entry in key order.
func (o *keyOrder) entry(i int) *checkEntry {
	if o.packed == nil {
		return &o.es[i]
	}
	return &o.es[o.packed[i]&(1<<o.idxBits-1)]
}

func (o *keyOrder) sameKey(i, j int) bool {
	if o.packed == nil {
		return o.es[i].sameKey(&o.es[j])
	}
	return o.packed[i]>>o.idxBits == o.packed[j]>>o.idxBits
}

func (o *keyOrder) sameUnitPeriod(i, j int) bool {
	if o.packed == nil {
		return o.es[i].hi == o.es[j].hi
	}
	shift := o.idxBits + o.width[2] + o.width[3]
	return o.packed[i]>>shift == o.packed[j]>>shift
}

// indicator is the Indicator.Index of the i-th entry.
func (o *keyOrder) indicator(i int) uint64 {
	if o.packed == nil {
		return o.es[i].lo >> 32
	}
	return o.packed[i]>>(o.idxBits+o.width[3])&(1<<o.width[2]-1) + o.least[2]
}

// find looks in the entries start..end-1, the run of the i-th entry's unit
// and period, for the first with its breakdown and the indicator ind.
func (o *keyOrder) find(i, start, end int, ind uint64) (int, bool) {
	if o.packed == nil {
		want := checkEntry{hi: o.es[i].hi, lo: ind<<32 | o.es[i].lo&(1<<32-1)}
		j, _ := slices.BinarySearchFunc(o.es[start:end], want, compareEntries)
		j += start
		return j, j < end && o.es[j].sameKey(&want)
	}
	if ind < o.least[2] || ind-o.least[2] >= 1<<o.width[2] {
		return 0, false
	}
	k := o.packed[i] >> o.idxBits
	k &^= (1<<o.width[2] - 1) << o.width[3]
	k |= (ind - o.least[2]) << o.width[3]
	want := k << o.idxBits
	j, _ := slices.BinarySearch(o.packed[start:end], want)
	j += start
	return j, j < end && o.packed[j]>>o.idxBits == k
}

// sortEntries puts the entries in key order, seq order within a key. The
// four parts of a key are dense numbers, so within a file each spans far
// fewer than 32 bits, and a radix sort on those bits (each part less its
// least value) beats a comparison sort by an order of magnitude on a file
// of millions of rows. Entries were added in seq order and the radix sort
// is stable, so seqs stay in order within a key.
//
// What the radix sort moves is one uint64 per entry, the key's bits above
// the entry's index (keyOrder), not the 32-byte entries: the whole-file
// checks of a 2M-row file took ~0.2 s of CPU when they sorted the entries
// and reached them in that order; Finish now reads an entry only where a
// key repeats or has a limit. When key and index do not fit in 64 bits the
// entries themselves are sorted.
func (c *FileCheck) sortEntries() keyOrder {
	es := c.entries
	if len(es) < 256 {
		slices.SortFunc(es, compareEntries)
		return keyOrder{es: es}
	}
	least := [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	var most [4]uint64
	for i := range es {
		e := &es[i]
		parts := [4]uint64{e.hi >> 32, e.hi & (1<<32 - 1), e.lo >> 32, e.lo & (1<<32 - 1)}
		for j, p := range parts {
			least[j], most[j] = min(least[j], p), max(most[j], p)
		}
	}
	var width [4]uint
	total := uint(0)
	for i := range most {
		width[i] = uint(bits.Len64(most[i] - least[i]))
		total += width[i]
	}
	if total > 64 {
		slices.SortFunc(es, compareEntries)
		return keyOrder{es: es}
	}
	key := func(e *checkEntry) uint64 {
		return (e.hi>>32-least[0])<<(width[1]+width[2]+width[3]) | (e.hi&(1<<32-1)-least[1])<<(width[2]+width[3]) |
			(e.lo>>32-least[2])<<width[3] | (e.lo&(1<<32-1) - least[3])
	}
	idxBits := uint(bits.Len(uint(len(es) - 1)))
	if total+idxBits > packedBits {
		tmp := c.v.entryBuffer(len(es))[:len(es)]
		c.tmp = tmp
		src, dst := es, tmp
		for shift := uint(0); shift < total; shift += radixDigit {
			var count [1 << radixDigit]int
			for i := range src {
				count[key(&src[i])>>shift&(1<<radixDigit-1)]++
			}
			pos := 0
			for d, n := range count {
				count[d] = pos
				pos += n
			}
			for i := range src {
				d := key(&src[i]) >> shift & (1<<radixDigit - 1)
				dst[count[d]] = src[i]
				count[d]++
			}
			src, dst = dst, src
		}
		return keyOrder{es: src}
	}
	packed, other := c.v.keyBuffers(len(es))
	for i := range es {
		packed[i] = key(&es[i])<<idxBits | uint64(i)
	}
	for shift := idxBits; shift < idxBits+total; shift += radixDigit {
		var count [1 << radixDigit]int
		for _, k := range packed {
			count[k>>shift&(1<<radixDigit-1)]++
		}
		pos := 0
		for d, n := range count {
			count[d] = pos
			pos += n
		}
		for _, k := range packed {
			d := k >> shift & (1<<radixDigit - 1)
			other[count[d]] = k
			count[d]++
		}
		packed, other = other, packed
	}
	return keyOrder{es: es, packed: packed, other: other, idxBits: idxBits, least: least, width: width}
}

// packedBits is the bits of sortEntries' packed keys; tests lower it to
// take the other way.
var packedBits uint = 64

// radixDigit is the bits a pass of the radix sort orders by.
const radixDigit = 11

// keyBuffers returns two buffers of n keys for sortEntries, reusing the
// last file's.
func (v *Validator) keyBuffers(n int) ([]uint64, []uint64) {
	a, b := v.keys[0], v.keys[1]
	if cap(a) < n || cap(b) < n {
		a, b = make([]uint64, n), make([]uint64, n)
	}
	v.keys = [2][]uint64{}
	return a[:n], b[:n]
}

// PassedOver is, once Finish has run, the records it passed over without
// refusing them, in seq order: values a later submission of the same file
// replaced. Their Err is a notice (a Warning), stored as no refusal.
func (c *FileCheck) PassedOver() []Refusal { return c.passed }

// latest finds, among the entries g..end-1 of one key, the one whose
// submission date is the latest, when every entry states one and no other
// states the same.
func latest(o *keyOrder, g, end int) (int, bool) {
	best, ties := -1, 0
	for j := g; j < end; j++ {
		e := o.entry(j)
		switch {
		case e.sub == 0:
			return 0, false
		case best < 0 || e.sub > o.entry(best).sub:
			best, ties = j, 0
		case e.sub == o.entry(best).sub:
			ties++
		}
	}
	return best, ties == 0
}

// replaced is the notice of a value submitted on day sub that a value of
// the same key submitted later, on day by, replaced.
func replaced(sub, by uint32) *Problem {
	return &Problem{"replaced_in_file",
		fmt.Sprintf("Giá trị của lần gửi ngày %s được thay bằng giá trị của lần gửi sau, ngày %s, trong cùng tệp (cùng đơn vị, kỳ, chỉ tiêu, phân tổ): chỉ giá trị gửi sau được tính.", dayText(sub), dayText(by)),
		fmt.Sprintf("The value submitted %s is replaced by the one submitted later, %s, in the same file (same unit, period, indicator and breakdown): only the later one counts.", dayText(sub), dayText(by))}
}

func (c *FileCheck) conflict(otherSeq int, other, this float64) *Problem {
	at := c.ref(otherSeq)
	return &Problem{"conflicting_duplicate",
		fmt.Sprintf("Mâu thuẫn với %s: cùng đơn vị, kỳ, chỉ tiêu, phân tổ nhưng giá trị khác (%s và %s); cả hai bị từ chối.", at, fmtValue(other), fmtValue(this)),
		fmt.Sprintf("Conflicts with %s: same unit, period, indicator and disaggregation but different values (%s and %s); both refused.", RefEN(at), fmtValueEN(other), fmtValueEN(this))}
}

func (c *FileCheck) refuse(r refusal) Refusal {
	e := RowError{File: c.file, Ref: c.ref(r.seq), Column: string(FieldValue), Value: fmtValue(r.value),
		Code: r.p.Code, Reason: r.p.Reason, ReasonEN: r.p.ReasonEN}
	// The unit of a record the check saw: the versions of a code share its
	// CodeIndex, and the reference sorts units by code.
	ci := int(r.hi >> 32)
	us := c.v.Ref.Units
	if i, ok := slices.BinarySearchFunc(us, ci, func(u *Unit, ci int) int { return cmp.Compare(u.CodeIndex, ci) }); ok {
		e.ProvinceCode, e.UnitCode, e.Unit = us[i].ProvinceCode, us[i].Code, us[i].Name
	}
	return Refusal{r.seq, e}
}

// roundingOf bounds the error of adding up n float64 values whose
// magnitudes add up to size, and of reading the total itself: each step
// rounds by at most half an ulp of the running magnitude. A total that
// differs by more is wrong, however large: a relative tolerance (it was
// 1e-6) let a money total of 5.010.500.000 đồng be thousands of đồng off.
func roundingOf(n int, size float64) float64 {
	return float64(n+2) * 0x1p-52 * size
}

// totals checks form total rows against the sum of the accepted rows they
// add up: the rows of the same column (indicator and breakdown) whose Group
// is the total's or lies within it (see RawRow.Group). A total whose rows
// were not all accepted cannot be checked: that is a warning naming the
// refused rows, not a refusal, since nothing of the total is lost.
func (v *Validator) totals(file string, rows []RawRow, totals []int, recs []Record) ([]RowError, []Warning) {
	if len(totals) == 0 {
		return nil, nil
	}
	var errs []RowError
	var warns []Warning
	type column struct{ ind, dis string }
	// A file's rows repeat a few indicators and breakdowns: each text is
	// folded once.
	folded := map[string]string{}
	fold := func(s string) string {
		f, ok := folded[s]
		if !ok {
			f = Fold(s)
			folded[s] = f
		}
		return f
	}
	colOf := func(raw *RawRow) column { return column{fold(raw.Indicator), fold(raw.Disaggregation)} }
	accepted := make(map[string]float64, len(recs))
	for _, r := range recs {
		accepted[r.Ref] = r.Value
	}
	// The detail rows of each column, in row order.
	details := map[column][]int{}
	for i := range rows {
		if raw := &rows[i]; !raw.Total && raw.Group != "" {
			c := colOf(raw)
			details[c] = append(details[c], i)
		}
	}
	for _, i := range totals {
		raw := rows[i]
		if strings.TrimSpace(raw.Value) == "" {
			continue
		}
		n, err := ParseNumber(raw.Value)
		if raw.Plain {
			n.Value, _ = plainFloat(raw.Value)
			err = nil
		}
		if err != nil {
			p := problem("not_a_number", "Dòng tổng có giá trị %q không phải là số.", "Total row value %q is not a number.", raw.Value)
			if errors.Is(err, ErrFormula) {
				p = numberProblem(raw.Value, err)
			}
			if d := dashProblem(raw.Value); d != nil {
				p = d
			}
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, p))
			continue
		}
		// In the unit its rows were read in (Validator.value): the column's,
		// and hectares of land as m².
		inColumnUnit(&n, &raw)
		if Fold(n.Unit) == "ha" {
			if ind, _ := v.Resolver.Indicator(raw.Indicator); ind != nil && ind.Unit == "m²" {
				n.Value *= 10000
			}
		}
		sum, size, added := 0.0, math.Abs(n.Value), 0
		var refused []string
		for _, j := range details[colOf(&raw)] {
			d := &rows[j]
			if !InGroup(d.Group, raw.Group) {
				continue
			}
			if val, ok := accepted[d.Ref]; ok {
				sum += val
				size += math.Abs(val)
				added++
			} else {
				refused = append(refused, d.Ref)
			}
		}
		switch {
		case len(refused) > 0:
			shown := refused
			more, moreEN := "", ""
			if len(shown) > 3 {
				shown = shown[:3]
				more, moreEN = fmt.Sprintf(" và %d ô khác", len(refused)-3), fmt.Sprintf(" and %d more", len(refused)-3)
			}
			list := strings.Join(shown, ", ")
			listEN := make([]string, len(shown))
			for i, r := range shown {
				listEN[i] = RefEN(r)
			}
			warns = append(warns, Warning(*v.rowError(file, &raw, FieldValue, raw.Value, &Problem{"total_unchecked",
				"Không kiểm tra được dòng tổng vì số liệu chi tiết bị từ chối: " + list + more + ". Sửa các ô đó thì dòng tổng được kiểm tra.",
				"The total could not be checked because detail values were refused: " + strings.Join(listEN, ", ") + moreEN + ". Correct those cells and the total is checked."})))
		case math.Abs(n.Value-sum) > roundingOf(added, size):
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, &Problem{"total_mismatch",
				fmt.Sprintf("Dòng tổng ghi %s nhưng cộng các dòng được %s.", fmtValue(n.Value), fmtValue(sum)),
				fmt.Sprintf("The total row says %s but the rows add up to %s.", fmtValueEN(n.Value), fmtValueEN(sum))}))
		}
	}
	return errs, warns
}

// InGroup reports whether a row of group g is one that a total row of
// group total adds up: g is total, or lies within it (RawRow.Group).
func InGroup(g, total string) bool {
	return g == total || (len(g) > len(total) && g[len(total)] == GroupSep && g[:len(total)] == total)
}
