//go:build unix

package layout

import (
	"os"
	"syscall"
)

// createNew creates the file at path, which must not exist, to write, as
// os.OpenFile with O_RDWR|O_CREATE|O_EXCL and mode 0644 does, but without
// offering it to Go's poller: the poller refuses a regular file after five
// system calls (four fcntl and an epoll_ctl), more than writing a commit
// record costs, and a seal writes one a file.
func createNew(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
