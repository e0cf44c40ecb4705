//go:build !(linux && (amd64 || arm64))

package layout

// syncAll is SyncAll: an fsync of each file and folder.
func syncAll(files, dirs []string) error { return syncEach(files, dirs) }
