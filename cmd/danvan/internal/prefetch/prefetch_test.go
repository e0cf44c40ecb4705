package prefetch

import (
	"os"
	"testing"
)

// The reference read in advance is handed out once; every later call reads
// its own, as each refresh of a server did before.
func TestReferenceOnce(t *testing.T) {
	if readers[os.Args[1]] {
		t.Fatalf("the test binary's first argument %q started a read", os.Args[1])
	}
	mu.Lock()
	started := pending != nil
	mu.Unlock()
	if started {
		t.Fatal("the test binary read the reference in advance: only ingest, run and validate do")
	}
	start()
	first, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Error("the second Reference is the one read in advance, want one read anew")
	}
	if len(first.Units) == 0 || len(first.Units) != len(second.Units) || len(first.Indicators) != len(second.Indicators) {
		t.Errorf("read in advance: %d units, %d indicators; read anew: %d, %d",
			len(first.Units), len(first.Indicators), len(second.Units), len(second.Indicators))
	}
}
