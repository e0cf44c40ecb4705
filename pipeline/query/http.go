package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// HandlerOptions configure the POST /api/sql handler.
type HandlerOptions struct {
	Sandbox Options
	Limits  Limits // upper bounds; a request may ask for fewer rows, never more
	MaxBody int64  // bytes of SQL accepted; 64 KiB
}

// Handler answers POST /api/sql over the snapshot exports/current points to
// when the request arrives. The body is SQL text, or JSON
// {"sql": "...", "format": "json"|"csv", "limit": N}; the answer is
// JSONResult or CSV, or {"error": "...", "code": "refused"|"invalid"|"timeout"|"limit"}.
// Token checking is the server's job.
type Handler struct {
	dataDir string
	opts    HandlerOptions

	mu  sync.Mutex
	cur *shared // sandbox over the current snapshot; replaced when current moves
}

// shared is a sandbox with a count of requests using it, so an old one is
// closed only when its last query is done.
type shared struct {
	db    *DB
	users int
	stale bool
}

// NewHandler returns the handler; sandboxes are opened on first use.
func NewHandler(dataDir string, opts HandlerOptions) *Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 10
	}
	opts.Limits = opts.Limits.withDefaults()
	return &Handler{dataDir: dataDir, opts: opts}
}

// Close closes the sandbox (queries in flight finish first).
func (h *Handler) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return nil
	}
	s := h.cur
	h.cur = nil
	s.stale = true
	if s.users == 0 {
		return s.db.Close()
	}
	return nil
}

// acquire returns the sandbox of the current snapshot, opening a new one
// when exports/current moved since the last request.
func (h *Handler) acquire(ctx context.Context) (*shared, error) {
	dir, err := currentDir(h.dataDir)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur != nil && h.cur.db.Snapshot() != dir {
		old := h.cur
		h.cur = nil
		old.stale = true
		if old.users == 0 {
			old.db.Close()
		}
	}
	if h.cur == nil {
		db, err := OpenSnapshot(ctx, dir, h.opts.Sandbox)
		if err != nil {
			return nil, err
		}
		h.cur = &shared{db: db}
	}
	h.cur.users++
	return h.cur, nil
}

func (h *Handler) release(s *shared) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s.users--
	if s.stale && s.users == 0 {
		s.db.Close()
	}
}

// request is the JSON body.
type request struct {
	SQL    string `json:"sql"`
	Format string `json:"format"`
	Limit  int    `json:"limit"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		apiError(w, http.StatusMethodNotAllowed, CodeInvalid, "chỉ nhận POST / POST only")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	var tooLong *http.MaxBytesError
	switch {
	case errors.As(err, &tooLong):
		apiError(w, http.StatusRequestEntityTooLarge, CodeLimit, fmt.Sprintf("câu truy vấn quá dài / query longer than %d bytes", h.opts.MaxBody))
		return
	case err != nil:
		apiError(w, http.StatusBadRequest, CodeInvalid, "không đọc được hết câu truy vấn / the query could not be read in full: "+err.Error())
		return
	}
	req := request{SQL: string(body), Format: r.URL.Query().Get("format")}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" || (ct == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		req = request{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			apiError(w, http.StatusBadRequest, CodeInvalid, `thân yêu cầu không hợp lệ / body must be SQL text or {"sql": "...", "format": "json|csv", "limit": N}: `+err.Error())
			return
		}
	}
	if req.Format == "" {
		req.Format = FormatJSON
		if strings.Contains(r.Header.Get("Accept"), "text/csv") {
			req.Format = FormatCSV
		}
	}
	if req.Format != FormatJSON && req.Format != FormatCSV {
		apiError(w, http.StatusBadRequest, CodeInvalid, fmt.Sprintf("định dạng không hỗ trợ / format %q not supported here: json or csv", req.Format))
		return
	}
	lim := h.opts.Limits
	if req.Limit < 0 {
		apiError(w, http.StatusBadRequest, CodeInvalid, "limit phải dương / limit must be positive")
		return
	}
	if req.Limit > 0 && req.Limit < lim.MaxRows {
		lim.MaxRows = req.Limit
	}
	s, err := h.acquire(r.Context())
	if err != nil {
		apiError(w, http.StatusServiceUnavailable, "unavailable", "chưa có dữ liệu để truy vấn / no snapshot to query: "+err.Error())
		return
	}
	defer h.release(s)
	res, err := s.db.Run(r.Context(), req.SQL, lim)
	if err != nil {
		var qe *Error
		if !errors.As(err, &qe) {
			apiError(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
		apiError(w, statusOf(qe.Code), qe.Code, qe.Msg)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Danvan-Snapshot", res.Snapshot)
	if res.Truncated {
		w.Header().Set("X-Danvan-Truncated", "true")
	}
	var buf bytes.Buffer
	if req.Format == FormatCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = WriteCSV(&buf, res)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		err = WriteJSON(&buf, res)
	}
	if err != nil {
		apiError(w, http.StatusInternalServerError, "internal", err.Error())
		return
	}
	w.Write(buf.Bytes())
}

func statusOf(code string) int {
	switch code {
	case CodeRefused:
		return http.StatusForbidden
	case CodeTimeout:
		return http.StatusGatewayTimeout
	case CodeLimit:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}
