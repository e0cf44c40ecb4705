package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// ErrBusy is matched (errors.Is) by every *BusyError.
var ErrBusy = errors.New("refresh already running")

// Holder is what the run lock file says about the process holding it.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host,omitempty"`
	Started time.Time `json:"started"`
	RunID   string    `json:"run_id,omitempty"`
}

// BusyError is returned when another refresh holds the run lock, in this
// process or another one.
type BusyError struct {
	Holder    Holder
	InProcess bool // the other refresh runs in this very process
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }

func (e *BusyError) Error() string {
	who, whoEN := "không rõ tiến trình", "unknown process"
	if e.Holder.PID > 0 {
		at, atEN := "?", "?"
		if !e.Holder.Started.IsZero() {
			t := e.Holder.Started.In(Zone)
			at, atEN = t.Format("15:04:05"), t.Format("15:04:05")
			if now := time.Now().In(Zone); t.YearDay() != now.YearDay() || t.Year() != now.Year() {
				at, atEN = t.Format("15:04:05 02/01/2006"), t.Format("2006-01-02 15:04:05")
			}
		}
		who = fmt.Sprintf("pid %d, bắt đầu %s", e.Holder.PID, at)
		whoEN = fmt.Sprintf("pid %d, started %s", e.Holder.PID, atEN)
		if e.Holder.Host != "" && e.Holder.Host != hostname() {
			who += ", máy " + e.Holder.Host
			whoEN += ", host " + e.Holder.Host
		}
	}
	return fmt.Sprintf("một lần làm mới khác đang chạy (%s); thử lại sau (another refresh is running (%s); try again later)", who, whoEN)
}

// LockPath is the run lock of a data directory.
func LockPath(dataDir string) string { return layout.Dir(dataDir).RunLock() }

// Lock takes the run lock of dataDir, the one a refresh holds, so that
// nothing else changes the warehouse under it. With wait 0 it tries once and
// returns a *BusyError if the lock is held; otherwise it keeps trying until
// wait has passed or ctx is done. A lock left by a dead process is taken over
// and the takeover logged (nil logger: slog.Default()). The returned unlock
// removes the lock file and releases it.
//
// The lock is the file DIR/runs/run.lock created with O_EXCL and holding the
// holder's pid, host and start time, plus an flock(2) on it. The flock is the
// authority: the kernel drops it when the holder dies, however it dies, so a
// lock file whose flock can be taken is stale even if its pid happens to be
// alive again (pids are reused, and containers sharing the directory see
// different pid spaces). Where flock is not supported, the pid decides.
func Lock(ctx context.Context, dataDir string, wait time.Duration, logger *slog.Logger) (unlock func() error, err error) {
	if logger == nil {
		logger = slog.Default()
	}
	l, err := lockWait(ctx, LockPath(dataDir), Holder{Started: time.Now()}, wait, logger)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}

func lockWait(ctx context.Context, path string, h Holder, wait time.Duration, logger *slog.Logger) (*fileLock, error) {
	deadline := time.Now().Add(wait)
	for {
		l, err := acquire(path, h, logger)
		if err == nil || !errors.Is(err, ErrBusy) || wait <= 0 || time.Now().After(deadline) {
			return l, err
		}
		t := time.NewTimer(min(200*time.Millisecond, time.Until(deadline)+time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		case <-t.C:
		}
	}
}

type fileLock struct {
	f    *os.File
	path string
}

// acquire tries once to take the lock at path. See Lock for the protocol;
// the invariant is that the owner is whoever holds the flock on the inode the
// path names right now. The owner removes the path before unlocking, so a
// process that wins the flock on a removed inode notices (sameFile) and
// starts over.
func acquire(path string, h Holder, logger *slog.Logger) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	h.PID, h.Host = os.Getpid(), hostname()
	for range 20 {
		created := true
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			created = false
			f, err = os.OpenFile(path, os.O_RDWR, 0)
			if errors.Is(err, fs.ErrNotExist) {
				continue // released between our two opens
			}
		}
		if err != nil {
			return nil, fmt.Errorf("open run lock %s: %w", path, err)
		}
		got, supported, err := tryFlock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		prev, _ := readHolder(f)
		if supported && !got {
			f.Close()
			return nil, &BusyError{Holder: prev}
		}
		if !supported && !created && holderAlive(prev) {
			f.Close()
			return nil, &BusyError{Holder: prev}
		}
		if supported {
			if same, err := sameFile(f, path); err != nil || !same {
				unflock(f)
				f.Close()
				continue
			}
		}
		if !created {
			if prev.PID > 0 {
				logger.Warn("taking over stale run lock",
					"path", path, "holder_pid", prev.PID, "holder_host", prev.Host,
					"holder_started", prev.Started, "holder_alive", holderAlive(prev))
			} else {
				logger.Debug("taking over empty run lock", "path", path)
			}
		}
		if err := writeHolder(f, h); err != nil {
			unflock(f)
			f.Close()
			return nil, fmt.Errorf("write run lock %s: %w", path, err)
		}
		return &fileLock{f: f, path: path}, nil
	}
	return nil, fmt.Errorf("take run lock %s: the file keeps changing under us", path)
}

func (l *fileLock) release() error {
	var errs []error
	if same, err := sameFile(l.f, l.path); err == nil && same {
		if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove run lock: %w", err))
		}
	}
	unflock(l.f)
	if err := l.f.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close run lock: %w", err))
	}
	return errors.Join(errs...)
}

func readHolder(f *os.File) (Holder, error) {
	var h Holder
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
	if err != nil {
		return h, err
	}
	if len(b) == 0 {
		return h, nil
	}
	return h, json.Unmarshal(b, &h)
}

// readLockHolder reads the lock file without locking it (for metrics).
func readLockHolder(path string) (Holder, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	h, err := readHolder(f)
	return h, err == nil
}

func writeHolder(f *os.File, h Holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}

func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// holderAlive reports whether the holder's process still runs, as far as
// this host can tell: a holder on another host is presumed alive.
func holderAlive(h Holder) bool {
	if h.PID <= 0 {
		return false
	}
	if h.Host != "" && h.Host != hostname() {
		return true
	}
	return pidAlive(h.PID)
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
