package serve

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/danvan/danvan/dashboards"
	"github.com/klauspost/compress/gzhttp"
)

// pages maps routes to the HTML file of each dashboard page.
var pages = map[string]string{
	"/{$}":          "overview.html",
	"/trends":       "trends.html",
	"/province":     "province.html",
	"/completeness": "completeness.html",
	"/runs":         "runs.html",
	"/refusals":     "refusals.html",
}

// asset is one embedded file, gzipped once at start when it is text.
type asset struct {
	body, gz []byte
	ctype    string
	hdr      assetHeaders // prepared once (prepare)
}

// assetHeaders are the header values of an asset's answers, made once
// when the asset is loaded (at start, or when a snapshot's file is first
// read), so serving it assigns prepared slices instead of building them on
// every request. The slices are shared and never written to: net/http
// only reads them, and a handler that adds to one gets a new one (their
// capacity is their length).
type assetHeaders struct {
	etag, ctype    []string
	lenBody, lenGz []string
	etagValue      string
}

var (
	varyEncoding   = []string{"Accept-Encoding"}
	encodingGzip   = []string{"gzip"}
	noCache        = []string{"no-cache"}
	immutableCache = []string{"public, max-age=31536000, immutable"}
)

// prepare makes the asset's headers; etag is its entity tag.
func (f *asset) prepare(etag string) *asset {
	f.hdr = assetHeaders{etag: []string{etag}, ctype: []string{f.ctype}, lenBody: []string{strconv.Itoa(len(f.body))}, etagValue: etag}
	if f.gz != nil {
		f.hdr.lenGz = []string{strconv.Itoa(len(f.gz))}
	}
	return f
}

// assets are the embedded dashboards. Pages refer to "/assets/x" and are
// rewritten at start to "/assets/<version>/x", so assets can be cached for a
// year: a new binary has a new version and so new URLs.
type assets struct {
	version string
	files   map[string]*asset // path under web/
}

func loadAssets() (*assets, error) {
	web, err := fs.Sub(dashboards.FS, "web")
	if err != nil {
		return nil, err
	}
	a := &assets{files: map[string]*asset{}}
	h := sha256.New()
	err = fs.WalkDir(web, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		a.files[p] = &asset{body: b, ctype: assetType(path.Ext(p))}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.version = hex.EncodeToString(h.Sum(nil))[:12]
	if err := a.renderPages(web); err != nil {
		return nil, err
	}
	for p, f := range a.files {
		if strings.HasSuffix(p, ".html") {
			f.body = bytes.ReplaceAll(f.body, []byte(`"/assets/`), []byte(`"/assets/`+a.version+`/`))
		}
		if isText(f.ctype) {
			f.gz = gzipBytes(f.body)
		}
		f.prepare(`"` + a.version + `"`)
	}
	return a, nil
}

// assetTypes are the content types of the dashboards' files by extension.
// A table of their own, not mime.TypeByExtension: its first call reads the
// system's MIME database into maps (~0.7 MB on a Debian machine) that stay
// live for the server's life, and a live heap of pointers is what every
// garbage collection marks again while requests wait on the CPU it takes.
var assetTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	"":       "text/plain; charset=utf-8", // licence files
	".txt":   "text/plain; charset=utf-8",
	".json":  "application/json; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/vnd.microsoft.icon",
	".woff2": "font/woff2",
}

// assetType is the content type of a dashboard file with extension ext;
// application/octet-stream for one the table does not know.
func assetType(ext string) string {
	if ct, ok := assetTypes[ext]; ok {
		return ct
	}
	return "application/octet-stream"
}

// renderPages puts the parts the pages share (header.html: the navigation
// and what surrounds it) into each page, once, at start: the pages are
// html/template templates, given their own name.
func (a *assets) renderPages(web fs.FS) error {
	t, err := template.ParseFS(web, "*.html")
	if err != nil {
		return fmt.Errorf("read pages: %w", err)
	}
	for _, file := range pages {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, file, strings.TrimSuffix(file, ".html")); err != nil {
			return fmt.Errorf("render page %s: %w", file, err)
		}
		a.files[file].body = b.Bytes()
	}
	return nil
}

func (s *Server) page(file string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := s.assets.files[file]
		if f == nil {
			http.NotFound(w, r)
			return
		}
		w.Header()["Cache-Control"] = noCache
		s.writeAsset(w, r, f)
	}
}

// asset serves /assets/<version>/<path> immutable, and /assets/<path> (or an
// old version) revalidated, so a page from an older binary still loads.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	immutable := false
	if rest, ok := strings.CutPrefix(p, s.assets.version+"/"); ok {
		p, immutable = rest, true
	} else if i := strings.IndexByte(p, '/'); i > 0 && s.assets.files[p] == nil {
		p = p[i+1:] // another version
	}
	f := s.assets.files[p]
	if f == nil || strings.HasSuffix(p, ".html") {
		http.NotFound(w, r)
		return
	}
	if immutable {
		w.Header()["Cache-Control"] = immutableCache
	} else {
		w.Header()["Cache-Control"] = noCache
	}
	s.writeAsset(w, r, f)
}

// writeAsset answers with f, with the headers prepared for it.
func (s *Server) writeAsset(w http.ResponseWriter, r *http.Request, f *asset) {
	h := w.Header()
	h["Etag"] = f.hdr.etag
	h["Content-Type"] = f.hdr.ctype
	if f.gz != nil {
		if v := h["Vary"]; len(v) == 0 {
			h["Vary"] = varyEncoding
		} else {
			h["Vary"] = append(v, varyEncoding...)
		}
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatch(inm[0], f.hdr.etagValue) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, n := f.body, f.hdr.lenBody
	if f.gz != nil && acceptsGzip(r) {
		h["Content-Encoding"] = encodingGzip
		body, n = f.gz, f.hdr.lenGz
	}
	h["Content-Length"] = n
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func isText(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg")
}

func acceptsGzip(r *http.Request) bool {
	ae := r.Header["Accept-Encoding"]
	if len(ae) == 0 {
		return false
	}
	if ae[0] == "gzip" || ae[0] == "gzip, deflate" || ae[0] == "gzip, deflate, br" || ae[0] == "gzip, deflate, br, zstd" {
		return true // what clients send, without splitting
	}
	for part := range strings.SplitSeq(ae[0], ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// etagMatch reports whether an If-None-Match header matches etag, comparing
// weakly as RFC 9110 says for If-None-Match.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimSpace(part)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// gzipText compresses, for clients that accept gzip, the responses whose
// handler did not set Content-Encoding itself (pages, assets and snapshot
// files are gzipped once, ahead, and served as they are) and whose type is
// text: the API's JSON, /metrics, the CSV downloads. It is klauspost's
// gzhttp, told to take text only, of any size.
func gzipText(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(0), gzhttp.ContentTypeFilter(isText))
	if err != nil {
		panic("serve: gzip options: " + err.Error()) // constant options: a programming error
	}
	return wrap(next)
}
