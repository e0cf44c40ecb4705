// Package serve is the HTTP side of danvan: the embedded leadership
// dashboards, the published JSON snapshot under /data/, table downloads as
// CSV and XLSX, the run history, /healthz, /metrics and, when wired by cmd,
// a manual refresh trigger and the read-only SQL endpoint.
//
// Every response reads from one snapshot, the one exports/current names
// as the request starts (see snapshots for how that stays cheap, and how
// soon a switch is seen), and the page scripts pin their follow-up
// requests to the run id of the manifest they read first (?run=), so a
// refresh that switches the snapshot mid-page never mixes two runs.
package serve

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// Run is one refresh run as the runs page shows it.
type Run struct {
	ID         string    `json:"id"`
	Trigger    string    `json:"trigger,omitempty"` // schedule, manual, api
	Status     string    `json:"status"`            // running, succeeded, succeeded_with_problems, failed, skipped
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Published  bool      `json:"published"` // switched exports/current
	Summary    string    `json:"summary,omitempty"`
	Error      string    `json:"error,omitempty"`
	// Problems of a run that published all the same, each with its fix.
	Problems []pipeline.Fault `json:"problems,omitempty"`
	// What the run did, for the page to write with its own separators.
	FilesIngested int `json:"files_ingested"`
	RowsAccepted  int `json:"rows_accepted"`
	RowsRejected  int `json:"rows_rejected"`
	TestsPassed   int `json:"tests_passed"`
	TestsFailed   int `json:"tests_failed"`
}

// RunsSource gives the run history, newest first, and the next scheduled run
// (zero when nothing is scheduled). pipeline/schedule implements it through a
// small adapter in cmd.
type RunsSource interface {
	History(n int) ([]Run, error)
	Next() time.Time
}

// Metrics writes metrics in the Prometheus text format.
type Metrics interface {
	WriteMetrics(w io.Writer)
}

// Options configures a Server. Only DataDir is required.
type Options struct {
	DataDir string // holds exports/current (symlink) and exports/snapshots/
	Addr    string // listen address for Serve; default 127.0.0.1:8080
	Logger  *slog.Logger

	Runs    RunsSource            // GET /api/runs; nil: empty history
	Metrics Metrics               // GET /metrics; nil: 404
	Health  func() (bool, string) // GET /healthz; nil: healthy when a snapshot is published

	// Trigger starts a refresh (POST /api/run). It is called with the request's
	// context, so it should start the run and return, not wait for it. The
	// endpoint exists only when both Trigger and Token are set.
	Trigger func(ctx context.Context) error
	Token   string

	// SQL is mounted at POST /api/sql when set: behind Token when one is
	// set; without one, it answers only while the server listens on
	// loopback (whoever reaches 127.0.0.1 is on this machine and could run
	// danvan query there), and is refused, saying so, beyond it.
	SQL http.Handler

	// Portal is the submission portal (pipeline/portal), mounted when set:
	// its page GET /nop/{secret} and its API under /api/submissions, and
	// the list of files it received, GET /api/portal/submissions. It
	// authenticates its own requests (a secret per link).
	Portal http.Handler

	ShutdownGrace time.Duration // default 10s
	RunsShown     int           // runs listed by /api/runs; default 30

	// Connection timeouts (net/http.Server's, enforced by the server's
	// guard, within a tenth of the shortest, at most 1 s). A client must send its
	// headers within ReadHeaderTimeout (default 10s) and its whole request,
	// body included, within ReadTimeout (default 30s: a SQL body is at
	// most 64 KiB). WriteTimeout (default 10m) bounds an answer, the
	// largest download over a slow line included; IdleTimeout (default
	// 2m) closes kept-alive connections nobody uses.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// Server serves the dashboards and data of one data directory.
type Server struct {
	opts    Options
	log     *slog.Logger
	handler http.Handler
	assets  *assets
	data    *snapshots
	public  atomic.Bool // listening beyond loopback
}

// New checks the options and builds the routes.
func New(opts Options) (*Server, error) {
	if opts.DataDir == "" {
		return nil, errors.New("serve: DataDir is required")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8080"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if opts.RunsShown <= 0 {
		opts.RunsShown = 30
	}
	for _, t := range []struct {
		d   *time.Duration
		def time.Duration
	}{{&opts.ReadHeaderTimeout, 10 * time.Second}, {&opts.ReadTimeout, 30 * time.Second},
		{&opts.WriteTimeout, 10 * time.Minute}, {&opts.IdleTimeout, 2 * time.Minute}} {
		if *t.d <= 0 {
			*t.d = t.def
		}
	}
	a, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("serve: load dashboards: %w", err)
	}
	s := &Server{opts: opts, log: opts.Logger, assets: a, data: newSnapshots(opts.DataDir)}
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's whole HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve listens on Options.Addr and serves until ctx is done, then shuts down,
// letting requests in flight finish within the grace period.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", s.opts.Addr, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened (tests use port 0).
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	// The connection timeouts are the guard's, not net/http's (see guard).
	g := newGuard(s.opts.ReadHeaderTimeout, s.opts.ReadTimeout, s.opts.WriteTimeout, s.opts.IdleTimeout)
	srv := &http.Server{
		Handler:     s.handler,
		ConnState:   g.connState,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	public := !loopback(ln.Addr())
	s.public.Store(public)
	// While serving, exports/ is watched, so requests need not read
	// exports/current (see snapshots), and the guard looks at the
	// connections; both end with Serve.
	wctx, stopWatch := context.WithCancel(context.WithoutCancel(ctx))
	watched := make(chan struct{})
	go func() { defer close(watched); s.data.watch(wctx, s.log) }()
	guarded := make(chan struct{})
	go func() { defer close(guarded); g.run(wctx) }()
	defer func() { stopWatch(); <-watched; <-guarded }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(g.listener(ln)) }()
	sql := "off"
	switch {
	case s.opts.SQL == nil:
	case s.opts.Token != "":
		sql = "bearer token (DANVAN_TOKEN)"
	case public:
		sql = "refused (no DANVAN_TOKEN)"
	default:
		sql = "open to this machine only (loopback, no DANVAN_TOKEN)"
	}
	s.log.Info("serving dashboards", "addr", ln.Addr().String(), "data", s.opts.DataDir, "sql", sql)
	if s.opts.SQL != nil && s.opts.Token == "" && public {
		s.log.Warn("POST /api/sql refused: the server listens beyond loopback and DANVAN_TOKEN is not set; set it to open the SQL endpoint",
			"addr", ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// csp allows only the binary's own assets: no inline script or style, no
// framing, no plugin. ECharts styles its nodes through the CSSOM, which
// style-src does not restrict.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Pages, assets and snapshot files are gzipped once, ahead, and
	// served as they are; gzhttp wraps the answers made per request.
	gz := gzipText
	for path, file := range pages {
		mux.HandleFunc("GET "+path, s.page(file))
	}
	mux.HandleFunc("GET /assets/{path...}", s.asset)
	mux.HandleFunc("GET /data/{name}", s.dataFile)
	mux.HandleFunc("GET /data/sources/{name}", s.dataFile)
	mux.Handle("GET /download/{file}", gz(http.HandlerFunc(s.download)))
	mux.Handle("GET /download/sources/{file}", gz(http.HandlerFunc(s.download)))
	mux.HandleFunc("GET /download/feedback/{file}", s.feedback) // a workbook is a zip already
	mux.Handle("GET /brief", gz(http.HandlerFunc(s.briefPage)))
	mux.Handle("GET /api/runs", gz(http.HandlerFunc(s.runs)))
	mux.Handle("GET /healthz", gz(http.HandlerFunc(s.healthz)))
	if s.opts.Metrics != nil {
		mux.Handle("GET /metrics", gz(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			s.opts.Metrics.WriteMetrics(w)
		})))
	}
	if s.opts.Trigger != nil && s.opts.Token != "" {
		mux.Handle("POST /api/run", gz(s.authorized(http.HandlerFunc(s.trigger))))
	}
	if s.opts.SQL != nil {
		sql := s.opts.SQL
		if s.opts.Token != "" {
			sql = s.authorized(sql)
		} else {
			sql = s.loopbackOnly(sql)
		}
		mux.Handle("POST /api/sql", gz(sql))
	}
	if s.opts.Portal != nil {
		for _, p := range []string{"/nop/", "/api/submissions", "/api/submissions/", "/api/portal/"} {
			mux.Handle(p, gz(s.opts.Portal))
		}
	}
	routed := securityHeaders(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cachedData(w, r) {
			routed.ServeHTTP(w, r)
		}
	})
}

// The security headers' values, shared by every answer (see assetHeaders).
var (
	cspHeader       = []string{csp}
	nosniffHeader   = []string{"nosniff"}
	referrerHeader  = []string{"no-referrer"}
	frameDenyHeader = []string{"DENY"}
	// dataCSPHeader is the policy of the snapshot's JSON under /data/: a
	// JSON answer loads nothing and runs nothing, so it allows nothing, and
	// nobody may frame it (frame-ancestors, which supersedes
	// X-Frame-Options). It has no links, so no Referrer-Policy either.
	dataCSPHeader = []string{"default-src 'none'; frame-ancestors 'none'"}
)

// securityHeaders sets the security headers of every answer: the pages'
// policy, or under /data/ the JSON's own.
//
// A JSON answer of /data/ has at most 8 header fields (these two and
// Cache-Control, ETag, Content-Type, Vary, Content-Encoding,
// Content-Length): up to 8, a Go map stays in one group, so net/http's
// copy and sort of the handler's headers stay cheap; with the pages' four
// security headers and X-Danvan-Run (the ETag names the run) it had 11,
// and a bare handler setting the same 11 headers spent ~5 µs more CPU per
// request than with 8 (wrk -t2 -c100 on 2 cores, 15-16 µs vs 20-21 µs).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if strings.HasPrefix(r.URL.Path, "/data/") {
			h["Content-Security-Policy"] = dataCSPHeader
			h["X-Content-Type-Options"] = nosniffHeader
		} else {
			h["Content-Security-Policy"] = cspHeader
			h["X-Content-Type-Options"] = nosniffHeader
			h["Referrer-Policy"] = referrerHeader
			h["X-Frame-Options"] = frameDenyHeader
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	type body struct {
		Runs []Run     `json:"runs"`
		Next time.Time `json:"next,omitzero"`
		// Portal says the submission portal is mounted, so the page lists
		// its files (GET /api/portal/submissions).
		Portal bool `json:"portal"`
	}
	b := body{Runs: []Run{}, Portal: s.opts.Portal != nil}
	if s.opts.Runs != nil {
		runs, err := s.opts.Runs.History(s.opts.RunsShown)
		if err != nil {
			s.log.Error("read run history", "err", err)
			httpError(w, http.StatusInternalServerError, "không đọc được lịch sử chạy / cannot read run history")
			return
		}
		if runs != nil {
			b.Runs = runs
		}
		b.Next = s.opts.Runs.Next()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ok, msg := true, "ok"
	if s.opts.Health != nil {
		ok, msg = s.opts.Health()
	} else if snap, err := s.data.current(); err != nil {
		ok, msg = false, "no snapshot published: "+err.Error()
	} else {
		msg = "ok run " + snap.runID
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprintln(w, msg)
	if line := s.refusalsLine(); line != "" {
		fmt.Fprintln(w, line)
	}
}

// refusalsLine says in /healthz what the published snapshot refused, and
// where to see it; "" when no snapshot is published.
func (s *Server) refusalsLine() string {
	snap, err := s.data.current()
	if err != nil {
		return ""
	}
	m, err := layout.ReadSnapshotManifest(snap.dir)
	if err != nil {
		return ""
	}
	var refused, files, quarantined int64
	for _, f := range m.Sources {
		refused += f.RowsRejected
		if f.RowsRejected > 0 {
			files++
		}
		if f.Status == layout.Quarantined {
			quarantined++
		}
	}
	return fmt.Sprintf("dữ liệu bị từ chối: %s giá trị trong %s tệp, %s tệp bị cách ly; xem /refusals "+
		"(refused data: %s values in %s files, %s files quarantined; see /refusals)",
		groupVI(refused), groupVI(files), groupVI(quarantined), groupEN(refused), groupEN(files), groupEN(quarantined))
}

// groupVI writes a count with "." between thousands (55.479), groupEN
// with "," (55,479).
func groupVI(n int64) string { return group(n, '.') }
func groupEN(n int64) string { return group(n, ',') }

func group(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// authorized lets through requests bearing Options.Token.
func (s *Server) authorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !found || subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="danvan"`)
			httpError(w, http.StatusUnauthorized, "thiếu hoặc sai mã truy cập / missing or wrong token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackOnly lets a request through only while the server listens on
// loopback alone, and the request came in on it.
func (s *Server) loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		if s.public.Load() || local == nil || !loopback(local) {
			httpError(w, http.StatusForbidden, "máy chủ nghe ngoài máy này nên POST /api/sql cần mã truy cập: hãy đặt DANVAN_TOKEN / "+
				"POST /api/sql needs a token when the server listens beyond this machine: set DANVAN_TOKEN")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopback reports whether a listening or local address is a loopback one.
func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func (s *Server) trigger(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Trigger(r.Context()); err != nil {
		s.log.Warn("manual refresh not started", "err", err)
		httpError(w, http.StatusConflict, err.Error())
		return
	}
	s.log.Info("manual refresh started", "remote", r.RemoteAddr)
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "started"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, code, map[string]string{"error": msg})
}
