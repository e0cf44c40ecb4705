package layout

// A batch's facts and rejects files are listed in its commit record with
// their size and SHA-256, taken while they were written. Before a file is
// read, or when the data directory is checked, its bytes are compared with
// them: a file damaged on disk (truncated by a full disk or a crash of the
// file system, overwritten) is found before DuckDB fails on it, and the
// batch is set aside (store.SetAside) instead of blocking every refresh.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FileSum is one stored file of a batch as its commit record lists it.
type FileSum struct {
	Path   string `json:"path"` // relative to the data directory, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Rel is path relative to the data directory, slash-separated, as a
// FileSum names it.
func (d Dir) Rel(path string) string {
	rel, err := filepath.Rel(string(d), path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// Abs is the path of a FileSum's file.
func (d Dir) Abs(rel string) string { return filepath.Join(string(d), filepath.FromSlash(rel)) }

// Verify reports whether the file of s holds its bytes: its size only, or
// its SHA-256 too when hash is set (reading it all). The error says how it
// differs.
func (d Dir) Verify(s FileSum, hash bool) error {
	f, err := os.Open(d.Abs(s.Path))
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() != s.Size {
		return fmt.Errorf("%d bytes, its commit record says %d", fi.Size(), s.Size)
	}
	if !hash {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != s.SHA256 {
		return fmt.Errorf("SHA-256 %s, its commit record says %s", got, s.SHA256)
	}
	return nil
}

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// CheckParquet is what can be said of a Parquet file without a recorded
// sum: it starts and ends with the format's magic bytes (a truncated file
// does not end with them).
func CheckParquet(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	head, tail := make([]byte, 4), make([]byte, 4)
	if fi.Size() < 12 {
		return fmt.Errorf("%d bytes: too short for a Parquet file", fi.Size())
	}
	if _, err := f.ReadAt(head, 0); err != nil {
		return err
	}
	if _, err := f.ReadAt(tail, fi.Size()-4); err != nil {
		return err
	}
	if string(head) != string(parquetMagic) || string(tail) != string(parquetMagic) {
		return fmt.Errorf("not a whole Parquet file (no magic bytes at its start or end)")
	}
	return nil
}

// SetAside is the record of a batch taken out of the store because its
// stored files were damaged: its commit record as it was, why, and when.
type SetAside struct {
	Entry
	Damaged []string `json:"damaged"`      // "path: how", one per damaged file
	At      string   `json:"set_aside_at"` // RFC 3339
}

// ReadSetAside reads the set-aside record of batch; ok is false when there
// is none.
func ReadSetAside(d Dir, batch string) (SetAside, bool, error) {
	var s SetAside
	b, err := os.ReadFile(d.SetAsideRecord(batch))
	if os.IsNotExist(err) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, false, fmt.Errorf("read %s: %w", d.SetAsideRecord(batch), err)
	}
	return s, true, nil
}
