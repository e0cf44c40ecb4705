package store

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

var _ pipeline.Tracker = (*Store)(nil)

// readings are the store's reading records (layout.Reading): idle ones
// to reuse, and those in use by the batch they name, with whether that
// batch had a record of its own when its reading began (to remove once
// it is done).
type readings struct {
	host string // this machine's name, read once when the store opens (adoptReadings)
	mu   sync.Mutex
	free []*layout.Reading
	busy map[string][]busyReading
	// seen is the batch record Alone read last, which Begin of that
	// batch, called next, takes instead of reading it again: a commune's
	// form has no record, and the two failing opens were 730 a drop.
	seen seenAttempt
}

type seenAttempt struct {
	batch string // "" when none is held
	a     layout.Attempt
	ok    bool
}

type busyReading struct {
	r         *layout.Reading
	hadRecord bool
}

// Begin records that this process reads b (its reading record) and
// returns b's strikes. A batch's record left with the id of a process
// that is gone (on this host) is a run that died reading b: a strike,
// dated when that run began reading it, kept in the batch's record.
func (s *Store) Begin(b pipeline.Batch) ([]layout.Strike, error) {
	a, ok, err := s.attempt(b)
	if err != nil {
		return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
	}
	host := s.rd.host
	// Only adoptReadings writes a process id here, a gone process's: one
	// that is this process's id was an earlier process's (layout.Self).
	if ok && a.PID > 0 && (a.Host == "" || a.Host == host) && (a.PID == os.Getpid() || !layout.Alive(a.PID)) {
		a.Strikes = append(a.Strikes, layout.Strike{At: a.Started, Kind: layout.StrikeDied,
			Reason:   "lần chạy dừng đột ngột khi đang đọc tệp (bị tắt, hết bộ nhớ hoặc máy khởi động lại)",
			ReasonEN: "the run stopped abruptly while reading the file (killed, out of memory, or the machine restarted)"})
		a.Batch, a.SourceFile, a.SourcePath = b.Hash, b.SourceFile, b.SourcePath
		a.PID, a.Host, a.Started = 0, "", time.Time{}
		if err := layout.WriteAttempt(s.dir, a); err != nil {
			return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
		}
	}
	r, err := s.reading(host)
	if err != nil {
		return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
	}
	if err := r.Set(layout.Attempt{Batch: b.Hash, SourceFile: b.SourceFile, SourcePath: b.SourcePath,
		PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second)}); err != nil {
		r.Remove()
		return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
	}
	s.rd.mu.Lock()
	if s.rd.busy == nil {
		s.rd.busy = map[string][]busyReading{}
	}
	s.rd.busy[b.Hash] = append(s.rd.busy[b.Hash], busyReading{r, ok})
	s.rd.mu.Unlock()
	return a.Strikes, nil
}

// Alone reports whether b has a record of its own (strikes, or a run died
// reading it beside another file): ingest then reads it with no other file
// in flight.
func (s *Store) Alone(b pipeline.Batch) (bool, error) {
	a, ok, err := layout.ReadAttempt(s.dir, b.Hash)
	if err != nil {
		return false, fmt.Errorf("read the attempts of %s: %w", b.SourceFile, err)
	}
	s.rd.mu.Lock()
	s.rd.seen = seenAttempt{b.Hash, a, ok}
	s.rd.mu.Unlock()
	return ok, nil
}

// attempt is b's record for Begin: the one Alone read of it just before
// (ingest asks Alone, stores the file in flight if it must, then begins),
// or read now. What Alone held is dropped either way, so a record is never
// taken twice.
func (s *Store) attempt(b pipeline.Batch) (layout.Attempt, bool, error) {
	s.rd.mu.Lock()
	seen := s.rd.seen
	s.rd.seen = seenAttempt{}
	s.rd.mu.Unlock()
	if seen.batch != "" && seen.batch == b.Hash {
		return seen.a, seen.ok, nil
	}
	return layout.ReadAttempt(s.dir, b.Hash)
}

// reading returns an idle reading record, made when none is.
func (s *Store) reading(host string) (*layout.Reading, error) {
	s.rd.mu.Lock()
	if n := len(s.rd.free); n > 0 {
		r := s.rd.free[n-1]
		s.rd.free = s.rd.free[:n-1]
		s.rd.mu.Unlock()
		return r, nil
	}
	s.rd.mu.Unlock()
	return layout.CreateReading(s.dir, host)
}

// endReading makes the reading record of b idle and reports whether b had
// a record of its own when its reading began; true when b's reading did
// not begin in this store (nothing then tells).
func (s *Store) endReading(b pipeline.Batch) (hadRecord bool, err error) {
	s.rd.mu.Lock()
	rs := s.rd.busy[b.Hash]
	if len(rs) == 0 {
		s.rd.mu.Unlock()
		return true, nil
	}
	br := rs[len(rs)-1]
	if len(rs) == 1 {
		delete(s.rd.busy, b.Hash)
	} else {
		s.rd.busy[b.Hash] = rs[:len(rs)-1]
	}
	s.rd.mu.Unlock()
	if err := br.r.Set(layout.Attempt{PID: os.Getpid(), Host: s.rd.host}); err != nil {
		br.r.Remove()
		return true, err
	}
	s.rd.mu.Lock()
	s.rd.free = append(s.rd.free, br.r)
	s.rd.mu.Unlock()
	return br.hadRecord, nil
}

// Done forgets b.
func (s *Store) Done(b pipeline.Batch) error {
	had, err := s.endReading(b)
	if err != nil {
		return fmt.Errorf("done with %s: %w", b.SourceFile, err)
	}
	if !had {
		return nil
	}
	if err := layout.RemoveAttempt(s.dir, b.Hash); err != nil {
		return fmt.Errorf("done with %s: %w", b.SourceFile, err)
	}
	return nil
}

// Strike adds a strike to b's record, which no process reads now.
func (s *Store) Strike(b pipeline.Batch, st layout.Strike) error {
	return s.endAttempt(b, &st)
}

// Release keeps b's strikes; no process reads it now.
func (s *Store) Release(b pipeline.Batch) error { return s.endAttempt(b, nil) }

func (s *Store) endAttempt(b pipeline.Batch, st *layout.Strike) error {
	a, ok, err := layout.ReadAttempt(s.dir, b.Hash)
	if err != nil {
		return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
	}
	if st == nil && ok && a.PID == 0 {
		// Released: the record already says what it must, and is not
		// written again, which a full disk refuses; a reading left
		// unended is what the next run counts as a death on b.
		if _, err := s.endReading(b); err != nil {
			return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
		}
		return nil
	}
	a.Batch, a.SourceFile, a.SourcePath = b.Hash, b.SourceFile, b.SourcePath
	a.PID, a.Host, a.Started = 0, "", time.Time{}
	if st != nil {
		a.Strikes = append(a.Strikes, *st)
	}
	if len(a.Strikes) == 0 && !a.ReadAlone {
		return s.Done(b)
	}
	if err := layout.WriteAttempt(s.dir, a); err != nil {
		return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
	}
	if _, err := s.endReading(b); err != nil {
		return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
	}
	return nil
}

// closeReadings removes the store's reading records. One still in use
// (a file whose reading never ended) is left as it is, for the next run
// to find once this process is gone.
func (s *Store) closeReadings() error {
	s.rd.mu.Lock()
	free := s.rd.free
	s.rd.free, s.rd.seen = nil, seenAttempt{}
	s.rd.mu.Unlock()
	var errs []error
	for _, r := range free {
		errs = append(errs, r.Remove())
	}
	return errors.Join(errs...)
}

// adoptReadings turns the reading records of processes that are gone (on
// this host) into their batches' records, with the dead process's id, as
// runs wrote them before reading records: Begin then counts the strike.
// A process that died with more than one file in flight (read and not
// committed) names none: each batch's record gets ReadAlone and no process id, so no strike is counted
// and the next run reads it alone. The record of a batch committed since
// (its file is not read again) is only removed, as are idle ones.
func (s *Store) adoptReadings() error {
	s.rd.host, _ = os.Hostname()
	host := s.rd.host
	left, err := layout.LeftReadings(s.dir)
	if err != nil {
		return err
	}
	dead := func(l layout.LeftReading) bool {
		return (l.Attempt.Host == "" || l.Attempt.Host == host) && l.Gone()
	}
	// By dead process, its files in flight when it died: those it read
	// and had not committed (one whose commit record is there had only its
	// reading record left to end).
	type proc struct {
		pid  int
		mark string
	}
	inFlight := map[proc]int{}
	for _, l := range left {
		if a := l.Attempt; dead(l) && a.Batch != "" && layout.CheckBatch(a.Batch) == nil && !layout.Committed(s.dir, a.Batch) {
			inFlight[proc{l.PID, l.Mark}]++
		}
	}
	for _, l := range left {
		if !dead(l) {
			continue
		}
		if a := l.Attempt; a.Batch != "" && layout.CheckBatch(a.Batch) == nil && !layout.Committed(s.dir, a.Batch) {
			had, _, err := layout.ReadAttempt(s.dir, a.Batch)
			if err != nil {
				return err
			}
			had.Batch, had.SourceFile, had.SourcePath = a.Batch, a.SourceFile, a.SourcePath
			if inFlight[proc{l.PID, l.Mark}] > 1 {
				had.PID, had.Host, had.Started, had.ReadAlone = 0, "", time.Time{}, true
			} else {
				had.PID, had.Host, had.Started = l.PID, a.Host, a.Started
			}
			if err := layout.WriteAttempt(s.dir, had); err != nil {
				return err
			}
		}
		if err := os.Remove(l.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove reading record: %w", err)
		}
	}
	return nil
}
