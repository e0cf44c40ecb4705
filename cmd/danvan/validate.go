package main

import (
	"context"
	"fmt"
	"io"

	"github.com/danvan/danvan/cmd/danvan/internal/prefetch"
	"github.com/danvan/danvan/pipeline/ingest"
)

// cmdValidate runs every check of ingest and writes nothing; it exits 1
// when anything would be refused, so it can guard a submission.
func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", stderr)
	show := fs.Int("show", 50, "problems to print per file, each cause's refusals once with their places; -1: all")
	var limits ingest.Limits
	limitFlagsInto(fs, &limits)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the files or folders to check", errUsage)
	}
	opts := ingest.DefaultOptions()
	opts.Limits = limits
	opts.Problems = *show // 0: the default, cut to none when printed
	var err error
	if opts.Now, err = clock(); err != nil {
		return err
	}
	if opts.Reference, err = prefetch.Reference(); err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	in, err := ingest.New(opts)
	if err != nil {
		return err
	}
	sum, err := in.Check(ctx, fs.Args())
	printSummary(stdout, sum, *show)
	if err != nil {
		return err
	}
	if _, rej, quar := sum.Totals(); rej > 0 || quar > 0 {
		return errSilent
	}
	return nil
}
