package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// stage is every stage of a refresh at once, logging its calls and
// failing where told.
type stage struct {
	log  []string
	fail string // the call that fails
}

func (s *stage) call(what string) error {
	s.log = append(s.log, what)
	if s.fail == what {
		return errors.New(what + " broke")
	}
	return nil
}

func (s *stage) Ingest(context.Context) (Ingested, error) {
	return Ingested{Files: 2, Accepted: 10, Rejected: 1}, s.call("ingest")
}

func (s *stage) OpenWarehouse(context.Context) (Warehouse, error) {
	if err := s.call("open"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *stage) Refresh(context.Context) (Refreshed, error) {
	return Refreshed{TestsPassed: 5, TestsFailed: 1, Summary: "full"}, s.call("refresh")
}

func (s *stage) Publish(context.Context) (Published, error) {
	return Published{Snapshot: "run1", Summary: "snapshot run1"}, s.call("publish")
}

func (s *stage) Close() error { return s.call("close") }

// The chain runs its stages in order, stops at the first that fails with
// its name in the error, closes the warehouse it opened whatever happens,
// and reports what each stage did up to there.
func TestRefresherChain(t *testing.T) {
	cases := []struct {
		fail, calls, err string
		published        bool
	}{
		{"", "ingest open refresh publish close", "", true},
		{"ingest", "ingest", "ingest: ingest broke", false},
		{"open", "ingest open", "open warehouse: open broke", false},
		{"refresh", "ingest open refresh close", "refresh models: refresh broke", false},
		{"publish", "ingest open refresh publish close", "publish: publish broke", false},
		{"close", "ingest open refresh publish close", "close warehouse: close broke", true},
	}
	for _, c := range cases {
		s := &stage{fail: c.fail}
		var traced []string
		r := &Refresher{Inbox: s, Warehouse: s, Trace: func(step string, _ time.Duration) { traced = append(traced, step) }}
		rep, err := r.Run(context.Background())
		if got := strings.Join(s.log, " "); got != c.calls {
			t.Errorf("fail %q: calls %q, want %q", c.fail, got, c.calls)
		}
		if (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("fail %q: error %v, want %q", c.fail, err, c.err)
		}
		if rep.Files != 2 || rep.Accepted != 10 {
			t.Errorf("fail %q: ingest counts lost: %+v", c.fail, rep)
		}
		if (rep.Snapshot == "run1") != c.published {
			t.Errorf("fail %q: snapshot %q", c.fail, rep.Snapshot)
		}
		if c.fail == "" && (rep.Detail() != "full; snapshot run1" || rep.TestsPassed != 5 ||
			strings.Join(traced, " ") != "ingest open warehouse refresh publish close warehouse") {
			t.Errorf("report %+v, detail %q, traced %v", rep, rep.Detail(), traced)
		}
		if c.fail == "refresh" && rep.TestsFailed != 1 {
			t.Errorf("a failed refresh lost its test counts: %+v", rep)
		}
	}
}

// storeStage is a Store for the chain's test, and makes the refresh find a
// damaged file the first time.
type storeStage struct {
	*stage
	openedOnce, damagedOnce bool
}

func (s *storeStage) Repair(context.Context) ([]Fault, error) {
	return []Fault{{Code: "repaired_before"}}, s.call("repair")
}

func (s *storeStage) Check(context.Context) ([]Fault, error) {
	return []Fault{{Code: "orphan_facts"}}, s.call("check")
}

func (s *storeStage) SetAside(_ context.Context, ds []DamagedFile) ([]Fault, error) {
	if len(ds) != 1 || ds[0].Batch != "b1" {
		return nil, errors.New("set aside the wrong files")
	}
	return []Fault{{Code: "damaged_facts"}}, s.call("setaside")
}

func (s *storeStage) OpenWarehouse(context.Context) (Warehouse, error) {
	if err := s.call("open"); err != nil {
		return nil, err
	}
	if !s.openedOnce {
		s.openedOnce = true
		return nil, &DamagedError{Files: []DamagedFile{{Batch: "b1", Path: "warehouse/facts/x.parquet", Err: errors.New("no magic bytes")}}}
	}
	return s, nil
}

func (s *storeStage) Refresh(ctx context.Context) (Refreshed, error) {
	if !s.damagedOnce {
		s.damagedOnce = true
		s.log = append(s.log, "refresh")
		return Refreshed{}, &DamagedError{Files: []DamagedFile{{Batch: "b1", Path: "warehouse/facts/x.parquet", Err: errors.New("truncated")}}}
	}
	return s.stage.Refresh(ctx)
}

// With a Store, the chain repairs the store before the ingest, checks it
// after, and when the refresh finds a damaged file sets its batch aside,
// ingests again (the file, if still in the inbox, loads again) and
// refreshes again; every fault reaches the report.
func TestRefresherSetsDamagedBatchesAside(t *testing.T) {
	s := &storeStage{stage: &stage{}}
	r := &Refresher{Inbox: s, Warehouse: s, Store: s}
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.log, " "), "repair ingest check open setaside ingest open refresh setaside ingest refresh publish close"; got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
	var codes []string
	for _, f := range rep.Ingested.Faults {
		codes = append(codes, f.Code)
	}
	if got := strings.Join(codes, " "); got != "repaired_before orphan_facts damaged_facts damaged_facts" {
		t.Errorf("faults %q", got)
	}
	if rep.Files != 6 || rep.Accepted != 30 || rep.Snapshot != "run1" {
		t.Errorf("report %+v: the second ingest's counts are lost or nothing published", rep)
	}

	// Without a Store, a damaged file fails the refresh, as any error.
	s = &storeStage{stage: &stage{}}
	if _, err := (&Refresher{Inbox: s, Warehouse: s}).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "no magic bytes") {
		t.Errorf("without a store: %v", err)
	}
}

// startingStage is a stage whose warehouse can begin opening during the
// ingest (WarehouseStarter).
type startingStage struct{ *stage }

func (s startingStage) StartWarehouse(context.Context) { s.call("start") }
func (s startingStage) StopWarehouse() error           { return s.call("stop") }

// TestRefresherStartsWarehouseDuringIngest: a warehouse that can begin
// opening does so before the ingest, and what was begun is stopped after
// every run, whichever stage failed, once the opened warehouse is closed.
func TestRefresherStartsWarehouseDuringIngest(t *testing.T) {
	cases := []struct{ fail, calls, err string }{
		{"", "start ingest open refresh publish close stop", ""},
		{"ingest", "start ingest stop", "ingest: ingest broke"},
		{"open", "start ingest open stop", "open warehouse: open broke"},
		{"refresh", "start ingest open refresh close stop", "refresh models: refresh broke"},
		{"stop", "start ingest open refresh publish close stop", "open warehouse: stop broke"},
	}
	for _, c := range cases {
		s := startingStage{&stage{fail: c.fail}}
		r := &Refresher{Inbox: s, Warehouse: s}
		_, err := r.Run(context.Background())
		if got := strings.Join(s.log, " "); got != c.calls {
			t.Errorf("fail %q: calls %q, want %q", c.fail, got, c.calls)
		}
		if (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("fail %q: error %v, want %q", c.fail, err, c.err)
		}
	}
}
