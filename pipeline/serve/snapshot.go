package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// errGone: a request pinned to a run whose snapshot is no longer kept.
var errGone = errors.New("snapshot no longer available")

// snapshot is one published snapshot directory, resolved from exports/current.
type snapshot struct {
	dir   string // resolved, absolute
	runID string
}

// snapshots resolves exports/current and keeps the files of the current
// snapshot in memory, raw and gzipped, with their headers. A snapshot
// directory never changes once published, so the cache only has to notice
// the switch to a new one.
//
// While the server listens (watch), exports/ is watched with inotify
// (fsnotify) and a request takes the snapshot cached and its files
// without a system call, a lock or an allocation: the watcher reads the
// link again on every change of exports/current (within a millisecond of
// the switch, typically), a refresh inside this process says so itself
// when it has published (Switched), and the watcher also reads the link
// every watchBackstop, for the changes inotify cannot see (a network file
// system written from another machine). Without a watch (Handler alone,
// or inotify unavailable), every request reads the symlink (one system
// call, ~2 µs of CPU under load), so a request that starts after a switch
// sees the new snapshot.
type snapshots struct {
	root layout.Dir
	link string // exports/current, joined once

	cur atomic.Pointer[cachedSnapshot] // what exports/current named last

	// watched: a watcher keeps cur true to exports/current, so requests
	// need not read the link; switchMu then orders each reading of the
	// link with its store into cur (recheck), so the last store is of the
	// last reading.
	watched  atomic.Bool
	switchMu sync.Mutex
	backstop time.Duration // watchBackstop; tests set another

	mu     sync.Mutex
	runIDs map[string]string // resolved dir -> run id
}

// cachedSnapshot is the snapshot exports/current named when its symlink
// read target, and the files of it served so far (name -> *asset).
type cachedSnapshot struct {
	target string
	snap   snapshot
	files  sync.Map
}

func newSnapshots(dataDir string) *snapshots {
	root := layout.Dir(dataDir)
	return &snapshots{root: root, link: root.Current(), runIDs: map[string]string{}, backstop: watchBackstop}
}

// current resolves exports/current once; the caller reads everything of its
// request from the returned directory.
func (s *snapshots) current() (snapshot, error) {
	if s.watched.Load() {
		if c := s.cur.Load(); c != nil {
			return c.snap, nil
		}
		return s.recheck() // nothing published yet, or current is no symlink
	}
	return s.resolveCurrent()
}

// recheck reads exports/current and makes cur what it names (the watcher
// calls it when exports/ changed).
func (s *snapshots) recheck() (snapshot, error) {
	s.switchMu.Lock()
	defer s.switchMu.Unlock()
	return s.resolveCurrent()
}

// resolveCurrent reads the symlink and, while it names the snapshot
// cached, returns it; else it resolves the new one and caches it.
func (s *snapshots) resolveCurrent() (snapshot, error) {
	if target, err := os.Readlink(s.link); err == nil {
		if c := s.cur.Load(); c != nil && c.target == target {
			return c.snap, nil
		}
	}
	dir, target, err := s.root.CurrentLink()
	if err != nil {
		s.cur.Store(nil)
		return snapshot{}, fmt.Errorf("resolve exports/current: %w", err)
	}
	snap, err := s.at(dir)
	if err != nil {
		s.cur.Store(nil)
		return snapshot{}, err
	}
	if target == "" {
		s.cur.Store(nil) // not a symlink: read it on every request
		return snap, nil
	}
	// Keep the files already read when only the link was rewritten.
	c := &cachedSnapshot{target: target, snap: snap}
	if old := s.cur.Load(); old != nil && old.snap == snap {
		old.files.Range(func(k, v any) bool { c.files.Store(k, v); return true })
	}
	s.cur.Store(c)
	return snap, nil
}

func (s *snapshots) at(dir string) (snapshot, error) {
	s.mu.Lock()
	id, ok := s.runIDs[dir]
	s.mu.Unlock()
	if ok {
		return snapshot{dir: dir, runID: id}, nil
	}
	m, err := layout.ReadSnapshotManifest(dir)
	if err != nil {
		return snapshot{}, err
	}
	s.mu.Lock()
	if len(s.runIDs) > 64 {
		clear(s.runIDs)
	}
	s.runIDs[dir] = m.RunID
	s.mu.Unlock()
	return snapshot{dir: dir, runID: m.RunID}, nil
}

// runIDPattern is compiled when first used (see batchName).
var runIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`) })

// pinned returns the snapshot of run id: the current one when it matches,
// else exports/snapshots/<id> while it is kept.
func (s *snapshots) pinned(id string) (snapshot, error) {
	cur, err := s.current()
	if id == "" || (err == nil && cur.runID == id) {
		return cur, err
	}
	if !runIDPattern().MatchString(id) {
		return snapshot{}, errGone
	}
	dir, err := filepath.EvalSymlinks(s.root.Snapshot(id))
	if err != nil {
		return snapshot{}, errGone
	}
	snap, err := s.at(dir)
	if err != nil || snap.runID != id {
		return snapshot{}, errGone
	}
	return snap, nil
}

// cached returns the file of snap already read, nil if none is. name is
// the name read was given; it need not be checked (a name read never
// stored is not found).
func (s *snapshots) cached(snap snapshot, name string) *asset {
	if c := s.cur.Load(); c != nil && c.snap == snap {
		if f, ok := c.files.Load(name); ok {
			return f.(*asset)
		}
	}
	return nil
}

// read returns a file of snap (name is slash-separated, already checked).
func (s *snapshots) read(snap snapshot, name string) (*asset, error) {
	if f := s.cached(snap, name); f != nil {
		return f, nil
	}
	b, err := os.ReadFile(filepath.Join(snap.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	f := (&asset{body: b, gz: gzipBytes(b), ctype: "application/json; charset=utf-8"}).prepare(`W/"` + snap.runID + `"`)
	if c := s.cur.Load(); c != nil && c.snap == snap {
		c.files.Store(name, f) // only the current snapshot is cached
	}
	return f, nil
}

var (
	dataName   = regexp.MustCompile(`^[a-z][a-z0-9_]*\.json$`)
	sourceName = regexp.MustCompile(`^[0-9]{2}-[0-9]{4}\.json$`)
)

// dataFile serves /data/<name>.json and /data/sources/<pc>-<year>.json from
// one snapshot. ETag is the run id; clients revalidate every time (no-cache),
// which costs a 304 and never shows an old figure after a refresh.
func (s *Server) dataFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	source := strings.HasPrefix(r.URL.Path, "/data/sources/")
	if source {
		name = layout.SourcesDir + "/" + name
	}
	var run string
	if r.URL.RawQuery != "" {
		run = r.URL.Query().Get("run")
	}
	snap, err := s.data.pinned(run)
	if err != nil {
		s.snapshotError(w, err)
		return
	}
	if f := s.data.cached(snap, name); f != nil { // checked when it was read
		w.Header()["Cache-Control"] = noCache
		s.writeAsset(w, r, f)
		return
	}
	if source && !sourceName.MatchString(r.PathValue("name")) || !source && !dataName.MatchString(name) {
		http.NotFound(w, r)
		return
	}
	f, err := s.data.read(snap, name)
	if errors.Is(err, fs.ErrNotExist) {
		httpError(w, http.StatusNotFound, "không có tệp "+name+" trong bản dữ liệu / no "+name+" in this snapshot")
		return
	}
	if err != nil {
		s.log.Error("read snapshot file", "file", name, "run", snap.runID, "err", err)
		httpError(w, http.StatusInternalServerError, "không đọc được dữ liệu / cannot read data")
		return
	}
	w.Header()["Cache-Control"] = noCache
	s.writeAsset(w, r, f)
}

// cachedData answers, before the mux, a GET of /data/ that asks for a file
// of the current snapshot already in memory, and reports whether it did:
// what dataFile would answer, with the same 8 header fields, without the
// mux's matching, the security headers' wrapper and, while the server
// watches exports/ (see snapshots), without a system call. Anything else
// (a file not read yet, a name never served, a path the mux would clean
// or unescape, any query but ?run= naming the current run) goes through
// the mux. The dashboards' own requests carry ?run= of the manifest they
// read first, so it is taken too.
//
// Measured with wrk -t2 -c100 beside a bare net/http handler serving the
// same gzipped bytes: see the commit that made it.
func (s *Server) cachedData(w http.ResponseWriter, r *http.Request) bool {
	name, ok := strings.CutPrefix(r.URL.Path, "/data/")
	if !ok || r.URL.RawPath != "" || r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	snap, err := s.data.current()
	if err != nil {
		return false
	}
	if q := r.URL.RawQuery; q != "" {
		if run, ok := strings.CutPrefix(q, "run="); !ok || run != snap.runID {
			return false
		}
	}
	f := s.data.cached(snap, name)
	if f == nil {
		return false
	}
	h := w.Header()
	h["Content-Security-Policy"] = dataCSPHeader
	h["X-Content-Type-Options"] = nosniffHeader
	h["Cache-Control"] = noCache
	s.writeAsset(w, r, f)
	return true
}

func (s *Server) snapshotError(w http.ResponseWriter, err error) {
	if errors.Is(err, errGone) {
		httpError(w, http.StatusGone, "bản dữ liệu đã được thay; tải lại trang / snapshot replaced; reload the page")
		return
	}
	s.log.Warn("no published snapshot", "err", err)
	w.Header().Set("Retry-After", strconv.Itoa(30))
	httpError(w, http.StatusServiceUnavailable, "chưa có dữ liệu được công bố / no snapshot published yet")
}
