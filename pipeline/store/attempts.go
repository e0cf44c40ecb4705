package store

import (
	"fmt"
	"os"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

var _ pipeline.Tracker = (*Store)(nil)

// Begin records that this process reads b (layout.Attempt) and returns b's
// strikes. A record left with the id of a process that is gone (on this
// host) is a run that died reading b: a strike, dated when that run began
// reading it.
func (s *Store) Begin(b pipeline.Batch) ([]layout.Strike, error) {
	a, ok, err := layout.ReadAttempt(s.dir, b.Hash)
	if err != nil {
		return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
	}
	host, _ := os.Hostname()
	if ok && a.PID > 0 && a.PID != os.Getpid() && (a.Host == "" || a.Host == host) && !layout.Alive(a.PID) {
		a.Strikes = append(a.Strikes, layout.Strike{At: a.Started, Kind: layout.StrikeDied,
			Reason:   "lần chạy dừng đột ngột khi đang đọc tệp (bị tắt, hết bộ nhớ hoặc máy khởi động lại)",
			ReasonEN: "the run stopped abruptly while reading the file (killed, out of memory, or the machine restarted)"})
	}
	a.Batch, a.SourceFile, a.SourcePath = b.Hash, b.SourceFile, b.SourcePath
	a.PID, a.Host, a.Started = os.Getpid(), host, time.Now().UTC().Truncate(time.Second)
	if err := layout.WriteAttempt(s.dir, a); err != nil {
		return nil, fmt.Errorf("begin %s: %w", b.SourceFile, err)
	}
	return a.Strikes, nil
}

// Done forgets b.
func (s *Store) Done(b pipeline.Batch) error {
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
	a, _, err := layout.ReadAttempt(s.dir, b.Hash)
	if err != nil {
		return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
	}
	a.Batch, a.SourceFile, a.SourcePath = b.Hash, b.SourceFile, b.SourcePath
	a.PID, a.Host, a.Started = 0, "", time.Time{}
	if st != nil {
		a.Strikes = append(a.Strikes, *st)
	}
	if len(a.Strikes) == 0 {
		return s.Done(b)
	}
	if err := layout.WriteAttempt(s.dir, a); err != nil {
		return fmt.Errorf("record the attempt on %s: %w", b.SourceFile, err)
	}
	return nil
}
