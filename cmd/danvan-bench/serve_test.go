package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
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
