//go:build linux

package store

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFiles makes files, and the entries of dirs (every file is in one of
// them), durable: here with one syncfs(2) per filesystem that holds one of
// dirs, which writes them all back in one journal commit instead of one per
// file and folder; one by one where the kernel has no syncfs.
func syncFiles(files, dirs []string) error {
	seen := map[uint64]bool{}
	for _, d := range dirs {
		var st unix.Stat_t
		if err := unix.Stat(d, &st); err != nil {
			return fmt.Errorf("sync %s: %w", d, err)
		}
		if seen[st.Dev] {
			continue
		}
		seen[st.Dev] = true
		f, err := os.Open(d)
		if err != nil {
			return fmt.Errorf("sync %s: %w", d, err)
		}
		err = unix.Syncfs(int(f.Fd()))
		f.Close()
		if errors.Is(err, unix.ENOSYS) {
			return syncEach(files, dirs)
		}
		if err != nil {
			return fmt.Errorf("sync the filesystem of %s: %w", d, err)
		}
	}
	return nil
}
