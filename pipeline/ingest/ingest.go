// Package ingest reads the files offices send (CSV/TSV, XLSX long tables and
// forms, JSON reports, JSON Lines) into raw rows, validates them with
// pipeline.Validator, and drives a pipeline.Writer per file, which a
// pipeline.Sink (the store) opens: a file is loaded, skipped (already
// committed), or quarantined whole.
//
// CSV, JSON Lines and large workbooks stream (stream.go): rows are
// validated as they are read and handed to the file's Writer in chunks, so
// a file of ten million rows never sits in memory; what is read whole is
// small (Limits.WholeBytes). The checks that need the whole file come at its end; if they
// refuse rows already handed over, ingest rolls the Writer back and reads
// the file again without them.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	datadir "github.com/danvan/danvan/pipeline/layout" // "layout" is a long table's header here
)

// Status is what happened to a file.
type Status string

const (
	Loaded      Status = "loaded"
	Skipped     Status = "skipped"     // already committed, by content hash
	Quarantined Status = "quarantined" // its content cannot be read; kept aside whole
	Checked     Status = "checked"     // read and validated by Check, not stored
	// Unreadable: the file could not be read this time (permission,
	// vanished, locked, changed while read, disk error), which is not its
	// content's fault: nothing of it is recorded and the next run tries
	// again (unreadable.go). FileErr says why.
	Unreadable Status = "unreadable"
	// Failed: reading the file took longer than Options.FileTimeout (or
	// failed for a reason no reader names), so it was left for this run;
	// FileErr says why. The next run reads it again; after
	// Options.PoisonAfter runs in a row that failed, timed out or died on
	// it, it is quarantined as poison (poison.go).
	Failed Status = "failed"
)

// FileResult is one file's line of a Summary.
type FileResult struct {
	File     string // base name
	Path     string
	Hash     string
	Status   Status
	Accepted int
	Rejected int
	// Rejects are the first refused rows (10,000 at most: a file can
	// refuse millions); every one is handed to the sink.
	Rejects []pipeline.RowError
	// Problems say the refusals once per problem (Problems), the first
	// Options.Problems of them, each with its first five places;
	// ProblemCount is how many problems there are in all.
	Problems     []Problem
	ProblemCount int
	// Warnings are what a clerk should look at that refused nothing (a
	// form total that could not be checked); not stored, not counted.
	Warnings []pipeline.Warning
	// Context says where the values took a province, period or date that
	// their rows do not state (a form's title or key lines, the file name).
	Context []Context
	FileErr *pipeline.FileError // why it was quarantined or could not be read
}

// Summary lists the files of a run in the order they were read, and the
// entries of the folders walked that were not read, with why.
type Summary struct {
	Files   []FileResult
	Ignored []Ignored
}

// Ignored is an entry of a folder that ingest does not read: a hidden or
// temporary file, a link, a named pipe or socket, a README. Each is listed
// so that nothing in an inbox is passed over without a word.
type Ignored struct {
	Path     string
	Code     string // hidden, lock_file, temp_file, symlink, not_regular, readme
	Reason   string
	ReasonEN string
}

// Totals adds up the summary.
func (s Summary) Totals() (accepted, rejected, quarantined int) {
	for _, f := range s.Files {
		accepted += f.Accepted
		rejected += f.Rejected
		if f.Status == Quarantined {
			quarantined++
		}
	}
	return accepted, rejected, quarantined
}

// Faults are the files of the summary that did not load: those that
// could not be read or took too long (tried again next run) and those
// quarantined, each with why and what to do.
func (s Summary) Faults() []pipeline.Fault {
	var out []pipeline.Fault
	for _, f := range s.Files {
		switch {
		case f.FileErr == nil:
		case f.Status == Unreadable, f.Status == Failed:
			out = append(out, pipeline.Fault{Code: f.FileErr.Code, Path: f.Path, Reason: f.FileErr.Reason, ReasonEN: f.FileErr.ReasonEN})
		case f.Status == Quarantined:
			out = append(out, pipeline.Fault{Code: "quarantined", Path: f.Path,
				Reason:   "Tệp bị cách ly, không có giá trị nào được nạp: " + f.FileErr.Reason,
				ReasonEN: "The file was quarantined and none of its values loaded: " + f.FileErr.ReasonEN,
				Fix:      "chỉnh tệp theo lý do trên rồi gửi lại (tệp gốc được giữ nguyên trong thư mục quarantine, kèm reason.txt).",
				FixEN:    "correct the file as the reason says and send it again (the original is kept whole in the quarantine folder, with reason.txt)."})
		}
	}
	return out
}

// Options configure an Ingester.
type Options struct {
	// Now gives the time of the run: periods after its day are in the
	// future, and files are stamped with it.
	Now func() time.Time
	// Reference is what rows are checked against; nil means the embedded
	// reference data.
	Reference *pipeline.Reference
	// ChunkSize is how many records a Writer gets per Add of a streamed file.
	ChunkSize int
	// Tracker, when set, remembers the files a run failed, timed out or
	// died on, and a file that stopped PoisonAfter runs in a row is
	// quarantined as poison instead of read again (poison.go). 0 or less:
	// never.
	Tracker     pipeline.Tracker
	PoisonAfter int
	// FileTimeout bounds the reading of one file: past it the file is left
	// for this run (Failed) and the others are read.
	FileTimeout time.Duration
	// Limits bound what one file may cost; zero fields take
	// DefaultLimits'.
	Limits Limits
	// Problems is how many problems of its refusals a FileResult
	// describes (what a summary prints); -1: all of them.
	Problems int
	// TempDir is where refused rows wait when they must (refusals.go):
	// the data directory's temp folder. Empty: the system's.
	TempDir string
	// Version is this build's version (DefaultOptions: its Go build ID,
	// buildVersion; empty where it cannot be read). A file another build
	// quarantined for what a reader judged of it is read again once
	// (readAgain); empty: never.
	Version string
}

// DefaultOptions are the options of a production run.
func DefaultOptions() Options {
	return Options{Now: time.Now, ChunkSize: 16 << 10, PoisonAfter: 2, FileTimeout: 10 * time.Minute, Limits: DefaultLimits(), Problems: 50,
		Version: buildVersion()}
}

// Ingester reads, validates and commits files.
type Ingester struct {
	opts Options
}

// New returns an Ingester; zero fields of opts take their defaults.
func New(opts Options) (*Ingester, error) {
	def := DefaultOptions()
	if opts.Now == nil {
		opts.Now = def.Now
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = def.ChunkSize
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = def.FileTimeout
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.Problems == 0 {
		opts.Problems = def.Problems
	}
	if opts.Reference == nil {
		ref, err := pipeline.DefaultReference()
		if err != nil {
			return nil, fmt.Errorf("load reference data: %w", err)
		}
		opts.Reference = ref
	}
	return &Ingester{opts: opts}, nil
}

// Files ingests the files at paths (folders are walked) into sink, skipping
// files it already has. Data problems are in the summary; the error is for
// what stops the run (a sink that cannot write, a cancelled context).
//
// What waits for a group's seal (pipeline.Sealer) is sealed before Files
// returns, and a file whose commit a failed seal took back is listed as not
// stored, never as loaded.
func (in *Ingester) Files(ctx context.Context, paths []string, sink pipeline.Sink) (Summary, error) {
	sum, err := in.run(ctx, paths, sink)
	if s, ok := sink.(pipeline.Sealer); ok && err == nil {
		err = s.Seal()
	}
	sum.TakeBack(err)
	return sum, err
}

// Check reads and validates the files at paths like Files, without storing
// anything: what `danvan validate` reports.
func (in *Ingester) Check(ctx context.Context, paths []string) (Summary, error) {
	return in.run(ctx, paths, nil)
}

func (in *Ingester) run(ctx context.Context, paths []string, sink pipeline.Sink) (Summary, error) {
	var sum Summary
	entries, ignored, err := walk(paths)
	sum.Ignored = ignored
	if err != nil {
		return sum, err
	}
	var files []string
	for _, e := range entries {
		if e.err == nil {
			files = append(files, e.path)
		}
	}
	v := pipeline.NewValidator(in.opts.Reference, in.opts.Now())
	hctx, stop := context.WithCancel(ctx) // stops the hashing when the run does
	defer stop()
	hashes := prehash(hctx, files, streamsByName)
	ov := &overlap{sum: &sum}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			_ = ov.land() // its file is listed, stored or not; the run stops for ctx
			return sum, err
		}
		if e.err != nil { // a folder that cannot be listed
			if err := ov.land(); err != nil {
				return sum, err
			}
			name := filepath.Base(e.path)
			sum.Files = append(sum.Files, FileResult{File: name, Path: e.path, Status: Unreadable, FileErr: unreadable(name, e.path, e.err)})
			continue
		}
		path := e.path
		sub, refuse := in.received(path)
		v.SetSubmission(sub)
		res, st, err := in.file(ctx, &v, path, sink, hashes[path], refuse, ov)
		var le *landError
		if errors.As(err, &le) { // the file before failed to store; this one was not read
			return sum, le.err
		}
		if lerr := ov.land(); lerr != nil {
			if st != nil {
				st.release()
			}
			if cerr := ctx.Err(); cerr != nil {
				// Stopped from outside while this file was read: it is
				// listed not stored, as the file a run stops on always
				// was, and the run returns its context's error alone.
				sum.Files = append(sum.Files, notStored(res, cerr))
				return sum, cerr
			}
			return sum, lerr // the run stops at the file that failed to store, as before the overlap
		}
		if st != nil {
			if !st.alone {
				ov.start(res.Hash, st.store)
				continue
			}
			res, err = st.store()
		}
		if err != nil {
			res = notStored(res, err)
		}
		sum.Files = append(sum.Files, res)
		if err != nil {
			return sum, err
		}
	}
	return sum, ov.land()
}

// TakeBack lists as not stored the files listed loaded whose commits a
// sink's failed group seal took back (err a pipeline.UncommittedError):
// Files does it for the seals it meets; a caller that seals afterwards
// (closing the store after a cancelled run) does it with that error. A
// file skipped for having those bytes (a copy under another name, read
// while they waited for the seal) is not stored either.
func (s *Summary) TakeBack(err error) {
	var ue *pipeline.UncommittedError
	if !errors.As(err, &ue) {
		return
	}
	back := make(map[string]bool, len(ue.Batches))
	for _, b := range ue.Batches {
		back[b] = true
	}
	for i, f := range s.Files {
		if back[f.Hash] {
			if f.Status == Skipped {
				f.Status = Loaded // what it would have been, had the bytes not been waiting
			}
			s.Files[i] = notStored(f, err)
		}
	}
}

// Submitted checks (sink nil) or ingests one file the submission portal
// received, as Files does for a file of the inbox, holding its rows to s
// (pipeline.Submission): the portal's preview and the night's ingest of
// the same file run the same checks.
func (in *Ingester) Submitted(ctx context.Context, path string, s pipeline.Submission, sink pipeline.Sink) (FileResult, error) {
	v := pipeline.NewValidator(in.opts.Reference, in.opts.Now())
	v.SetSubmission(&s)
	var hash chan hashed
	if streamsByName(path) {
		hash = make(chan hashed, 1)
		var h hashed
		if h.at, h.err = stampOf(path); h.err == nil {
			h.hash, h.err = HashFile(path)
		}
		hash <- h
	}
	res, st, err := in.file(ctx, &v, path, sink, hash, nil, nil)
	if st != nil {
		res, err = st.store()
	}
	if err != nil {
		res = notStored(res, err)
	}
	return res, err
}

// notStored is the line of a file the ingest stopped on (err: the store
// failed, a full disk, the run was stopped): whatever it read, nothing of
// it is stored, and the summary must not say it was loaded, or
// quarantined. A file committed before the error (storedError) stays
// loaded or quarantined.
func notStored(res FileResult, err error) FileResult {
	var se *storedError
	if res.Status != Loaded && res.Status != Quarantined || errors.As(err, &se) {
		return res
	}
	res.Status, res.Accepted, res.Rejected = Failed, 0, 0
	if errors.Is(err, context.Canceled) {
		// Stopped from outside (SIGTERM, Ctrl-C): no fault of the server's.
		res.FileErr = bilingual(res.File, "not_stored",
			"Tệp chưa được lưu: lần chạy bị dừng (lệnh dừng từ bên ngoài) trước khi lưu xong tệp. Lần chạy sau đọc lại tệp.",
			"The file was not stored: the run was stopped from outside before the file was stored. The next run reads it again.")
		return res
	}
	res.FileErr = bilingual(res.File, "not_stored",
		"Tệp chưa được lưu: lần nạp dừng lại vì lỗi bên máy chủ: "+err.Error()+". Lần chạy sau đọc lại tệp.",
		"The file was not stored: the ingest stopped on an error of the server: "+err.Error()+". The next run reads it again.")
	return res
}

// storedError is an error after the file was committed: recording that it
// was read (Tracker.Done) failed.
type storedError struct{ err error }

func (e *storedError) Error() string { return e.err.Error() }
func (e *storedError) Unwrap() error { return e.err }

// Sniff names what a file whose first bytes are head looks like: empty,
// xlsx (any zip), xls (any OLE compound file), json, jsonl, csv, text or
// binary. The submission portal decides an upload's type with it, as
// ingest does for a file without an extension it knows.
func Sniff(head []byte) string { return sniff(head) }

// received says what the path of a file the portal committed to the inbox
// says (datadir.ParseReceived): who sent it and when. A file elsewhere is no
// submission (nil, nil); one in the folder of a code no unit can send with
// is refused whole.
func (in *Ingester) received(path string) (*pipeline.Submission, *pipeline.FileError) {
	r, ok := datadir.ParseReceived(path)
	if !ok {
		return nil, nil
	}
	sender, p := in.opts.Reference.Sender(r.Unit)
	if p != nil {
		return nil, &pipeline.FileError{File: filepath.Base(path), Code: "unknown_sender",
			Reason:   fmt.Sprintf("Tệp nằm trong thư mục cổng nộp của mã %s, nhưng mã này không nộp báo cáo được: %s", r.Unit, p.Reason),
			ReasonEN: fmt.Sprintf("The file is in the portal folder of code %s, which cannot send reports: %s", r.Unit, p.ReasonEN)}
	}
	return &pipeline.Submission{Sender: sender, ReceivedAt: r.At}, nil
}

// Walk lists the files at paths: files as given (a link named on the
// command line is followed), folders walked in lexical order. What a folder
// holds besides report files is listed as ignored, with why (see skip).
// Folders that cannot be listed are left out (the ingest reports them).
func Walk(paths []string) ([]string, []Ignored, error) {
	entries, ignored, err := walk(paths)
	var out []string
	for _, e := range entries {
		if e.err == nil {
			out = append(out, e.path)
		}
	}
	return out, ignored, err
}

// entry is a file to read, or a folder that could not be listed (err).
type entry struct {
	path string
	err  error
}

func walk(paths []string) ([]entry, []Ignored, error) {
	var out []entry
	var ignored []Ignored
	seen := map[string]bool{}
	add := func(p string, err error) {
		if !seen[p] {
			seen[p] = true
			out = append(out, entry{p, err})
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, ignored, fmt.Errorf("list %s: %w", root, err)
		}
		if !info.IsDir() {
			if ig := notRegular(root, info.Mode()); ig != nil {
				ignored = append(ignored, *ig)
				continue
			}
			add(root, nil)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				// A folder that cannot be listed is reported, not fatal:
				// the files of the others are read.
				add(p, err)
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if p == root {
				return nil
			}
			if ig := skip(root, p, d); ig != nil {
				ignored = append(ignored, *ig)
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				add(p, nil)
			}
			return nil
		})
		if err != nil {
			return nil, ignored, fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return out, ignored, nil
}

// notRegular lists a named pipe, socket or device at p as not read, or
// says nil for a regular file or a folder.
func notRegular(p string, t fs.FileMode) *Ignored {
	if t.IsRegular() || t.IsDir() {
		return nil
	}
	vi, en := "tệp đặc biệt", "special file"
	switch {
	case t&fs.ModeNamedPipe != 0:
		vi, en = "ống có tên (FIFO)", "named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		vi, en = "socket", "socket"
	case t&fs.ModeDevice != 0:
		vi, en = "thiết bị", "device"
	}
	return &Ignored{Path: p, Code: "not_regular", Reason: "Không phải tệp thường mà là " + vi + "; không đọc.",
		ReasonEN: "Not a regular file but a " + en + "; not read."}
}

// skip says why the folder entry p under root is not read, or nil for a
// folder to walk or a file to read. Decided:
//   - hidden files and folders (".DS_Store", ".git"), the lock files office
//     programs keep beside an open document ("~$x.xlsx", ".~lock.x.xlsx#"),
//     editor backups and files still being copied ("x.csv~", "x.part") are
//     not reports;
//   - a link is not followed: one to a file in the inbox would read it
//     twice, one to a file elsewhere would let the inbox reach outside it;
//     the message says to copy the file in;
//   - named pipes, sockets and devices are not files (reading a pipe would
//     wait for ever);
//   - README files describe a folder; reason.txt is quarantine's own.
func skip(root, p string, d fs.DirEntry) *Ignored {
	name := d.Name()
	ig := func(code, vi, en string) *Ignored {
		return &Ignored{Path: p, Code: code, Reason: vi, ReasonEN: en}
	}
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "~$"), strings.HasPrefix(name, ".~lock."):
		return ig("lock_file", "Tệp khóa tạm mà Excel, Word hay LibreOffice giữ khi một tài liệu đang mở; không phải báo cáo, bỏ qua (tài liệu đó vẫn được đọc).",
			"A lock file Excel, Word or LibreOffice keeps while a document is open; not a report, not read (the document itself is).")
	case strings.HasPrefix(name, ".") && d.IsDir():
		return ig("hidden", "Thư mục ẩn (tên bắt đầu bằng dấu chấm); không đọc các tệp bên trong.",
			"Hidden folder (its name starts with a dot); the files in it are not read.")
	case strings.HasPrefix(name, "."):
		return ig("hidden", "Tệp ẩn (tên bắt đầu bằng dấu chấm), không phải báo cáo; bỏ qua.",
			"Hidden file (its name starts with a dot), not a report; not read.")
	case d.Type()&fs.ModeSymlink != 0:
		in := root
		if r, err := filepath.EvalSymlinks(root); err == nil {
			in = r
		}
		target, err := filepath.EvalSymlinks(p)
		if err == nil {
			target, err = filepath.Rel(in, target)
		}
		if rel := target; err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return ig("symlink", fmt.Sprintf("Liên kết (symlink) tới %q trong chính hộp thư; không đi theo liên kết, tệp đó được đọc theo tên của nó.", rel),
				fmt.Sprintf("Symbolic link to %q in the inbox itself; links are not followed, that file is read under its own name.", rel))
		}
		return ig("symlink", "Liên kết (symlink) tới một tệp hay thư mục ngoài hộp thư, hoặc không còn tồn tại; danvan chỉ đọc tệp thật nằm trong hộp thư. Hãy chép chính tệp đó vào hộp thư.",
			"Symbolic link to a file or folder outside the inbox, or to nothing; danvan reads only real files in the inbox. Copy the file itself into the inbox.")
	case !d.IsDir() && !d.Type().IsRegular():
		return notRegular(p, d.Type())
	case d.IsDir():
		return nil
	case strings.HasSuffix(name, "~") || strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") ||
		strings.HasSuffix(lower, ".partial") || strings.HasSuffix(lower, ".crdownload") || strings.HasSuffix(lower, ".filepart"):
		return ig("temp_file", "Tệp tạm (bản sao lưu của trình soạn thảo, hoặc tệp đang chép dở); bỏ qua. Nếu đây là báo cáo, hãy đổi tên cho đúng loại tệp (.csv, .xlsx, .json…).",
			"Temporary file (an editor's backup, or a file still being copied); not read. If it is a report, give it its proper extension (.csv, .xlsx, .json, ...).")
	case strings.HasPrefix(strings.ToUpper(name), "README"):
		return ig("readme", "Tệp README mô tả thư mục, không phải báo cáo; bỏ qua.", "A README describes the folder, it is not a report; not read.")
	case name == "reason.txt":
		return ig("readme", "Tệp ghi lý do cách ly của danvan, không phải báo cáo; bỏ qua.", "danvan's quarantine reason file, not a report; not read.")
	}
	return nil
}

// streamed reports whether a file goes through the streaming CSV path.
func streamed(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".csv" || ext == ".tsv"
}

// prehash hashes the files to stream in the background, one after the
// other, so a file's hash is ready when its turn comes instead of keeping
// one core busy alone before each file. Each channel gets one result.
func prehash(ctx context.Context, files []string, stream func(path string) bool) map[string]chan hashed {
	out := map[string]chan hashed{}
	var todo []string
	for _, p := range files {
		if stream(p) {
			out[p] = make(chan hashed, 1)
			todo = append(todo, p)
		}
	}
	go func() {
		for _, p := range todo {
			if err := ctx.Err(); err != nil {
				out[p] <- hashed{err: err}
				continue
			}
			var h hashed
			if h.at, h.err = stampOf(p); h.err == nil {
				h.hash, h.err = HashFile(p)
			}
			out[p] <- h
		}
	}()
	return out
}

type hashed struct {
	hash string
	at   stamp // the file before it was hashed
	err  error
}

// file handles one file; the error is for what must stop the run. A file
// that streams by its name comes with hash, which brings its content hash;
// hash is nil for the others (readIn says whether a workbook streams). *vp
// is the run's Validator; file replaces it when a reader it had to abandon
// still holds it (readWhole).
//
// A file refuse is not nil for is not read: it is quarantined with that
// reason.
//
// A file read whole and to be stored comes back read, with what stores it
// (toStore), for the caller to store now or while it reads the next file
// (overlap.go); ov is the store of the file before, still running, which
// file waits for wherever the two must not overlap (nil: none runs).
func (in *Ingester) file(ctx context.Context, vp **pipeline.Validator, path string, sink pipeline.Sink, hash <-chan hashed, refuse *pipeline.FileError, ov *overlap) (FileResult, *toStore, error) {
	name := filepath.Base(path)
	res := FileResult{File: name, Path: path, Status: Loaded}
	if sink == nil {
		res.Status = Checked
	}
	var data []byte
	var dir *zipDir // data's zip directory, listed once for every reader of it
	var at stamp
	var err error
	stream := hash != nil // hashed beforehand; a workbook that streams is known once open (readIn)
	if stream {
		err = readable(path)
		h := <-hash
		if err == nil {
			res.Hash, at, err = h.hash, h.at, h.err
		}
	} else {
		data, dir, res.Hash, at, stream, err = in.readIn(path)
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return res, nil, cerr
		}
		res.Status, res.FileErr = Unreadable, unreadable(name, path, err)
		return res, nil, nil
	}
	if ov.holds(res.Hash) { // the same bytes under another name: Has knows once it is stored
		if err := ov.land(); err != nil {
			return res, nil, &landError{err}
		}
	}
	b := pipeline.Batch{Hash: res.Hash, SourceFile: name, SourcePath: path, IngestedAt: in.opts.Now().UTC(), Reader: in.opts.Version}
	was := "" // the code another build quarantined the file with, when it is read again for that
	if sink != nil && sink.Has(res.Hash) {
		again, arrived, code := in.readAgain(sink, res.Hash, name, data)
		if refuse != nil || !again {
			res.Status = Skipped
			return res, nil, nil
		}
		if was = code; !arrived.IsZero() {
			b.IngestedAt = arrived
		}
	}
	if refuse != nil {
		res.Status, res.FileErr = Quarantined, refuse
		if err := ov.land(); err != nil {
			return res, nil, &landError{err}
		}
		if sink != nil {
			if err := sink.Quarantine(ctx, b, refuse); err != nil {
				return res, nil, fmt.Errorf("commit %s: %w", path, err)
			}
		}
		return res, nil, nil
	}
	if fe := in.tooLarge(name, at.info.Size(), !stream); fe != nil {
		res.Status, res.FileErr = Quarantined, fe
		if err := ov.land(); err != nil {
			return res, nil, &landError{err}
		}
		if sink != nil {
			if err := sink.Quarantine(ctx, b, fe); err != nil {
				return res, nil, fmt.Errorf("commit %s: %w", path, err)
			}
		}
		return res, nil, nil
	}
	tr := in.opts.Tracker
	if sink == nil {
		tr = nil
	}
	// A streamed file stores as it reads, and a file the poison rule has a
	// record of is read alone (overlap.go): the file before is stored
	// first, and the one after waits until this one is.
	alone := stream || ov == nil
	if tr != nil && !alone {
		if alone, err = tr.Alone(b); err != nil {
			return res, nil, err
		}
	}
	if alone {
		if err := ov.land(); err != nil {
			return res, nil, &landError{err}
		}
	}
	var strikes []pipeline.Strike
	if tr != nil {
		if strikes, err = tr.Begin(b); err != nil {
			return res, nil, err
		}
		if in.opts.PoisonAfter > 0 && len(strikes) >= in.opts.PoisonAfter {
			fe := poison(name, strikes)
			res.Status, res.FileErr = Quarantined, fe
			if err := sink.Quarantine(ctx, b, fe); err != nil {
				// The store's fault: its strikes stay, and its reading
				// ends, or the next run takes it for a death on it.
				return res, nil, errors.Join(fmt.Errorf("commit %s: %w", path, err), tr.Release(b))
			}
			if err := tr.Done(b); err != nil {
				return res, nil, &storedError{err}
			}
			return res, nil, nil
		}
	}
	// The file's own time: what is stored is committed under the run's
	// ctx, whatever the file's.
	fctx, cancel := context.WithTimeout(ctx, in.opts.FileTimeout)
	defer cancel()
	if stream {
		res, err = in.streamFile(ctx, fctx, *vp, path, at, b, sink, res)
		res, err = in.outcome(ctx, tr, b, strikes, res, err)
		return judgedAlike(res, was), nil, err
	}
	res, store, err := in.readWhole(ctx, fctx, vp, data, dir, b, sink, res)
	if err != nil || store == nil {
		res, err = in.outcome(ctx, tr, b, strikes, res, err)
		return judgedAlike(res, was), nil, err
	}
	return res, &toStore{alone: alone,
		store: func() (FileResult, error) {
			res, err := store(res)
			res, err = in.outcome(ctx, tr, b, strikes, res, err)
			return judgedAlike(res, was), err
		},
		release: func() {
			if tr != nil {
				_ = tr.Release(b)
			}
		}}, nil
}

// quarantineRecords is a sink that gives the commit record of a file
// quarantined (store.Store).
type quarantineRecords interface {
	QuarantineRecord(hash string) (datadir.Entry, bool)
}

// readAgain reports whether bytes the sink has are read again, as any
// other file (under the poison rule). Skipped, such a file was said to be
// already ingested and its values were never loaded:
//   - they were quarantined as named wrongly (a workbook sent as .csv, its
//     reason saying to rename it to .xlsx and send it again) and name is
//     now the one whose reader reads them: sent again, they arrive now.
//     Under another wrong name they stay skipped, so two names in the
//     inbox never quarantine each other run after run;
//   - another build of danvan quarantined them for what a reader judged of
//     them (not a limit nor the poison rule, which could stall or kill the
//     run again: limitCodes), and the readers of this build may read them.
//     They keep the time they arrived (arrived), so a correction sent
//     after them still replaces them. Quarantined again, the record names
//     this build, so they are read again once per build, not every run.
func (in *Ingester) readAgain(sink pipeline.Sink, hash, name string, data []byte) (again bool, arrived time.Time, code string) {
	q, ok := sink.(quarantineRecords)
	if !ok {
		return false, time.Time{}, ""
	}
	// The record first: it is looked at only for bytes quarantined (every
	// file skipped comes here), the content's kind then.
	e, ok := q.QuarantineRecord(hash)
	switch {
	case !ok:
		return false, time.Time{}, ""
	case in.opts.Version != "" && e.JudgedBy != in.opts.Version && !limitCodes[e.Code]:
		return true, e.IngestedAt, e.Code
	}
	return data != nil && e.Code == codeWrongFileType && kindOf(data) != nil && misnamed(name, data) == nil, time.Time{}, ""
}

// judgedAlike lists a file this build read again because another build
// quarantined it (readAgain) and quarantined again for the same kind of
// problem (code was) as skipped, as every run before the upgrade listed
// it: nothing about it is new, and an unattended night after an upgrade
// ended with exit 3 and a problem list of files already reported (their
// record is written again all the same, naming this build, so they are
// not read again). Quarantined for another problem, or loaded, it is news
// and listed as such.
func judgedAlike(res FileResult, was string) FileResult {
	if was == "" || res.Status != Quarantined || res.FileErr == nil || res.FileErr.Code != was {
		return res
	}
	return FileResult{File: res.File, Path: res.Path, Hash: res.Hash, Status: Skipped}
}

// tooLarge refuses a file of size bytes over Limits.FileBytes, or, when it
// is to be read whole, over Limits.WholeBytes.
func (in *Ingester) tooLarge(name string, size int64, whole bool) *pipeline.FileError {
	lim := in.opts.Limits
	switch {
	case size > lim.FileBytes:
		return lim.fileTooLarge(name, size)
	case !whole || size <= lim.WholeBytes:
		return nil
	case strings.EqualFold(filepath.Ext(name), ".json"):
		return lim.tooLargeWhole(name, "Báo cáo JSON", "The JSON report", size)
	}
	return lim.tooLargeWhole(name, "Tệp", "The file", size)
}

// readWhole validates a file held in memory (data, at most
// Limits.WholeBytes) and stores it. The readers of whole files (a small
// workbook, a JSON report, a text) do not stop when asked, so the reading runs in a goroutine; when the file's time (fctx)
// is up first, the goroutine is left to finish on its own, its result
// dropped, and *vp, which it still uses, replaced by a new Validator for
// the files after.
//
// What stores the file is handed back (nil when sink is nil: nothing to
// store), to run on another goroutine while the next file is read; it
// uses the run's ctx only.
func (in *Ingester) readWhole(ctx, fctx context.Context, vp **pipeline.Validator, data []byte, dir *zipDir, b pipeline.Batch, sink pipeline.Sink, res FileResult) (FileResult, func(FileResult) (FileResult, error), error) {
	name, path := b.SourceFile, b.SourcePath
	if err := fctx.Err(); err != nil {
		return res, nil, err
	}
	v := *vp
	done := make(chan validated, 1)
	go func() { done <- in.validateIn(v, name, data, dir) }()
	var out validated
	select {
	case out = <-done:
	case <-fctx.Done():
		*vp = pipeline.NewValidator(in.opts.Reference, in.opts.Now())
		return res, nil, fctx.Err()
	}
	recs, rejects, fe := out.recs, out.rejects, out.fe
	res.Accepted, res.FileErr = len(recs), fe
	if out.tally != nil {
		out.tally.result(&res)
	}
	res.Warnings, res.Context = out.warnings, out.context
	if fe != nil {
		res.Status = Quarantined
	}
	if sink == nil {
		return res, nil, nil
	}
	return res, func(res FileResult) (FileResult, error) {
		var err error
		if fe != nil {
			err = sink.Quarantine(ctx, b, fe)
		} else {
			err = write(ctx, sink, b, recs, rejects)
		}
		if err != nil {
			return res, &writeError{fmt.Errorf("commit %s: %w", path, err)}
		}
		return res, nil
	}, nil
}

// write stores a file read whole: one Writer, all of it, commit.
func write(ctx context.Context, sink pipeline.Sink, b pipeline.Batch, recs []pipeline.Record, rejects []pipeline.RowError) error {
	w, err := sink.Open(b)
	if err != nil {
		return err
	}
	defer w.Rollback()
	if err := w.Add(recs); err != nil {
		return err
	}
	if err := w.Reject(rejects); err != nil {
		return err
	}
	return w.Commit(ctx)
}

// validated is what validate found in a file held in memory.
type validated struct {
	recs     []pipeline.Record
	rejects  []pipeline.RowError
	tally    *tally
	warnings []pipeline.Warning
	context  []Context
	fe       *pipeline.FileError
}

// validate reads and validates a file held in memory.
func (in *Ingester) validate(v *pipeline.Validator, name string, data []byte) (out validated) {
	return in.validateIn(v, name, data, &zipDir{data: data})
}

// validateIn is validate, dir data's zip directory.
func (in *Ingester) validateIn(v *pipeline.Validator, name string, data []byte, dir *zipDir) (out validated) {
	rows, readRejects, notices, fe := readInDir(in.opts.Reference, name, data, in.opts.Limits, dir)
	if fe != nil {
		return validated{fe: fe}
	}
	if len(rows)+len(readRejects) > in.opts.Limits.Rows {
		return validated{fe: in.opts.Limits.tooManyRows(name)}
	}
	defer func() {
		if p := recover(); p != nil {
			out = validated{fe: internalError(name, p)}
		}
	}()
	recs, rejects, warnings := v.File(name, rows)
	rejects = append(readRejects, rejects...)
	t := tallyOf(rejects, in.opts.Problems)
	if fe := oneCause(name, len(recs), t); fe != nil {
		return validated{fe: fe}
	}
	return validated{recs: recs, rejects: rejects, tally: t, warnings: append(notices, warnings...), context: contexts(rows)}
}

// readIn reads the file at path for a reader of whole files, opening it
// once: whether another program holds a lock on it (readable), its stamp,
// whether it streams after all (a workbook whose parts unzip to more than
// Limits.WholeBytes, by its zip directory), its bytes and their hash (a
// file that streams, or too large to read whole, is hashed as it streams
// by, never held, and data is nil), its zip directory for the readers of
// data (listed at most once), and whether path is still that file,
// unchanged, once read. A commune's form was opened four times and stated
// twice for this, a ~10 µs system call each on the machines measured.
func (in *Ingester) readIn(path string) (data []byte, dir *zipDir, hash string, at stamp, streams bool, err error) {
	f, err := openInput(path)
	if err != nil {
		return nil, nil, "", at, false, err
	}
	defer f.Close()
	if writeLocked(f) {
		return nil, nil, "", at, false, errLocked
	}
	info, err := f.Stat()
	if err != nil {
		return nil, nil, "", at, false, err
	}
	at = stamp{info}
	lim := in.opts.Limits
	size, book := info.Size(), isWorkbook(path)
	whole := size <= min(lim.FileBytes, lim.WholeBytes)
	// A small workbook's zip directory is read from its bytes, once they
	// are read: from the file, it was two more reads of it (~4 % of the CPU
	// of a 365-form drop's ingest). One that streams is let go then.
	fromBytes := whole && book && size <= smallWorkbook
	streams = book && !fromBytes && lim.workbookStreams(f, size)
	if streams || !whole {
		if hash, err = hashOf(f); err != nil {
			return nil, nil, "", at, streams, err
		}
	} else {
		if data, err = readAll(f, size); err != nil {
			return nil, nil, "", at, false, err
		}
		sum := sha256.Sum256(data)
		hash = hex.EncodeToString(sum[:])
		dir = &zipDir{data: data}
		if fromBytes {
			if zr, err := dir.reader(); err == nil && lim.listedStreams(zr) {
				data, dir, streams = nil, nil, true
			}
		}
	}
	return data, dir, hash, at, streams, at.same(path)
}

// smallWorkbook bounds the workbooks whose bytes readIn reads before it
// knows whether they stream: one that does is held that long for nothing,
// which costs nothing at this size (an office's form is ~40 KB).
const smallWorkbook = 1 << 20

// readAll reads f to its end, size its length when opened, as os.ReadFile
// does (a file that grows meanwhile is read to its end: at.same tells).
func readAll(f *os.File, size int64) ([]byte, error) {
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				return data, nil
			}
			return data, err
		}
		if len(data) >= cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// HashFile is a file's SHA-256 in hex: the batch its values are stored under,
// and how a file already ingested is known again.
func HashFile(path string) (string, error) {
	f, err := openInput(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return hashOf(f)
}

// hashOf is the SHA-256 in hex of what r reads to its end (HashFile's, and
// readIn's of a file too large to hold).
func hashOf(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
