package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestSizeFlagsShowDefaultsInUnits: `-h` shows each size limit's default
// as it is written on the command line and in the README (512MiB, not
// 536870912), and what a size flag prints is read back as the same size.
func TestSizeFlagsShowDefaultsInUnits(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"ingest", "-h"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("ingest -h: code %d\n%s", code, stderr.String())
	}
	help := stderr.String()
	for _, want := range []string{
		"e.g. 512MiB, 2GiB) (default 512MiB)",           // --max-file-size
		"with a longer cell (e.g. 1MiB) (default 1MiB)", // --max-line
		"long tables stream (e.g. 32MiB) (default 32MiB)",
		"unzip to more than this (e.g. 1GiB) (default 1GiB)",
		"unzip to more than this (e.g. 256MiB) (default 256MiB)",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("ingest -h lacks %q\n%s", want, help)
		}
	}
	if strings.Contains(help, "536870912") {
		t.Errorf("ingest -h gives a size in bytes where its unit reads better\n%s", help)
	}
	for _, n := range []int64{1, 1000, 1024, 1500000, 3 << 20, 5 << 30, 1<<20 + 1} {
		v := n
		s := sizeFlag{&v}.String()
		var back int64
		if err := (sizeFlag{&back}).Set(s); err != nil || back != n {
			t.Errorf("size %d printed %q, read back %d (%v)", n, s, back, err)
		}
		i := int(n)
		if is := (intSizeFlag{&i}).String(); is != s {
			t.Errorf("size %d: intSizeFlag %q, sizeFlag %q", n, is, s)
		}
	}
}
