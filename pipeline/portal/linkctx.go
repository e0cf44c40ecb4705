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
	Link LinkInfo `json:"link"`
	Unit UnitInfo `json:"unit"`
	Sent []Sent   `json:"sent"` // the periods the unit has sent a report for
	// Owed are the reports the reporting calendar asks of the unit for
	// the periods that ended since the start of last year (of the year
	// before it ended, for a district), newest first, and what became of
	// each; empty for a province office, which the calendar asks nothing.
	Owed      []Owed     `json:"owed"`
	Files     []*Receipt `json:"files"` // the files received with this unit's links, newest first
	MaxBytes  int64      `json:"max_bytes"`
	Types     []string   `json:"types"` // the kinds of file accepted
	Dashboard Dashboard  `json:"dashboard"`
	Snapshot  string     `json:"snapshot,omitempty"` // run id of the published snapshot
}

// Owed is a report the calendar asks of the unit (pipeline.Standing).
type Owed struct {
	Period   string `json:"period"`
	LabelVI  string `json:"label_vi"` // the kind of report: Báo cáo tổng kết năm, ...
	LabelEN  string `json:"label_en"`
	Deadline string `json:"deadline"` // the last day it is on time, YYYY-MM-DD
	// Status is on_time, late, missing (not received, deadline passed) or
	// pending (not received, deadline to come).
	Status   string `json:"status"`
	Received string `json:"received,omitempty"` // the day it was first received, YYYY-MM-DD
	// Waiting says it was received through the portal and is not on the
	// dashboard yet.
	Waiting bool `json:"waiting"`
	// Parts are the shorter periods of a report not received that were
	// (both half-years of a year).
	Parts []string `json:"parts"`
}

// Sent is a period the unit has sent a report for: when it was first
// received, and whether that is on the dashboard yet.
type Sent struct {
	Period   string    `json:"period"`
	Received time.Time `json:"received,omitzero"`
	Pending  bool      `json:"pending"` // received through the portal, not on the dashboard yet
}

func (p *Portal) linkContext(ctx context.Context, l Link, u *pipeline.Unit) (*Context, error) {
	c := &Context{Link: *p.linkInfo(l), Unit: p.unitInfo(u), Sent: []Sent{}, Owed: []Owed{}, Files: []*Receipt{},
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
	c.Owed = p.owed(u, sent)
	return c, nil
}

// owed asks the reporting calendar what the unit owes and what became of
// it, counting what it sent through the portal and is not published yet.
func (p *Portal) owed(u *pipeline.Unit, sent map[string]*Sent) []Owed {
	out := []Owed{}
	if p.cal == nil || u.Level == pipeline.LevelProvince {
		return out
	}
	day := func(t time.Time) time.Time {
		y, m, d := t.In(pipeline.Vietnam).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	received := map[string]time.Time{}
	for period, s := range sent {
		received[period] = day(s.Received)
	}
	today := day(p.opts.Now())
	last := today
	if !u.To.IsZero() && u.To.Before(last) {
		last = u.To
	}
	from := time.Date(last.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, st := range slices.Backward(p.cal.Standings(u, received, from, today, p.opts.DeadlineDays)) {
		o := Owed{Period: st.Period.Code, LabelVI: st.Rule.LabelVI, LabelEN: st.Rule.LabelEN, Deadline: st.Deadline.Format("2006-01-02"),
			Status: string(st.Status), Parts: st.Parts}
		if o.Parts == nil {
			o.Parts = []string{}
		}
		if !st.Received.IsZero() {
			o.Received = st.Received.Format("2006-01-02")
			o.Waiting = sent[st.Period.Code] != nil && sent[st.Period.Code].Pending
		}
		out = append(out, o)
	}
	return out
}
