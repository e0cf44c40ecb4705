package main

import (
	"context"
	"fmt"
	"io"

	"github.com/danvan/danvan/pipeline/demo"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	data := dataFlag(fs)
	seed := fs.Uint64("seed", demo.DefaultSeed, "random seed; the same seed writes the same files")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	sum, err := demo.Write(inboxDir(*data), demo.Options{Seed: *seed})
	if err != nil {
		return err
	}
	bad := 0
	for _, f := range sum.Files {
		if f.Bad != "" {
			bad++
		}
	}
	fmt.Fprintf(stdout, "dữ liệu minh họa (demo data): %d tệp, %d giá trị, %d tệp lỗi cố ý, vào %s\n",
		len(sum.Files), sum.Values, bad, sum.Dir)
	return nil
}
