package portal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/query"
)

// Published is what the dashboard shows now: the snapshot exports/current
// points to. The portal compares a file with it (which values it would
// change) and lists the periods a unit has sent from it. An empty
// Snapshot (RunID "") means nothing is published yet.
type Published interface {
	// Snapshot names the published snapshot and the files it holds.
	Snapshot(ctx context.Context) (Snapshot, error)
	// Values returns the current values of these units for these periods
	// (every pair of them; the caller keeps the pairs it wants).
	Values(ctx context.Context, units, periods []string) (Snapshot, error)
	// Received returns, per period, when the unit's first report of it
	// was received (the stated submission date, else the day it was
	// ingested), as the completeness page counts it.
	Received(ctx context.Context, u *pipeline.Unit) (Snapshot, map[string]time.Time, error)
}

// Snapshot is what a question to Published read.
type Snapshot struct {
	RunID   string
	Batches map[string]bool // the files it holds, by content hash
	Values  []PublishedValue
}

// PublishedValue is a current value of the dashboard.
type PublishedValue struct {
	Key       pipeline.ValueKey
	Value     float64
	Qualifier string
	Source    string    // the file it came from
	Received  time.Time // its report's submission time, else when it was ingested
}

// snapshotTables reads the published snapshot's tables with DuckDB (the
// query package's sandbox). Opening one costs a few hundred ms (its views
// over every table), so one stays open per published snapshot and is
// replaced when exports/current moves; a question holds it for reading,
// the replacement waits for the questions in flight.
type snapshotTables struct {
	dir layout.Dir

	mu    sync.RWMutex
	runID string
	db    *query.DB
}

func newSnapshotTables(d layout.Dir) *snapshotTables { return &snapshotTables{dir: d} }

func (s *snapshotTables) Snapshot(context.Context) (Snapshot, error) {
	_, snap, err := s.manifest()
	return snap, err
}

// manifest reads the published snapshot's manifest; dir is "" when
// nothing is published.
func (s *snapshotTables) manifest() (string, Snapshot, error) {
	dir, err := s.dir.CurrentSnapshot()
	if errors.Is(err, os.ErrNotExist) {
		return "", Snapshot{Batches: map[string]bool{}}, nil
	}
	if err != nil {
		return "", Snapshot{}, err
	}
	m, err := layout.ReadSnapshotManifest(dir)
	if err != nil {
		return "", Snapshot{}, err
	}
	snap := Snapshot{RunID: m.RunID, Batches: map[string]bool{}}
	for _, src := range m.Sources {
		snap.Batches[src.Batch] = true
	}
	return dir, snap, nil
}

// open returns the published snapshot's tables, read-locked (release
// with s.mu.RUnlock); nil when nothing is published.
func (s *snapshotTables) open(ctx context.Context) (*query.DB, Snapshot, error) {
	dir, snap, err := s.manifest()
	if err != nil || dir == "" {
		return nil, snap, err
	}
	s.mu.RLock()
	if s.runID == snap.RunID && s.db != nil {
		return s.db, snap, nil
	}
	s.mu.RUnlock()
	db, err := query.OpenSnapshot(ctx, dir, query.Options{MemoryLimit: "256MB", Threads: 1, MaxConns: 2})
	if err != nil {
		return nil, Snapshot{}, err
	}
	s.mu.Lock()
	if s.db != nil {
		s.db.Close()
	}
	s.db, s.runID = db, snap.RunID
	s.mu.Unlock()
	s.mu.RLock()
	if s.runID != snap.RunID { // replaced meanwhile by a newer one: use it all the same
		snap.RunID = s.runID
	}
	return s.db, snap, nil
}

// Close closes the open tables.
func (s *snapshotTables) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db, s.runID = nil, ""
	return err
}

func (s *snapshotTables) query(ctx context.Context, db *query.DB, sql string) (*query.Result, error) {
	res, err := db.Run(ctx, sql, query.Limits{MaxRows: 1 << 20, MaxBytes: 256 << 20, Timeout: 20 * time.Second})
	if err != nil {
		return nil, err
	}
	if res.Truncated {
		return nil, fmt.Errorf("published values: more than %d rows", len(res.Rows))
	}
	return res, nil
}

func (s *snapshotTables) Values(ctx context.Context, units, periods []string) (Snapshot, error) {
	if len(units) == 0 || len(periods) == 0 {
		return s.Snapshot(ctx)
	}
	db, snap, err := s.open(ctx)
	if err != nil || db == nil {
		return snap, err
	}
	defer s.mu.RUnlock()
	res, err := s.query(ctx, db, `SELECT unit_code, period, indicator, disaggregation, value, qualifier, source_file,
		coalesce(submitted_at, ingested_at) FROM facts WHERE unit_code IN (`+literals(units)+`) AND period IN (`+literals(periods)+`)`)
	if err != nil {
		return snap, fmt.Errorf("published values: %w", err)
	}
	for _, row := range res.Rows {
		v := PublishedValue{Key: pipeline.ValueKey{Unit: str(row[0]), Period: str(row[1]), Indicator: str(row[2]), Disaggregation: str(row[3])},
			Qualifier: str(row[5]), Source: str(row[6])}
		v.Value, _ = row[4].(float64)
		v.Received, _ = row[7].(time.Time)
		snap.Values = append(snap.Values, v)
	}
	return snap, nil
}

func (s *snapshotTables) Received(ctx context.Context, u *pipeline.Unit) (Snapshot, map[string]time.Time, error) {
	out := map[string]time.Time{}
	db, snap, err := s.open(ctx)
	if err != nil || db == nil {
		return snap, out, err
	}
	defer s.mu.RUnlock()
	res, err := s.query(ctx, db, `SELECT period, min(first_received) FROM reports WHERE unit_code = `+literals([]string{u.Code})+
		` AND unit_level = `+literals([]string{string(u.Level)})+` GROUP BY period`)
	if err != nil {
		return snap, out, fmt.Errorf("periods received: %w", err)
	}
	for _, row := range res.Rows {
		t, _ := row[1].(time.Time)
		out[str(row[0])] = t
	}
	return snap, out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// literals writes texts as a list of SQL string literals. The texts are
// unit and period codes the reference and the validator made, but they are
// quoted all the same.
func literals(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}
