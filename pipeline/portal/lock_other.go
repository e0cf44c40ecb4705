//go:build !unix

package portal

import "sync"

var links sync.Mutex

// lockFile is a lock within this process only where flock is missing: two
// processes rewriting the links at once may lose one's change.
func lockFile(string) (func(), error) {
	links.Lock()
	return links.Unlock, nil
}
