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
