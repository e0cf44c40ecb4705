package serve

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkServeJSON is a load generator: 100 concurrent keep-alive
// connections on loopback fetch snapshot JSON (gzip accepted, as browsers do)
// from a server listening as danvan serve does (ServeListener, so exports/
// is watched), and it reports the latency p50 and p99.
//
//	go test -run '^$' -bench ServeJSON -benchtime 20000x ./pipeline/serve/
func BenchmarkServeJSON(b *testing.B) {
	for _, name := range []string{"province_year.json", "unit_year.json"} {
		b.Run(name, func(b *testing.B) { benchJSON(b, "/data/"+name, 100) })
	}
}

func benchJSON(b *testing.B, path string, conns int) {
	s, err := New(Options{DataDir: dataDir(b)})
	if err != nil {
		b.Fatal(err)
	}
	base := listening(b, s)
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}
	fetch := func() (int, error) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("GET %s: %s", path, res.Status)
		}
		return int(n), nil
	}
	if _, err := fetch(); err != nil { // warm the snapshot cache
		b.Fatal(err)
	}
	for !s.data.watched.Load() { // the watch is set up
		time.Sleep(time.Millisecond)
	}
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var bytes atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range conns {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				n, err := fetch()
				lat[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
				bytes.Add(int64(n))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(bytes.Load())/float64(b.N), "bytes/req")
}
