package store

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/danvan/danvan/pipeline/internal/rowgroup"
	"github.com/danvan/danvan/pipeline/layout"
)

var tmpSeq atomic.Uint64

// createTmp opens a new temp file in warehouse/tmp. Its name starts with
// the writing process's id and mark (layout.Self), so Open can tell a dead
// writer's leftovers from a live writer's work in progress.
func (s *Store) createTmp(label string) (*os.File, error) {
	name := fmt.Sprintf("%s-%d-%s.tmp", layout.Self(), tmpSeq.Add(1), label)
	f, err := os.OpenFile(filepath.Join(s.dir.Tmp(), name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create temp file: %w", err)
	}
	return f, nil
}

// cleanTmp removes temp files of processes that no longer run. DuckDB's
// spill directory is left to DuckDB, which names its files by its process
// and removes a dead process's when it next spills: a store is opened
// beside a refresh (`danvan ingest` takes no run lock), and removing that
// directory failed the refresh.
func (s *Store) cleanTmp() error {
	des, err := os.ReadDir(s.dir.Tmp())
	if err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	for _, de := range des {
		if filepath.Join(s.dir.Tmp(), de.Name()) == s.dir.DuckDBTmp() {
			continue
		}
		if pid, mark, ok := layout.ParseSelf(de.Name()); ok && !layout.Gone(pid, mark) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.dir.Tmp(), de.Name())); err != nil {
			return fmt.Errorf("clean temp files: %w", err)
		}
	}
	return nil
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

// fileWriter is one Parquet file being written to a temp file. Its bytes
// are hashed on their way, for the commit record (layout.FileSum): a
// second read of a file just written would cost more.
type fileWriter struct {
	f    *os.File
	bw   *bufio.Writer
	fw   *pqarrow.FileWriter // nil for a facts partition's file, written by rg
	rg   *rowgroup.Writer    // a facts partition's file (newFactsWriter)
	hash hash.Hash
	size int64
	err  error
	// nosync: its commit is grouped (Options.Group), whose seal syncs it.
	nosync bool
}

// sum is the written file's FileSum, once closed, named as path will be.
func (w *fileWriter) sum(d layout.Dir, path string) layout.FileSum {
	return layout.FileSum{Path: d.Rel(path), Size: w.size, SHA256: hex.EncodeToString(w.hash.Sum(nil))}
}

// writeBuffer is the size of a file writer's buffer, for a file whose first
// row group holds rows. A file per partition is open until the commit (48
// for a file spread over three provinces and sixteen years): 256 KiB each
// writes in few enough calls, where 1 MiB each was 48 MB held and cleared.
// A commune's form writes one row group of a few dozen rows, a file of ~5 kB:
// 256 KiB for it was 93 MB allocated and cleared for the 365 forms of a
// half-year's drop, where 16 KiB holds the whole file.
func writeBuffer(rows int) int {
	return min(max(rows*256, 16<<10), 256<<10)
}

// countWriter counts the bytes it passes on.
type countWriter struct {
	w io.Writer
	n *int64
}

func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

func (s *Store) newFileWriter(label string, rows int, schema *arrow.Schema, props *parquet.WriterProperties, ap pqarrow.ArrowWriterProperties) (*fileWriter, error) {
	return s.startFile(label, rows, func(w io.Writer) (fw *pqarrow.FileWriter, rg *rowgroup.Writer, err error) {
		fw, err = pqarrow.NewFileWriter(schema, w, props, ap)
		return fw, nil, err
	})
}

// newFactsWriter is newFileWriter for a facts partition's file, whose row
// groups (chunk.record) are written by a rowgroup.Writer: their
// dictionaries hold only the values the row group uses, so the writer
// takes the statistics from them instead of hashing every index again.
func (s *Store) newFactsWriter(label string, rows int, schema *arrow.Schema, props *parquet.WriterProperties, ap pqarrow.ArrowWriterProperties) (*fileWriter, error) {
	return s.startFile(label, rows, func(w io.Writer) (fw *pqarrow.FileWriter, rg *rowgroup.Writer, err error) {
		rg, err = rowgroup.NewWriter(schema, w, props, ap)
		return nil, rg, err
	})
}

func (s *Store) startFile(label string, rows int, start func(io.Writer) (*pqarrow.FileWriter, *rowgroup.Writer, error)) (*fileWriter, error) {
	f, err := s.createTmp(label)
	if err != nil {
		return nil, err
	}
	w := &fileWriter{f: f, hash: sha256.New(), nosync: s.grouped()}
	w.bw = bufio.NewWriterSize(countWriter{io.MultiWriter(f, w.hash), &w.size}, writeBuffer(rows))
	if w.fw, w.rg, err = start(w.bw); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("start parquet file %s: %w", label, err)
	}
	return w, nil
}

// write writes rec as the file's next row group.
func (w *fileWriter) write(rec arrow.RecordBatch) error {
	if w.rg != nil {
		return w.rg.Write(rec)
	}
	return w.fw.Write(rec)
}

// close finishes the Parquet file and makes it durable unless discard is
// set. The temp file stays where it is.
func (w *fileWriter) close(discard bool) error {
	err := w.err
	var cerr error
	if w.rg != nil {
		cerr = w.rg.Close()
	} else {
		cerr = w.fw.Close()
	}
	if err == nil {
		err = cerr
	}
	if discard || err != nil {
		w.f.Close()
		return err
	}
	if err := w.bw.Flush(); err != nil {
		w.f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(w.f.Name()), err)
	}
	if w.nosync {
		if err := w.f.Close(); err != nil {
			return fmt.Errorf("close %s: %w", filepath.Base(w.f.Name()), err)
		}
		return nil
	}
	return finishTmp(w.f)
}
