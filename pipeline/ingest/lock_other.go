//go:build !unix

package ingest

import "os"

// writeLocked cannot tell on this system; a locked file fails when read
// instead, and is reported then.
func writeLocked(*os.File) bool { return false }

// openInput opens the file at path to read.
func openInput(path string) (*os.File, error) { return os.Open(path) }
