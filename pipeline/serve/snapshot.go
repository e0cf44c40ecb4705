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
// snapshot in memory, raw and gzipped. A snapshot directory never changes
// once published, so the cache only has to notice the switch to a new one.
type snapshots struct {
	root layout.Dir

	mu     sync.Mutex
	runIDs map[string]string // resolved dir -> run id
	dir    string            // dir whose files are cached
	files  map[string]*asset
}

func newSnapshots(dataDir string) *snapshots {
	return &snapshots{root: layout.Dir(dataDir), runIDs: map[string]string{}, files: map[string]*asset{}}
}

// current resolves exports/current once; the caller reads everything of its
// request from the returned directory.
func (s *snapshots) current() (snapshot, error) {
	dir, err := s.root.CurrentSnapshot()
	if err != nil {
		return snapshot{}, fmt.Errorf("resolve exports/current: %w", err)
	}
	return s.at(dir)
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

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// pinned returns the snapshot of run id: the current one when it matches,
// else exports/snapshots/<id> while it is kept.
func (s *snapshots) pinned(id string) (snapshot, error) {
	cur, err := s.current()
	if id == "" || (err == nil && cur.runID == id) {
		return cur, err
	}
	if !runIDPattern.MatchString(id) {
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

// read returns a file of snap (name is slash-separated, already checked).
func (s *snapshots) read(snap snapshot, name string) (*asset, error) {
	s.mu.Lock()
	if s.dir == snap.dir {
		if f := s.files[name]; f != nil {
			s.mu.Unlock()
			return f, nil
		}
	}
	s.mu.Unlock()
	b, err := os.ReadFile(filepath.Join(snap.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	f := (&asset{body: b, gz: gzipBytes(b), ctype: "application/json; charset=utf-8"}).prepare(`W/"`+snap.runID+`"`, snap.runID)
	cur, err := s.current()
	if err != nil || cur.dir != snap.dir {
		return f, nil // only the current snapshot is cached
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != snap.dir {
		s.dir, s.files = snap.dir, map[string]*asset{}
	}
	s.files[name] = f
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
	if strings.HasPrefix(r.URL.Path, "/data/sources/") {
		if !sourceName.MatchString(name) {
			http.NotFound(w, r)
			return
		}
		name = layout.SourcesDir + "/" + name
	} else if !dataName.MatchString(name) {
		http.NotFound(w, r)
		return
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

func (s *Server) snapshotError(w http.ResponseWriter, err error) {
	if errors.Is(err, errGone) {
		httpError(w, http.StatusGone, "bản dữ liệu đã được thay; tải lại trang / snapshot replaced; reload the page")
		return
	}
	s.log.Warn("no published snapshot", "err", err)
	w.Header().Set("Retry-After", strconv.Itoa(30))
	httpError(w, http.StatusServiceUnavailable, "chưa có dữ liệu được công bố / no snapshot published yet")
}
