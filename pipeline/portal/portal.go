// Package portal is the submission portal: a district, a commune or a
// province office sends its report in the browser, sees at once what would
// be accepted and refused, and commits it into the inbox, without an
// account to manage.
//
// Access is by link (links.go): `danvan access issue` draws a random secret
// per unit and prints the link /nop/<secret>; only a hash of the secret is
// kept. The secret opens the page and, as a bearer token, the JSON API
// behind it (POST /api/submissions), which other systems can call too. A
// link is bound to one unit: the rows of a file sent with it must be that
// unit's (a province office's, its province's), which ingest enforces from
// the file's place in the inbox (pipeline.Submission), so the preview and
// the night's run say the same.
//
// A file is received in steps, none of which can leave half a file where
// anything reads it:
//
//  1. The body streams into DIR/portal/uploads/<pid>-<n>.part, counted
//     (the size limit) and hashed on the way; ingest never reads there,
//     and a server killed mid-upload leaves a file the next one sweeps.
//  2. Its type is sniffed from its bytes, and it is renamed to the
//     extension of what it is; the name the client gave is only shown.
//  3. It is checked by ingest's own code (ingest.Submitted into a Sink that
//     keeps nothing), and compared with what was received before: the
//     published snapshot, and portal files waiting for the next refresh.
//  4. A dry run answers there and removes the upload. A commit copies it
//     into DIR/inbox/portal/<unit>/<time>-<hash>.<ext> with the atomic
//     write of layout (temp file, fsync, rename, fsync of the folder): the
//     commit point. Then the audit log gets its line (synced), and the
//     answer is the receipt. A crash between the rename and the audit line
//     leaves a file without its line; New adds the line ("recovered").
//
// Hostile uploads meet, in this order: a rate limit per client address and
// one per link, the bearer secret, a refusal of cross-site requests, one
// upload at a time per link, the size limit (a declared length over it is
// refused before a byte is read), the type sniffed, and ingest's own
// limits while reading a workbook (a zip bomb is ingest's to refuse). Every
// refusal is an answer in words, Vietnamese and English, that the page
// shows.
package portal

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
)

// Options configure a Portal. Only DataDir is required.
type Options struct {
	DataDir   string
	Reference *pipeline.Reference // nil: the embedded reference
	// Published is what the dashboard shows now; nil: the snapshot of
	// DataDir, read with DuckDB.
	Published Published
	// Calendar is the reporting calendar, which says what a unit owes;
	// nil: the data directory's (pipeline.CalendarFor).
	Calendar *pipeline.Calendar
	// DeadlineDays is the default number of days after a period's end a
	// report is on time (the calendar's rules may set their own).
	DeadlineDays int

	MaxBytes      int64         // largest file accepted; 20 MiB
	UploadTimeout time.Duration // longest an upload may take to arrive; 10 min
	Checks        int           // files checked at once; 2 (checking a workbook takes a core)

	// Rate limits: a token bucket per link (for uploads) and per client
	// address (for every request). Defaults: a link may send 20 files at
	// once and then one every 30 s; an address (a whole office behind one
	// router) 60 requests at once, then two a second.
	LinkRate     rate.Limit
	LinkBurst    int
	AddressRate  rate.Limit
	AddressBurst int

	// Refresh, when set, is called after each file received, to start a
	// refresh soon (`serve --refresh-on-submit`); it must not block.
	Refresh func()
	// NextRefresh says when the next scheduled refresh runs; nil or zero:
	// none is scheduled.
	NextRefresh func() time.Time

	// Client names who asks, for the per-address rate limit and the audit
	// log; default: the remote IP address (behind a reverse proxy, that is
	// the proxy's).
	Client func(*http.Request) string
	Now    func() time.Time // the time files are stamped with; default time.Now
	Logger *slog.Logger
}

// DefaultMaxBytes is the default size limit of a file: a district's
// workbook is a few hundred KB, a province's with every commune a few MB.
const DefaultMaxBytes = 20 << 20

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	return Options{
		MaxBytes: DefaultMaxBytes, UploadTimeout: 10 * time.Minute, Checks: 2,
		LinkRate: rate.Every(30 * time.Second), LinkBurst: 20,
		AddressRate: 2, AddressBurst: 60,
		DeadlineDays: 15,
	}
}

// Portal serves the submission page and API of one data directory.
type Portal struct {
	opts      Options
	dir       layout.Dir
	ref       *pipeline.Reference
	cal       *pipeline.Calendar
	links     *Links
	audit     *audit
	ingest    *ingest.Ingester
	published Published
	log       *slog.Logger
	mux       *http.ServeMux

	checking chan struct{} // a slot per check running
	perLink  *limiter
	perAddr  *limiter
	busy     busySet
	metrics  counters

	mu       sync.Mutex
	received map[string]Event   // the received (and recovered) events, by hash
	pending  map[string][]keyed // the values of received files not published yet, by hash (pendingValues)
	opened   map[string]time.Time
}

// maxUnzipped is the most an uploaded workbook may unzip to, all its
// parts by its zip directory (ingest.Limits.UnzippedBytes): a district's or
// a province's workbook unzips to a few MB, a long table of a hundred
// thousand rows to some tens; a zip bomb of a few hundred KB that unzips
// to hundreds of MB is refused before it is unzipped (unzipped_too_large).
const maxUnzipped = 256 << 20

// New opens the portal of a data directory. It sweeps the uploads a dead
// server left, removes temp files of interrupted commits from the portal
// inbox, and gives every file of the portal inbox without an audit line
// its line.
func New(opts Options) (*Portal, error) {
	if opts.DataDir == "" {
		return nil, errors.New("portal: DataDir is required")
	}
	def := DefaultOptions()
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = def.MaxBytes
	}
	if opts.UploadTimeout <= 0 {
		opts.UploadTimeout = def.UploadTimeout
	}
	if opts.Checks <= 0 {
		opts.Checks = def.Checks
	}
	if opts.LinkRate <= 0 || opts.LinkBurst <= 0 {
		opts.LinkRate, opts.LinkBurst = def.LinkRate, def.LinkBurst
	}
	if opts.AddressRate <= 0 || opts.AddressBurst <= 0 {
		opts.AddressRate, opts.AddressBurst = def.AddressRate, def.AddressBurst
	}
	if opts.DeadlineDays <= 0 {
		opts.DeadlineDays = def.DeadlineDays
	}
	if opts.Client == nil {
		opts.Client = remoteIP
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Reference == nil {
		ref, err := pipeline.DefaultReference()
		if err != nil {
			return nil, fmt.Errorf("portal: load reference data: %w", err)
		}
		opts.Reference = ref
	}
	d := layout.Dir(opts.DataDir)
	if opts.Calendar == nil {
		cal, err := pipeline.CalendarFor(d)
		if err != nil {
			return nil, fmt.Errorf("portal: %w", err)
		}
		opts.Calendar = cal
	}
	if opts.Published == nil {
		opts.Published = newSnapshotTables(d)
	}
	// An upload comes from outside: a workbook is held to what a report
	// unzips to (maxUnzipped), below the night's ingest limit. No flag
	// sets the portal's limits, so a refusal names them as the portal's,
	// not as the night's --max-unzipped.
	in, err := ingest.New(ingest.Options{Now: opts.Now, Reference: opts.Reference, Limits: ingest.Limits{UnzippedBytes: maxUnzipped,
		SetBy: &ingest.LimitSetter{VI: "giới hạn của cổng nộp báo cáo", EN: "the submission portal's limit"}}})
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	p := &Portal{
		opts: opts, dir: d, ref: opts.Reference, cal: opts.Calendar, links: OpenLinks(d), audit: &audit{path: d.PortalAudit()},
		ingest: in, published: opts.Published, log: opts.Logger,
		checking: make(chan struct{}, opts.Checks),
		perLink:  newLimiter(opts.LinkRate, opts.LinkBurst),
		perAddr:  newLimiter(opts.AddressRate, opts.AddressBurst),
		received: map[string]Event{}, opened: map[string]time.Time{}, pending: map[string][]keyed{},
	}
	if err := layout.MkdirAll(d.Portal()); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	if err := sweepUploads(d); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	events, err := ReadAudit(d)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	p.metrics.observe(events)
	for _, e := range events {
		if (e.Kind == EventReceived || e.Kind == EventRecovered) && e.SHA256 != "" {
			p.received[e.SHA256] = e
		}
	}
	if err := p.recover(); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	p.mux = p.routes()
	return p, nil
}

// recover cleans the portal inbox after a crash: temp files of commits
// that never reached their rename go, and a committed file without its
// audit line (the server died between the two) gets one.
func (p *Portal) recover() error {
	root := p.dir.PortalInbox()
	des, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, de := range des {
		if !de.IsDir() {
			continue
		}
		if err := layout.CleanTemps(filepath.Join(root, de.Name())); err != nil {
			return err
		}
		files, err := p.receivedFiles(de.Name())
		if err != nil {
			return err
		}
		for _, f := range files {
			if _, ok := p.received[f.Hash]; ok {
				continue
			}
			fi, err := os.Stat(f.path)
			if err != nil {
				return err
			}
			e := Event{Time: f.At, Kind: EventRecovered, Unit: f.Unit, Size: fi.Size(), Type: f.Ext[1:], SHA256: f.Hash,
				Path: p.relative(f.path), Reason: "file in the portal inbox without its audit line (server stopped between the two); line added at start"}
			if err := p.audit.Append(e, true); err != nil {
				return err
			}
			p.received[f.Hash] = e
		}
	}
	return nil
}

// relative is path relative to the data directory, slash-separated.
func (p *Portal) relative(path string) string {
	if rel, err := filepath.Rel(string(p.dir), path); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// ServeHTTP serves GET /nop/{secret}, GET and POST /api/submissions, GET
// /api/submissions/{sha256} and GET /api/portal/submissions.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Links returns the portal's access links.
func (p *Portal) Links() *Links { return p.links }

// Submissions returns the last n files received, refused or found already
// received through the portal, newest first, for the operators' pages:
// which unit, when, what came of it.
func (p *Portal) Submissions(n int) ([]Event, error) {
	events, err := ReadAudit(p.dir)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range slices.Backward(events) {
		switch e.Kind {
		case EventReceived, EventRecovered, EventDuplicate, EventRefused:
		default:
			continue
		}
		e.Address = "" // operators' pages are open to whoever sees the dashboard
		out = append(out, e)
		if len(out) == n {
			break
		}
	}
	return out, nil
}

// alreadyReceived returns how a file with this hash came before: through
// the portal (its event), or into the warehouse some other way.
func (p *Portal) alreadyReceived(hash string) (Event, bool) {
	p.mu.Lock()
	e, ok := p.received[hash]
	p.mu.Unlock()
	if ok {
		return e, true
	}
	if !layout.Committed(p.dir, hash) {
		return Event{}, false
	}
	entry, err := layout.ReadEntry(p.dir.ManifestFile(hash))
	if err != nil {
		return Event{Kind: EventReceived, SHA256: hash}, true
	}
	return Event{Time: entry.IngestedAt, Kind: EventReceived, SHA256: hash, File: entry.SourceFile, Size: entry.Size,
		Accepted: int(entry.RowsAccepted), Refused: int(entry.RowsRejected), Path: p.relative(entry.SourcePath)}, true
}

// dashboard says when a file received now shows on the dashboard.
func (p *Portal) dashboard() Dashboard {
	if p.opts.Refresh != nil {
		return Dashboard{When: "refreshing"}
	}
	if p.opts.NextRefresh != nil {
		if t := p.opts.NextRefresh(); !t.IsZero() {
			return Dashboard{When: "scheduled", Next: t}
		}
	}
	return Dashboard{When: "manual"}
}

// Dashboard says when received files will show on the dashboard: now
// (published), in a few minutes (a refresh starts at once), at the next
// scheduled refresh, or when an operator runs one.
type Dashboard struct {
	When string    `json:"when"` // published, refreshing, scheduled, manual
	Next time.Time `json:"next,omitzero"`
}
