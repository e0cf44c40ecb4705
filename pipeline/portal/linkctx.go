package portal

import (
	"context"
	"slices"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// Context is what the page of a link shows before any file: the unit, the
// periods it has sent, its files received, the limits.
type Context struct {
	Link      LinkInfo   `json:"link"`
	Unit      UnitInfo   `json:"unit"`
	Sent      []Sent     `json:"sent"`  // the periods the unit has sent a report for
	Files     []*Receipt `json:"files"` // the files received with this unit's links, newest first
	MaxBytes  int64      `json:"max_bytes"`
	Types     []string   `json:"types"` // the kinds of file accepted
	Dashboard Dashboard  `json:"dashboard"`
	Snapshot  string     `json:"snapshot,omitempty"` // run id of the published snapshot
}

// Sent is a period the unit has sent a report for: when it was first
// received, and whether that is on the dashboard yet.
type Sent struct {
	Period   string    `json:"period"`
	Received time.Time `json:"received,omitzero"`
	Pending  bool      `json:"pending"` // received through the portal, not on the dashboard yet
}

func (p *Portal) linkContext(ctx context.Context, l Link, u *pipeline.Unit) (*Context, error) {
	c := &Context{Link: *p.linkInfo(l), Unit: p.unitInfo(u), Sent: []Sent{}, Files: []*Receipt{},
		MaxBytes: p.opts.MaxBytes, Types: []string{"xlsx", "csv", "tsv", "json", "jsonl", "txt", "docx"}, Dashboard: p.dashboard()}
	snap, received, err := p.published.Received(ctx, u)
	if err != nil {
		return nil, err
	}
	c.Snapshot = snap.RunID
	sent := map[string]*Sent{}
	for period, at := range received {
		sent[period] = &Sent{Period: period, Received: at}
	}
	events, err := ReadAudit(p.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range slices.Backward(events) {
		if (e.Kind != EventReceived && e.Kind != EventRecovered) || e.Unit != u.Code {
			continue
		}
		if len(c.Files) < 20 {
			rc := p.receiptOf(ctx, e)
			rc.Status = "received"
			if snap.Batches[e.SHA256] {
				rc.Dashboard = Dashboard{When: "published"}
			}
			c.Files = append(c.Files, rc)
		}
		if snap.Batches[e.SHA256] {
			continue
		}
		for _, period := range e.Periods {
			if s, ok := sent[period]; !ok || s.Pending && e.Time.Before(s.Received) {
				sent[period] = &Sent{Period: period, Received: e.Time, Pending: true}
			}
		}
	}
	for _, s := range sent {
		c.Sent = append(c.Sent, *s)
	}
	slices.SortFunc(c.Sent, func(a, b Sent) int { return -comparePeriods(a.Period, b.Period) })
	return c, nil
}
