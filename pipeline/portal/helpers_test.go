package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// fixture is a portal over a temp data directory, served by httptest.
type fixture struct {
	t   *testing.T
	dir layout.Dir
	p   *Portal
	srv *httptest.Server
	now time.Time
	pub *fakePublished
}

// testNow is the portal's clock in the tests: reports of 2024 and 2025-H2
// are in the past.
var testNow = time.Date(2026, 3, 2, 3, 4, 5, 0, time.UTC)

func newFixture(t *testing.T, change func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: layout.Dir(t.TempDir()), now: testNow, pub: &fakePublished{}}
	opts := DefaultOptions()
	opts.DataDir = string(f.dir)
	opts.Now = func() time.Time { return f.now }
	opts.Published = f.pub
	if change != nil {
		change(&opts)
	}
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.p = p
	f.srv = httptest.NewServer(p)
	t.Cleanup(f.srv.Close)
	return f
}

// issue issues a link for the unit and returns its secret.
func (f *fixture) issue(code string, expires time.Time) (Link, string) {
	f.t.Helper()
	u, prob := f.p.ref.Sender(code)
	if prob != nil {
		f.t.Fatal(prob.Reason)
	}
	is, err := f.p.links.Issue([]*pipeline.Unit{u}, expires, "", f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	return is[0].Link, is[0].Secret
}

// response is an answer of the API, decoded.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r response) str(path ...string) string {
	var v any = r.body
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func (r response) num(path ...string) float64 {
	var v any = r.body
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	n, _ := v.(float64)
	return n
}

func (r response) list(path ...string) []any {
	var v any = r.body
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	l, _ := v.([]any)
	return l
}

// multipartBody is a multipart body with the file as field "file".
func multipartBody(t *testing.T, name string, data []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// send posts a file; query is "dry_run=true" or "" (commit) or more.
func (f *fixture) send(secret, query, name string, data []byte, header ...string) response {
	f.t.Helper()
	body, ctype := multipartBody(f.t, name, data)
	req, err := http.NewRequest("POST", f.srv.URL+"/api/submissions?"+query, body)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.do(req)
}

func (f *fixture) get(secret, path string) response {
	f.t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	return f.do(req)
}

func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	json.Unmarshal(raw, &r.body)
	return r
}

// files lists the regular files under dir, relative, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// csvReport is a long table: each row tinh, don_vi, ky_bao_cao, chi_tieu, gia_tri.
func csvReport(rows ...string) []byte {
	s := "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\n"
	for _, r := range rows {
		s += r + "\n"
	}
	return []byte(s)
}

// formXLSX is a form workbook ("biểu mẫu") of one sheet: title rows, the
// province and period as key: value lines, then a table with one row per
// unit (name, then the values of the indicator columns).
func formXLSX(t *testing.T, province, period string, columns []string, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sh := "Biểu 1"
	x.SetSheetName("Sheet1", sh)
	set := func(cell string, v any) {
		if err := x.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "BAN DÂN VẬN HUYỆN ỦY")
	set("A2", `BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA "DÂN VẬN KHÉO"`)
	set("A3", "Tỉnh: "+province)
	set("A4", "Kỳ báo cáo: "+period)
	header := append([]string{"STT", "Đơn vị"}, columns...)
	for i, h := range header {
		c, _ := excelize.CoordinatesToCellName(i+1, 6)
		set(c, h)
	}
	for r, row := range rows {
		c, _ := excelize.CoordinatesToCellName(1, 7+r)
		set(c, r+1)
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+2, 7+r)
			set(c, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fakePublished stands in for the published snapshot: the tests that need
// a real one (cmd/danvan) build it with a real refresh.
type fakePublished struct {
	run     string
	batches map[string]bool
	values  []PublishedValue
}

func (f *fakePublished) Snapshot(context.Context) (Snapshot, error) {
	b := f.batches
	if b == nil {
		b = map[string]bool{}
	}
	return Snapshot{RunID: f.run, Batches: b}, nil
}

func (f *fakePublished) Values(ctx context.Context, units, periods []string) (Snapshot, error) {
	s, _ := f.Snapshot(ctx)
	s.Values = f.values
	return s, nil
}

func (f *fakePublished) Received(ctx context.Context, u *pipeline.Unit) (Snapshot, map[string]time.Time, error) {
	s, _ := f.Snapshot(ctx)
	out := map[string]time.Time{}
	for _, v := range f.values {
		if v.Key.Unit == u.Code {
			out[v.Key.Period] = v.Received
		}
	}
	return s, out, nil
}

// zipOf is a zip archive of the files.
func zipOf(t *testing.T, fs map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range fs {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deadPID is the id of a process that ran and ended.
func deadPID(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(cmd.Process.Pid)
}

func itoa(n int) string { return strconv.Itoa(n) }
