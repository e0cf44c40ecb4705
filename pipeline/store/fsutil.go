package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

var tmpSeq atomic.Uint64

// createTmp opens a new temp file in warehouse/tmp. Its name starts with
// the writing process's id, so Open can tell a dead writer's leftovers from
// a live writer's work in progress.
func (s *Store) createTmp(label string) (*os.File, error) {
	name := fmt.Sprintf("%d-%d-%s.tmp", os.Getpid(), tmpSeq.Add(1), label)
	f, err := os.OpenFile(filepath.Join(s.tmpDir(), name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create temp file: %w", err)
	}
	return f, nil
}

// cleanTmp removes temp files of processes that no longer run.
func (s *Store) cleanTmp() error {
	des, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	self := os.Getpid()
	for _, de := range des {
		pid, ok := tmpPID(de.Name())
		if ok && (pid == self || alive(pid)) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.tmpDir(), de.Name())); err != nil {
			return fmt.Errorf("clean temp files: %w", err)
		}
	}
	return nil
}

func tmpPID(name string) (int, bool) {
	i := strings.IndexByte(name, '-')
	if i <= 0 {
		return 0, false
	}
	pid, err := strconv.Atoi(name[:i])
	return pid, err == nil && pid > 0
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// finishTmp makes a written temp file durable and closes it.
func finishTmp(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", filepath.Base(f.Name()), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

// writeAtomic writes data to path through a synced temp file and a rename.
// The caller syncs path's directory.
func (s *Store) writeAtomic(path string, data []byte) error {
	f, err := s.createTmp(filepath.Base(path))
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := finishTmp(f); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("move %s into place: %w", filepath.Base(path), err)
	}
	return nil
}

// copyAtomic copies src to dst through a synced temp file and a rename and
// returns the number of bytes copied.
func (s *Store) copyAtomic(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("open source file: %w", err)
	}
	defer in.Close()
	f, err := s.createTmp(filepath.Base(dst))
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	n, err := io.Copy(f, in)
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	if err := finishTmp(f); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("move %s into place: %w", filepath.Base(dst), err)
	}
	return n, nil
}

// syncDir makes renames and creations inside dir durable.
func syncDir(dir string) error {
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

// mkdirAllSync creates dir and its missing parents, syncing the parent of
// each directory it creates so the new entries survive a crash.
func mkdirAllSync(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("create directory %s: not a directory", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAllSync(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create directory: %w", err)
	}
	return syncDir(parent)
}
