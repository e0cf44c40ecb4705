package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/demo"
)

// TestDemoInboxLoadsCleanly reads the demo inbox as `make run` does: every
// file meant to be good loads every value the demo wrote into it, with no
// refusal and no warning; every deliberately bad one (demo-loi-*) is
// refused or kept aside.
func TestDemoInboxLoadsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads the whole demo inbox")
	}
	dir := t.TempDir()
	sum, err := demo.Write(dir, demo.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(Options{Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		t.Fatal(err)
	}
	got, err := in.Check(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]FileResult{}
	for _, f := range got.Files {
		results[f.File] = f
	}
	forms := 0
	for _, f := range sum.Files {
		if f.Format == "readme" {
			continue
		}
		res, ok := results[f.Name]
		if !ok {
			t.Errorf("%s: not read", f.Name)
			continue
		}
		if f.Bad != "" {
			if res.FileErr == nil && res.Rejected == 0 {
				t.Errorf("%s (%s): nothing refused", f.Name, f.Bad)
			}
			continue
		}
		if res.FileErr != nil || res.Rejected > 0 || warnedBeyondSheets(res.Warnings) || res.Accepted != f.Values {
			var why []string
			for _, p := range Problems(res.Rejects) {
				why = append(why, p.Ref+": "+p.Reason)
			}
			t.Errorf("%s: %d values accepted of %d, %d refused, %d warnings, file error %v\n%s", f.Name, res.Accepted, f.Values,
				res.Rejected, len(res.Warnings), res.FileErr, strings.Join(why, "\n"))
		}
		if f.Format == "xlsx-form" {
			forms++
		}
	}
	if forms < 5 {
		t.Errorf("only %d form workbooks in the demo", forms)
	}
}

// warnedBeyondSheets reports whether ws say more than which sheets were
// not read (a workbook's instructions, its hidden sheets).
func warnedBeyondSheets(ws []pipeline.Warning) bool {
	for _, w := range ws {
		if w.Code != "sheet_not_read" {
			return true
		}
	}
	return false
}
