//go:build unix

package schedule

import (
	"errors"
	"os"
	"syscall"
)

// tryFlock takes an exclusive, non-blocking flock on f. supported is false
// when the file system does not do flock, so the caller falls back to pids.
func tryFlock(f *os.File) (got, supported bool, err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, true, nil
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.ENOSYS):
			return false, false, nil
		default:
			return false, true, err
		}
	}
}

func unflock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// pidAlive: signal 0 checks existence; EPERM means it exists but is not ours.
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
