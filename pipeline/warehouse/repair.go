package warehouse

// Self-repair: warehouse.duckdb holds nothing the Parquet store and the
// manifest do not (staging, marts and their keys are all derived from
// them), so a database file that is damaged (a block whose checksum fails,
// a truncated file, bytes that are not a DuckDB database, a file the
// process may not read) is moved aside and rebuilt by a full refresh,
// instead of failing every run. The damaged file is kept, one copy, as
// warehouse.duckdb.damaged for whoever wants to look at it; Rebuilt says
// what happened, for the caller to log.
//
// A database another process holds open is not damaged: that error says
// so (LockedError) and is worth trying again later. Nor is one DuckDB could
// not write for a full disk (pipeline.DiskFull): its error names the file
// and says "IO Error" as damage does, yet the file is sound, and moving it
// aside to rebuild would need its space twice.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// Rebuilt is a warehouse.duckdb found damaged, moved aside and rebuilt.
type Rebuilt struct {
	MovedTo string // where the damaged file is now
	Cause   string // what DuckDB said of it
}

// Rebuilt lists the damaged database files this Warehouse moved aside and
// rebuilt since it was opened, oldest first.
func (w *Warehouse) Rebuilt() []Rebuilt { return w.rebuilt }

// LockedError is a warehouse.duckdb another process holds open (someone's
// DuckDB shell, say): the refresh cannot write it now, and may later.
type LockedError struct{ Err error }

func (e *LockedError) Error() string {
	return "warehouse.duckdb đang bị một tiến trình khác mở (held open by another process): " + e.Err.Error()
}
func (e *LockedError) Unwrap() error { return e.Err }

// Temporary says the refresh may succeed if tried again (schedule's
// IsTransient reads it).
func (e *LockedError) Temporary() bool { return true }

// Damaged reports whether err says the database file itself is damaged or
// unreadable, as opposed to a fault of a query, of a Parquet file, or of
// another process holding the file.
func (w *Warehouse) Damaged(err error) bool { return damaged(err, w.layout.DuckDB()) }

// IsDamaged is Damaged for the warehouse of dataDir, without opening it.
func IsDamaged(dataDir string, err error) bool {
	d, derr := dirOf(dataDir)
	return derr == nil && damaged(err, d.DuckDB())
}

func damaged(err error, path string) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if locked(msg) || pipeline.DiskFull(err) {
		return false
	}
	if strings.Contains(msg, "Corrupt database file") || strings.Contains(msg, "Data Corruption Error") {
		return true // the only database file DuckDB opens here
	}
	if !strings.Contains(msg, `"`+path+`"`) && !strings.Contains(msg, `"`+path+`.wal"`) {
		return false
	}
	for _, sign := range []string{"IO Error", "not a valid DuckDB database", "Permission", "version number", "Serialization Error"} {
		if strings.Contains(msg, sign) {
			return true
		}
	}
	return false
}

func locked(msg string) bool {
	return strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock")
}

// asLocked marks an error that says another process holds the file.
func asLocked(err error) error {
	if err != nil && locked(err.Error()) {
		return &LockedError{err}
	}
	return err
}

// moveAside renames the damaged database file (and its write-ahead log)
// to warehouse.duckdb.damaged, replacing an older damaged copy.
func moveAside(d layout.Dir) (string, error) {
	path, to := d.DuckDB(), d.DuckDBDamaged()
	for _, ext := range []string{"", ".wal"} {
		if err := os.Rename(path+ext, to+ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("move damaged %s aside: %w", path+ext, err)
		}
	}
	if _, err := os.Stat(to + ".wal"); err == nil {
		if _, err := os.Stat(path + ".wal"); errors.Is(err, os.ErrNotExist) {
			// A log of an older damaged copy must not meet this one.
			os.Remove(to + ".wal")
		}
	}
	return to, nil
}

// Open opens (creating if needed) the warehouse database of dataDir and
// (unless read-only) loads the reference tables, the manifest and the views.
// An empty warehouse (no Parquet yet) is fine: the views are empty. A
// database file found damaged is moved aside and a new one begun (Rebuilt);
// the next Refresh fills it from the Parquet store.
func Open(ctx context.Context, dataDir string, opts Options) (*Warehouse, error) {
	w, err := open(ctx, dataDir, opts)
	if err == nil || opts.ReadOnly {
		return w, asLocked(err)
	}
	d, derr := dirOf(dataDir)
	if derr != nil || !damaged(err, d.DuckDB()) {
		return nil, asLocked(err)
	}
	moved, merr := moveAside(d)
	if merr != nil {
		return nil, errors.Join(err, merr)
	}
	w, err2 := open(ctx, dataDir, opts)
	if err2 != nil {
		return nil, fmt.Errorf("rebuild warehouse after %v: %w", err, asLocked(err2))
	}
	w.rebuilt = append(w.rebuilt, Rebuilt{moved, err.Error()})
	return w, nil
}

// Refresh brings staging up to date with the committed Parquet, rebuilds
// the marts and runs the data tests (refresh). When the database file
// proves damaged on the way, it is moved aside, a new one is opened and the
// refresh runs again, in full.
func (w *Warehouse) Refresh(ctx context.Context) (RefreshResult, error) {
	res, err := w.refresh(ctx)
	if !w.Damaged(err) || w.opts.ReadOnly {
		return res, asLocked(err)
	}
	if rerr := w.Rebuild(ctx, err); rerr != nil {
		return res, errors.Join(err, rerr)
	}
	return w.refresh(ctx)
}

// Rebuild closes the damaged database file cause speaks of, moves it aside
// and opens a new one in its place; a Refresh then fills it. It is for a
// damage found outside Refresh, such as while export reads the tables.
func (w *Warehouse) Rebuild(ctx context.Context, cause error) error {
	t0 := time.Now()
	w.db.Close()
	moved, err := moveAside(w.layout)
	if err != nil {
		return err
	}
	nw, err := open(ctx, w.dir, w.opts)
	if err != nil {
		return fmt.Errorf("rebuild warehouse: %w", asLocked(err))
	}
	rebuilt := append(w.rebuilt, Rebuilt{moved, cause.Error()})
	*w = *nw
	w.rebuilt = rebuilt
	w.trace("rebuild damaged warehouse", time.Since(t0))
	return nil
}

// Verify reads every table of the warehouse database of dataDir, read-only,
// so that DuckDB checks the checksum of every block: what `danvan check`
// asks. A refresh reads only what it needs, so a damaged block of a table
// it does not read stays unseen until a refresh does; Verify finds it. No
// database file is not an error (the first refresh makes one).
func Verify(ctx context.Context, dataDir string) error {
	d, err := dirOf(dataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(d.DuckDB()); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	w, err := open(ctx, dataDir, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer w.Close()
	rows, err := w.db.QueryContext(ctx, `SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL`)
	if err != nil {
		return err
	}
	var tables [][2]string
	for rows.Next() {
		var t [2]string
		if err := rows.Scan(&t[0], &t[1]); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		// hash of the whole row reads every column of every row group.
		name := layout.QuoteIdent(t[0]) + "." + layout.QuoteIdent(t[1])
		var n int64
		if err := w.db.QueryRowContext(ctx, `SELECT count(hash(t)) FROM `+name+` AS t`).Scan(&n); err != nil {
			return fmt.Errorf("read table %s: %w", t[1], err)
		}
	}
	return nil
}
