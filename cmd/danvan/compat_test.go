package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/layout"
)

// testdata/datadir-v1 is a data directory as danvan wrote it before a
// file's report list moved out of its commit record (warehouse/manifest
// records with "reports", no warehouse/reports/): its inbox ingested with
// DANVAN_NOW=fixedNow, one row refused, one file quarantined. Such a
// directory is read as it is, but for the file quarantined, which another
// version judged (its record names none) and this one reads again once
// (quarantined again, its record names this build). Refreshing it
// publishes exactly what a refresh of the same inbox ingested today
// publishes.
func TestDataDirOfEarlierVersion(t *testing.T) {
	old, fresh := t.TempDir(), t.TempDir()
	copyTree(t, filepath.Join("testdata", "datadir-v1"), old)
	copyTree(t, filepath.Join("testdata", "datadir-v1", "inbox"), filepath.Join(fresh, "inbox"))
	env := []string{"DANVAN_NOW=" + fixedNow}

	for i, want := range []int{exitProblems, exitOK} {
		r := danvan(t, env, "ingest", "--data", old)
		if r.code != want || strings.Count(r.stdout, "bỏ qua") != 2+i || strings.Count(r.stdout, "cách ly      hong.xlsx") != 1-i {
			t.Fatalf("ingest %d over the old directory: code %d, want %d, the loaded files skipped and hong.xlsx read again once:\n%s%s",
				i, r.code, want, r.stdout, r.stderr)
		}
	}
	// The fresh directory quarantines hong.xlsx in its run: done, with
	// that problem; the old one did so in its ingest.
	for d, want := range map[string]int{old: exitOK, fresh: exitProblems} {
		if r := danvan(t, env, "run", "--data", d); r.code != want {
			t.Fatalf("run --data %s: code %d, want %d\n%s%s", d, r.code, want, r.stdout, r.stderr)
		}
	}
	got, ok1 := snapshotFiles(t, old)
	want, ok2 := snapshotFiles(t, fresh)
	if !ok1 || !ok2 {
		t.Fatal("no snapshot published")
	}
	if len(got) != len(want) {
		t.Errorf("%d snapshot files, want %d", len(got), len(want))
	}
	for name, w := range want {
		if got[name] == w {
			continue
		}
		if !sameButRecordedSince(t, name, got[name], w) {
			t.Errorf("%s differs between the old directory and a fresh one", name)
		}
	}

	// Both forms of the report list read the same.
	man, err := layout.ReadManifest(layout.Dir(old))
	if err != nil || len(man) != 3 {
		t.Fatalf("manifest of the old directory: %d records, %v", len(man), err)
	}
	for _, e := range man {
		if e.Status != layout.Loaded {
			continue
		}
		a, err1 := layout.ReadReports(layout.Dir(old), e.Batch)
		b, err2 := layout.ReadReports(layout.Dir(fresh), e.Batch)
		if err1 != nil || err2 != nil || len(a) == 0 || !reflect.DeepEqual(a, b) {
			t.Errorf("reports of %s: old %+v (%v), fresh %+v (%v)", e.SourceFile, a, err1, b, err2)
		}
	}
	if _, err := os.Stat(layout.Dir(old).ReportsFile(man[0].Batch)); err == nil {
		t.Error("the old directory's commit records were rewritten")
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recordedSince are what ingest has recorded since the old directory was
// written: whose report a refused row was (province_code, unit_code, unit)
// and the kind of a quarantined file's problem (code, hence its own fix:
// without it the general one). The old directory reads them as null;
// everything else must be the same.
var recordedSince = map[string][]string{
	"refusals.json": {"province_code", "unit_code", "unit"},
	"files.json":    {"code", "fix_vi", "fix_en"},
}

// reworded are reasons the old directory recorded in words danvan has
// changed since (issue 16: a Vietnamese reason quotes no English error, an
// English one no Vietnamese word, and a unit far from every name gets no
// "closest" list): the old directory keeps what it recorded, and a fresh one
// says the new words. Each pair is spelled out, so any other difference
// still fails.
var reworded = map[any]string{
	`Không tìm thấy đơn vị "Huyện Không Có" (theo tên) trong tỉnh Hà Tĩnh. Gần nhất: Hương Sơn, Hương Khê, Hồng Lĩnh.`: `Không tìm thấy đơn vị "Huyện Không Có" (theo tên) trong tỉnh Hà Tĩnh.`,
	`No unit "Huyện Không Có" (by tên) in Hà Tĩnh. Closest: Hương Sơn, Hương Khê, Hồng Lĩnh.`:                          `No unit "Huyện Không Có" (by name) in Hà Tĩnh.`,
	`Tệp không phải bảng tính Excel (.xlsx) đọc được (zip: not a valid zip file).`:                                     `Tệp không phải bảng tính Excel (.xlsx) đọc được (tệp bị hỏng hoặc không đúng định dạng).`,
}

// sameButRecordedSince reports whether an output of the old directory is
// the fresh one but for the fields recorded since (or, for the files that
// hold them in their bytes, the tables and the manifest's hashes).
func sameButRecordedSince(t *testing.T, name, old, fresh string) bool {
	t.Helper()
	switch name {
	case "tables/rejects.parquet", "tables/mart_refusals.parquet", "tables/files.parquet", "tables/mart_files.parquet",
		"tables/index.json":
		return true // the same rows with the fields above null; the JSON outputs are compared field by field
	case "manifest.json":
		var a, b map[string]any
		if json.Unmarshal([]byte(old), &a) != nil || json.Unmarshal([]byte(fresh), &b) != nil {
			return false
		}
		for n := range recordedSince {
			delete(a["outputs"].(map[string]any), n)
			delete(b["outputs"].(map[string]any), n)
		}
		return reflect.DeepEqual(a, b)
	}
	fields, ok := recordedSince[name]
	if !ok {
		return false
	}
	var a, b []map[string]any
	if json.Unmarshal([]byte(old), &a) != nil || json.Unmarshal([]byte(fresh), &b) != nil || len(a) != len(b) {
		return false
	}
	for i := range b {
		for _, f := range []string{"reason", "reason_en"} {
			if w, ok := reworded[a[i][f]]; ok && b[i][f] == w {
				a[i][f] = w
			}
		}
		for _, f := range fields {
			if a[i][f] != nil && f != "fix_vi" && f != "fix_en" { // without a code, the general fix
				t.Errorf("%s row %d: the old directory has %s = %v, which it never recorded", name, i, f, a[i][f])
			}
			a[i][f], b[i][f] = nil, nil
		}
	}
	return reflect.DeepEqual(a, b)
}
