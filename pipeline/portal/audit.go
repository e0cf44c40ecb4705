package portal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// The audit log (layout.Dir.PortalAudit) is one JSON object per line, one
// per event: a link issued or revoked, a page opened, a file previewed,
// received, found already received, or refused. It is appended to, never
// rewritten, by the server and by `danvan access`; each line is one write
// to a file opened for appending, so two writers never interleave within a
// line. A received file's line is synced before the answer goes out. A
// line cut short by a crash is skipped by readers, and the next writer
// starts a new line.
//
// Nothing secret is in it: links are named by id, files by the hash of
// their bytes and the name the client gave (for people; never used as a
// path).

// EventKind is what happened.
type EventKind string

const (
	EventIssued    EventKind = "issued"
	EventRevoked   EventKind = "revoked"
	EventOpened    EventKind = "opened"    // the page was opened
	EventPreviewed EventKind = "previewed" // a file was checked, nothing kept (dry run)
	EventReceived  EventKind = "received"  // a file was committed to the inbox
	EventDuplicate EventKind = "duplicate" // a file already received was sent again; nothing kept
	EventRefused   EventKind = "refused"   // the upload was refused (too large, wrong type, rate, ...)
	EventRecovered EventKind = "recovered" // a file in the portal inbox without its line, found at start
)

// Event is one line of the audit log.
type Event struct {
	Time    time.Time `json:"time"`
	Kind    EventKind `json:"event"`
	Link    string    `json:"link,omitempty"`
	Unit    string    `json:"unit,omitempty"`
	Address string    `json:"address,omitempty"` // the client's IP address
	// The file: the name the client gave, its size, what its content is,
	// the SHA-256 of its bytes (the confirmation code) and, once received,
	// its path in the data directory.
	File   string `json:"file,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Type   string `json:"type,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Path   string `json:"path,omitempty"`
	// The validation summary: values that would be (or were) accepted and
	// refused, the periods they are for, and whether the file could not be
	// read at all.
	Accepted  int      `json:"accepted,omitempty"`
	Refused   int      `json:"refused,omitempty"`
	Periods   []string `json:"periods,omitempty"`
	FileError string   `json:"file_error,omitempty"`
	// Why the upload was refused (EventRefused), or a note.
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// audit appends to the log.
type audit struct {
	path string
	mu   sync.Mutex
}

// Append writes e as one line; sync makes it durable before returning.
func (a *audit) Append(e Event, sync bool) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := layout.MkdirAll(filepath.Dir(a.path)); err != nil {
		return err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	if torn(f) {
		b = append([]byte{'\n'}, b...)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	return f.Close()
}

// torn reports whether the log's last line lacks its newline (a writer
// died in the middle of it).
func torn(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return false
	}
	r, err := os.Open(f.Name())
	if err != nil {
		return false
	}
	defer r.Close()
	b := make([]byte, 1)
	_, err = r.ReadAt(b, fi.Size()-1)
	return err == nil && b[0] != '\n'
}

// ReadAudit reads the audit log of d, oldest first, skipping lines that do
// not parse (cut short by a crash).
func ReadAudit(d layout.Dir) ([]Event, error) {
	f, err := os.Open(d.PortalAudit())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer f.Close()
	var out []Event
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var e Event
			if json.Unmarshal(line, &e) == nil && !e.Time.IsZero() {
				out = append(out, e)
			}
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("read audit log: %w", err)
		}
	}
}

// LastUsed returns, per link id, when the link was last used: its page
// opened, a file checked, received or refused.
func LastUsed(events []Event) map[string]time.Time {
	out := map[string]time.Time{}
	for _, e := range events {
		switch e.Kind {
		case EventIssued, EventRevoked, EventRecovered:
			continue
		}
		if e.Link != "" && e.Time.After(out[e.Link]) {
			out[e.Link] = e.Time
		}
	}
	return out
}
