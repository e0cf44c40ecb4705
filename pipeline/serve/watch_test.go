package serve

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// listening serves s on a loopback port until the test ends, as danvan
// serve does (so exports/ is watched), and returns its base URL.
func listening(t testing.TB, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if s.data.watched.Load() {
			t.Error("exports/ still watched after Serve returned")
		}
	})
	return "http://" + ln.Addr().String()
}

// eventually polls cond every millisecond for up to 10 s: a bound on a
// delay the code promises to keep far shorter, not a measurement.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
	}
}

// servedRun fetches url and returns its ETag (the run id).
func servedRun(t *testing.T, url string) string {
	t.Helper()
	res, _ := get(t, url)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	return res.Header.Get("ETag")
}

// While the server listens, requests take the cached snapshot without
// reading exports/current: a switch made by another process (a rename
// only) is seen once inotify reports it, and a server whose exports/
// cannot be watched any more reads the link per request again. The
// backstop is off (an hour): only the watch can tell.
func TestSnapshotSwitchWatched(t *testing.T) {
	dir := dataDir(t)
	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s.data.backstop = time.Hour // only inotify can tell
	base := listening(t, s)
	old := fixtureRunID(t)
	if got := servedRun(t, base+"/data/provinces.json"); got != `W/"`+old+`"` {
		t.Fatalf("ETag %q", got)
	}
	eventually(t, "exports/ watched", s.data.watched.Load)

	// Another process publishes: nothing tells the server but inotify.
	const next = "20251202T020000Z-0b1c2d"
	addSnapshot(t, dir, next, func(_ string, b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(next)) })
	publish(t, dir, next)
	eventually(t, "the switch seen", func() bool { return servedRun(t, base+"/data/provinces.json") == `W/"`+next+`"` })

	// exports/ itself replaced (moved aside, a new one moved in): the
	// watch went with the old directory; the new snapshot is seen, and
	// so is a later switch in the new exports/.
	const third, fourth = "20251203T020000Z-0c1d2e", "20251204T020000Z-0d1e2f"
	fresh := t.TempDir()
	addSnapshot(t, fresh, third, func(_ string, b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(third)) })
	publish(t, fresh, third)
	exports := filepath.Join(dir, "exports")
	if err := os.Rename(exports, filepath.Join(dir, "exports.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(fresh, "exports"), exports); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the new exports/ seen", func() bool { return servedRun(t, base+"/data/provinces.json") == `W/"`+third+`"` })
	addSnapshot(t, dir, fourth, func(_ string, b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(fourth)) })
	publish(t, dir, fourth)
	eventually(t, "a switch in the new exports/ seen", func() bool { return servedRun(t, base+"/data/provinces.json") == `W/"`+fourth+`"` })
	eventually(t, "the new exports/ watched", s.data.watched.Load)
}

// A switch the watch missed (no event: a network file system written from
// another machine, say) is seen when the watcher reads the link again,
// within watchBackstop.
func TestSnapshotSwitchBackstop(t *testing.T) {
	dir := dataDir(t)
	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	base := listening(t, s)
	old := fixtureRunID(t)
	servedRun(t, base+"/data/provinces.json")
	eventually(t, "exports/ watched", s.data.watched.Load)
	// What the server would hold had it missed a switch from another
	// snapshot to this one: that snapshot cached, for the link's old target.
	const missed = "20251130T000000Z-0a0b0c"
	addSnapshot(t, dir, missed, func(_ string, b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(missed)) })
	s.data.cur.Store(&cachedSnapshot{target: filepath.Join("snapshots", missed),
		snap: snapshot{dir: filepath.Join(dir, "exports", "snapshots", missed), runID: missed}})
	if got := servedRun(t, base+"/data/manifest.json"); got != `W/"`+missed+`"` {
		// Not a failure: the backstop read the link in between.
		t.Logf("the backstop read the link before the first request: %q", got)
	}
	eventually(t, "the link read again", func() bool { return servedRun(t, base+"/data/manifest.json") == `W/"`+old+`"` })
}

// A refresh in this process calls Switched once it has published: the
// very next request sees the new snapshot, without waiting for the watch.
func TestSwitchedSeenAtOnce(t *testing.T) {
	dir := dataDir(t)
	s, ts := newTestServer(t, Options{DataDir: dir})
	old := fixtureRunID(t)
	servedRun(t, ts.URL+"/data/provinces.json")
	// As under a watch that has not reported the switch yet.
	s.data.watched.Store(true)
	const next = "20251202T020000Z-0b1c2d"
	addSnapshot(t, dir, next, func(_ string, b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(next)) })
	publish(t, dir, next)
	if got := servedRun(t, ts.URL+"/data/provinces.json"); got != `W/"`+old+`"` {
		t.Fatalf("before Switched, under a watch that reported nothing: %q, want the cached %q", got, old)
	}
	s.Switched()
	if got := servedRun(t, ts.URL+"/data/provinces.json"); got != `W/"`+next+`"` {
		t.Errorf("after Switched: %q, want %q", got, next)
	}
}

// A /data/ request answered before the mux (cachedData) gets the answer
// the mux's route gives: the same status, header fields and body.
func TestCachedDataSameAnswer(t *testing.T) {
	run := fixtureRunID(t)
	for _, c := range []struct {
		name, method, url string
		hdr               []string
		fast              bool // taken before the mux once cached
	}{
		{"plain", "GET", "/data/provinces.json", nil, true},
		{"gzip", "GET", "/data/province_year.json", []string{"Accept-Encoding", "gzip"}, true},
		{"browser", "GET", "/data/province_year.json", []string{"Accept-Encoding", "gzip, deflate, br, zstd"}, true},
		{"gzip refused", "GET", "/data/province_year.json", []string{"Accept-Encoding", "gzip;q=0, br"}, true},
		{"head", "HEAD", "/data/completeness.json", []string{"Accept-Encoding", "gzip"}, true},
		{"not modified", "GET", "/data/manifest.json", []string{"If-None-Match", `W/"` + run + `"`}, true},
		{"modified", "GET", "/data/manifest.json", []string{"If-None-Match", `W/"20200101T000000Z-old"`}, true},
		{"pinned to the current run", "GET", "/data/indicators.json?run=" + run, []string{"Accept-Encoding", "gzip"}, true},
		{"source", "GET", "/data/sources/42-2024.json", []string{"Accept-Encoding", "gzip"}, true},
		{"escaped", "GET", "/data/%70rovinces.json", nil, false}, // the mux unescapes it
		{"pinned to another run", "GET", "/data/indicators.json?run=20240101T000000Z-gone", nil, false},
		{"other query", "GET", "/data/indicators.json?x=1", nil, false},
		{"run and more", "GET", "/data/indicators.json?run=" + run + "&x=1", nil, false},
		{"unclean", "GET", "/data/sources/../provinces.json", nil, false},
		{"escaped slash", "GET", "/data/sources%2F42-2024.json", nil, false},
		{"post", "POST", "/data/provinces.json", nil, false},
		{"missing", "GET", "/data/nothing.json", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(Options{DataDir: dataDir(t)})
			if err != nil {
				t.Fatal(err)
			}
			req := func() *http.Request {
				r := httptest.NewRequest(c.method, c.url, nil)
				for i := 0; i+1 < len(c.hdr); i += 2 {
					r.Header.Set(c.hdr[i], c.hdr[i+1])
				}
				return r
			}
			// First through the mux, which reads the file into the cache
			// (any name the mux answers is read by a GET of it).
			cold := httptest.NewRecorder()
			s.Handler().ServeHTTP(cold, req())
			warm := httptest.NewRecorder()
			if s.cachedData(warm, req()) != c.fast {
				t.Fatalf("answered before the mux: %v, want %v", !c.fast, c.fast)
			}
			if !c.fast {
				return
			}
			if cold.Code != warm.Code || !bytes.Equal(cold.Body.Bytes(), warm.Body.Bytes()) {
				t.Errorf("mux: %d, %d bytes; before the mux: %d, %d bytes", cold.Code, cold.Body.Len(), warm.Code, warm.Body.Len())
			}
			if len(cold.Header()) != len(warm.Header()) {
				t.Errorf("header fields: mux %v, before the mux %v", cold.Header(), warm.Header())
			}
			for k, v := range cold.Header() {
				if w := warm.Header()[k]; len(w) != len(v) || len(v) > 0 && w[0] != v[0] {
					t.Errorf("%s: mux %q, before the mux %q", k, v, w)
				}
			}
			if len(cold.Header()) > 8 {
				t.Errorf("%d header fields, want at most 8: %v", len(cold.Header()), cold.Header())
			}
		})
	}
}

// headerWriter is a ResponseWriter that keeps its header map (cleared
// between answers, so it keeps its room) and throws the body away.
type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(int)             {}

// Under a watch, a /data/ answer of a file in memory allocates nothing in
// danvan's code: no reading of the link, no path or header value built
// per request (what net/http allocates for every answer is its own).
func TestCachedDataAllocatesNothing(t *testing.T) {
	s, err := New(Options{DataDir: dataDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.data.watched.Store(true) // as under a watch
	for _, url := range []string{"/data/province_year.json", "/data/manifest.json?run=" + fixtureRunID(t)} {
		req := httptest.NewRequest("GET", url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		s.Handler().ServeHTTP(httptest.NewRecorder(), req) // reads the file
		w := &headerWriter{h: http.Header{}}
		allocs := testing.AllocsPerRun(100, func() {
			clear(w.h)
			if !s.cachedData(w, req) {
				t.Fatalf("%s not answered before the mux", url)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per answer, want 0", url, allocs)
		}
	}
}
