package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// HandlerOptions configure the POST /api/sql handler.
type HandlerOptions struct {
	Limits  Limits // upper bounds; a request may ask for fewer rows, never more
	MaxBody int64  // bytes of SQL accepted; 64 KiB
	// Client names who asks, for the Runner's fair queue; default: the
	// remote IP address (behind a reverse proxy, everyone is the proxy).
	Client func(*http.Request) string
}

// Handler answers POST /api/sql over the snapshot exports/current points to
// when the request arrives, each query in a worker process of the Runner.
// The body is SQL text, or JSON {"sql": "...", "format": "json"|"csv",
// "limit": N}; the answer is JSONResult or CSV, or {"error": "...", "code":
// "refused"|"invalid"|"timeout"|"limit"|"busy"}; busy comes with 429 and
// Retry-After. Token checking is the server's job.
type Handler struct {
	dataDir string
	runner  *Runner
	opts    HandlerOptions
}

// NewHandler returns the handler.
func NewHandler(dataDir string, runner *Runner, opts HandlerOptions) *Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 10
	}
	if opts.Client == nil {
		opts.Client = remoteIP
	}
	opts.Limits = opts.Limits.withDefaults()
	return &Handler{dataDir: dataDir, runner: runner, opts: opts}
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
	snap, err := CurrentSnapshot(h.dataDir)
	if err != nil {
		apiError(w, http.StatusServiceUnavailable, "unavailable", "chưa có dữ liệu để truy vấn / no snapshot to query: "+err.Error())
		return
	}
	ans, err := h.runner.Run(r.Context(), snap, h.opts.Client(r), Request{SQL: req.SQL, Format: req.Format, Limits: lim})
	if err != nil {
		var qe *Error
		if !errors.As(err, &qe) {
			apiError(w, http.StatusInternalServerError, CodeInternal, err.Error())
			return
		}
		if qe.Code == CodeBusy {
			w.Header().Set("Retry-After", strconv.Itoa(int(qe.RetryAfter.Seconds())))
		}
		apiError(w, statusOf(qe.Code), qe.Code, qe.Msg)
		return
	}
	defer ans.Close()
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Danvan-Snapshot", ans.Snapshot)
	if ans.Truncated {
		hd.Set("X-Danvan-Truncated", "true")
	}
	if req.Format == FormatCSV {
		hd.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		hd.Set("Content-Type", "application/json; charset=utf-8")
	}
	hd.Set("Content-Length", strconv.FormatInt(ans.Size, 10))
	ans.WriteTo(w)
}

func statusOf(code string) int {
	switch code {
	case CodeRefused:
		return http.StatusForbidden
	case CodeTimeout:
		return http.StatusGatewayTimeout
	case CodeLimit:
		return http.StatusRequestEntityTooLarge
	case CodeBusy:
		return http.StatusTooManyRequests
	case CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}
