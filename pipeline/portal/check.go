package portal

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// collector is the Sink of a check: it keeps what ingest would store, in
// memory, and stores nothing. A file is checked by the same ingest code
// that later loads it, so the preview says exactly what the night's run
// will do with the file.
type collector struct {
	recs    []pipeline.Record
	rejects []pipeline.RowError
	fe      *pipeline.FileError
	// warnings are the file's summary's (FileResult.Warnings): what the
	// readers passed over and the totals that could not be checked.
	warnings []pipeline.Warning
}

func (c *collector) Has(string) bool { return false }

func (c *collector) Open(pipeline.Batch) (pipeline.Writer, error) { return &collecting{c: c}, nil }

func (c *collector) Quarantine(_ context.Context, _ pipeline.Batch, fe *pipeline.FileError) error {
	c.fe = fe
	return nil
}

// collecting is a collector's Writer: what it holds reaches the collector
// at Commit, so a rolled-back pass (ingest streams a CSV file twice when
// its whole-file checks refuse rows) leaves nothing.
type collecting struct {
	c       *collector
	recs    []pipeline.Record
	rejects []pipeline.RowError
}

func (w *collecting) Add(recs []pipeline.Record) error {
	w.recs = append(w.recs, recs...)
	return nil
}

func (w *collecting) Reject(errs []pipeline.RowError) error {
	w.rejects = append(w.rejects, errs...)
	return nil
}

func (w *collecting) Flush() error { return nil }

func (w *collecting) Commit(context.Context) error {
	w.c.recs = append(w.c.recs, w.recs...)
	w.c.rejects = append(w.c.rejects, w.rejects...)
	w.recs, w.rejects = nil, nil
	return nil
}

func (w *collecting) Rollback() error {
	w.recs, w.rejects = nil, nil
	return nil
}

// check runs the checks of ingest (those of `danvan validate`) on a file
// sent by sender, received at at.
func (p *Portal) check(ctx context.Context, path string, sender *pipeline.Unit, at time.Time) (*collector, error) {
	select {
	case p.checking <- struct{}{}:
		defer func() { <-p.checking }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c := &collector{}
	res, err := p.ingest.Submitted(ctx, path, pipeline.Submission{Sender: sender, ReceivedAt: at}, c)
	if err != nil {
		return nil, err
	}
	c.warnings = res.Warnings
	return c, nil
}

// checkReceived checks a file the portal committed earlier, as the night's
// run will read it (its sender and time from its path).
func (p *Portal) checkReceived(ctx context.Context, path string) (*collector, error) {
	r, ok := layout.ParseReceived(path)
	if !ok {
		return nil, fmt.Errorf("check %s: not a portal file", path)
	}
	sender, prob := p.ref.Sender(r.Unit)
	if prob != nil {
		return nil, fmt.Errorf("check %s: %s", path, prob.ReasonEN)
	}
	return p.check(ctx, path, sender, r.At)
}

// Value is one value of a preview.
type Value struct {
	Disaggregation string  `json:"disaggregation"` // "total" or a code
	LabelVI        string  `json:"label_vi"`
	LabelEN        string  `json:"label_en"`
	Value          float64 `json:"value"`
	Qualifier      string  `json:"qualifier"`
	Ref            string  `json:"ref"` // where in the file: cell, row or sentence
}

// Group is the values a file gives for one unit, period and indicator.
type Group struct {
	UnitCode  string  `json:"unit_code"`
	UnitName  string  `json:"unit_name"` // with its type word
	Period    string  `json:"period"`
	Indicator string  `json:"indicator"`
	LabelVI   string  `json:"label_vi"`
	LabelEN   string  `json:"label_en"`
	Unit      string  `json:"unit"` // of measure: mô hình, m², đồng
	Values    []Value `json:"values"`
}

// Refused is one refused value (or the whole file), as the page shows it:
// where, what it said, why and how to fix it.
type Refused struct {
	Ref      string `json:"ref"`
	Column   string `json:"column"`
	Value    string `json:"value"`
	Code     string `json:"code"`
	Reason   string `json:"reason"`
	ReasonEN string `json:"reason_en"`
	Fix      string `json:"fix,omitempty"`
	FixEN    string `json:"fix_en,omitempty"`
}

// Warned is what the file's check passed over or could not check, and
// refuses nothing (pipeline.Warning): a sheet not read and why, a total row
// typed under the rows, the closing of a form exported as a table, a total
// that could not be checked. The clerk sees it as `danvan validate` says it.
// Its fields and their JSON names are a refusal's.
type Warned Refused

// Change is a value of the file that replaces another value of the same
// unit, period, indicator and breakdown.
type Change struct {
	UnitCode       string  `json:"unit_code"`
	Period         string  `json:"period"`
	Indicator      string  `json:"indicator"`
	Disaggregation string  `json:"disaggregation"`
	Old            float64 `json:"old"`
	OldQualifier   string  `json:"old_qualifier"`
	New            float64 `json:"new"`
	NewQualifier   string  `json:"new_qualifier"`
	OldSource      string  `json:"old_source"` // the file the old value came from
	// Pending says the old value is from a portal submission that is not
	// on the dashboard yet (waiting for the next refresh).
	Pending bool `json:"pending"`
}

// Earlier is an earlier report of the same unit and period, some of whose
// values the file replaces or repeats.
type Earlier struct {
	UnitCode string    `json:"unit_code"`
	Period   string    `json:"period"`
	Source   string    `json:"source"`
	Received time.Time `json:"received,omitzero"`
	Pending  bool      `json:"pending"`
}

// Changes says what a file does to the values already received for its
// units and periods: the published ones and those of portal submissions
// waiting for the next refresh.
type Changes struct {
	Snapshot     string    `json:"snapshot,omitempty"` // run id of the published snapshot compared with
	Changed      []Change  `json:"changed"`
	ChangedCount int       `json:"changed_count"`
	Same         int       `json:"same"`      // values equal to what was received before
	New          int       `json:"new"`       // values of keys nobody had given
	Kept         int       `json:"kept"`      // earlier values of the same units and periods the file does not give: they stay
	Earlier      []Earlier `json:"earlier"`   // the earlier reports concerned
	Replaces     bool      `json:"replaces"`  // the file replaces some earlier value
	Published    bool      `json:"published"` // there was a snapshot to compare with
}

// maxShown bounds the values and refusals a preview lists (and the changes
// it details): a district's report has a few dozen; a file with a hundred
// thousand refused rows is told by its counts and its first rows, not
// sent back whole.
const maxShown = 500

// Preview is the answer to a dry run: what the file would bring. Accepted,
// Refused, Warnings and Changes.Changed list at most maxShown entries; the
// counts are the file's.
type Preview struct {
	File          FileInfo  `json:"file"`
	Unit          UnitInfo  `json:"unit"`
	Accepted      []Group   `json:"accepted"`
	AcceptedCount int       `json:"accepted_count"`
	Refused       []Refused `json:"refused"`
	RefusedCount  int       `json:"refused_count"`
	FileError     *Refused  `json:"file_error"`
	Warnings      []Warned  `json:"warnings"`
	WarningCount  int       `json:"warning_count"`
	Periods       []string  `json:"periods"`
	Changes       *Changes  `json:"changes"`
}

// FileInfo is a received file as the pages show it.
type FileInfo struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
	SHA256 string `json:"sha256"`
	Code   string `json:"code"` // the confirmation code: the start of the SHA-256, grouped to read out
}

// confirmation is the short form of a file's hash that a clerk reads out
// over the phone: its first 16 hex digits in four groups, upper case. The
// receipt prints the whole hash too.
func confirmation(hash string) string {
	h := strings.ToUpper(hash)
	if len(h) < 16 {
		return h
	}
	return h[0:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:16]
}

// UnitInfo is a unit as the pages show it.
type UnitInfo struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Title        string `json:"title"` // with its type word
	Level        string `json:"level"`
	ProvinceCode string `json:"province_code"`
	ProvinceName string `json:"province_name"`
}

func (p *Portal) unitInfo(u *pipeline.Unit) UnitInfo {
	info := UnitInfo{Code: u.Code, Name: u.Name, Title: u.Title(), Level: string(u.Level), ProvinceCode: u.ProvinceCode}
	for _, pr := range p.ref.Provinces() {
		if pr.Code == u.ProvinceCode {
			info.ProvinceName = pr.Name
		}
	}
	return info
}

// preview builds the answer of a check.
func (p *Portal) preview(ctx context.Context, u *upload, sender *pipeline.Unit, c *collector) (*Preview, error) {
	pv := &Preview{
		File: FileInfo{Name: u.name, Size: u.size, Type: u.kind, SHA256: u.hash, Code: confirmation(u.hash)},
		Unit: p.unitInfo(sender), Accepted: []Group{}, Refused: []Refused{}, Warnings: []Warned{}, Periods: periodsOf(c.recs),
	}
	for _, w := range c.warnings[:min(len(c.warnings), maxShown)] {
		x := Warned{Ref: w.Ref, Column: w.Column, Value: w.Value, Code: w.Code, Reason: w.Reason, ReasonEN: w.ReasonEN}
		x.Fix, x.FixEN = fixFor(w.Code)
		pv.Warnings = append(pv.Warnings, x)
	}
	pv.WarningCount = len(c.warnings)
	if c.fe != nil {
		pv.FileError = &Refused{Code: c.fe.Code, Reason: c.fe.Reason, ReasonEN: c.fe.ReasonEN}
		pv.FileError.Fix, pv.FileError.FixEN = fixFor(c.fe.Code)
	}
	for _, e := range c.rejects[:min(len(c.rejects), maxShown)] {
		r := Refused{Ref: e.Ref, Column: e.Column, Value: e.Value, Code: e.Code, Reason: e.Reason, ReasonEN: e.ReasonEN}
		r.Fix, r.FixEN = fixFor(e.Code)
		pv.Refused = append(pv.Refused, r)
	}
	pv.RefusedCount = len(c.rejects)
	pv.AcceptedCount = len(c.recs)
	pv.Accepted = p.groups(c.recs[:min(len(c.recs), maxShown)])
	if len(c.recs) > 0 {
		ch, err := p.changes(ctx, c.recs, u.hash)
		if err != nil {
			return nil, err
		}
		pv.Changes = ch
	}
	return pv, nil
}

// groups puts records together by unit, period and indicator, in the
// catalogue's order.
func (p *Portal) groups(recs []pipeline.Record) []Group {
	type key struct {
		unit, period string
		ind          int
	}
	by := map[key]*Group{}
	var keys []key
	for _, r := range recs {
		k := key{r.Unit.Code, r.Period.Code, r.Indicator.Index}
		g := by[k]
		if g == nil {
			g = &Group{UnitCode: r.Unit.Code, UnitName: r.Unit.Title(), Period: r.Period.Code, Indicator: r.Indicator.Code,
				LabelVI: r.Indicator.LabelVI, LabelEN: r.Indicator.LabelEN, Unit: r.Indicator.Unit}
			by[k] = g
			keys = append(keys, k)
		}
		vi, en := p.breakdownLabels(r.Disaggregation)
		g.Values = append(g.Values, Value{Disaggregation: r.Disaggregation, LabelVI: vi, LabelEN: en,
			Value: r.Value, Qualifier: string(r.Qualifier), Ref: r.Ref})
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), comparePeriods(a.period, b.period), cmp.Compare(a.ind, b.ind))
	})
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		out = append(out, *by[k])
	}
	return out
}

func (p *Portal) breakdownLabels(code string) (string, string) {
	if code == pipeline.Total {
		return "Tổng số", "Total"
	}
	for _, d := range p.ref.Disaggregations {
		if d.Code == code {
			return d.LabelVI, d.LabelEN
		}
	}
	return code, code
}

// comparePeriods orders period codes by their end, then their start.
func comparePeriods(a, b string) int {
	pa, err1 := pipeline.ParsePeriod(a)
	pb, err2 := pipeline.ParsePeriod(b)
	if err1 != nil || err2 != nil {
		return cmp.Compare(a, b)
	}
	return cmp.Or(pa.End.Compare(pb.End), pb.Start.Compare(pa.Start))
}

func periodsOf(recs []pipeline.Record) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, r := range recs {
		if !seen[r.Period.Code] {
			seen[r.Period.Code] = true
			out = append(out, r.Period.Code)
		}
	}
	slices.SortFunc(out, comparePeriods)
	return out
}

// current is a value already received for a key.
type current struct {
	value     float64
	qualifier string
	source    string
	received  time.Time
	pending   bool
}

// changes compares recs with what was received before for their units and
// periods: the published snapshot's values, overlaid with the portal
// submissions that wait for the next refresh (in the order received), the
// file with hash self left out.
func (p *Portal) changes(ctx context.Context, recs []pipeline.Record, self string) (*Changes, error) {
	type up struct{ unit, period string }
	wanted := map[up]bool{}
	units := map[string]*pipeline.Unit{}
	for _, r := range recs {
		wanted[up{r.Unit.Code, r.Period.Code}] = true
		units[r.Unit.Code] = r.Unit
	}
	var unitCodes, periods []string
	seenP := map[string]bool{}
	for k := range wanted {
		if !seenP[k.period] {
			seenP[k.period] = true
			periods = append(periods, k.period)
		}
	}
	for code := range units {
		unitCodes = append(unitCodes, code)
	}
	slices.Sort(unitCodes)
	slices.Sort(periods)

	ch := &Changes{Changed: []Change{}, Earlier: []Earlier{}}
	cur := map[pipeline.ValueKey]current{}
	snap, err := p.published.Values(ctx, unitCodes, periods)
	if err != nil {
		return nil, err
	}
	ch.Snapshot, ch.Published = snap.RunID, snap.RunID != ""
	p.forgetPublished(snap.Batches)
	for _, v := range snap.Values {
		if !wanted[up{v.Key.Unit, v.Key.Period}] {
			continue
		}
		cur[v.Key] = current{value: v.Value, qualifier: v.Qualifier, source: v.Source, received: v.Received}
	}
	// Portal submissions not in the snapshot: of the units concerned,
	// and of their provinces' offices.
	senders := map[string]bool{}
	for code, u := range units {
		senders[code] = true
		senders[u.ProvinceCode] = true
	}
	pending, err := p.pendingFiles(slices.Sorted(maps.Keys(senders)), snap.Batches, self)
	if err != nil {
		return nil, err
	}
	for _, f := range pending {
		vals, err := p.pendingValues(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if wanted[up{v.key.Unit, v.key.Period}] {
				cur[v.key] = current{value: v.value, qualifier: v.qualifier, source: filepath.Base(f.path), received: f.at, pending: true}
			}
		}
	}
	given := map[pipeline.ValueKey]bool{}
	earlier := map[Earlier]bool{}
	for _, r := range recs {
		k := r.ValueKey()
		given[k] = true
		old, ok := cur[k]
		if !ok {
			ch.New++
			continue
		}
		earlier[Earlier{UnitCode: k.Unit, Period: k.Period, Source: old.source, Received: old.received, Pending: old.pending}] = true
		if old.value == r.Value && old.qualifier == string(r.Qualifier) {
			ch.Same++
			continue
		}
		ch.Changed = append(ch.Changed, Change{UnitCode: k.Unit, Period: k.Period, Indicator: k.Indicator, Disaggregation: k.Disaggregation,
			Old: old.value, OldQualifier: old.qualifier, New: r.Value, NewQualifier: string(r.Qualifier), OldSource: old.source, Pending: old.pending})
	}
	for k := range cur {
		if !given[k] {
			ch.Kept++
		}
	}
	ch.Replaces = len(ch.Changed) > 0
	ch.ChangedCount = len(ch.Changed)
	for e := range earlier {
		ch.Earlier = append(ch.Earlier, e)
	}
	slices.SortFunc(ch.Earlier, func(a, b Earlier) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), comparePeriods(a.Period, b.Period), a.Received.Compare(b.Received), cmp.Compare(a.Source, b.Source))
	})
	slices.SortFunc(ch.Changed, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), comparePeriods(a.Period, b.Period), cmp.Compare(a.Indicator, b.Indicator), cmp.Compare(a.Disaggregation, b.Disaggregation))
	})
	ch.Changed = ch.Changed[:min(len(ch.Changed), maxShown)]
	return ch, nil
}

// keyed is a value of a received file, as the comparison needs it.
type keyed struct {
	key       pipeline.ValueKey
	value     float64
	qualifier string
}

func keyedOf(recs []pipeline.Record) []keyed {
	out := make([]keyed, len(recs))
	for i, r := range recs {
		out[i] = keyed{r.ValueKey(), r.Value, string(r.Qualifier)}
	}
	return out
}

// pendingValues returns the values of a received file that is not
// published yet: checked once, then kept by its hash until it is published
// (forget), since every preview of its unit compares with it.
func (p *Portal) pendingValues(ctx context.Context, f receivedFile) ([]keyed, error) {
	p.mu.Lock()
	vals, ok := p.pending[f.Hash]
	p.mu.Unlock()
	if ok {
		return vals, nil
	}
	c, err := p.checkReceived(ctx, f.path)
	if err != nil {
		return nil, err
	}
	vals = keyedOf(c.recs)
	p.keepPending(f.Hash, vals)
	return vals, nil
}

func (p *Portal) keepPending(hash string, vals []keyed) {
	p.mu.Lock()
	p.pending[hash] = vals
	p.mu.Unlock()
}

// forgetPublished drops the kept values of files the snapshot holds.
func (p *Portal) forgetPublished(batches map[string]bool) {
	p.mu.Lock()
	for h := range p.pending {
		if batches[h] {
			delete(p.pending, h)
		}
	}
	p.mu.Unlock()
}

// receivedFile is a file in the portal inbox.
type receivedFile struct {
	path string
	layout.Received
	at time.Time
}

// pendingFiles lists the files the portal committed for these senders that
// the published snapshot does not hold (batches), oldest first, leaving
// out the file with hash self.
func (p *Portal) pendingFiles(senders []string, batches map[string]bool, self string) ([]receivedFile, error) {
	var out []receivedFile
	for _, s := range senders {
		files, err := p.receivedFiles(s)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.Hash != self && !batches[f.Hash] {
				out = append(out, f)
			}
		}
	}
	slices.SortFunc(out, func(a, b receivedFile) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.path, b.path)) })
	return out, nil
}

// receivedFiles lists the files the portal committed for one sender.
func (p *Portal) receivedFiles(sender string) ([]receivedFile, error) {
	dir := p.dir.PortalInbox(sender)
	des, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []receivedFile
	for _, de := range des {
		path := filepath.Join(dir, de.Name())
		if r, ok := layout.ParseReceived(path); ok && de.Type().IsRegular() {
			out = append(out, receivedFile{path: path, Received: r, at: r.At})
		}
	}
	return out, nil
}

// fixFor says how to fix a refusal of this kind (pipeline.FixFor).
func fixFor(code string) (string, string) {
	f, _ := pipeline.FixFor(code)
	return f.VI, f.EN
}
