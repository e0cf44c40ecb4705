package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHistoryMadeAgainByAnotherBinary: the demo's history and the drop's
// forms, kept in the work directory between benches, are reused only by
// the binary that made them. A history another binary wrote holds that
// binary's warehouse (its reference tables in the state key): the drop's
// run on it was refused as not incremental, or measured other work.
func TestHistoryMadeAgainByAnotherBinary(t *testing.T) {
	work := t.TempDir()
	calls := filepath.Join(work, "calls")
	fake := func(name string) string {
		p := filepath.Join(work, name)
		script := "#!/bin/sh\necho " + name + " \"$@\" >> " + calls + "\nexit 1\n"
		if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	older, newer := fake("older"), fake("newer")
	b := &bench{danvan: older, work: work, out: io.Discard}
	if err := os.MkdirAll(filepath.Join(work, "demo-history"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := b.markReady(filepath.Join(work, "demo-history.ready")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.history(context.Background()); err != nil {
		t.Fatalf("history made by this binary: %v", err)
	}
	if got, _ := os.ReadFile(calls); len(got) != 0 {
		t.Fatalf("history made by this binary made again: %s", got)
	}
	b = &bench{danvan: newer, work: work, out: io.Discard}
	b.history(context.Background())
	if got, _ := os.ReadFile(calls); !strings.HasPrefix(string(got), "newer demo") {
		t.Errorf("history made by another binary reused; calls: %q", got)
	}
	// An empty marker, as benches before this one wrote it, is no binary's.
	if err := os.WriteFile(filepath.Join(work, "demo-history.ready"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(calls)
	b = &bench{danvan: older, work: work, out: io.Discard}
	b.history(context.Background())
	if got, _ := os.ReadFile(calls); !strings.HasPrefix(string(got), "older demo") {
		t.Errorf("history of an unknown binary reused; calls: %q", got)
	}
}
