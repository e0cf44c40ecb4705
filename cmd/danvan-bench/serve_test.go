package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The served-JSON step counts each server's garbage collections from
// GODEBUG=gctrace=1 on its stderr: a line beginning "gc " is one, wherever
// the writes split it; the other lines go on to where they went before.
func TestCollectionsCounted(t *testing.T) {
	text := "gc 1 @0.010s 0%: 0.01+0.2+0 ms clock, 4->4->2 MB, 4 MB goal, 2 P\n" +
		"danvan-bench: listen tcp: something else\n" +
		"gc 2 @0.020s 1%: 0.01+0.2+0 ms clock, 4->4->2 MB, 4 MB goal, 2 P (forced)\n" +
		"not gc 3 but a line saying so\n" +
		"gc 3 @0.030s 1%: 0.01+0.2+0 ms clock, 4->4->2 MB, 4 MB goal, 2 P\n"
	for _, sizes := range [][]int{{len(text)}, {1}, {2, 3}, {70, 1, 500}} {
		var rest bytes.Buffer
		c := &gcCounter{rest: &rest}
		for s, i := text, 0; s != ""; i++ {
			n := min(sizes[i%len(sizes)], len(s))
			if k, err := c.Write([]byte(s[:n])); k != n || err != nil {
				t.Fatalf("Write of %d bytes: %d, %v", n, k, err)
			}
			s = s[n:]
		}
		if got := c.collections(); got != 3 {
			t.Errorf("writes of %v bytes: %d collections, want 3", sizes, got)
		}
		want := "danvan-bench: listen tcp: something else\nnot gc 3 but a line saying so\n"
		if rest.String() != want {
			t.Errorf("writes of %v bytes: passed on %q, want %q", sizes, rest.String(), want)
		}
	}
}

// Both servers get GODEBUG=gctrace=1 added to what the bench's own
// environment says, the rest of it unchanged.
func TestGCTraceEnv(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"A=1", "GODEBUG=", "B=2"}, []string{"A=1", "GODEBUG=gctrace=1", "B=2"}},
		{[]string{"GODEBUG=madvdontneed=1"}, []string{"GODEBUG=madvdontneed=1,gctrace=1"}},
		{[]string{"A=1"}, []string{"A=1", "GODEBUG=gctrace=1"}},
	} {
		if got := gcTraceEnv(c.in); !slices.Equal(got, c.want) {
			t.Errorf("gcTraceEnv(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if env := gcTraceEnv(os.Environ()); !slices.ContainsFunc(env, func(s string) bool { return strings.HasPrefix(s, "GODEBUG=") && strings.HasSuffix(s, "gctrace=1") }) {
		t.Error("gcTraceEnv(os.Environ()) sets no gctrace")
	}
}

// The floor serves its answers file until its context ends (main's, on
// SIGINT or SIGTERM), then returns without an error.
func TestFloorStopsWithItsContext(t *testing.T) {
	answers := filepath.Join(t.TempDir(), "answers.json")
	body := []byte(`{"x":1}`)
	raw, err := json.Marshal(map[string]answer{"/data/x.json": {Header: http.Header{"Content-Type": {"application/json"}}, Body: body}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(answers, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- floorStep(ctx, []string{answers, addr}) }()
	if err := waitReady(ctx, "http://"+addr+"/healthz"); err != nil {
		t.Fatal(err)
	}
	got, err := fetchAnswer("http://" + addr + "/data/x.json")
	if err != nil || !bytes.Equal(got.Body, body) || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("the floor answered %v %q, %v", got.Header, got.Body, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("floor returned %v after its context ended, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the floor still serves 5 s after its context ended")
	}
}

// The served-JSON step waits for quiet once per pair, before its first
// run, syncs before each other run, and records every run of a pair at
// the load the pair began at.
func TestPairPacerWaitsOncePerPair(t *testing.T) {
	var readies, syncs []int
	run := 0
	p := &pairPacer{every: 6,
		ready: func() float64 { readies = append(readies, run); return float64(len(readies)) },
		sync:  func() { syncs = append(syncs, run) }}
	var loads []float64
	for run = 0; run < 12; run++ {
		loads = append(loads, p.next())
	}
	if want := []int{0, 6}; !slices.Equal(readies, want) {
		t.Errorf("waited before runs %v, want %v", readies, want)
	}
	if want := []int{1, 2, 3, 4, 5, 7, 8, 9, 10, 11}; !slices.Equal(syncs, want) {
		t.Errorf("synced before runs %v, want %v", syncs, want)
	}
	if want := []float64{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}; !slices.Equal(loads, want) {
		t.Errorf("loads %v, want each pair's first", loads)
	}
}

// procFaults counts a process's page faults: touching 32 MiB of fresh
// memory takes at least one fault per 4 KiB page (fewer only with huge
// pages, so at least one per 2 MiB).
func TestProcFaults(t *testing.T) {
	pid := os.Getpid()
	before := procFaults(pid)
	if before <= 0 {
		t.Fatalf("procFaults of this process = %d, want > 0", before)
	}
	mem := make([]byte, 32<<20)
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1
	}
	if got := procFaults(pid) - before; got < 16 {
		t.Errorf("32 MiB touched: %d more page faults, want at least 16", got)
	}
	if procFaults(-1) != 0 {
		t.Error("procFaults of no process is not 0")
	}
}
