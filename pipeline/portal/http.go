package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

func (p *Portal) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /nop/{secret}", p.page)
	mux.HandleFunc("GET /api/submissions", p.context)
	mux.HandleFunc("POST /api/submissions", p.submit)
	mux.HandleFunc("GET /api/submissions/{hash}", p.receipt)
	mux.HandleFunc("GET /api/portal/submissions", p.list)
	return mux
}

// answer writes v as JSON. Nothing the portal answers is cached: it is
// about one link, and the page's address is a secret.
func answer(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// apiError is the body of every refusal: a stable code and the words for
// the page, Vietnamese and English.
type apiError struct {
	Code    string    `json:"code"`
	Error   string    `json:"error"`
	ErrorEN string    `json:"error_en"`
	Link    *LinkInfo `json:"link,omitempty"`    // an expired or revoked link: which, and when
	Preview *Preview  `json:"preview,omitempty"` // a file refused whole after its check
}

func (p *Portal) fail(w http.ResponseWriter, rf *refusal) {
	if rf.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(rf.retryAfter.Round(time.Second)/time.Second)+1))
	}
	answer(w, rf.status, apiError{Code: rf.code, Error: rf.vi, ErrorEN: rf.en})
}

// internal logs an error of the server (never the request's address or
// path: the path holds the secret) and refuses in words a clerk can act on.
func (p *Portal) internal(err error) *refusal {
	p.log.Error("portal: internal error", "err", err)
	return refuse(http.StatusInternalServerError, "internal",
		"Lỗi máy chủ; tệp chưa được nhận. Hãy thử lại sau ít phút; nếu vẫn lỗi, báo Ban Dân vận tỉnh.",
		"Server error; the file was not received. Try again in a few minutes; if it persists, tell the province office.")
}

// LinkInfo is a link as its own page shows it.
type LinkInfo struct {
	ID      string    `json:"id"`
	State   State     `json:"state"`
	Expires time.Time `json:"expires,omitzero"`
	LastDay string    `json:"last_day,omitempty"` // the last day it works, Vietnam time (YYYY-MM-DD)
	Revoked time.Time `json:"revoked,omitzero"`
	Unit    string    `json:"unit"`
}

// bearer returns the request's secret: the Authorization header's. A
// secret is never read from a cookie, a form field or the query, so no
// other site can make a browser send one (see crossSite).
func bearer(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(tok)
}

// authorize finds the request's link, refusing a wrong secret (401) and
// an expired or revoked link (403, saying which and when).
func (p *Portal) authorize(w http.ResponseWriter, r *http.Request, secret string) (Link, *pipeline.Unit, bool) {
	l, err := p.links.Check(secret, p.opts.Now())
	var ae *AuthError
	switch {
	case errors.As(err, &ae) && ae.State == "":
		w.Header().Set("WWW-Authenticate", `Bearer realm="danvan-nop"`)
		answer(w, http.StatusUnauthorized, apiError{Code: "unknown_link",
			Error:   "Đường dẫn nộp báo cáo không đúng: có thể bị chép thiếu hoặc sai ký tự. Hãy mở lại đúng đường dẫn đã được gửi cho đơn vị, hoặc xin Ban Dân vận tỉnh cấp đường dẫn mới.",
			ErrorEN: "This submission link is not valid: it may have been copied incompletely or wrongly. Open the exact link your unit was sent, or ask the province office for a new one."})
		return l, nil, false
	case errors.As(err, &ae):
		vi, en := linkStateWords(ae.Link)
		p.note(r, ae.Link, EventRefused, string(ae.State))
		answer(w, http.StatusForbidden, apiError{Code: "link_" + string(ae.State), Error: vi, ErrorEN: en, Link: p.linkInfo(ae.Link)})
		return l, nil, false
	case err != nil:
		p.fail(w, p.internal(err))
		return l, nil, false
	}
	u, prob := p.ref.Sender(l.Unit)
	if prob != nil {
		p.fail(w, p.internal(fmt.Errorf("link %s: unit %s: %s", l.ID, l.Unit, prob.ReasonEN)))
		return l, nil, false
	}
	return l, u, true
}

func (p *Portal) linkInfo(l Link) *LinkInfo {
	info := &LinkInfo{ID: l.ID, State: l.State(p.opts.Now()), Expires: l.Expires, Revoked: l.Revoked, Unit: l.UnitName}
	if !l.Expires.IsZero() {
		info.LastDay = l.Expires.Add(-time.Nanosecond).In(pipeline.Vietnam).Format("2006-01-02")
	}
	return info
}

// linkStateWords says why a link no longer works and what to do.
func linkStateWords(l Link) (string, string) {
	if !l.Revoked.IsZero() {
		day := l.Revoked.In(pipeline.Vietnam).Format("02/01/2006")
		return fmt.Sprintf("Đường dẫn nộp báo cáo này của %s đã bị thu hồi ngày %s (mã liên kết %s). Báo cáo chưa gửi được bằng đường dẫn này; hãy liên hệ Ban Dân vận tỉnh để nhận đường dẫn mới.", l.UnitName, day, l.ID),
			fmt.Sprintf("This submission link of %s was revoked on %s (link id %s). Reports can no longer be sent with it; contact the province office for a new link.", l.UnitName, l.Revoked.In(pipeline.Vietnam).Format("2006-01-02"), l.ID)
	}
	day := l.Expires.In(pipeline.Vietnam).Format("15:04 02/01/2006")
	return fmt.Sprintf("Đường dẫn nộp báo cáo này của %s đã hết hạn lúc %s (mã liên kết %s). Hãy liên hệ Ban Dân vận tỉnh để nhận đường dẫn mới.", l.UnitName, day, l.ID),
		fmt.Sprintf("This submission link of %s expired at %s (link id %s). Contact the province office for a new link.", l.UnitName, l.Expires.In(pipeline.Vietnam).Format("2006-01-02 15:04"), l.ID)
}

// crossSite reports whether a browser says the request comes from another
// site's page. The commit needs the secret in the Authorization header,
// which a page of another site cannot make a browser send (it would need a
// CORS preflight, which this server never grants), and no cookie ever
// authorises anything here; refusing what browsers mark as cross-site on
// top is the defence the Fetch Metadata and Origin headers allow.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return true
		}
	}
	return false
}

// throttle applies the per-address rate limit.
func (p *Portal) throttle(w http.ResponseWriter, r *http.Request) bool {
	if ok, wait := p.perAddr.allow(p.opts.Client(r)); !ok {
		p.metrics.refused("rate_address", 0)
		rf := refuse(http.StatusTooManyRequests, "rate_address",
			"Có quá nhiều yêu cầu từ địa chỉ mạng này trong thời gian ngắn. Hãy chờ một chút rồi thử lại.",
			"Too many requests from this network address in a short time. Wait a moment and try again.")
		rf.retryAfter = wait
		p.fail(w, rf)
		return false
	}
	return true
}

// context answers GET /api/submissions: the link's unit, the periods it
// owes and has sent, its files received, the limits, when the dashboard
// shows a file.
func (p *Portal) context(w http.ResponseWriter, r *http.Request) {
	if !p.throttle(w, r) {
		return
	}
	l, u, ok := p.authorize(w, r, bearer(r))
	if !ok {
		return
	}
	c, err := p.linkContext(r.Context(), l, u)
	if err != nil {
		p.fail(w, p.internal(err))
		return
	}
	answer(w, http.StatusOK, c)
}

// submit answers POST /api/submissions: a dry run (?dry_run=true) checks
// the file and answers what it would bring, keeping nothing; otherwise the
// file is committed and the answer is its receipt.
func (p *Portal) submit(w http.ResponseWriter, r *http.Request) {
	if !p.throttle(w, r) {
		return
	}
	dry := false
	if s := r.URL.Query().Get("dry_run"); s != "" {
		var err error
		if dry, err = strconv.ParseBool(s); err != nil {
			p.fail(w, refuse(http.StatusBadRequest, "bad_request", "dry_run phải là true hoặc false.", "dry_run must be true or false."))
			return
		}
	}
	secret := bearer(r)
	l, sender, ok := p.authorize(w, r, secret)
	if !ok {
		return
	}
	addr := p.opts.Client(r)
	refused := func(rf *refusal, u *upload) {
		e := Event{Kind: EventRefused, Link: l.ID, Unit: l.Unit, Address: addr, Code: rf.code, Reason: rf.en}
		if u != nil {
			e.File, e.Size, e.Type, e.SHA256 = u.name, u.size, u.kind, u.hash
		}
		var size int64
		if u != nil {
			size = u.size
		}
		p.metrics.refused(rf.code, size)
		if err := p.audit.Append(e.at(p.opts.Now()), false); err != nil {
			p.log.Error("portal: audit log", "err", err)
		}
		p.fail(w, rf)
	}
	if crossSite(r) {
		refused(refuse(http.StatusForbidden, "cross_site",
			"Yêu cầu đến từ một trang web khác nên bị từ chối. Hãy mở đúng đường dẫn nộp báo cáo của đơn vị rồi gửi từ đó.",
			"The request came from another website's page and is refused. Open your unit's submission link and send from there."), nil)
		return
	}
	if ok, wait := p.perLink.allow(l.ID); !ok {
		rf := refuse(http.StatusTooManyRequests, "rate_link",
			"Đường dẫn này đã gửi nhiều tệp trong thời gian ngắn. Hãy chờ một chút rồi gửi lại.",
			"This link has sent many files in a short time. Wait a moment and send again.")
		rf.retryAfter = wait
		p.metrics.refused(rf.code, 0)
		p.fail(w, rf)
		return
	}
	if !p.busy.try(l.ID) {
		refused(refuse(http.StatusConflict, "busy",
			"Một tệp khác đang được gửi bằng đường dẫn này (có thể ở một thẻ hay máy khác). Hãy chờ lần gửi đó xong rồi thử lại.",
			"Another file is being sent with this link (perhaps in another tab or on another computer). Wait for it to finish and try again."), nil)
		return
	}
	defer p.busy.done(l.ID)

	u, rf := p.receive(w, r)
	if rf != nil {
		refused(rf, nil)
		return
	}
	defer u.remove()
	if want := r.URL.Query().Get("expect"); want != "" && !strings.EqualFold(want, u.hash) {
		refused(refuse(http.StatusConflict, "changed",
			"Tệp gửi lên khác với tệp vừa kiểm tra (đã được sửa sau khi kiểm tra?). Hãy kiểm tra lại tệp trước khi nộp.",
			"The file sent differs from the file just checked (was it edited since?). Check the file again before sending it."), u)
		return
	}
	at := p.opts.Now().UTC().Truncate(time.Millisecond) // as the file's name will say it
	if e, dup := p.alreadyReceived(u.hash); dup {
		p.metrics.submission("duplicate", u.size)
		ev := Event{Kind: EventDuplicate, Link: l.ID, Unit: l.Unit, Address: addr, File: u.name, Size: u.size, Type: u.kind, SHA256: u.hash}
		if err := p.audit.Append(ev.at(at), false); err != nil {
			p.log.Error("portal: audit log", "err", err)
		}
		answer(w, http.StatusOK, Answer{Status: "already_received", Receipt: p.receiptOf(r.Context(), e)})
		return
	}
	c, err := p.check(r.Context(), u.path, sender, at)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		refused(p.internal(err), u)
		return
	}
	pv, err := p.preview(r.Context(), u, sender, c)
	if err != nil {
		refused(p.internal(err), u)
		return
	}
	summary := Event{Link: l.ID, Unit: l.Unit, Address: addr, File: u.name, Size: u.size, Type: u.kind, SHA256: u.hash,
		Accepted: pv.AcceptedCount, Refused: pv.RefusedCount, Periods: pv.Periods}
	if c.fe != nil {
		summary.FileError = c.fe.Code
	}
	if dry {
		p.metrics.submission("previewed", u.size)
		e := summary
		e.Kind = EventPreviewed
		if err := p.audit.Append(e.at(at), false); err != nil {
			p.log.Error("portal: audit log", "err", err)
		}
		answer(w, http.StatusOK, Answer{Status: "preview", Preview: pv, Dashboard: p.dashboard()})
		return
	}
	if pv.AcceptedCount == 0 {
		rf := refuse(http.StatusUnprocessableEntity, "nothing_accepted",
			"Không có giá trị nào trong tệp được nhận, nên tệp chưa được nộp. Hãy sửa các lỗi dưới đây rồi gửi lại.",
			"No value of the file would be accepted, so the file was not sent. Fix the problems below and send it again.")
		e := summary
		e.Kind, e.Code, e.Reason = EventRefused, rf.code, rf.en
		p.metrics.refused(rf.code, u.size)
		if err := p.audit.Append(e.at(at), false); err != nil {
			p.log.Error("portal: audit log", "err", err)
		}
		answer(w, rf.status, apiError{Code: rf.code, Error: rf.vi, ErrorEN: rf.en, Preview: pv})
		return
	}
	rc, err := p.commit(u, l, sender, summary, at)
	if err != nil {
		refused(p.internal(err), u)
		return
	}
	p.keepPending(u.hash, keyedOf(c.recs))
	rc.Preview = pv
	answer(w, http.StatusCreated, Answer{Status: "received", Receipt: rc})
}

// Answer is the body of POST /api/submissions.
type Answer struct {
	Status    string    `json:"status"` // preview, received, already_received
	Preview   *Preview  `json:"preview,omitempty"`
	Receipt   *Receipt  `json:"receipt,omitempty"`
	Dashboard Dashboard `json:"dashboard,omitzero"`
}

func (e Event) at(t time.Time) Event {
	e.Time = t
	return e
}

// commit puts the checked upload into the inbox, atomically and durably,
// then writes its audit line, synced: once this returns, the file is
// received whatever happens to the server.
func (p *Portal) commit(u *upload, l Link, sender *pipeline.Unit, summary Event, at time.Time) (*Receipt, error) {
	rec := layout.Received{Unit: l.Unit, At: at, Hash: u.hash, Ext: "." + u.kind}
	dst := p.dir.ReceivedFile(rec)
	if err := layout.MkdirAll(p.dir.PortalInbox(l.Unit)); err != nil {
		return nil, err
	}
	if _, err := layout.CopyFile(dst, u.path); err != nil {
		return nil, err
	}
	e := summary
	e.Kind, e.Path = EventReceived, p.relative(dst)
	e = e.at(at)
	p.mu.Lock()
	p.received[u.hash] = e
	p.mu.Unlock()
	if err := p.audit.Append(e, true); err != nil {
		// The file is in the inbox: received. The next start adds the line.
		p.log.Error("portal: audit log", "err", err)
	}
	p.metrics.received(e)
	if p.opts.Refresh != nil {
		p.opts.Refresh()
	}
	rc := &Receipt{Status: "received", File: FileInfo{Name: u.name, Size: u.size, Type: u.kind, SHA256: u.hash, Code: confirmation(u.hash)},
		Unit: p.unitInfo(sender), Link: l.ID, ReceivedAt: at, Accepted: summary.Accepted, Refused: summary.Refused,
		Periods: summary.Periods, Dashboard: p.dashboard()}
	return rc, nil
}

// Receipt is the proof a file was received: the confirmation code (the
// SHA-256 of its bytes), when, from which unit and link, what it holds.
type Receipt struct {
	Status     string    `json:"status"` // received, already_received
	File       FileInfo  `json:"file"`
	Unit       UnitInfo  `json:"unit"` // the unit whose link sent it
	Link       string    `json:"link"` // its id
	ReceivedAt time.Time `json:"received_at"`
	Accepted   int       `json:"accepted"`
	Refused    int       `json:"refused"`
	Periods    []string  `json:"periods"`
	Dashboard  Dashboard `json:"dashboard"`
	Preview    *Preview  `json:"preview,omitempty"` // what was received, per indicator (the fresh receipt only)
}

// receiptOf is the receipt of a file received before.
func (p *Portal) receiptOf(ctx context.Context, e Event) *Receipt {
	rc := &Receipt{Status: "already_received", File: FileInfo{Name: e.File, Size: e.Size, Type: e.Type, SHA256: e.SHA256, Code: confirmation(e.SHA256)},
		Link: e.Link, ReceivedAt: e.Time, Accepted: e.Accepted, Refused: e.Refused, Periods: e.Periods, Dashboard: p.dashboard()}
	if rc.Periods == nil {
		rc.Periods = []string{}
	}
	if u, prob := p.ref.Sender(e.Unit); prob == nil {
		rc.Unit = p.unitInfo(u)
	}
	if snap, err := p.published.Snapshot(ctx); err == nil && snap.Batches[e.SHA256] {
		rc.Dashboard = Dashboard{When: "published"}
	}
	return rc
}

// receipt answers GET /api/submissions/{hash}: the receipt of a file the
// link's unit (or, for a province office, its province) received.
func (p *Portal) receipt(w http.ResponseWriter, r *http.Request) {
	if !p.throttle(w, r) {
		return
	}
	_, sender, ok := p.authorize(w, r, bearer(r))
	if !ok {
		return
	}
	hash := strings.ToLower(r.PathValue("hash"))
	p.mu.Lock()
	e, found := p.received[hash]
	p.mu.Unlock()
	if found {
		if u, prob := p.ref.Sender(e.Unit); prob != nil || !(u.Code == sender.Code || sender.Level == pipeline.LevelProvince && u.ProvinceCode == sender.ProvinceCode) {
			found = false
		}
	}
	if !found {
		answer(w, http.StatusNotFound, apiError{Code: "no_receipt",
			Error: "Không có tệp nào với mã xác nhận này được nộp bằng đường dẫn của đơn vị.", ErrorEN: "No file with this confirmation code was sent with this unit's link."})
		return
	}
	answer(w, http.StatusOK, p.receiptOf(r.Context(), e))
}

// list answers GET /api/portal/submissions: the last files received or
// refused, for the runs page. No addresses.
func (p *Portal) list(w http.ResponseWriter, r *http.Request) {
	n := 50
	if s := r.URL.Query().Get("n"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 && v <= 500 {
			n = v
		}
	}
	events, err := p.Submissions(n)
	if err != nil {
		p.fail(w, p.internal(err))
		return
	}
	type row struct {
		Event
		UnitName string `json:"unit_name,omitempty"`
		Code     string `json:"confirmation,omitempty"`
		InRun    bool   `json:"ingested"` // the warehouse holds it
	}
	out := make([]row, 0, len(events))
	for _, e := range events {
		rw := row{Event: e}
		if u, prob := p.ref.Sender(e.Unit); prob == nil {
			rw.UnitName = u.Title()
		}
		if e.SHA256 != "" {
			rw.Code = confirmation(e.SHA256)
			rw.InRun = layout.Committed(p.dir, e.SHA256)
		}
		out = append(out, rw)
	}
	answer(w, http.StatusOK, map[string]any{"submissions": out})
}

// note writes an audit line for a link's page opened or refused, at most
// one per link and kind every ten minutes: a page reloaded a hundred times
// is one line.
func (p *Portal) note(r *http.Request, l Link, kind EventKind, code string) {
	now := p.opts.Now()
	key := l.ID + "/" + string(kind) + "/" + code
	p.mu.Lock()
	last, seen := p.opened[key]
	if seen && now.Sub(last) < 10*time.Minute {
		p.mu.Unlock()
		return
	}
	p.opened[key] = now
	if len(p.opened) > 10000 {
		for k, t := range p.opened {
			if now.Sub(t) >= 10*time.Minute {
				delete(p.opened, k)
			}
		}
	}
	p.mu.Unlock()
	e := Event{Time: now, Kind: kind, Link: l.ID, Unit: l.Unit, Address: p.opts.Client(r), Code: code}
	if err := p.audit.Append(e, false); err != nil {
		p.log.Error("portal: audit log", "err", err)
	}
}
