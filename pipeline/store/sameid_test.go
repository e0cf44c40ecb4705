package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWorkFilesOfAnEarlierProcessWithOurID: the work files a process
// killed mid-write left in warehouse/tmp, when the next process has the
// same id (a container's process is pid 1 each time it starts), are a
// dead process's: Open removes them, and this process's own never meet
// their names. By the id alone they were kept as this process's, and the
// file whose write they were failed "file exists" in every run after.
func TestWorkFilesOfAnEarlierProcessWithOurID(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	next := tmpSeq.Load() + 1
	var stale []string
	for n := next; n < next+8; n++ {
		for _, name := range []string{fmt.Sprintf("%d-%d-x.tmp", os.Getpid(), n), fmt.Sprintf("%d-ffffffff-%d-x.tmp", os.Getpid(), n)} {
			p := filepath.Join(s.dir.Tmp(), name)
			if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
				t.Fatal(err)
			}
			stale = append(stale, p)
		}
	}
	f, err := s.createTmp("x")
	if err != nil {
		t.Fatalf("a work file beside an earlier process's: %v", err)
	}
	defer f.Close()
	if _, err := Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left: an earlier process's work file", filepath.Base(p))
		}
	}
	if _, err := os.Stat(f.Name()); err != nil {
		t.Errorf("this process's work file removed: %v", err)
	}
}
