package portal

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingListener counts the bytes the server reads from its clients.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, n: &l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// bigBody streams a multipart body whose file is size bytes of CSV rows,
// made as it is read: nothing of 100 MB is held in memory.
func bigBody(size int64) (io.Reader, string, int64) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.CreateFormFile("file", "big.csv")
	headLen := head.Len()
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	row := "Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12\n"
	rows := io.LimitReader(&repeat{s: row}, size)
	body := io.MultiReader(bytes.NewReader(head.Bytes()[:headLen]), rows, strings.NewReader(tail))
	return body, mw.FormDataContentType(), int64(headLen) + size + int64(len(tail))
}

type repeat struct {
	s   string
	off int
}

func (r *repeat) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		c := copy(b[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

// A 100 MB upload is refused as too large without the server reading it:
// at once when the request declares its length, after the limit when it
// does not (chunked); nothing is kept.
func TestUploadTooLarge(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.Close()
	ln := &countingListener{Listener: mustListen(t)}
	f.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: f.p}}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	_, secret := f.issue("446", time.Time{})

	for _, declared := range []bool{true, false} {
		t.Run(fmt.Sprintf("declared length %v", declared), func(t *testing.T) {
			before := ln.n.Load()
			body, ctype, length := bigBody(100 << 20)
			req, _ := http.NewRequest("POST", f.srv.URL+"/api/submissions", body)
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+secret)
			if declared {
				req.ContentLength = length
			} else {
				req.ContentLength = -1 // chunked
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 413 || !bytes.Contains(raw, []byte(`"code":"too_large"`)) || !bytes.Contains(raw, []byte("giới hạn 20 MiB")) || !bytes.Contains(raw, []byte("the 20 MiB limit")) {
				t.Errorf("%d %s", res.StatusCode, raw)
			}
			read := ln.n.Load() - before
			limit := int64(DefaultMaxBytes + 4<<20)
			if declared {
				limit = 4 << 20 // headers and what the kernel had buffered
			}
			if read > limit {
				t.Errorf("the server read %d MB of the 100 MB upload, want at most %d MB", read>>20, limit>>20)
			}
			t.Logf("server read %.1f MB", float64(read)/(1<<20))
		})
	}
	if got := files(t, f.dir.PortalUploads()); len(got) != 0 {
		t.Errorf("uploads left: %v", got)
	}
	if got := files(t, f.dir.Inbox()); len(got) != 0 {
		t.Errorf("inbox: %v", got)
	}
	events, _ := ReadAudit(f.dir)
	if n := len(events); n == 0 || events[n-1].Code != "too_large" {
		t.Errorf("audit: %+v", events)
	}
}

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// Two tabs commit with the same link at once: while the first is being
// received, the second is refused (busy) with the reason; the first lands;
// the second, sent again, is recognised as already received. One file in
// the inbox.
func TestTwoTabsAtOnce(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	file := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")

	// Tab 1: its body arrives in two halves, the second when we say.
	pr, pw := io.Pipe()
	var mwBuf bytes.Buffer
	mw := multipart.NewWriter(&mwBuf)
	mw.CreateFormFile("file", "r.csv")
	head := append([]byte(nil), mwBuf.Bytes()...)
	mwBuf.Reset()
	mw.Close()
	tail := mwBuf.Bytes()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/submissions", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+secret)
	first := make(chan response, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- response{status: -1, raw: []byte(err.Error())}
			return
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		first <- response{status: res.StatusCode, raw: raw}
	}()
	pw.Write(head)
	pw.Write(file[:10])
	// The first upload is in progress once its file exists in uploads/.
	deadline := time.Now().Add(10 * time.Second)
	for len(files(t, f.dir.PortalUploads())) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first upload never started")
		}
		time.Sleep(5 * time.Millisecond)
	}

	second := f.send(secret, "", "r.csv", file)
	if second.status != 409 || second.str("code") != "busy" || !strings.Contains(second.str("error"), "thẻ") {
		t.Errorf("second tab while the first sends: %d %s", second.status, second.raw)
	}
	// Another unit's link is not held up by this one.
	_, other := f.issue("447", time.Time{})
	if r := f.send(other, "dry_run=true", "r.csv", csvReport("Hà Tĩnh,Hương Khê,2024,dialogues,3")); r.status != 200 {
		t.Errorf("another link meanwhile: %d %s", r.status, r.raw)
	}

	pw.Write(file[10:])
	pw.Write(tail)
	pw.Close()
	if r := <-first; r.status != 201 {
		t.Fatalf("first tab: %d %s", r.status, r.raw)
	}
	again := f.send(secret, "", "r.csv", file)
	if again.status != 200 || again.str("status") != "already_received" {
		t.Errorf("second tab again: %d %s", again.status, again.raw)
	}
	if got := files(t, f.dir.PortalInbox()); len(got) != 1 {
		t.Errorf("portal inbox: %v, want one file", got)
	}
}

// Many tabs at once with different files: each either lands or is told the
// link is busy; no file is half-written, none twice.
func TestManyTabsRace(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.LinkBurst, o.AddressBurst = 100, 100 })
	_, secret := f.issue("446", time.Time{})
	var wg sync.WaitGroup
	results := make([]response, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.send(secret, "", "r.csv", csvReport(fmt.Sprintf("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,%d", 10+i)))
		}()
	}
	wg.Wait()
	landed := 0
	for _, r := range results {
		switch {
		case r.status == 201:
			landed++
		case r.status == 409 && r.str("code") == "busy":
		default:
			t.Errorf("%d %s", r.status, r.raw)
		}
	}
	got := files(t, f.dir.PortalInbox())
	if landed == 0 || len(got) != landed {
		t.Errorf("%d landed, the inbox holds %v", landed, got)
	}
}

// withBomb is a workbook with one more part, 300 MB of zeros that zip to
// a few hundred KB: a zip bomb around a readable form.
func withBomb(t *testing.T, workbook []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	w, err := zw.Create("xl/media/image1.png")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 300 {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An XLSX bomb is refused with the reason and its fix on the preview and
// on a commit, without being unpacked (the check allocates a few MB, not
// the 300 MB: counted with runtime.MemStats, not timed); nothing is kept.
func TestXLSXBomb(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	form := formXLSX(t, "Hà Tĩnh", "Năm 2024", []string{"Số cuộc tiếp xúc, đối thoại"}, [][]any{{"Cẩm Xuyên", 28}})
	bomb := withBomb(t, form)
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := f.send(secret, "dry_run=true", "bao-cao.xlsx", bomb)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 96<<20 {
		t.Errorf("checking the bomb allocated %d MB", alloc>>20)
	}
	if r.status != 200 || r.str("preview", "file_error", "code") != "unzipped_too_large" ||
		!strings.Contains(r.str("preview", "file_error", "reason"), "quá giới hạn 256,0 MiB (giới hạn của cổng nộp báo cáo)") || r.str("preview", "file_error", "fix") == "" ||
		strings.Contains(string(r.raw), "--max-unzipped") || // no flag sets the portal's limit
		len(r.list("preview", "accepted")) != 0 {
		t.Errorf("preview: %d %s", r.status, r.raw)
	}
	c := f.send(secret, "", "bao-cao.xlsx", bomb)
	if c.status != 422 || !strings.Contains(string(c.raw), "unzipped_too_large") {
		t.Errorf("commit: %d %s", c.status, c.raw)
	}
	if got := files(t, f.dir.PortalUploads()); len(got) != 0 {
		t.Errorf("uploads left: %v", got)
	}
	if got := files(t, f.dir.Inbox()); len(got) != 0 {
		t.Errorf("inbox: %v", got)
	}
	// The form itself, without the bomb, is read.
	if r := f.send(secret, "dry_run=true", "bao-cao.xlsx", form); r.status != 200 || len(r.list("preview", "accepted")) == 0 {
		t.Errorf("the form alone: %d %s", r.status, r.raw)
	}
}
