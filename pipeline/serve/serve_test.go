package serve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

const fixtureSnapshot = "testdata/snapshot"

// fixtureRunID is the run id in testdata/snapshot/manifest.json.
func fixtureRunID(t testing.TB) string {
	t.Helper()
	var m struct {
		RunID string `json:"run_id"`
	}
	readJSON(t, filepath.Join(fixtureSnapshot, "manifest.json"), &m)
	return m.RunID
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// dataDir lays out a data directory as export publishes it: the fixture
// snapshot under exports/snapshots/<run id> and exports/current pointing at it.
func dataDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	addSnapshot(t, dir, fixtureRunID(t), nil)
	publish(t, dir, fixtureRunID(t))
	return dir
}

// addSnapshot copies the fixture as snapshot id, with edit applied to each file.
func addSnapshot(t testing.TB, dir, id string, edit func(name string, b []byte) []byte) {
	t.Helper()
	dst := filepath.Join(dir, "exports", "snapshots", id)
	err := filepath.WalkDir(fixtureSnapshot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fixtureSnapshot, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if edit != nil {
			b = edit(filepath.ToSlash(rel), b)
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// publish switches exports/current to snapshot id the way export does: a new
// symlink renamed over the old one.
func publish(t testing.TB, dir, id string) {
	t.Helper()
	tmp := filepath.Join(dir, "exports", "current.tmp")
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join("snapshots", id), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "exports", "current")); err != nil {
		t.Fatal(err)
	}
}

func newTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// get fetches url with headers, without the client's transparent gzip.
func get(t testing.TB, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPagesAndSecurityHeaders(t *testing.T) {
	s, ts := newTestServer(t, Options{DataDir: dataDir(t)})
	for _, path := range []string{"/", "/trends", "/province", "/completeness", "/runs"} {
		res, body := get(t, ts.URL+path+"?lang=en")
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, res.Status)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("GET %s: CSP %q", path, got)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: type %q", path, res.Header.Get("Content-Type"))
		}
		if !bytes.Contains(body, []byte(`src="/assets/`+s.assets.version+`/vendor/echarts.min.js"`)) {
			t.Errorf("GET %s: page does not load the versioned ECharts", path)
		}
		if bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte(" style=")) || bytes.Contains(body, []byte("http://")) || bytes.Contains(body, []byte("https://")) {
			t.Errorf("GET %s: inline script or style, or an outside URL", path)
		}
	}
	if res, _ := get(t, ts.URL+"/nope"); res.StatusCode != 404 {
		t.Errorf("GET /nope: %s", res.Status)
	}
}

func TestAssetsCaching(t *testing.T) {
	s, ts := newTestServer(t, Options{DataDir: dataDir(t)})
	res, body := get(t, ts.URL+"/assets/"+s.assets.version+"/app.js", "Accept-Encoding", "gzip")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("versioned asset: %s, encoding %q", res.Status, res.Header.Get("Content-Encoding"))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("versioned asset Cache-Control %q", cc)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("type %q", res.Header.Get("Content-Type"))
	}
	if !bytes.Contains(gunzip(t, body), []byte("export function fmt(")) {
		t.Error("gzipped app.js is not app.js")
	}
	res, _ = get(t, ts.URL+"/assets/app.js")
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("unversioned asset: Cache-Control %q, encoding %q", cc, res.Header.Get("Content-Encoding"))
	}
	res, _ = get(t, ts.URL+"/assets/0123456789ab/vendor/echarts.min.js")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("asset of another version: %s, %q", res.Status, res.Header.Get("Cache-Control"))
	}
	res, _ = get(t, ts.URL+"/assets/"+s.assets.version+"/app.js", "If-None-Match", res.Header.Get("ETag"))
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidated asset: %s", res.Status)
	}
	for _, p := range []string{"/assets/overview.html", "/assets/../embed.go", "/assets/vendor/nope.js"} {
		if res, _ := get(t, ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s: %s, want 404", p, res.Status)
		}
	}
}

func TestDataJSON(t *testing.T) {
	_, ts := newTestServer(t, Options{DataDir: dataDir(t)})
	run := fixtureRunID(t)
	want, _ := os.ReadFile(filepath.Join(fixtureSnapshot, "province_year.json"))
	res, body := get(t, ts.URL+"/data/province_year.json", "Accept-Encoding", "gzip")
	if res.StatusCode != 200 {
		t.Fatal(res.Status)
	}
	if got := res.Header.Get("ETag"); got != `W/"`+run+`"` {
		t.Errorf("ETag %q, want the run id %q", got, run)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, body), want) {
		t.Error("gzipped body differs from the snapshot file")
	}
	res, body = get(t, ts.URL+"/data/province_year.json", "If-None-Match", `W/"`+run+`"`)
	if res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: %s with %d bytes", res.Status, len(body))
	}
	res, body = get(t, ts.URL+"/data/sources/42-2024.json?run="+run)
	want, _ = os.ReadFile(filepath.Join(fixtureSnapshot, "sources", "42-2024.json"))
	if res.StatusCode != 200 || !bytes.Equal(body, want) {
		t.Errorf("sources: %s", res.Status)
	}
	for _, p := range []string{"/data/nope.json", "/data/..%2fmanifest.json",
		"/data/sources/4-2024.json", "/data/Manifest.json", "/data/manifest"} {
		if res, _ := get(t, ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s: %s, want 404", p, res.Status)
		}
	}
}

// A JSON answer of /data/ has a policy of its own (it loads and runs
// nothing, and nobody frames it), nosniff, and at most 8 header fields,
// so net/http's copy and sort of them stay cheap (see securityHeaders);
// the same file revalidated or not gzipped has the same policy.
func TestDataHeaders(t *testing.T) {
	s, _ := newTestServer(t, Options{DataDir: dataDir(t)})
	for _, c := range []struct{ path, enc, inm string }{
		{"/data/province_year.json", "gzip", ""},
		{"/data/province_year.json", "gzip", ""}, // from the cache
		{"/data/manifest.json", "", ""},
		{"/data/sources/42-2024.json", "gzip, deflate, br", ""},
		{"/data/provinces.json", "gzip", `W/"` + fixtureRunID(t) + `"`},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.enc != "" {
			req.Header.Set("Accept-Encoding", c.enc)
		}
		if c.inm != "" {
			req.Header.Set("If-None-Match", c.inm)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		h := rec.Result().Header
		want := http.StatusOK
		if c.inm != "" {
			want = http.StatusNotModified
		}
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", c.path, rec.Code, want)
		}
		if got := h.Get("Content-Security-Policy"); got != "default-src 'none'; frame-ancestors 'none'" {
			t.Errorf("GET %s: CSP %q", c.path, got)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", c.path)
		}
		if c.inm == "" && (h.Get("Vary") != "Accept-Encoding" || h.Get("Cache-Control") != "no-cache" || h.Get("Content-Length") == "") {
			t.Errorf("GET %s: headers %v", c.path, h)
		}
		if (h.Get("Content-Encoding") == "gzip") != (c.enc != "" && c.inm == "") {
			t.Errorf("GET %s, Accept-Encoding %q: Content-Encoding %q", c.path, c.enc, h.Get("Content-Encoding"))
		}
		if len(h) > 8 {
			t.Errorf("GET %s: %d header fields, want at most 8: %v", c.path, len(h), h)
		}
	}
}

// A refresh switches exports/current: new requests see the new run, a page
// that started on the old run keeps reading it while it is kept, and learns
// when it is gone.
func TestSnapshotSwitch(t *testing.T) {
	dir := dataDir(t)
	_, ts := newTestServer(t, Options{DataDir: dir})
	old := fixtureRunID(t)
	res, _ := get(t, ts.URL+"/data/manifest.json") // fills the cache with the old snapshot
	if res.Header.Get("ETag") != `W/"`+old+`"` {
		t.Fatalf("ETag %q", res.Header.Get("ETag"))
	}
	get(t, ts.URL+"/data/provinces.json")

	const next = "20251202T020000Z-0b1c2d"
	addSnapshot(t, dir, next, func(name string, b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte(old), []byte(next))
		if name == "provinces.json" {
			b = bytes.ReplaceAll(b, []byte("3640128"), []byte("3700000"))
		}
		return b
	})
	publish(t, dir, next)

	res, body := get(t, ts.URL+"/data/provinces.json")
	if res.Header.Get("ETag") != `W/"`+next+`"` || !bytes.Contains(body, []byte("3700000")) {
		t.Errorf("after the switch: ETag %q, new figure shown: %v", res.Header.Get("ETag"), bytes.Contains(body, []byte("3700000")))
	}
	res, _ = get(t, ts.URL+"/data/provinces.json", "If-None-Match", `W/"`+old+`"`)
	if res.StatusCode != 200 {
		t.Errorf("old ETag after the switch: %s, want 200", res.Status)
	}
	res, body = get(t, ts.URL+"/data/provinces.json?run="+old)
	if res.StatusCode != 200 || res.Header.Get("ETag") != `W/"`+old+`"` || !bytes.Contains(body, []byte("3640128")) {
		t.Errorf("pinned to the old run: %s %q", res.Status, res.Header.Get("ETag"))
	}
	for _, id := range []string{"20240101T000000Z-gone", "../snapshots", "a/b"} {
		if res, _ := get(t, ts.URL+"/data/provinces.json?run="+id); res.StatusCode != http.StatusGone {
			t.Errorf("pinned to %q: %s, want 410", id, res.Status)
		}
	}
}

func TestNoSnapshot(t *testing.T) {
	_, ts := newTestServer(t, Options{DataDir: t.TempDir()})
	if res, _ := get(t, ts.URL+"/data/manifest.json"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("data without snapshot: %s", res.Status)
	}
	if res, _ := get(t, ts.URL+"/healthz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz without snapshot: %s", res.Status)
	}
	if res, _ := get(t, ts.URL+"/"); res.StatusCode != 200 {
		t.Errorf("page without snapshot: %s", res.Status)
	}
}

func TestDownloadCSV(t *testing.T) {
	_, ts := newTestServer(t, Options{DataDir: dataDir(t)})
	res, body := get(t, ts.URL+"/download/unit_year.csv?province_code=42&year=2024&indicator=dialogues&format=machine", "Accept-Encoding", "gzip")
	if res.StatusCode != 200 {
		t.Fatal(res.Status)
	}
	if res.Header.Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename="danvan-unit_year.csv"`) {
		t.Errorf("headers %v", res.Header)
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV has no UTF-8 byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0][:5], ",") != "province_code,unit_code,unit_name,unit_level,year" {
		t.Errorf("header %v", recs[0])
	}
	var all []map[string]any
	readJSON(t, filepath.Join(fixtureSnapshot, "unit_year.json"), &all)
	var want []map[string]any
	for _, r := range all {
		if r["province_code"] == "42" && r["year"] == 2024.0 && r["indicator"] == "dialogues" {
			want = append(want, r)
		}
	}
	if len(recs)-1 != len(want) || len(want) == 0 {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(want))
	}
	names := map[string]bool{}
	for i, rec := range recs[1:] {
		names[rec[2]] = true
		if rec[1] != want[i]["unit_code"] || rec[7] != fmt.Sprint(want[i]["value"]) {
			t.Errorf("row %d: %v, want %v", i+1, rec, want[i])
		}
	}
	for _, n := range []string{"Hương Sơn", "Đức Thọ", "<img src=x onerror=alert(1)>"} {
		if !names[n] {
			t.Errorf("name %q missing from the CSV", n)
		}
	}

	res, body = get(t, ts.URL+"/download/completeness.csv?province_code=42&period=2024&format=machine")
	recs, _ = csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if res.StatusCode != 200 || len(recs) != 2 || recs[1][9] != "Vũ Quang (441); <img src=x onerror=alert(1)> (442)" {
		t.Errorf("completeness CSV: %s %q", res.Status, recs)
	}

	// For people (the default): Vietnamese headers, names beside codes,
	// the unit in the header, ";" between cells and a decimal comma.
	res, body = get(t, ts.URL+"/download/province_year.csv?province_code=42&year=2024&indicator=land_donated_m2")
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))))
	r.Comma = ';'
	recs, err = r.ReadAll()
	if err != nil || res.StatusCode != 200 || len(recs) != 2 {
		t.Fatalf("people's CSV: %s %v %q", res.Status, err, recs)
	}
	if got := strings.Join(recs[0][:8], "|"); got != "Tỉnh|Mã tỉnh|Năm|Chỉ tiêu|Mã chỉ tiêu|Đơn vị tính|Giá trị (m²)|Mức chính xác" {
		t.Errorf("people's header %q", got)
	}
	var pys []map[string]any
	readJSON(t, filepath.Join(fixtureSnapshot, "province_year.json"), &pys)
	for _, py := range pys {
		if py["province_code"] == "42" && py["year"] == 2024.0 && py["indicator"] == "land_donated_m2" {
			want := strings.Replace(fmt.Sprint(py["value"]), ".", ",", 1)
			if recs[1][0] != "Hà Tĩnh" || recs[1][1] != "42" || recs[1][6] != want || !strings.HasPrefix(recs[1][3], "Diện tích đất") {
				t.Errorf("people's row %q, want value %s", recs[1], want)
			}
		}
	}
	// Both forms of a sources file's address work.
	for _, p := range []string{"/download/sources-42-2024.csv", "/download/sources/42-2024.csv"} {
		if res, body := get(t, ts.URL+p); res.StatusCode != 200 || !bytes.Contains(body, []byte("Hà Tĩnh;42;")) {
			t.Errorf("GET %s: %s %.200q", p, res.Status, body)
		}
	}
	for _, p := range []string{"/download/nope.csv", "/download/unit_year.pdf", "/download/sources-4-2024.csv", "/download/sources-42-1999.csv", "/download/sources/42-1999.csv"} {
		if res, _ := get(t, ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s: %s, want 404", p, res.Status)
		}
	}
}

func TestDownloadXLSX(t *testing.T) {
	_, ts := newTestServer(t, Options{DataDir: dataDir(t)})
	res, body := get(t, ts.URL+"/download/sources-42-2024.xlsx?indicator=models_registered&unit_code=449", "Accept-Encoding", "gzip")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("%s, encoding %q", res.Status, res.Header.Get("Content-Encoding"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("sources-42-2024")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][5] != "Đơn vị" || rows[1][5] != "<img src=x onerror=alert(1)>" || rows[0][10] != "Giá trị (mô hình)" {
		t.Fatalf("rows %q", rows)
	}
	typ, _ := f.GetCellType("sources-42-2024", "K2")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("value cell type %v, want a number", typ)
	}
}

func TestCSVFormulaGuard(t *testing.T) {
	tb, err := flatten("provinces", []byte(`[{"province_code":"38","province_name":"=HYPERLINK(\"x\")","population":-5,"population_year":2019,"=x":"-5","note":"-1+2"}]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Text that a spreadsheet would run gets an apostrophe, header
	// included; numbers, and text that is a plain number, are data.
	got := string(tb.csv(',', '.'))
	want := "\ufeffprovince_code,province_name,population,population_year,'=x,note\n" +
		`38,"'=HYPERLINK(""x"")",-5,2019,-5,'-1+2` + "\n"
	if got != want {
		t.Errorf("csv\n got  %q\n want %q", got, want)
	}
}

type fakeRuns struct{ next time.Time }

func (f fakeRuns) History(n int) ([]Run, error) {
	t0 := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
	return []Run{
		{ID: "20251201T020000Z-7f3a9c", Trigger: "schedule", Status: "succeeded", StartedAt: t0, FinishedAt: t0.Add(83 * time.Second), Published: true, Summary: "12 tệp, 410 số liệu"},
		{ID: "20251130T020000Z-1a2b3c", Trigger: "schedule", Status: "failed", StartedAt: t0.Add(-24 * time.Hour), FinishedAt: t0.Add(-24*time.Hour + 9*time.Second), Error: "kiểm thử dữ liệu thất bại: <b>models_effective</b> > models_registered"},
		{ID: "20251129T020000Z-9e8d7c", Trigger: "schedule", Status: "succeeded_with_problems", StartedAt: t0.Add(-48 * time.Hour), FinishedAt: t0.Add(-48*time.Hour + 61*time.Second),
			Published: true, Summary: "11 tệp, 402 số liệu", Problems: []pipeline.Fault{{Code: "permission_denied", Path: "inbox/<i>vu-quang</i>.csv",
				Reason: "Không có quyền đọc tệp.", ReasonEN: "Permission denied.", Fix: "chmod a+r inbox/vu-quang.csv", FixEN: "chmod a+r inbox/vu-quang.csv"}}},
	}[:min(n, 3)], nil
}
func (f fakeRuns) Next() time.Time { return f.next }

type fakeMetrics struct{}

func (fakeMetrics) WriteMetrics(w io.Writer) { fmt.Fprintln(w, "danvan_runs_total 3") }

func TestAPI(t *testing.T) {
	next := time.Date(2025, 12, 2, 2, 0, 0, 0, time.UTC)
	var triggered atomic.Int32
	_, ts := newTestServer(t, Options{
		DataDir: dataDir(t), Runs: fakeRuns{next}, Metrics: fakeMetrics{}, Token: "s3cret",
		Trigger: func(ctx context.Context) error {
			if triggered.Add(1) > 1 {
				return errors.New("a run is already in progress")
			}
			return nil
		},
		SQL: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"rows":[]}`) }),
	})
	res, body := get(t, ts.URL+"/api/runs")
	var got struct {
		Runs []Run     `json:"runs"`
		Next time.Time `json:"next"`
	}
	if err := json.Unmarshal(body, &got); err != nil || res.StatusCode != 200 {
		t.Fatalf("%s %v %s", res.Status, err, body)
	}
	if len(got.Runs) != 3 || !got.Next.Equal(next) || got.Runs[1].Status != "failed" ||
		got.Runs[2].Status != "succeeded_with_problems" || len(got.Runs[2].Problems) != 1 || got.Runs[2].Problems[0].Fix == "" {
		t.Errorf("runs %+v", got)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("runs Cache-Control %q", res.Header.Get("Cache-Control"))
	}

	post := func(path, token string) *http.Response {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader("{}"))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, c := range []struct {
		token string
		want  int
	}{{"", 401}, {"wrong", 401}, {"s3cret", 202}, {"s3cret", 409}} {
		if res := post("/api/run", c.token); res.StatusCode != c.want {
			t.Errorf("POST /api/run with %q: %s, want %d", c.token, res.Status, c.want)
		}
	}
	// With a token configured, SQL is behind it too.
	if res := post("/api/sql", ""); res.StatusCode != 401 {
		t.Errorf("POST /api/sql without token: %s, want 401", res.Status)
	}
	if res := post("/api/sql", "s3cret"); res.StatusCode != 200 {
		t.Errorf("POST /api/sql with token: %s", res.Status)
	}
	if res, body := get(t, ts.URL+"/metrics"); res.StatusCode != 200 || !bytes.Contains(body, []byte("danvan_runs_total 3")) {
		t.Errorf("metrics: %s %s", res.Status, body)
	}
	if res, body := get(t, ts.URL+"/healthz"); res.StatusCode != 200 || !bytes.Contains(body, []byte(fixtureRunID(t))) {
		t.Errorf("healthz: %s %s", res.Status, body)
	}
	// The summary says what was refused, and where to see it.
	if _, body := get(t, ts.URL+"/healthz"); !bytes.Contains(body, []byte("\ndữ liệu bị từ chối: 1 giá trị trong 1 tệp, 0 tệp bị cách ly; xem /refusals")) ||
		!bytes.Contains(body, []byte("(refused data: 1 values in 1 files, 0 files quarantined; see /refusals)")) {
		t.Errorf("healthz does not sum up the refusals: %s", body)
	}
}

func TestOptionalEndpointsOff(t *testing.T) {
	_, ts := newTestServer(t, Options{DataDir: dataDir(t), Trigger: func(context.Context) error { return nil }})
	for _, p := range []string{"/api/run", "/api/sql"} {
		res, err := http.Post(ts.URL+p, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 && res.StatusCode != 405 {
			t.Errorf("POST %s without token/handler: %s", p, res.Status)
		}
	}
	if res, _ := get(t, ts.URL+"/metrics"); res.StatusCode != 404 {
		t.Errorf("metrics without source: %s", res.Status)
	}
	res, body := get(t, ts.URL+"/api/runs")
	if res.StatusCode != 200 || !bytes.Contains(body, []byte(`"runs":[]`)) {
		t.Errorf("runs without source: %s %s", res.Status, body)
	}
	_, ts = newTestServer(t, Options{DataDir: dataDir(t), Health: func() (bool, string) { return false, "last run failed" }})
	if res, body := get(t, ts.URL+"/healthz"); res.StatusCode != 503 || !bytes.Contains(body, []byte("last run failed")) {
		t.Errorf("unhealthy: %s %s", res.Status, body)
	}
}

// Serve returns when its context is done, after the request in flight ends.
func TestGracefulShutdown(t *testing.T) {
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		io.WriteString(w, "done")
	})
	s, err := New(Options{DataDir: dataDir(t), SQL: slow, ShutdownGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.ServeListener(ctx, ln) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Post("http://"+ln.Addr().String()+"/api/sql", "text/plain", nil)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	time.Sleep(100 * time.Millisecond) // the request is in flight
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the request in flight ended: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if b := <-got; b != "done" {
		t.Errorf("request in flight got %q", b)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
}

// A client that sends its headers or its body a byte at a time is cut off
// at the read timeouts instead of holding a connection and a handler.
func TestSlowClientsCutOff(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestTimeout)
			return
		}
		fmt.Fprintf(w, "read %d bytes", len(b))
	})
	s, err := New(Options{DataDir: dataDir(t), SQL: echo, ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(listening(t, s), "http://")

	// trickle sends head at once, then rest one byte every 100 ms, and
	// reports how many bytes of rest were sent when the server answered or
	// closed the connection.
	const restLen = 40 // 4 s at one byte per 100 ms
	trickle := func(head, rest string) (sent int, answer string) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second)) // a kept-alive connection is not waited for
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			b, _ := io.ReadAll(conn)
			got <- string(b)
		}()
		for sent < len(rest) {
			select {
			case a := <-got:
				return sent, a
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := io.WriteString(conn, rest[sent:sent+1]); err != nil {
				break
			}
			sent++
		}
		return sent, <-got
	}
	body := strings.Repeat("x", restLen)
	sent, answer := trickle("POST /api/sql HTTP/1.1\r\nHost: x\r\nContent-Length: "+fmt.Sprint(restLen)+"\r\n\r\n", body)
	if sent == restLen || strings.Contains(answer, "read 40 bytes") {
		t.Errorf("slow body: all %d bytes accepted, answer %q", sent, answer)
	}
	headers := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("y", restLen-len("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")) + "\r\n\r\n"
	sent, answer = trickle("", headers)
	if sent == len(headers) || strings.Contains(answer, "200 OK") {
		t.Errorf("slow headers: all %d bytes accepted, answer %q", sent, answer)
	}
}

// POST /api/sql without a token answers only while the server listens on
// loopback; listening beyond it, the endpoint needs DANVAN_TOKEN, and the
// server says so when it starts.
func TestSQLNeedsTokenBeyondLoopback(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"rows":[[42]]}`) })
	for _, c := range []struct {
		listen, token, auth string
		want                int
		log                 string
	}{
		{"127.0.0.1:0", "", "", 200, "open to this machine only"},
		{"0.0.0.0:0", "", "", 403, "POST /api/sql refused: the server listens beyond loopback and DANVAN_TOKEN is not set"},
		{"0.0.0.0:0", "s3cret", "", 401, "bearer token"},
		{"0.0.0.0:0", "s3cret", "s3cret", 200, "bearer token"},
	} {
		var logs lockedBuffer
		s, err := New(Options{DataDir: dataDir(t), SQL: echo, Token: c.token, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", c.listen)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- s.ServeListener(ctx, ln) }()
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		req, _ := http.NewRequest("POST", "http://127.0.0.1:"+port+"/api/sql", strings.NewReader("SELECT 42"))
		if c.auth != "" {
			req.Header.Set("Authorization", "Bearer "+c.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		cancel()
		<-served
		if res.StatusCode != c.want {
			t.Errorf("listening on %s, token %q, sent %q: %s %s, want %d", c.listen, c.token, c.auth, res.Status, body, c.want)
		}
		if c.want == 403 && !strings.Contains(string(body), "DANVAN_TOKEN") {
			t.Errorf("403 without saying what to do: %s", body)
		}
		if !strings.Contains(logs.String(), c.log) {
			t.Errorf("listening on %s, token %q: start log does not say %q:\n%s", c.listen, c.token, c.log, logs.String())
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A kept-alive connection that sends nothing is closed after IdleTimeout,
// and an answer its client does not read is cut at WriteTimeout; a
// connection in use within the limits is not cut.
func TestIdleAndUnreadConnectionsCutOff(t *testing.T) {
	wrote := make(chan error, 1)
	big := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 256 { // 256 MiB: more than any socket buffer holds
			if _, err := w.Write(chunk); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	})
	// IdleTimeout leaves the requests 200 ms apart 800 ms of margin: on a
	// loaded machine the client's sleep and the server's read of the next
	// request each run late (with 400 ms it failed once at load 18).
	s, err := New(Options{DataDir: dataDir(t), SQL: big, IdleTimeout: time.Second, WriteTimeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(listening(t, s), "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(conn)
	// Three requests 200 ms apart (each wait under IdleTimeout) are answered.
	for i := range 3 {
		if i > 0 {
			time.Sleep(200 * time.Millisecond)
		}
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("request %d within the idle timeout: %v", i+1, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	// Then nothing: the server closes the connection.
	t0 := time.Now()
	if b, err := r.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: read %q, %v; want EOF (closed by the server)", b, err)
	} else if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("idle connection closed after %s, IdleTimeout 1s", d)
	}

	// An answer nobody reads: the handler's write fails.
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := io.WriteString(c2, "POST /api/sql HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-wrote:
		if err == nil {
			t.Error("256 MiB written to a client that reads nothing")
		}
	case <-time.After(10 * time.Second):
		t.Error("an answer nobody reads still blocked after 10 s, WriteTimeout 600ms")
	}
}

// ReadTimeout bounds reading a request, not the handler's work on it: an
// analyst's query may run longer than ReadTimeout after its body is read,
// and its request's context must stay alive (as with net/http's own
// ReadTimeout, which lifts the read deadline once the body is read).
func TestSlowAnswerOutlivesReadTimeout(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusServiceUnavailable)
		case <-time.After(1500 * time.Millisecond):
			fmt.Fprint(w, "answered")
		}
	})
	s, err := New(Options{DataDir: dataDir(t), SQL: slow, ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	base := listening(t, s)
	for _, body := range []string{"", "SELECT 1"} {
		res, err := http.Post(base+"/api/sql", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || string(got) != "answered" {
			t.Errorf("body %q: a handler working past ReadTimeout got %d %q, want 200 \"answered\"", body, res.StatusCode, got)
		}
	}
}
