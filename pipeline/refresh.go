package pipeline

import (
	"context"
	"fmt"
	"time"
)

// Refresher is one whole refresh, the job that `danvan run`, the schedule
// and the API trigger all run: ingest what waits in the inbox; open the
// warehouse over what is committed, rebuild the models and run the data
// tests; publish a snapshot of them. A step that fails stops the chain, and
// the snapshot published before stays published. The stages are interfaces
// so that cmd wires the real ones and the chain is tested as a chain.
type Refresher struct {
	Inbox     Inbox
	Warehouse WarehouseOpener
	// Trace, if set, receives the duration of each step.
	Trace func(step string, d time.Duration)
}

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

// Run runs the chain. Its error wraps the failing stage's and says which.
func (r *Refresher) Run(ctx context.Context) (rep Refreshing, err error) {
	t0 := time.Now()
	rep.Ingested, err = r.Inbox.Ingest(ctx)
	r.trace("ingest", t0)
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	t0 = time.Now()
	wh, err := r.Warehouse.OpenWarehouse(ctx)
	r.trace("open warehouse", t0)
	if err != nil {
		return rep, fmt.Errorf("open warehouse: %w", err)
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
	if err != nil {
		return rep, fmt.Errorf("refresh models: %w", err)
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
