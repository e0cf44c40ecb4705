package ingest

// A file that cannot be read is not its content's fault: the permission is
// wrong, it was removed or replaced while the run read it, another program
// holds a lock on it, the disk failed. Such a file is reported and
// skipped, nothing of it is recorded, and the next run tries it again; the
// other files go on. (A file whose content cannot be read, such as a
// spreadsheet that is not one, is quarantined instead: sending it again
// does not help until it is fixed.)

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/danvan/danvan/pipeline"
)

// inputError is a failure to read an input file, as opposed to a failure
// to write what was read.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// inputReader remembers the first error reading the file gave, so that a
// failure of the disk is told from a failure of the content, whichever way
// the reader above it reports it.
type inputReader struct {
	r   io.Reader
	ra  io.ReaderAt // the same file, by offset (a workbook is a zip)
	err error
}

func (r *inputReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ra.ReadAt(p, off)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

func (r *inputReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

var (
	errLocked  = errors.New("locked by another program")
	errChanged = errors.New("changed while being read")
)

// unreadable says why the file at path could not be read, with what to do.
func unreadable(name, path string, err error) *pipeline.FileError {
	fe := &pipeline.FileError{File: name}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fe.Code = "vanished"
		fe.Reason = "Tệp đã biến mất khỏi thư mục nhận trong lúc chạy (bị xóa hoặc chuyển đi sau khi được liệt kê); không có gì của tệp được nạp. " +
			"Nếu tệp bị chuyển đi do nhầm, hãy đặt lại vào thư mục nhận: lần chạy sau sẽ nạp."
		fe.ReasonEN = "The file vanished from the inbox during the run (deleted or moved after it was listed); nothing of it was loaded. " +
			"If it was moved by mistake, put it back in the inbox: the next run loads it."
	case errors.Is(err, fs.ErrPermission):
		fe.Code = "permission_denied"
		fe.Reason = fmt.Sprintf("Không có quyền đọc tệp (permission denied); không có gì của tệp được ghi nhận, lần chạy sau sẽ đọc lại. "+
			"Cách sửa: cho người dùng chạy danvan quyền đọc tệp, ví dụ chmod a+r %q.", path)
		fe.ReasonEN = fmt.Sprintf("Permission denied; nothing of the file is recorded, and the next run reads it again. "+
			"Fix: let the user running danvan read it, e.g. chmod a+r %q.", path)
	case errors.Is(err, errLocked):
		fe.Code = "locked"
		fe.Reason = "Tệp đang bị chương trình khác khóa (có thể đang được ghi hoặc sao chép vào); lần chạy sau sẽ thử lại. " +
			"Nếu tệp vẫn bị khóa, hãy đóng chương trình đang mở tệp."
		fe.ReasonEN = "Another program holds a lock on the file (it may be writing or copying it); the next run tries again. " +
			"If it stays locked, close the program that has it open."
	case errors.Is(err, errChanged):
		fe.Code = "changed_while_read"
		fe.Reason = "Tệp thay đổi trong lúc đang được đọc (đang được ghi hoặc sao chép vào); không có gì của tệp được nạp, lần chạy sau sẽ đọc bản hoàn chỉnh."
		fe.ReasonEN = "The file changed while it was being read (it was being written or copied in); nothing of it was loaded, and the next run reads the finished file."
	default:
		fe.Code = "read_error"
		fe.Reason = fmt.Sprintf("Không đọc được tệp (%v); lần chạy sau sẽ thử lại. Cách sửa: kiểm tra ổ đĩa và quyền truy cập tệp.", err)
		fe.ReasonEN = fmt.Sprintf("The file could not be read (%v); the next run tries again. Fix: check the disk and the file's permissions.", err)
	}
	return fe
}

// stamp is what says a file is the one that was hashed: its identity,
// size and modification time.
type stamp struct {
	info os.FileInfo
}

func stampOf(path string) (stamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	return stamp{info}, nil
}

// same reports whether path is still the file of s, unchanged.
func (s stamp) same(path string) error {
	now, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !os.SameFile(s.info, now) || s.info.Size() != now.Size() || !s.info.ModTime().Equal(now.ModTime()) {
		return errChanged
	}
	return nil
}

// readable opens path as a reader would and says whether another program
// holds a lock on it that says it is being written.
func readable(path string) error {
	f, err := openInput(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// A file system without locks cannot say; the read goes on.
	if writeLocked(f) {
		return errLocked
	}
	return nil
}
