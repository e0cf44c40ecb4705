//go:build linux && (amd64 || arm64)

package layout

import (
	"fmt"
	"os"
	"syscall"
)

// syncAll is SyncAll: one syncfs(2) per filesystem that holds one of dirs,
// which writes back everything written there in one go. The package keeps
// to the standard library, whose syscall names syncfs on arm64 only
// (sysSyncfs, per architecture).
func syncAll(files, dirs []string) error {
	seen := map[uint64]bool{}
	for _, d := range dirs {
		var st syscall.Stat_t
		if err := syscall.Stat(d, &st); err != nil {
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
		_, _, errno := syscall.Syscall(sysSyncfs, f.Fd(), 0, 0)
		f.Close()
		if errno == syscall.ENOSYS {
			return syncEach(files, dirs)
		}
		if errno != 0 {
			return fmt.Errorf("sync the filesystem of %s: %w", d, errno)
		}
	}
	return nil
}
