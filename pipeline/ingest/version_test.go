package ingest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildVersionIsTheGoBuildID: the version a quarantine's record keeps
// is the build ID the go command gives this (test) binary.
func TestBuildVersionIsTheGoBuildID(t *testing.T) {
	v := buildVersion()
	if v == "" {
		t.Fatal("no build ID read from this binary")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if want := strings.TrimSpace(string(out)); v != want {
		t.Errorf("build version %q, want %q", v, want)
	}
}
