//go:build !unix

package layout

import "os"

// createNew creates the file at path, which must not exist, to write.
func createNew(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
}
