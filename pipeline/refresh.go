package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Refresher is one whole refresh, the job that `danvan run`, the schedule
// and the API trigger all run: ingest what waits in the inbox; open the
// warehouse over what is committed, rebuild the models and run the data
// tests; publish a snapshot of them. A step that fails stops the chain, and
// the snapshot published before stays published. The stages are interfaces
// so that cmd wires the real ones and the chain is tested as a chain.
//
// With a Store, the chain also repairs the store: before the ingest, the
// batches whose stored files are damaged are set aside, so the ingest loads
// their files again from the inbox; after it, the store's faults join the
// run's; and when the refresh finds a file it was to read damaged
// (DamagedError), that batch is set aside, the inbox ingested again and the
// refresh run again without it, so one damaged file never blocks the rest.
type Refresher struct {
	Inbox     Inbox
	Warehouse WarehouseOpener
	Store     Store // nil: no repair, no check
	// Trace, if set, receives the duration of each step.
	Trace func(step string, d time.Duration)
}

// Store is the store of committed batches, as the chain repairs it. Each
// method returns the faults a person must act on.
type Store interface {
	// Repair sets aside the batches whose stored files are damaged, found
	// cheaply (sizes, not hashes), and removes leftovers of interrupted
	// work.
	Repair(ctx context.Context) ([]Fault, error)
	// Check lists the faults of the store, cheaply, changing nothing.
	Check(ctx context.Context) ([]Fault, error)
	// SetAside takes the batches of damaged files out of the store.
	SetAside(ctx context.Context, damaged []DamagedFile) ([]Fault, error)
}

// setAsideRounds bounds the refreshes run again after setting batches
// aside: each finds at least one damaged file more.
const setAsideRounds = 3

// Inbox ingests the files waiting to be ingested.
type Inbox interface {
	Ingest(ctx context.Context) (Ingested, error)
}

// Ingested is what an ingest did: files read (not skipped), values
// accepted and rejected, and the faults of the files that did not load
// (unreadable this time, quarantined), which do not stop the chain.
type Ingested struct {
	Files, Accepted, Rejected int
	Faults                    []Fault
}

// WarehouseOpener opens the warehouse over what is committed; it is opened
// after ingest, since it reads the manifest when it opens.
type WarehouseOpener interface {
	OpenWarehouse(ctx context.Context) (Warehouse, error)
}

// WarehouseStarter is a WarehouseOpener that can begin opening the
// warehouse while the inbox is ingested (what does not depend on the
// store: the database's start, the reference). Run calls StartWarehouse
// before the ingest, and StopWarehouse when it returns, whatever happened:
// it closes what was begun if no OpenWarehouse took it.
type WarehouseStarter interface {
	StartWarehouse(ctx context.Context)
	StopWarehouse() error
}

// Warehouse rebuilds the models, then publishes what they hold.
type Warehouse interface {
	// Refresh rebuilds the models and runs the data tests. It reports the
	// tests' counts even when it fails because a test did.
	Refresh(ctx context.Context) (Refreshed, error)
	// Publish writes a snapshot of the last good refresh and makes it
	// current.
	Publish(ctx context.Context) (Published, error)
	Close() error
}

// Refreshed is what a refresh of the models did.
type Refreshed struct {
	TestsPassed, TestsFailed int
	Summary                  string // one line
}

// Published is the snapshot a publication made current.
type Published struct {
	Snapshot string // its run id
	Summary  string // one line
}

// Refreshing is the account of one Run.
type Refreshing struct {
	Ingested
	Refreshed
	Published
}

// Detail is one line saying what the refresh did.
func (r Refreshing) Detail() string { return r.Refreshed.Summary + "; " + r.Published.Summary }

// add counts what another ingest did.
func (in *Ingested) add(more Ingested) {
	in.Files += more.Files
	in.Accepted += more.Accepted
	in.Rejected += more.Rejected
	in.Faults = append(in.Faults, more.Faults...)
}

// Run runs the chain. Its error wraps the failing stage's and says which.
func (r *Refresher) Run(ctx context.Context) (rep Refreshing, err error) {
	var faults []Fault // the store's, kept apart from the ingests'
	if r.Store != nil {
		t0 := time.Now()
		faults, err = r.Store.Repair(ctx)
		r.trace("repair store", t0)
		if err != nil {
			return rep, fmt.Errorf("repair store: %w", err)
		}
	}
	if ws, ok := r.Warehouse.(WarehouseStarter); ok {
		ws.StartWarehouse(ctx)
		defer func() {
			if serr := ws.StopWarehouse(); serr != nil && err == nil {
				err = fmt.Errorf("open warehouse: %w", serr)
			}
		}()
	}
	t0 := time.Now()
	rep.Ingested, err = r.Inbox.Ingest(ctx)
	r.trace("ingest", t0)
	defer func() { rep.Ingested.Faults = append(rep.Ingested.Faults, faults...) }()
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	if r.Store != nil {
		t0 := time.Now()
		more, err := r.Store.Check(ctx)
		r.trace("check store", t0)
		if err != nil {
			return rep, fmt.Errorf("check store: %w", err)
		}
		faults = append(faults, more...)
	}
	// setAside sets aside the batches of the damaged files a step found,
	// and ingests the inbox again: their files, if still there, load again.
	var damaged *DamagedError
	var repairErr error
	setAside := func(round int, err error) bool {
		if r.Store == nil || round >= setAsideRounds || !errors.As(err, &damaged) {
			return false
		}
		set, serr := r.Store.SetAside(ctx, damaged.Files)
		faults = append(faults, set...)
		if serr != nil {
			repairErr = fmt.Errorf("set aside damaged batches: %w", serr)
			return false
		}
		more, ierr := r.Inbox.Ingest(ctx)
		rep.Ingested.add(more)
		if ierr != nil {
			repairErr = fmt.Errorf("ingest: %w", ierr)
			return false
		}
		return true
	}
	t0 = time.Now()
	wh, err := r.Warehouse.OpenWarehouse(ctx)
	for round := 0; setAside(round, err); round++ {
		wh, err = r.Warehouse.OpenWarehouse(ctx)
	}
	r.trace("open warehouse", t0)
	if err != nil {
		return rep, errors.Join(fmt.Errorf("open warehouse: %w", err), repairErr)
	}
	defer func() {
		t0 := time.Now()
		if cerr := wh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close warehouse: %w", cerr)
		}
		r.trace("close warehouse", t0)
	}()
	t0 = time.Now()
	rep.Refreshed, err = wh.Refresh(ctx)
	r.trace("refresh", t0)
	for round := 0; setAside(round, err); round++ {
		t0 = time.Now()
		rep.Refreshed, err = wh.Refresh(ctx)
		r.trace("refresh", t0)
	}
	if err != nil {
		return rep, errors.Join(fmt.Errorf("refresh models: %w", err), repairErr)
	}
	t0 = time.Now()
	pub, err := wh.Publish(ctx)
	r.trace("publish", t0)
	if err != nil {
		return rep, fmt.Errorf("publish: %w", err)
	}
	rep.Published = pub // only a snapshot that is current
	return rep, nil
}

func (r *Refresher) trace(step string, t0 time.Time) {
	if r.Trace != nil {
		r.Trace(step, time.Since(t0))
	}
}
