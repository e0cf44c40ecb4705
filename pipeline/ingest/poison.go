package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// The poison rule: a file that failed, timed out, or was being read when a
// run died, in Options.PoisonAfter runs in a row, is quarantined as poison
// with its strikes, so it never stops a refresh again. How a run knows it
// died on a file: before reading a file, ingest has the Tracker record
// that this process reads it (layout.Attempt, with the process id); after,
// it forgets it (Done), or records the strike; a later run that finds the
// record of a process that is gone counts a strike for it. A run stopped
// from outside (the program is stopping) leaves the file's strikes as they
// were (Release).

// writeError is an error of the Sink or its Writer: the store's trouble,
// not the file's.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// outcome records with tr (nil: none) how reading b ended, and turns a
// file that took too long, or whose reading failed for a reason no reader
// names, into a Failed result that does not stop the run.
// ctx is the run's; err is what reading the file under its own deadline
// returned.
func (in *Ingester) outcome(ctx context.Context, tr pipeline.Tracker, b pipeline.Batch, strikes []pipeline.Strike, res FileResult, err error) (FileResult, error) {
	var we *writeError
	now := in.opts.Now().UTC().Truncate(time.Second)
	switch {
	case err == nil && res.Status == Unreadable:
		// Not read this time (permission, locked, vanished, changed while
		// read): not the content's fault, and not read to the end.
		if tr != nil {
			err = tr.Release(b)
		}
		return res, err
	case err == nil:
		if tr != nil {
			if derr := tr.Done(b); derr != nil {
				return res, &storedError{derr}
			}
		}
		return res, nil
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		// The file's own deadline: leave it for this run.
		d := in.opts.FileTimeout
		res.Status, res.Accepted, res.Rejected, res.Rejects, res.Problems, res.ProblemCount = Failed, 0, 0, nil, nil, 0
		res.FileErr = timedOut(b.SourceFile, d, len(strikes)+1, in.opts.PoisonAfter)
		if tr != nil {
			if err := tr.Strike(b, pipeline.Strike{At: now, Kind: pipeline.StrikeTimedOut,
				Reason:   fmt.Sprintf("đọc tệp quá %s, giới hạn cho một tệp", durationVI(d)),
				ReasonEN: fmt.Sprintf("reading the file took over %s, the limit for one file", d)}); err != nil {
				return res, err
			}
		}
		return res, nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && tr != nil:
		// The run's time ran out while reading this file.
		if serr := tr.Strike(b, pipeline.Strike{At: now, Kind: pipeline.StrikeTimedOut,
			Reason:   "lần chạy hết thời gian cho phép khi đang đọc tệp",
			ReasonEN: "the run ran out of time while reading the file"}); serr != nil {
			err = errors.Join(err, serr)
		}
	case ctx.Err() != nil, errors.As(err, &we):
		// Stopped from outside, or the store's trouble: not the file's.
		if tr != nil {
			if rerr := tr.Release(b); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	default:
		// Reading failed in a way no reader names: the file is left for
		// this run, like one that took too long, and the others are read.
		res.Status, res.Accepted, res.Rejected, res.Rejects, res.Problems, res.ProblemCount = Failed, 0, 0, nil, nil, 0
		res.FileErr = unreadable(b.SourceFile, b.SourcePath, err)
		if tr != nil {
			if serr := tr.Strike(b, pipeline.Strike{At: now, Kind: pipeline.StrikeFailed,
				Reason: "đọc tệp bị lỗi: " + err.Error(), ReasonEN: "reading the file failed: " + err.Error()}); serr != nil {
				return res, serr
			}
		}
		return res, nil
	}
	return res, err
}

// timedOut is the reason of a file left for this run: it took longer than
// d; this is strike n of the poison rule's after.
func timedOut(file string, d time.Duration, n, after int) *pipeline.FileError {
	next, nextEN := "Lần chạy sau sẽ đọc lại tệp.", "The next run reads it again."
	if after > 0 {
		next = fmt.Sprintf("Lần chạy sau sẽ đọc lại; nếu %d lần chạy liên tiếp đều không đọc xong, tệp sẽ bị cách ly (đây là lần %d).", after, n)
		nextEN = fmt.Sprintf("The next run reads it again; after %d runs in a row that cannot finish it, it is quarantined (this was run %d).", after, n)
	}
	return bilingual(file, "file_timed_out",
		fmt.Sprintf("Đọc tệp quá %s, giới hạn cho một tệp, nên lần chạy này bỏ qua tệp để đọc các tệp khác. %s "+
			"Nếu tệp rất lớn, hãy chia thành nhiều tệp nhỏ hơn.", durationVI(d), next),
		fmt.Sprintf("Reading the file took over %s, the limit for one file, so this run left it and read the others. %s "+
			"If the file is very large, split it into smaller ones.", d, nextEN))
}

// poison is the reason of a file quarantined for the runs it stopped.
func poison(file string, strikes []pipeline.Strike) *pipeline.FileError {
	var vi, en []string
	for _, s := range strikes {
		at := s.At.In(pipeline.Vietnam)
		vi = append(vi, at.Format("02/01/2006 15:04")+": "+s.Reason)
		en = append(en, at.Format("2006-01-02 15:04")+": "+s.ReasonEN)
	}
	return bilingual(file, "poison",
		fmt.Sprintf("Tệp đã làm %d lần chạy liên tiếp không đọc xong (giờ Việt Nam) — %s — nên được cách ly để không chặn các lần làm mới sau. "+
			"Hãy kiểm tra tệp (có thể quá lớn hoặc bị hỏng), sửa hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", len(strikes), strings.Join(vi, "; ")),
		fmt.Sprintf("The file stopped %d runs in a row (Vietnam time) — %s — so it is quarantined, not to stop the refreshes after. "+
			"Check the file (it may be too large or damaged), fix it or split it into smaller files and send it again.", len(strikes), strings.Join(en, "; ")))
}

// durationVI writes a duration the Vietnamese way: "10 phút", "1 giờ 30 phút".
func durationVI(d time.Duration) string {
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d giờ", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d phút", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d giây", s))
	}
	return strings.Join(parts, " ")
}

// bilingual is a FileError whose two texts take different arguments (a
// duration is "10 phút" in one, "10m0s" in the other).
func bilingual(file, code, vi, en string) *pipeline.FileError {
	return &pipeline.FileError{File: file, Code: code, Reason: vi, ReasonEN: en}
}
