package layout

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// The submission portal's files:
//
//	DIR/portal/links.json                     the access links: unit, hash of the secret, expiry, revocation
//	DIR/portal/links.lock                     held while links.json is rewritten
//	DIR/portal/audit.jsonl                    one JSON line per event (a file received, previewed, refused)
//	DIR/portal/uploads/<pid>-<n>.<ext>        files being received; never read by ingest; swept at start
//	DIR/inbox/portal/<unit>/<time>-<hash>.<ext>   files committed through the portal, ingested as any inbox file
//
// A received file's name says who sent it and when: <unit> is the code of
// the unit its link is bound to, which decides the rows the file may hold,
// and <time> (UTC) is the moment the portal received it, which is the
// report's submission time. Ingest reads both from the path (ParseReceived).

// Portal holds the submission portal's own files.
func (d Dir) Portal() string { return d.path("portal") }

// PortalLinks is the list of access links.
func (d Dir) PortalLinks() string { return d.path("portal", "links.json") }

// PortalLinksLock is the lock held while the links are rewritten.
func (d Dir) PortalLinksLock() string { return d.path("portal", "links.lock") }

// PortalAudit is the portal's audit log.
func (d Dir) PortalAudit() string { return d.path("portal", "audit.jsonl") }

// PortalUploads holds the files being received.
func (d Dir) PortalUploads() string { return d.path("portal", "uploads") }

// PortalInbox is the inbox folder of one unit's portal submissions; with
// no unit, the folder of them all.
func (d Dir) PortalInbox(unit ...string) string {
	return d.path(append([]string{"inbox", PortalInboxDir}, unit...)...)
}

// PortalInboxDir is the name of the portal's folder in the inbox.
const PortalInboxDir = "portal"

// Received names a file the portal committed to the inbox.
type Received struct {
	Unit string    // code of the unit the link is bound to
	At   time.Time // when the portal received it, UTC
	Hash string    // hex SHA-256 of its bytes
	Ext  string    // ".xlsx", ".csv", ...: what its content is
}

// receivedTime is the time in a received file's name: UTC, to the
// millisecond, sortable as text, without characters a file system refuses.
const receivedTime = "20060102T150405.000Z"

// Name is the file's name: <time>-<hash>.<ext>.
func (r Received) Name() string {
	return r.At.UTC().Format(receivedTime) + "-" + r.Hash + r.Ext
}

// ReceivedFile is where the portal puts a received file.
func (d Dir) ReceivedFile(r Received) string {
	return filepath.Join(d.PortalInbox(r.Unit), r.Name())
}

// ParseReceived reads what a received file's path says: the path must end
// in inbox/portal/<unit>/<time>-<hash>.<ext>, with a unit code of digits.
// Any other path is not a portal submission (false).
func ParseReceived(path string) (Received, bool) {
	dir, name := filepath.Split(filepath.Clean(path))
	dir = filepath.Clean(dir)
	unit := filepath.Base(dir)
	portal := filepath.Base(filepath.Dir(dir))
	inbox := filepath.Base(filepath.Dir(filepath.Dir(dir)))
	if inbox != "inbox" || portal != PortalInboxDir || !unitCode(unit) {
		return Received{}, false
	}
	stamp, rest, ok := strings.Cut(name, "-")
	if !ok || len(stamp) != len(receivedTime) {
		return Received{}, false
	}
	at, err := time.Parse(receivedTime, stamp)
	if err != nil {
		return Received{}, false
	}
	ext := filepath.Ext(rest)
	hash := strings.TrimSuffix(rest, ext)
	if ext == "" || len(hash) != 64 || CheckBatch(hash) != nil {
		return Received{}, false
	}
	return Received{Unit: unit, At: at.UTC(), Hash: hash, Ext: ext}, true
}

// unitCode reports whether s can be a unit code: 2 (province), 3
// (district) or 5 (commune) digits.
func unitCode(s string) bool {
	if len(s) != 2 && len(s) != 3 && len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CheckUnitCode says why s cannot name a unit's portal folder, or nil.
func CheckUnitCode(s string) error {
	if !unitCode(s) {
		return fmt.Errorf("unit code %q: want 2, 3 or 5 digits", s)
	}
	return nil
}
