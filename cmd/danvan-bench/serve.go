package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// served starts `danvan serve` on data and measures, from this process:
//   - served JSON: 100 connections, each sending requests back to back for
//     a few seconds over keep-alive, round-robin over the dashboard outputs;
//   - a group-by of the analysts' SQL through POST /api/sql, warm (after a
//     first run), over the current facts.
func (b *bench) served(ctx context.Context, data string, want func(string) bool) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	const token = "bench-token"
	cmd := exec.CommandContext(ctx, b.danvan, "serve", "--data", data, "--addr", addr, "--schedule", "off")
	cmd.Env = append(os.Environ(), "DANVAN_TOKEN="+token)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(ctx, base+"/healthz"); err != nil {
		return err
	}
	if want("serve") {
		if err := b.loadJSON(ctx, base, 100, 10*time.Second); err != nil {
			return err
		}
	}
	if want("query") {
		for _, q := range []struct{ name, sql string }{
			{"facts (current values)", "SELECT province_name, year, indicator, sum(value) AS total, count(*) AS n FROM facts GROUP BY ALL ORDER BY ALL"},
		} {
			if err := b.querySQL(ctx, base, token, q.name, q.sql); err != nil {
				return err
			}
		}
	}
	return nil
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("danvan serve not ready at %s after 60 s", url)
}

// loadJSON keeps conns requests in flight for d and records each latency.
func (b *bench) loadJSON(ctx context.Context, base string, conns int, d time.Duration) error {
	paths := []string{"/data/province_year.json", "/data/completeness.json", "/data/indicators.json",
		"/data/provinces.json", "/data/manifest.json"}
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: false}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// Warm up: one of each, and check they are served.
	var bytes int64
	for _, p := range paths {
		n, err := get(client, base+p)
		if err != nil {
			return err
		}
		bytes += n
	}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; time.Now().Before(stop) && ctx.Err() == nil; i++ {
				t := time.Now()
				if _, err := get(client, base+paths[i%len(paths)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	b.results = append(b.results, measurement{
		name: fmt.Sprintf("served JSON, %d connections, %s", conns, d), wall: pct(0.99),
		limit: "p99 <= 5 ms",
		extra: fmt.Sprintf("(wall = p99; p50 %s, p90 %s, max %s; %d requests, %.0f req/s; outputs %d KiB gzip)",
			pct(0.5).Round(10*time.Microsecond), pct(0.9).Round(10*time.Microsecond), lat[len(lat)-1].Round(time.Millisecond),
			len(lat), float64(len(lat))/d.Seconds(), bytes/1024),
	})
	return nil
}

// get fetches url with gzip accepted, as browsers do, and returns the bytes read.
func get(c *http.Client, url string) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, err
}

// querySQL runs one query through /api/sql: once cold, then five times
// warm, and records the median warm time.
func (b *bench) querySQL(ctx context.Context, base, token, name, query string) error {
	run := func() (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/sql", strings.NewReader(query))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/plain")
		t := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("POST /api/sql: %s: %s", resp.Status, body)
		}
		return time.Since(t), err
	}
	cold, err := run()
	if err != nil {
		return err
	}
	var warm []time.Duration
	for range 5 {
		d, err := run()
		if err != nil {
			return err
		}
		warm = append(warm, d)
	}
	slices.Sort(warm)
	b.results = append(b.results, measurement{
		name: "query group-by over " + name, wall: warm[len(warm)/2], limit: "<= 300 ms warm",
		extra: fmt.Sprintf("(wall = median of 5 warm; cold %s, slowest warm %s)", cold.Round(time.Millisecond), warm[len(warm)-1].Round(time.Millisecond)),
	})
	return nil
}
