package warehouse

import "context"

// Starting is a warehouse whose opening began ahead of its use (Start):
// DuckDB's start and the reference tables, which do not depend on the
// Parquet store, done while the ingest commits to it (~0.05 s of a
// half-year's drop of forms, wall where a core is idle). Open finishes it;
// Close closes it when Open never took it. Either must be called.
type Starting struct {
	dir  string
	opts Options
	done chan struct{}
	w    *Warehouse // begun, not yet taken by Open
	err  error
}

// Start begins opening the warehouse of dataDir in the background.
func Start(ctx context.Context, dataDir string, opts Options) *Starting {
	s := &Starting{dir: dataDir, opts: opts, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.w, s.err = begin(ctx, dataDir, opts)
	}()
	return s
}

// Open finishes opening the warehouse, as Open would. When what Start
// began failed, or finishing it fails, the database is closed and the
// warehouse is opened afresh by Open, so that its errors, and the repair of
// a damaged database file, are Open's.
func (s *Starting) Open(ctx context.Context) (*Warehouse, error) {
	<-s.done
	w := s.w
	s.w = nil
	if s.err == nil && w != nil && w.finish(ctx) == nil {
		return w, nil
	}
	return Open(ctx, s.dir, s.opts)
}

// Close closes what Start began, unless Open took it.
func (s *Starting) Close() error {
	<-s.done
	if s.w == nil {
		return nil
	}
	w := s.w
	s.w = nil
	return w.Close()
}
