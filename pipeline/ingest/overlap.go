package ingest

// Reading the next file while the one before is stored. A file read whole
// (a commune's form) is read and checked on the run's goroutine, then
// stored (its Tx committed, or its quarantine written, and its reading
// record ended) on another while the run reads the next one: one store at
// a time, in the order the files were read, each listed in the summary
// once it is stored. What must not overlap waits for the store in flight
// (land): a streamed file (it stores as it reads), a file to quarantine
// unread, a file with the same bytes as the one in flight (the store knows
// it only once stored), and a file the poison rule has a record of.
//
// The poison rule with two files in flight: a run that dies while it reads
// one file and stores the one before leaves two reading records, and the
// crash is not known to be either's. The next run then counts a strike
// against neither, but marks both to be read alone (layout.Attempt's
// ReadAlone; store.Store.Alone): a file with a record (strikes, or that
// mark) is read with no other in flight, so a run that dies on it again
// names it alone and strikes it. A file that kills every run is thus
// quarantined after PoisonAfter runs that died on it alone, one more than
// if it had never been read beside another; its neighbour is never struck.

// overlap is the store of a file in flight while the run reads the next.
type overlap struct {
	sum  *Summary
	hash string // the file in flight's, "" when none is
	done chan stored
}

type stored struct {
	res FileResult
	err error
}

// toStore is a file read whole that is still to be stored: store does it
// and ends its reading record (its outcome); release ends the reading
// record without storing (the file before it failed to store, so the run
// stops). alone: it must not overlap another file (read alone).
type toStore struct {
	store   func() (FileResult, error)
	release func()
	alone   bool
}

// landError is the error of storing the file in flight, met by file before
// it began reading its own: the run stops, the file is not listed.
type landError struct{ err error }

func (e *landError) Error() string { return e.err.Error() }
func (e *landError) Unwrap() error { return e.err }

// start stores a file in flight.
func (o *overlap) start(hash string, store func() (FileResult, error)) {
	o.hash, o.done = hash, make(chan stored, 1)
	go func() {
		res, err := store()
		o.done <- stored{res, err}
	}()
}

// holds reports whether the file in flight has content hash h.
func (o *overlap) holds(h string) bool { return o != nil && o.done != nil && o.hash == h }

// land waits for the file in flight, if any, and lists it in the summary;
// its error is what stops the run.
func (o *overlap) land() error {
	if o == nil || o.done == nil {
		return nil
	}
	s := <-o.done
	o.hash, o.done = "", nil
	if s.err != nil {
		s.res = notStored(s.res, s.err)
	}
	o.sum.Files = append(o.sum.Files, s.res)
	return s.err
}
