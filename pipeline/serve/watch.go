package serve

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchBackstop is how often the watcher reads exports/current even when
// inotify reported nothing: the longest a switch inotify cannot see (made
// on a network file system from another machine) stays unseen. Reading
// the link costs ~2 µs, so twice a second costs nothing.
const watchBackstop = 500 * time.Millisecond

// watchRetry is how often a watch that could not be set up is tried
// again; meanwhile requests read the link themselves.
const watchRetry = 100 * time.Millisecond

// watch keeps cur true to exports/current until ctx is done, so requests
// need not read the link (see snapshots). It watches exports/ with
// inotify, through fsnotify; when exports/ does not exist yet, or
// inotify cannot be had (no instances left, say), requests read the link
// themselves, as without a watch, and the watch is tried again every
// watchRetry.
func (s *snapshots) watch(ctx context.Context, log *slog.Logger) {
	dir := filepath.Clean(filepath.Dir(s.link))
	tick := time.NewTicker(s.backstop)
	defer tick.Stop()
	var w *fsnotify.Watcher
	stop := func() {
		s.watched.Store(false)
		if w != nil {
			w.Close()
			w = nil
		}
	}
	defer stop()
	var warned bool
	for {
		if w == nil {
			var err error
			if w, err = s.startWatch(dir); err != nil && !warned {
				log.Debug("exports/ not watched: each request reads exports/current", "err", err)
				warned = true
			}
		}
		var events <-chan fsnotify.Event
		var errs <-chan error
		var retry <-chan time.Time
		if w != nil {
			events, errs = w.Events, w.Errors
		} else {
			retry = time.After(watchRetry)
		}
		select {
		case <-ctx.Done():
			return
		case <-retry:
		case ev, ok := <-events:
			switch {
			case !ok || filepath.Clean(ev.Name) == dir:
				// exports/ itself went away (removed, moved): its watch
				// with it. Requests read the link until a new watch.
				stop()
			case filepath.Base(ev.Name) == filepath.Base(s.link):
				s.recheck()
			}
		case _, ok := <-errs:
			// The queue overflowed (events lost) or reading it failed:
			// read the link now, and watch anew if the watcher is gone.
			if !ok {
				stop()
			}
			s.recheck()
		case <-tick.C:
			s.recheck()
		}
	}
}

// startWatch watches dir and then reads the link, for a switch made before
// the watch began; only then may requests trust cur.
func (s *snapshots) startWatch(dir string) (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil, err
	}
	s.recheck()
	s.watched.Store(true)
	return w, nil
}

// Switched tells the server that exports/current may have changed: a
// refresh in this process calls it once it has published, so every
// request after that sees the new snapshot, whatever the watch's delay.
func (s *Server) Switched() { s.data.recheck() }
