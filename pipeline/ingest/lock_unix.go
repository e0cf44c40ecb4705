//go:build unix

package ingest

import (
	"errors"
	"os"
	"syscall"
)

// writeLocked reports whether another process holds an exclusive lock on
// f, by either of the two kinds of lock Unix programs take: flock(2), which
// copy tools and scripts (flock -x) use, and fcntl(2) record locks, which
// office suites use. Both probes leave no lock behind: a shared flock is
// taken and given back at once, and F_GETLK only asks.
func writeLocked(f *os.File) bool {
	fd := int(f.Fd())
	err := syscall.Flock(fd, syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true
	}
	if err == nil {
		_ = syscall.Flock(fd, syscall.LOCK_UN)
	}
	lk := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(uintptr(fd), syscall.F_GETLK, &lk); err == nil && lk.Type == syscall.F_WRLCK {
		return true
	}
	return false
}

// openInput opens the file at path to read, as os.Open does but without
// offering it to Go's poller: an inbox file is a regular file, which the
// poller refuses after five system calls (four fcntl and an epoll_ctl),
// more than the open itself costs. A FIFO would block a read; walk passes
// over anything but regular files.
func openInput(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
