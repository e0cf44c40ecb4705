package store

// Self-repair and checks of the Parquet store. A stored file is checked
// against the size and SHA-256 its commit record lists (layout/sums.go);
// records written before sums were kept are checked by the files being
// there and being whole Parquet. A batch with a damaged file is set aside:
// its commit record moves to quarantine/<batch>/set-aside.json with why,
// its files are removed, and the refresh goes on without it. Since ingest
// leaves files in the inbox, the next ingest usually finds the file and
// loads it again, with its original stamp (Store.Open), so the repaired
// store is the one it was; when the file is gone, the batch stays set aside
// and every run and `danvan check` say to send it again.
//
// Order, for crashes: set-aside.json and reason.txt are written, then the
// commit record removed (the batch is no longer visible), then its files
// removed; a crash in between leaves files that Repair removes.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// SetAsideBatch is a batch taken out of the store for its damaged files.
type SetAsideBatch struct {
	Entry   layout.Entry
	Damaged []pipeline.DamagedFile
	// Reload says its file is still where it was ingested from, with the
	// same bytes: the next ingest loads it again and nothing is lost.
	Reload bool
}

// Fault is what a person must do about a set-aside batch: send its file
// again. A batch that reloads on its own needs nothing.
func (b SetAsideBatch) Fault() pipeline.Fault {
	return setAsideFault(b.Entry, damageLines(b.Damaged))
}

func damageLines(ds []pipeline.DamagedFile) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%s: %v", d.Path, d.Err)
	}
	return out
}

func setAsideFault(e layout.Entry, damaged []string) pipeline.Fault {
	at := e.IngestedAt.UTC().Format("2006-01-02 15:04")
	what := strings.Join(damaged, "; ")
	path := "quarantine/" + e.Batch
	if len(damaged) > 0 {
		path, _, _ = strings.Cut(damaged[0], ": ")
	}
	return pipeline.Fault{Code: "damaged_facts", Path: path,
		Reason: fmt.Sprintf("Bản lưu trong kho các giá trị của tệp %q (nạp lúc %s) bị hỏng (%s); các giá trị đó đã được gỡ khỏi kho để phần còn lại được làm mới, nên chưa được tính.",
			e.SourceFile, at, what),
		ReasonEN: fmt.Sprintf("The stored copy of the values of %q (ingested %s) is damaged (%s); they were taken out of the store so that the rest refreshes, and are not counted.",
			e.SourceFile, at, what),
		Fix:   fmt.Sprintf("gửi lại tệp %q (đặt vào thư mục inbox); lần chạy sau nạp lại tệp, với thời điểm nạp như trước.", e.SourceFile),
		FixEN: fmt.Sprintf("send %q again (put it in the inbox); the next run loads it again, with its first ingestion time.", e.SourceFile),
	}
}

// SetAside takes the batches of the damaged files out of the store. A
// batch already set aside (or never committed) is passed over.
func (s *Store) SetAside(ctx context.Context, damaged []pipeline.DamagedFile) ([]SetAsideBatch, error) {
	byBatch := map[string][]pipeline.DamagedFile{}
	var order []string
	for _, d := range damaged {
		if _, ok := byBatch[d.Batch]; !ok {
			order = append(order, d.Batch)
		}
		byBatch[d.Batch] = append(byBatch[d.Batch], d)
	}
	sort.Strings(order)
	var out []SetAsideBatch
	for _, batch := range order {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if layout.CheckBatch(batch) != nil {
			continue
		}
		e, err := layout.ReadEntry(s.dir.ManifestFile(batch))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("set aside %s: %w", batch, err)
		}
		b := SetAsideBatch{Entry: e, Damaged: byBatch[batch]}
		if err := s.setAside(b); err != nil {
			return out, err
		}
		b.Reload = sameBytes(e.SourcePath, batch) || sameBytes(filepath.Join(s.dir.Inbox(), e.SourceFile), batch)
		out = append(out, b)
	}
	return out, nil
}

func (s *Store) setAside(b SetAsideBatch) error {
	batch := b.Entry.Batch
	dir := s.dir.QuarantineDir(batch)
	if err := layout.MkdirAll(dir); err != nil {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	rec := layout.SetAside{Entry: b.Entry, Damaged: damageLines(b.Damaged), At: time.Now().UTC().Format(time.RFC3339)}
	j, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	f := b.Fault()
	reason := fmt.Sprintf("Tệp: %s\nMã lỗi: %s\nLý do: %s\nCách sửa: %s\nReason: %s\nFix: %s\nBatch: %s\nSet aside at: %s\n",
		b.Entry.SourceFile, f.Code, f.Reason, f.Fix, f.ReasonEN, f.FixEN, batch, rec.At)
	if err := layout.WriteFile(s.dir.SetAsideRecord(batch), append(j, '\n')); err != nil {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	if err := layout.WriteFile(filepath.Join(dir, layout.QuarantineReason), []byte(reason)); err != nil {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	if err := os.Remove(s.dir.ManifestFile(batch)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	if err := layout.SyncDir(s.dir.Manifest()); err != nil {
		return fmt.Errorf("set aside %s: %w", batch, err)
	}
	s.removeStale(batch, s.dir.BatchFactFiles(batch), nil, false, false, nil)
	return nil
}

// resolveSetAside forgets that batch was set aside, once it is committed
// again.
func (s *Store) resolveSetAside(batch string) {
	if _, err := os.Stat(s.dir.SetAsideRecord(batch)); err != nil {
		return
	}
	os.Remove(s.dir.SetAsideRecord(batch))
	os.Remove(filepath.Join(s.dir.QuarantineDir(batch), layout.QuarantineReason))
	os.Remove(s.dir.QuarantineDir(batch)) // only if nothing else is there
}

// sameBytes reports whether path holds the bytes of batch.
func sameBytes(path, batch string) bool {
	if path == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == batch
}

// Repair looks over the store before an ingest, cheaply (sizes, not
// hashes): it sets aside the loaded batches whose files are damaged or
// missing, and removes what interrupted work left (the files of a batch
// whose setting aside a crash cut short, files of a batch in partitions its
// record no longer lists, shared facts files no record lists). The ingest
// that follows loads again the set-aside batches whose files are still in
// the inbox.
func (s *Store) Repair(ctx context.Context) ([]SetAsideBatch, error) {
	st, err := s.scan(false)
	if err != nil {
		return nil, err
	}
	for _, p := range append(st.leftovers, st.removable...) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("repair store: %w", err)
		}
	}
	return s.SetAside(ctx, st.damaged)
}

// Check lists every fault of the store, each with its fix, changing
// nothing: commit records that cannot be read; loaded batches whose files
// are damaged or missing (hash reads every file, otherwise sizes only);
// facts and rejects of no committed batch (a commit record lost, say with
// its inbox file, which drops the file's values without a word); batches
// set aside and not sent again; leftovers of interrupted work; quarantined
// files whose kept copy is gone.
func (s *Store) Check(ctx context.Context, hash bool) ([]pipeline.Fault, error) {
	st, err := s.scan(hash)
	if err != nil {
		return nil, err
	}
	faults := st.faults
	for _, d := range st.damaged {
		e := st.entries[d.Batch]
		faults = append(faults, pipeline.Fault{Code: "damaged_facts", Path: d.Path,
			Reason:   fmt.Sprintf("Tệp lưu giá trị của %q trong kho bị hỏng (%v).", e.SourceFile, d.Err),
			ReasonEN: fmt.Sprintf("A stored file of the values of %q is damaged (%v).", e.SourceFile, d.Err),
			Fix:      fmt.Sprintf("chạy danvan run: tệp được gỡ khỏi kho và nạp lại từ inbox nếu %q còn ở đó; nếu không, gửi lại tệp đó.", e.SourceFile),
			FixEN:    fmt.Sprintf("run danvan run: the batch is taken out of the store and loaded again from the inbox if %q is still there; otherwise send that file again.", e.SourceFile)})
	}
	for _, p := range st.leftovers {
		rel := s.dir.Rel(p)
		faults = append(faults, pipeline.Fault{Code: "leftover", Path: rel,
			Reason:   "Tệp còn sót lại của một thao tác bị gián đoạn; không được tính.",
			ReasonEN: "A file left by interrupted work; it is not counted.",
			Fix:      "chạy danvan run (nó xóa tệp này).", FixEN: "run danvan run (it removes it)."})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(faults, func(i, j int) bool { return faults[i].Path < faults[j].Path })
	return faults, nil
}

// storeState is what a scan of the store found.
type storeState struct {
	entries   map[string]layout.Entry // readable commit records, by batch
	damaged   []pipeline.DamagedFile  // files of loaded batches
	leftovers []string                // absolute paths, safe to remove
	removable []string                // absolute paths, safe to remove, and nothing to report (shared files)
	faults    []pipeline.Fault        // what only a person can fix
	verified  map[string]error        // files checked, by path
}

func (s *Store) scan(hash bool) (storeState, error) {
	st := storeState{entries: map[string]layout.Entry{}, verified: map[string]error{}}
	d := s.dir
	paths, err := layout.ManifestFiles(d)
	if err != nil {
		return st, err
	}
	unreadable := map[string]bool{} // batches whose record cannot be read
	for _, p := range paths {
		e, err := layout.ReadRecord(p) // parsed once a process: the check after the ingest reads them again, and so does the warehouse
		if err != nil {
			unreadable[strings.TrimSuffix(filepath.Base(p), ".json")] = true
			rel := d.Rel(p)
			st.faults = append(st.faults, pipeline.Fault{Code: "bad_record", Path: rel,
				Reason:   fmt.Sprintf("Bản ghi nạp (commit record) không đọc được (%v): tệp đó coi như chưa nạp, nhưng các giá trị của nó vẫn nằm trong kho.", err),
				ReasonEN: fmt.Sprintf("A commit record cannot be read (%v): its file counts as not ingested, while its values are still in the store.", err),
				Fix:      fmt.Sprintf("xóa %s rồi chạy danvan run: tệp được nạp lại nếu còn trong inbox; nếu không, gửi lại tệp.", rel),
				FixEN:    fmt.Sprintf("delete %s and run danvan run: the file is loaded again if it is still in the inbox; otherwise send it again.", rel)})
			continue
		}
		st.entries[e.Batch] = e
	}

	// Every fact and rejects file, by batch.
	facts, err := filepath.Glob(d.FactFiles())
	if err != nil {
		return st, err
	}
	rejects, err := filepath.Glob(filepath.Join(d.Rejects(), "*.parquet"))
	if err != nil {
		return st, err
	}
	onDisk := map[string][]string{} // batch -> files
	var shared []string
	for _, p := range facts {
		if layout.IsSharedFactFile(p) {
			shared = append(shared, p)
			continue
		}
		if _, batch, err := layout.FactFilePartition(p); err == nil {
			onDisk[batch] = append(onDisk[batch], p)
		}
	}
	for _, p := range rejects {
		batch := strings.TrimSuffix(filepath.Base(p), ".parquet")
		onDisk[batch] = append(onDisk[batch], p)
	}

	batches := make([]string, 0, len(st.entries))
	for b := range st.entries {
		batches = append(batches, b)
	}
	sort.Strings(batches)
	for _, b := range batches {
		e := st.entries[b]
		switch e.Status {
		case layout.Loaded:
			st.checkLoaded(d, e, onDisk[b], hash)
		case layout.Quarantined:
			if _, err := os.Stat(filepath.Join(d.QuarantineDir(b), e.SourceFile)); err != nil {
				st.faults = append(st.faults, pipeline.Fault{Code: "quarantine_copy_missing", Path: "quarantine/" + b + "/" + e.SourceFile,
					Reason:   fmt.Sprintf("Tệp %q đã bị cách ly nhưng bản giữ lại trong thư mục quarantine không còn.", e.SourceFile),
					ReasonEN: fmt.Sprintf("%q was quarantined, but the copy kept in the quarantine folder is gone.", e.SourceFile),
					Fix:      "không cần làm gì cho số liệu; nếu cần xem tệp gốc, hỏi lại nơi gửi.",
					FixEN:    "nothing to do for the figures; to see the original, ask the sender for it again."})
			}
		}
	}

	// Shared facts files (layout.SharedFactFile). A batch whose rows one
	// holds (its footer names them) with no commit record, readable or
	// not, and not set aside, is values no refresh counts: an orphan, as
	// a batch's own file without a record is. A shared file no record lists
	// and that holds no orphan's rows is what a seal killed before its
	// records settled left, once its files were committed again (or set
	// aside, every batch in it): nothing in it counts and nothing is to be
	// done, so Repair removes it and Check does not name it.
	listed := map[string]bool{}
	for _, e := range st.entries {
		for _, f := range e.Files {
			listed[filepath.Clean(d.Abs(f.Path))] = true
		}
	}
	sharedNames := map[string]string{} // orphan batch -> its source file, from a footer
	for _, p := range shared {
		bs, err := sharedBatchesOf(p)
		orphan := false
		for _, b := range bs {
			if _, ok := st.entries[b.Batch]; ok || unreadable[b.Batch] {
				continue
			}
			if _, err := os.Stat(d.SetAsideRecord(b.Batch)); err == nil {
				continue
			}
			orphan = true
			onDisk[b.Batch] = append(onDisk[b.Batch], p)
			sharedNames[b.Batch] = b.SourceFile
		}
		// A footer that cannot be read: no reader gets its rows either.
		if (err != nil || !orphan) && !listed[filepath.Clean(p)] && len(unreadable) == 0 {
			st.removable = append(st.removable, p)
		}
	}

	// Files of no committed batch.
	orphans := make([]string, 0)
	for b := range onDisk {
		if _, ok := st.entries[b]; !ok && !unreadable[b] { // one fault for a bad record, not two
			orphans = append(orphans, b)
		}
	}
	sort.Strings(orphans)
	for _, b := range orphans {
		files := onDisk[b]
		sort.Strings(files)
		if _, err := os.Stat(d.SetAsideRecord(b)); err == nil {
			st.leftovers = append(st.leftovers, files...)
			continue
		}
		st.faults = append(st.faults, orphanFault(d, b, files, sharedNames[b]))
	}

	// Batches set aside and not committed again.
	qs, err := os.ReadDir(d.Quarantine())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return st, err
	}
	for _, q := range qs {
		b := q.Name()
		if _, committed := st.entries[b]; committed || layout.CheckBatch(b) != nil {
			continue
		}
		rec, ok, err := layout.ReadSetAside(d, b)
		if err != nil || !ok {
			continue
		}
		st.faults = append(st.faults, setAsideFault(rec.Entry, rec.Damaged))
	}
	return st, nil
}

// checkLoaded finds the damaged or missing files of a loaded batch, and
// the files of it its record does not list (leftovers).
func (st *storeState) checkLoaded(d layout.Dir, e layout.Entry, files []string, hash bool) {
	damage := func(path string, err error) {
		st.damaged = append(st.damaged, pipeline.DamagedFile{Batch: e.Batch, SourceFile: e.SourceFile, Path: d.Rel(path), Err: err})
	}
	want := map[string]bool{}
	if len(e.Files) > 0 {
		for _, f := range e.Files {
			path := filepath.Clean(d.Abs(f.Path))
			want[path] = true
			err, ok := st.verified[path]
			if !ok {
				// A shared file is listed by every batch in it:
				// checked once, its damage is each one's.
				err = d.Verify(f, hash)
				st.verified[path] = err
			}
			if err != nil {
				damage(d.Abs(f.Path), err)
			}
		}
	} else {
		// Written before sums were kept: the files must be there, whole.
		for _, ps := range e.Partitions {
			p, err := layout.ParsePartition(ps)
			if err != nil {
				continue
			}
			path := d.FactFile(p, e.Batch)
			want[path] = true
			if err := layout.CheckParquet(path); err != nil {
				damage(path, err)
			}
		}
		if e.RowsRejected > 0 {
			path := d.RejectsFile(e.Batch)
			want[path] = true
			if err := layout.CheckParquet(path); err != nil {
				damage(path, err)
			}
		}
	}
	if len(e.Files) == 0 && len(e.Partitions) == 0 {
		return // an old record that says nothing of its files
	}
	for _, p := range files {
		if !want[filepath.Clean(p)] {
			st.leftovers = append(st.leftovers, p)
		}
	}
}

// orphanFault is facts or rejects of a batch with no commit record: values
// no refresh counts. They name their file.
func orphanFault(d layout.Dir, batch string, files []string, name string) pipeline.Fault {
	for _, f := range files {
		if name != "" || layout.IsSharedFactFile(f) {
			break
		}
		name = sourceFileOf(f)
	}
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = d.Rel(f)
	}
	inbox := filepath.Join(d.Inbox(), name)
	shown := name
	if name == "" {
		shown, inbox = "(không rõ tên / name unknown)", ""
	}
	f := pipeline.Fault{Code: "orphan_facts", Path: rels[0],
		Reason: fmt.Sprintf("Các giá trị của tệp %s (batch %s) nằm trong kho nhưng không có bản ghi nạp (commit record), nên không lần làm mới nào tính chúng: bản ghi đã mất hoặc việc nạp bị gián đoạn. Tệp: %s.",
			shown, batch, strings.Join(rels, ", ")),
		ReasonEN: fmt.Sprintf("The values of %s (batch %s) are in the store but have no commit record, so no refresh counts them: the record was lost or the ingest was cut short. Files: %s.",
			shown, batch, strings.Join(rels, ", ")),
		Fix:   fmt.Sprintf("đặt lại tệp %s vào thư mục inbox và chạy danvan run (các giá trị được tính); nếu tệp đã được rút lại có chủ ý, xóa các tệp trên.", shown),
		FixEN: fmt.Sprintf("put %s back in the inbox and run danvan run (its values are then counted); if the file was withdrawn on purpose, delete the files above.", shown),
	}
	if inbox != "" && sameBytes(inbox, batch) {
		f.Fix = fmt.Sprintf("chạy danvan run: tệp %s vẫn còn trong inbox, được nạp lại và các giá trị được tính.", shown)
		f.FixEN = fmt.Sprintf("run danvan run: %s is still in the inbox, is loaded again and its values are counted.", shown)
	}
	return f
}

// sharedBatchesOf reads the batches a shared facts file holds rows of from
// its footer (layout.SharedBatchesKey).
func sharedBatchesOf(path string) (bs []layout.SharedBatch, err error) {
	defer func() {
		if recover() != nil {
			bs, err = nil, fmt.Errorf("%s: unreadable footer", path)
		}
	}()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	v := r.MetaData().KeyValueMetadata().FindValue(layout.SharedBatchesKey)
	if v == nil {
		return nil, fmt.Errorf("%s: no %s", path, layout.SharedBatchesKey)
	}
	return layout.DecodeSharedBatches(*v)
}

// sourceFileOf reads the source file named in the first row of a facts or
// rejects Parquet file; "" when it cannot.
func sourceFileOf(path string) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return ""
	}
	defer r.Close()
	col := r.MetaData().Schema.ColumnIndexByName("source_file")
	if col < 0 || r.NumRowGroups() == 0 {
		return ""
	}
	cr, err := r.RowGroup(0).Column(col)
	if err != nil {
		return ""
	}
	ba, ok := cr.(*file.ByteArrayColumnChunkReader)
	if !ok {
		return ""
	}
	vals := make([]parquet.ByteArray, 1)
	def := make([]int16, 1)
	if _, n, err := ba.ReadBatch(1, vals, def, nil); err != nil || n != 1 {
		return ""
	}
	name = filepath.Base(string(vals[0]))
	if !slices.Contains([]string{"", ".", "/"}, name) {
		return name
	}
	return ""
}
