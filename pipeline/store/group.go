package store

import (
	"fmt"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// A group commit: with Options.Group set, a Tx's Commit writes its files
// and report list without syncing them, and its commit record under a temp
// name (layout.Stage), and the file waits. Seal, which runs when the first
// waiting file has waited Options.Group (checked after each commit and when
// the next file is opened or quarantined), at Close, or when the caller
// asks, makes every file written since the last seal durable at once
// (layout.SyncAll), then
// renames the waiting commit records into place (layout.Settle) and syncs
// the manifest folder once. A commune's form committed alone cost ~6 fsyncs
// (its facts, the partition folder, the report list and the manifest, each
// file and folder); 365 of them waited ~2,000 times on the disk.
//
// The guarantees are the same as a commit's alone: a file is committed
// once its record is in place, and its record is renamed into place only
// after everything it names is durable; a process killed before that leaves
// facts and a report list no record names (invisible, overwritten when the
// file is read again: their names come from its hash) and a temp record
// (removed by the next Open); the file, still in the inbox, is read again
// by the next run. What a crash costs is the waiting files' work.

// maxGroup bounds the files of one group, whatever their time.
const maxGroup = 1024

// waiting is a file whose commit waits for its group's seal.
type waiting struct {
	staged      layout.Staged
	keep        map[string]bool
	keepRejects bool
	keepReports bool
}

// group is what waits for the next seal. Its mutex also orders seals.
type group struct {
	since   time.Time
	waiting []waiting
	batches map[string]bool
	files   []string        // written since the last seal, for layout.SyncAll
	dirs    map[string]bool // folders that gained entries since the last seal
}

// grouped reports whether commits wait for a seal.
func (s *Store) grouped() bool { return s.opts.Group > 0 }

// waits reports whether batch's commit waits for the next seal.
func (s *Store) waits(batch string) bool {
	if !s.grouped() {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.g.batches[batch]
}

// wait adds a staged commit to the group: files and dirs are what it wrote
// and the folders it wrote them into.
func (s *Store) wait(w waiting, files, dirs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &s.g
	if len(g.waiting) == 0 {
		g.since = time.Now()
	}
	if g.batches == nil {
		g.batches, g.dirs = map[string]bool{}, map[string]bool{}
	}
	g.waiting = append(g.waiting, w)
	g.batches[w.staged.Batch] = true
	g.files = append(g.files, files...)
	for _, d := range dirs {
		g.dirs[d] = true
	}
}

// sealIfDue seals the group when its first file has waited long enough or
// it is full.
func (s *Store) sealIfDue() error {
	if !s.grouped() {
		return nil
	}
	s.mu.Lock()
	due := len(s.g.waiting) >= maxGroup || (len(s.g.waiting) > 0 && time.Since(s.g.since) >= s.opts.Group)
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.Seal()
}

// Seal commits the files whose commits wait (Options.Group): it makes
// what they wrote durable, then puts their commit records in place. On an
// error, the files it could not commit are not committed, and the next run
// reads them again. Without Options.Group there is nothing to seal.
func (s *Store) Seal() error {
	s.mu.Lock()
	g := s.g
	s.g = group{}
	s.mu.Unlock()
	if len(g.waiting) == 0 {
		return nil
	}
	staged := make([]layout.Staged, len(g.waiting))
	for i, w := range g.waiting {
		staged[i] = w.staged
	}
	dirs := make([]string, 0, len(g.dirs)+2)
	for d := range g.dirs {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, s.dir.Reports(), s.dir.Manifest())
	if err := layout.SyncAll(g.files, dirs); err != nil {
		layout.Discard(staged)
		return fmt.Errorf("commit %d files: %w", len(staged), err)
	}
	done, err := layout.Settle(s.dir, staged)
	settled := make(map[string]bool, len(done))
	for _, b := range done {
		settled[b] = true
	}
	facts := s.dir.FactFilesOf(settled) // one listing for the group's stale facts
	for i := range done {
		w := g.waiting[i]
		s.removeStale(w.staged.Batch, facts[w.staged.Batch], w.keep, w.keepRejects, w.keepReports)
		s.resolveSetAside(w.staged.Batch)
	}
	if err != nil {
		return fmt.Errorf("commit %d files: %w", len(staged)-len(done), err)
	}
	return nil
}
