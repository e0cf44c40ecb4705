//go:build !unix

package schedule

import "os"

// Without flock the O_EXCL lock file and its pid decide alone.
func tryFlock(f *os.File) (got, supported bool, err error) { return false, false, nil }

func unflock(f *os.File) {}

func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid) // on Windows this opens the process: fails if gone
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
