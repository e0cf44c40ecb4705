package pipeline

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// File validates all rows of one file: each row, then the checks that need
// the whole file. Records come back in row order; every raw row is either
// in records, in errors, or a form total row, which is never stored: it
// checked out, or it is in errors (it does not add up), or in warnings (a
// row it adds up was refused, so it could not be checked).
func (v *Validator) File(file string, rows []RawRow) ([]Record, []RowError, []Warning) {
	var recs []Record
	var errs []RowError
	var totals []int
	for i, raw := range rows {
		if raw.Total {
			totals = append(totals, i)
			continue
		}
		rec, rerr := v.Row(file, raw)
		if rerr != nil {
			errs = append(errs, *rerr)
			continue
		}
		recs = append(recs, rec)
	}
	check := v.NewFileCheck(file, func(seq int) string { return recs[seq].Ref })
	for i := range recs {
		check.Add(i, &recs[i])
	}
	if refused := check.Finish(); len(refused) > 0 {
		drop := make(map[int]bool, len(refused))
		for _, r := range refused {
			drop[r.Seq] = true
			errs = append(errs, r.Err)
		}
		kept := recs[:0]
		for i, r := range recs {
			if !drop[i] {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	terrs, warns := v.totals(file, rows, totals, recs)
	return recs, append(errs, terrs...), warns
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
		c.recentKeys = new([keySlots]recentKey)
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
	// seq and value.
	checkEntry struct {
		hi, lo uint64
		seq    uint32
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
	c.entries = append(c.entries, checkEntry{
		hi:  uint64(r.Unit.CodeIndex)<<32 | uint64(c.periodKey(&r.Period)),
		lo:  uint64(r.Indicator.Index)<<32 | uint64(c.lastDisIndex),
		seq: uint32(seq), value: r.Value,
	})
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
// refuse both. Rules only see values that survived the duplicate check.
func (c *FileCheck) Finish() []Refusal {
	es := c.sortEntries()
	defer func() {
		c.v.giveBack(c.entries, c.tmp)
		c.entries, c.tmp = nil, nil
	}()
	var dups, rules []refusal
	var conflicted map[uint32]bool // first seqs of keys with conflicting values
	for g := 0; g < len(es); {
		first := &es[g]
		end := g + 1
		for end < len(es) && es[end].sameKey(first) {
			end++
		}
		for j := g + 1; j < end; j++ {
			e := &es[j]
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
	for i := range es {
		first := &es[i]
		if i > 0 && es[i-1].sameKey(first) {
			continue
		}
		ind := c.v.Ref.Indicators[first.lo>>32]
		if ind.MaxOf == "" || conflicted[first.seq] {
			continue
		}
		limit := c.v.Ref.Indicator(ind.MaxOf)
		want := checkEntry{hi: first.hi, lo: uint64(limit.Index)<<32 | first.lo&(1<<32-1)}
		j, _ := slices.BinarySearchFunc(es, want, compareEntries)
		if j == len(es) || !es[j].sameKey(&want) {
			continue
		}
		lim := &es[j]
		if conflicted[lim.seq] || first.value <= lim.value {
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
	out := make([]Refusal, 0, len(dups)+len(rules))
	for _, r := range append(dups, rules...) {
		out = append(out, c.refuse(r))
	}
	return out
}

// sortEntries orders the entries by key, in seq order within a key. The
// four parts of a key are dense numbers, so within a file each spans far
// fewer than 32 bits, and a radix sort on those bits (each part less its
// least value) beats a comparison sort by an order of magnitude on a file
// of millions of rows. Entries were added in seq order and the radix sort
// is stable, so seqs stay in order within a key.
func (c *FileCheck) sortEntries() []checkEntry {
	es := c.entries
	if len(es) < 256 {
		slices.SortFunc(es, compareEntries)
		return es
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
	var width [4]int
	total := 0
	for i := range most {
		width[i] = bits.Len64(most[i] - least[i])
		total += width[i]
	}
	if total > 64 {
		slices.SortFunc(es, compareEntries)
		return es
	}
	key := func(e *checkEntry) uint64 {
		return (e.hi>>32-least[0])<<(width[1]+width[2]+width[3]) | (e.hi&(1<<32-1)-least[1])<<(width[2]+width[3]) |
			(e.lo>>32-least[2])<<width[3] | (e.lo&(1<<32-1) - least[3])
	}
	const digit = 11
	tmp := c.v.entryBuffer(len(es))[:len(es)]
	c.tmp = tmp
	src, dst := es, tmp
	for shift := 0; shift < total; shift += digit {
		var count [1 << digit]int
		for i := range src {
			count[key(&src[i])>>shift&(1<<digit-1)]++
		}
		pos := 0
		for d, n := range count {
			count[d] = pos
			pos += n
		}
		for i := range src {
			d := key(&src[i]) >> shift & (1<<digit - 1)
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	return src
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
	colOf := func(raw *RawRow) column { return column{Fold(raw.Indicator), Fold(raw.Disaggregation)} }
	accepted := make(map[string]float64, len(recs))
	for _, r := range recs {
		accepted[r.Ref] = r.Value
	}
	// The detail rows of each column, in row order.
	details := map[column][]int{}
	for i := range rows {
		if raw := &rows[i]; !raw.Total && raw.Group != "" {
			details[colOf(raw)] = append(details[colOf(raw)], i)
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
			errs = append(errs, *v.rowError(file, &raw, FieldValue, raw.Value, problem("not_a_number",
				"Dòng tổng có giá trị %q không phải là số.", "Total row value %q is not a number.", raw.Value)))
			continue
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
