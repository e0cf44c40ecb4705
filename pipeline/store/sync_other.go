//go:build !linux

package store

// syncFiles makes files, and the entries of dirs, durable, one by one.
func syncFiles(files, dirs []string) error { return syncEach(files, dirs) }
