package layout

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Every file of the data directory that someone reads while it may be
// written (commit records, report lists, run records, quarantined files,
// the demo inbox) is written the same way: into a temp file beside it,
// synced, renamed over the final name, and the directory synced. A reader
// sees the old bytes or the new, never part of them; a crash leaves at most
// a temp file, which CleanTemps removes once its writer is gone. The one
// exception, WriteFileUnsynced, skips the syncs.
//
// Temp files are named ".<name>.<pid>-<mark>-<n>.tmp": hidden, so no
// reader here takes one for data, and marked with the writing process
// (self), so a live writer's file is told from a dead one's.

var tempSeq atomic.Uint64

func tempName(path string) string {
	return filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%s-%d.tmp", filepath.Base(path), self, tempSeq.Add(1)))
}

// self is this process's id and a mark drawn when it starts, "<pid>-<mark>":
// the files a process names as its own (temp files, the store's work
// files, reading records) begin with it. The id tells a dead process's
// leftovers from a live one's; the mark tells this process's from those
// of an earlier one that had the same id, which a process in a container
// has each time it starts (pid 1) and a service started at boot often
// has: by the id alone, such a process took a killed one's leftovers for
// its own, never removed them, and its own writes failed on their names
// ("file exists") run after run.
var self = fmt.Sprintf("%d-%s", os.Getpid(), newMark())

func newMark() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%08x", uint32(time.Now().UnixNano()))
	}
	return hex.EncodeToString(b[:])
}

// Self is "<pid>-<mark>", what the names of this process's own files
// begin with (see self).
func Self() string { return self }

// Gone reports whether the process that named a file with id pid and mark
// m (ParseSelf) no longer runs: a process with another id that is not
// alive, or one with this process's id and another mark (an earlier
// process given the same id).
func Gone(pid int, m string) bool {
	if pid == os.Getpid() {
		return self != strconv.Itoa(pid)+"-"+m
	}
	return !Alive(pid)
}

// ParseSelf reads a process's id and mark from the start of s, as Self
// writes them ("<pid>-<mark>-…"). A name an earlier version wrote
// ("<pid>-<n>.tmp", "<pid>-<n>-<label>.tmp") gives "" or its number,
// never a live process's mark.
func ParseSelf(s string) (pid int, mark string, ok bool) {
	p, rest, _ := strings.Cut(s, "-")
	pid, err := strconv.Atoi(p)
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	if m, _, cut := strings.Cut(rest, "-"); cut {
		mark = m
	}
	return pid, mark, true
}

// WriteFile writes data to path atomically and durably.
func WriteFile(path string, data []byte) error {
	_, err := write(path, func(f *os.File) (int64, error) {
		n, err := f.Write(data)
		return int64(n), err
	})
	return err
}

// CopyFile copies the file src to dst atomically and durably and returns
// the bytes copied.
func CopyFile(dst, src string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	return write(dst, func(f *os.File) (int64, error) { return io.Copy(f, in) })
}

// WriteFileUnsynced writes data to path atomically but not durably: a
// reader, and a process killed meanwhile, see the old bytes or the new; a
// machine that stops before the kernel has written them back may come up
// with the old file, none, or an empty one. Only for records whose loss in
// a crash of the machine costs a retry, nothing else: the attempt records of
// the poison rule, written for every file read (two fsyncs of the ~9 a small
// file's commit cost).
func WriteFileUnsynced(path string, data []byte) error {
	_, err := writeSync(path, func(f *os.File) (int64, error) {
		n, err := f.Write(data)
		return int64(n), err
	}, false)
	return err
}

func write(path string, fill func(*os.File) (int64, error)) (int64, error) {
	return writeSync(path, fill, true)
}

func writeSync(path string, fill func(*os.File) (int64, error), durable bool) (int64, error) {
	tmp := tempName(path)
	f, err := createNew(tmp)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	n, err := fill(f)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil && durable {
		err = SyncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

// Symlink points link at target in one rename, so a reader resolving link
// finds the old target or the new one.
func Symlink(target, link string) error {
	tmp := tempName(link)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := SyncDir(filepath.Dir(link)); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	return nil
}

// SyncDir makes the renames and creations inside dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// SyncAll makes files, and the entries of dirs (every file is in one of
// them), durable at once: for what many files wrote together (a group of
// commits, a new snapshot), where one fsync per file and folder waited on
// the disk once each. On Linux it is one syncfs(2) per filesystem that
// holds one of dirs (sync_linux.go); elsewhere, and where the kernel has no
// syncfs, an fsync of each file and folder.
func SyncAll(files, dirs []string) error { return syncAll(files, dirs) }

// syncEach is SyncAll one file and folder at a time.
func syncEach(files, dirs []string) error {
	var errs []error
	for _, f := range files {
		if err := syncFile(f); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range dirs {
		if err := SyncDir(d); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// syncFile makes the file at path durable.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// MkdirAll creates dir and its missing parents, syncing the parent of each
// directory it creates so the new entries survive a crash.
func MkdirAll(dir string) error { return MkdirsAll(dir) }

// MkdirsAll is MkdirAll of each of dirs, syncing each parent of the
// directories it creates once, after creating them all: a new data
// directory's eight directories have three parents, and each sync waits
// for the file system's journal.
func MkdirsAll(dirs ...string) error {
	var parents []string
	var mkdir func(dir string) error
	mkdir = func(dir string) error {
		if fi, err := os.Stat(dir); err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("create directory %s: not a directory", dir)
			}
			return nil
		}
		parent := filepath.Dir(dir)
		if parent != dir {
			if err := mkdir(parent); err != nil {
				return err
			}
		}
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create directory: %w", err)
		}
		if !slices.Contains(parents, parent) {
			parents = append(parents, parent)
		}
		return nil
	}
	for _, dir := range dirs {
		if err := mkdir(dir); err != nil {
			return err
		}
	}
	for _, p := range parents {
		if err := SyncDir(p); err != nil {
			return err
		}
	}
	return nil
}

// CleanTemps removes the temp files of WriteFile, CopyFile and Symlink left
// in dir by processes that no longer run. A missing dir is clean.
func CleanTemps(dir string) error {
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clean temp files of %s: %w", dir, err)
	}
	for _, de := range des {
		pid, mark, ok := tempPID(de.Name())
		if !ok || !Gone(pid, mark) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, de.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clean temp files of %s: %w", dir, err)
		}
	}
	return nil
}

// tempPID reads the process id and mark out of a temp file's name.
func tempPID(name string) (int, string, bool) {
	rest, ok := strings.CutSuffix(name, ".tmp")
	if !ok || !strings.HasPrefix(name, ".") {
		return 0, "", false
	}
	rest = rest[strings.LastIndexByte(rest, '.')+1:]
	if !strings.Contains(rest, "-") {
		return 0, "", false
	}
	return ParseSelf(rest)
}

// Alive reports whether a process with this id runs on this machine.
func Alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
