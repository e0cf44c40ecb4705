package ingest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/danvan/danvan/pipeline"
	datadir "github.com/danvan/danvan/pipeline/layout"
)

// How a file's refused rows travel. They are stored in one order: the
// reader's own refusals (a row it could not split into cells, a line that
// is no JSON), then the validator's, then the whole-file checks' (the same
// order as a file read whole). A file can refuse millions of rows, each
// with two messages (some 400 bytes), so none of them is held until the
// file commits: each goes to the file's Writer as it comes (refusalOut),
// and what the summary and the quarantine decision need of them is kept as
// they pass (tally). The order costs nothing while the reader refuses
// nothing; the validator's refusals wait (spool) only once the reader
// refused a row before them, in memory up to spoolRows, past that in a
// temporary file of the data directory.

// keptRejects is how many refused rows a FileResult keeps (all are
// stored): enough for any clerk's file, never millions.
const keptRejects = 10_000

// spoolRows is how many of the validator's refusals wait in memory before
// they go to the Writer or, once the reader refused a row, to a temporary
// file: 4096 of them are some 1.6 MB.
const spoolRows = 4096

// refusalOut takes a file's refused rows in their stored order: to its
// Writer (w nil: nowhere) in chunks, and to its tally (nil: not counted;
// a second pass over a file stores them again but counts them once).
type refusalOut struct {
	w     pipeline.Writer
	t     *tally
	chunk []pipeline.RowError
}

func (o *refusalOut) add(e pipeline.RowError) error {
	if o.t != nil {
		o.t.add(e)
	}
	if o.w == nil {
		return nil
	}
	o.chunk = append(o.chunk, e)
	if len(o.chunk) >= spoolRows {
		return o.flush()
	}
	return nil
}

// flush hands what waits to the Writer; it copies what it keeps.
func (o *refusalOut) flush() error {
	if o.w == nil || len(o.chunk) == 0 {
		return nil
	}
	err := o.w.Reject(o.chunk)
	clear(o.chunk) // the strings of rows already stored
	o.chunk = o.chunk[:0]
	if err != nil {
		return &writeError{err}
	}
	return nil
}

// tally is what a FileResult says of a file's refusals, fed them one by
// one in stored order: how many, the first keptRejects, the first show
// problems (Problems' grouping) and how many problems in all, and whether
// they all have one cause (oneCause). Its memory does not grow with the
// refusals, but for 8 bytes of hash per distinct problem: a 2,000,000-row
// file naming a different unknown unit on each row costs some 40 MB here,
// where the refusals themselves took 800.
type tally struct {
	n    int
	kept []pipeline.RowError
	show int // problems described; < 0: all

	problems []Problem
	lastRef  []string           // of each problem described: its last place
	at       map[problemKey]int // the problems described, by key
	// seen holds the FNV-64a hash of every problem's key, to count them:
	// two problems of one file with one hash (about one chance in 10^7 for
	// two million problems) are counted as one.
	seen map[uint64]struct{}

	first pipeline.RowError
	same  bool // every refusal so far has first's cause
}

type problemKey struct{ code, column, value, reason string }

// problemRefs is how many places a tallied Problem keeps (Places prints
// five at most); the others are counted in Problem.More.
const problemRefs = 5

func newTally(show int) *tally {
	return &tally{show: show, at: map[problemKey]int{}, seen: map[uint64]struct{}{}}
}

// tallyOf tallies rejects, as stored.
func tallyOf(rejects []pipeline.RowError, show int) *tally {
	t := newTally(show)
	for _, e := range rejects {
		t.add(e)
	}
	return t
}

func (t *tally) add(e pipeline.RowError) {
	t.n++
	if len(t.kept) < keptRejects {
		t.kept = append(t.kept, e)
	}
	if t.n == 1 {
		t.first, t.same = e, true
	} else if t.same && !sameCause(&t.first, &e) {
		t.same = false
	}
	k := problemKey{e.Code, e.Column, e.Value, e.Reason}
	i, ok := t.at[k]
	if !ok {
		sum := problemHash(&k)
		if _, dup := t.seen[sum]; dup {
			return // a problem past those described
		}
		t.seen[sum] = struct{}{}
		if t.show >= 0 && len(t.problems) >= max(t.show, 1) {
			return
		}
		i = len(t.problems)
		t.at[k] = i
		t.problems = append(t.problems, Problem{RowError: e})
		t.lastRef = append(t.lastRef, "")
	}
	p := &t.problems[i]
	p.Values++
	switch n := len(p.Refs); {
	case n > 0 && t.lastRef[i] == e.Ref:
	case n < problemRefs:
		p.Refs = append(p.Refs, e.Ref)
	default:
		p.More++
	}
	t.lastRef[i] = e.Ref
}

// problemHash is the FNV-64a hash of a problem's key, each text followed
// by a 0xff byte (none in UTF-8). Written out rather than with hash/fnv,
// which would allocate for each refusal.
func problemHash(k *problemKey) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, s := range [...]string{k.code, k.column, k.value, k.reason} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
		h = (h ^ 0xff) * prime
	}
	return h
}

// sameCause: oneCause's test of two refusals.
func sameCause(a, b *pipeline.RowError) bool {
	return a.Code == b.Code && a.Column == b.Column && a.Value == b.Value && a.Reason == b.Reason
}

// result sets what res says of the refusals.
func (t *tally) result(res *FileResult) {
	res.Rejected, res.Rejects, res.ProblemCount = t.n, t.kept, len(t.seen)
	res.Problems = t.problems
	if t.show >= 0 && len(res.Problems) > t.show {
		res.Problems = res.Problems[:t.show]
	}
}

// spool keeps refused rows in order, in memory up to spoolRows and past
// that in a temporary file in dir (the data directory's temp folder,
// which the store clears of what a killed run left: the name starts with
// the process id, as the store's own temp files do).
type spool struct {
	dir  string
	mem  []pipeline.RowError
	f    *os.File
	w    *bufio.Writer
	n    int // rows in f
	werr error
	buf  []byte
}

func (s *spool) len() int { return len(s.mem) + s.n }

func (s *spool) add(e pipeline.RowError) error {
	if s.werr != nil {
		return s.werr
	}
	if len(s.mem) < spoolRows && s.f == nil {
		s.mem = append(s.mem, e)
		return nil
	}
	if s.f == nil {
		dir := s.dir
		if dir == "" {
			dir = os.TempDir()
		}
		f, err := os.CreateTemp(dir, datadir.Self()+"-refusals-*.tmp")
		if err != nil {
			s.werr = fmt.Errorf("set refused rows aside: %w", err)
			return s.werr
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	b := s.buf[:0]
	for _, v := range rowFields(&e) {
		b = binary.AppendUvarint(b, uint64(len(*v)))
		b = append(b, *v...)
	}
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		s.werr = fmt.Errorf("set refused rows aside: %w", err)
		return s.werr
	}
	s.n++
	return nil
}

// rowFields are the fields of a RowError a spool keeps, in its order.
func rowFields(e *pipeline.RowError) [10]*string {
	return [10]*string{&e.File, &e.Ref, &e.Column, &e.Value, &e.Code, &e.Reason, &e.ReasonEN, &e.ProvinceCode, &e.UnitCode, &e.Unit}
}

// drain hands the rows to out in the order they came, and empties s.
func (s *spool) drain(out *refusalOut) error {
	for _, e := range s.mem {
		if err := out.add(e); err != nil {
			return err
		}
	}
	clear(s.mem)
	s.mem = s.mem[:0]
	if s.f == nil {
		return s.werr
	}
	defer s.close()
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("set refused rows aside: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read refused rows set aside: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<20)
	for range s.n {
		var e pipeline.RowError
		for _, v := range rowFields(&e) {
			n, err := binary.ReadUvarint(r)
			if err == nil && n > 1<<31 {
				err = errors.New("length out of range")
			}
			if err == nil {
				if cap(s.buf) < int(n) {
					s.buf = make([]byte, n)
				}
				_, err = io.ReadFull(r, s.buf[:n])
			}
			if err != nil {
				return fmt.Errorf("read refused rows set aside: %w", err)
			}
			*v = string(s.buf[:n])
		}
		if err := out.add(e); err != nil {
			return err
		}
	}
	s.n = 0
	return nil
}

// close removes the temporary file, if any.
func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f, s.w, s.n = nil, nil, 0
	}
}
