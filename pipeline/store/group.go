package store

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// A group commit: with Options.Group set, a Tx's Commit writes its files
// and report list without syncing them, and its commit record under a temp
// name (layout.Stage), and the file waits. Seal, which runs when the first
// waiting file has waited Options.Group (checked after each commit and when
// the next file is opened or quarantined), at Close, or when the caller
// asks, makes every file written since the last seal durable at once
// (layout.SyncAll), then renames the waiting commit records into place
// (layout.Settle) and syncs the manifest folder once. A commune's form
// committed alone cost ~6 fsyncs (its facts, the partition folder, the
// report list and the manifest, each file and folder); 365 of them waited
// ~2,000 times on the disk.
//
// A small file (at most plainRows records; a commune's form has ~36) writes
// no facts file of its own: its Tx keeps its rows to the commit (Tx.shares),
// and the seal writes the rows of all the group's small files in a
// partition into one shared file (layout.SharedFactFile), then stages their
// records, each listing the shared files of its partitions in Files. A
// Parquet file's cost at this size is its column chunks' fixed setup and
// its creation, not its rows: 365 forms made 364 files in three partitions.
// A shared file's rows count only for the batches whose records list it
// (the warehouse reads it with batch IN (…)), so a file committed again
// later, whose rows its first group's file still holds, counts once; Check
// and Repair find what such a file holds from its footer
// (layout.SharedBatchesKey).
//
// The guarantees are the same as a commit's alone: a file is committed
// once its record is in place, and its record is renamed into place only
// after everything it names is durable; a process killed before that leaves
// facts and a report list no record names (invisible; a batch's own files
// are overwritten when the file is read again, their names coming from its
// hash; a shared file is left for Repair, which removes it once every batch
// in it is committed again) and a temp record (removed by the next Open);
// the file, still in the inbox, is read again by the next run. What a crash
// costs is the waiting files' work.

// maxGroup bounds the files of one group, whatever their time.
const maxGroup = 1024

// waiting is a file whose commit waits for its group's seal: its commit
// record staged, or, for a file whose rows are kept for the group's shared
// files (Tx.shares), the record and report list the seal stages once those
// files are written.
type waiting struct {
	batch       string
	staged      layout.Staged // Batch is "" until staged
	keep        map[string]bool
	keepRejects bool
	keepReports bool
	setAside    bool // Tx.setAside

	entry   layout.Entry
	reports []layout.Report
	kept    []keptPart
}

// keptPart is a sharing file's rows in one partition.
type keptPart struct {
	key    layout.Partition
	name   string
	chunks []*chunk
}

// maxKeptRows bounds the rows the waiting files keep for the shared files:
// the group is sealed when they reach it.
const maxKeptRows = 1 << 20

// group is what waits for the next seal. Its mutex also orders seals.
type group struct {
	since   time.Time
	waiting []waiting
	batches map[string]bool
	files   []string        // written since the last seal, for layout.SyncAll
	dirs    map[string]bool // folders that gained entries since the last seal
	kept    int             // rows kept for the shared files
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
	return s.g.batches[batch] || s.sealing[batch]
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
	g.batches[w.batch] = true
	for _, k := range w.kept {
		for _, c := range k.chunks {
			g.kept += c.n
		}
	}
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
	due := len(s.g.waiting) >= maxGroup || s.g.kept >= maxKeptRows ||
		(len(s.g.waiting) > 0 && time.Since(s.g.since) >= s.opts.Group)
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.Seal()
}

// Seal commits the files whose commits wait (Options.Group): it writes
// the shared files of the files that keep their rows for them (one per
// partition) and stages those files' records, makes what they all wrote
// durable, then puts their commit records in place. On an error, the files
// it could not commit are not committed, and the next run reads them again;
// the error is a pipeline.UncommittedError naming them, for the ingest to
// say so of each. Without Options.Group there is nothing to seal.
func (s *Store) Seal() error {
	s.mu.Lock()
	g := s.g
	s.g = group{}
	// Until their records are in place (or the seal failed), the store
	// still has the files it seals (Has): the ingest may ask while it reads
	// the next file.
	if s.sealing == nil {
		s.sealing = map[string]bool{}
	}
	for b := range g.batches {
		s.sealing[b] = true
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		for b := range g.batches {
			delete(s.sealing, b)
		}
		s.mu.Unlock()
	}()
	if len(g.waiting) == 0 {
		return nil
	}
	// On an error before the records settle, no record of the group is
	// put in place: what it wrote is invisible, and read again next run.
	fail := func(err error) error {
		for _, w := range g.waiting {
			if w.staged.Batch != "" {
				layout.Discard([]layout.Staged{w.staged})
			}
		}
		return uncommitted(g.waiting, err)
	}
	shared, err := s.writeShared(g.waiting)
	if err != nil {
		return fail(err)
	}
	for _, f := range shared {
		g.files = append(g.files, s.dir.Abs(f.Path))
		g.dirs[filepath.Dir(s.dir.Abs(f.Path))] = true
	}
	// The records of the files that share, staged now that the shared
	// files they list are written.
	for i := range g.waiting {
		w := &g.waiting[i]
		if w.staged.Batch != "" {
			continue
		}
		e := w.entry
		e.Files = append([]layout.FileSum(nil), e.Files...)
		for _, k := range w.kept {
			e.Files = append(e.Files, shared[k.name])
		}
		sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Path < e.Files[j].Path })
		st, err := layout.Stage(s.dir, e, w.reports)
		if err != nil {
			return fail(err)
		}
		w.staged, w.kept = st, nil
		g.files = append(g.files, st.Files()...)
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
		return uncommitted(g.waiting, err)
	}
	if testHookSettle != nil {
		testHookSettle()
	}
	done, err := layout.Settle(s.dir, staged)
	settled := make(map[string]bool, len(done))
	for _, b := range done {
		settled[b] = true
	}
	facts := s.dir.FactFilesOf(settled) // one listing for the group's stale facts
	own := s.ownFiles()                 // and one for its stale rejects and report lists
	for i := range done {
		w := g.waiting[i]
		s.removeStale(w.batch, facts[w.batch], w.keep, w.keepRejects, w.keepReports, own)
		if w.setAside {
			s.resolveSetAside(w.batch)
		}
	}
	if err != nil {
		return uncommitted(g.waiting[len(done):], err)
	}
	return nil
}

// uncommitted is the error of a seal that could not commit the files ws.
func uncommitted(ws []waiting, err error) error {
	batches := make([]string, len(ws))
	for i, w := range ws {
		batches[i] = w.batch
	}
	return &pipeline.UncommittedError{Batches: batches, Err: fmt.Errorf("commit %d files: %w", len(ws), err)}
}

// testHookSettle, when set by a test, runs after a seal made its files
// durable and before it settles their records.
var testHookSettle func()

// writeShared writes, for each partition where waiting files keep rows,
// one shared file of those rows (layout.SharedFactFile), the files' rows in
// their order of commit, each row with its own file's stamp, batch and
// source file: a small file's rows are plain strings (plainRows), so
// putting them together remaps nothing. It returns their sums by
// partition. The files are written unsynced (the seal syncs them with the
// rest), under a temp name first, and renamed to their name, which is
// their bytes' SHA-256. A file's footer names its batches
// (layout.SharedBatchesKey), so that Check finds those without a record.
func (s *Store) writeShared(ws []waiting) (map[string]layout.FileSum, error) {
	byPart := map[string][]*chunk{}
	batches := map[string][]layout.SharedBatch{}
	keys := map[string]layout.Partition{}
	for _, w := range ws {
		for _, k := range w.kept {
			byPart[k.name] = append(byPart[k.name], k.chunks...)
			batches[k.name] = append(batches[k.name], layout.SharedBatch{Batch: w.batch, SourceFile: w.entry.SourceFile})
			keys[k.name] = k.key
		}
	}
	names := make([]string, 0, len(byPart))
	for n := range byPart {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make(map[string]layout.FileSum, len(names))
	for _, n := range names {
		sum, err := s.writeSharedFile(keys[n], byPart[n], batches[n])
		if err != nil {
			return nil, err
		}
		out[n] = sum
	}
	return out, nil
}

func (s *Store) writeSharedFile(p layout.Partition, chunks []*chunk, batches []layout.SharedBatch) (layout.FileSum, error) {
	rows := 0
	for _, c := range chunks {
		rows += c.n
	}
	label := layout.SharedPrefix + strings.NewReplacer("=", "", "/", "-").Replace(p.String())
	w, err := s.newFileWriter(label, rows, plainSchema, s.plainProps, s.arrProps)
	if err != nil {
		return layout.FileSum{}, fmt.Errorf("write shared facts %s: %w", p, err)
	}
	w.err = writeJoined(w, chunks, s.opts.ChunkRows)
	if w.err == nil {
		w.err = w.fw.AppendKeyValueMetadata(layout.SharedBatchesKey, layout.EncodeSharedBatches(batches))
	}
	if err := w.close(w.err != nil); err != nil {
		os.Remove(w.f.Name())
		return layout.FileSum{}, fmt.Errorf("write shared facts %s: %w", p, err)
	}
	if err := layout.MkdirAll(s.dir.Partition(p)); err != nil {
		os.Remove(w.f.Name())
		return layout.FileSum{}, err
	}
	path := s.dir.SharedFactFile(p, hex.EncodeToString(w.hash.Sum(nil)))
	if err := os.Rename(w.f.Name(), path); err != nil {
		os.Remove(w.f.Name())
		return layout.FileSum{}, fmt.Errorf("move shared facts %s into place: %w", p, err)
	}
	return w.sum(s.dir, path), nil
}

// writeJoined writes the chunks' rows to w's buffered row group as
// records of up to limit rows each (plainRecord), not a record a chunk: a
// commune's form is one chunk of ~36 rows, and each record written costs
// every column's writer a call, so the 365 forms of a drop were 8,760 calls
// where three partitions' worth of rows make 72. The rows, their order and
// the row groups (cut by the writer at Options.ChunkRows, wherever the
// records end) are the same.
func writeJoined(w *fileWriter, chunks []*chunk, limit int) error {
	for len(chunks) > 0 {
		k, rows := 0, 0
		for k < len(chunks) && (k == 0 || rows+chunks[k].n <= limit) {
			rows += chunks[k].n
			k++
		}
		rec := plainRecord(chunks[:k])
		err := w.fw.WriteBuffered(rec)
		rec.Release()
		if err != nil {
			return err
		}
		chunks = chunks[k:]
	}
	return nil
}
