package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/xuri/excelize/v2"
)

// TestKilledIngestLeavesNoTempFiles: `danvan ingest` killed (kill -9) while
// it reads a workbook whose sheet is larger than excelize kept in memory
// (16 MiB unzipped) leaves nothing in the system temp directory, and the
// ingest after it reads the workbook and leaves nothing there or in the
// store's temp directory. Workbooks used to be read by excelize, which
// unzipped such a sheet into an excelize-* temp file (1–2 GiB each for the
// issue's files); they now stream out of the zip and nothing is written.
func TestKilledIngestLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	book := filepath.Join(dir, "bang-dai.xlsx")
	writeLongXLSX(t, book, 200_000)
	env := []string{"TMPDIR=" + tmp, "DANVAN_NOW=" + fixedNow}
	d := layout.Dir(data)

	cmd := exec.Command(binary, "ingest", "--data", data, book)
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Kill it once it reads the workbook (its attempt record says so), or
	// once something appeared in a temp directory.
	pid := cmd.Process.Pid
	for !reading(d, pid, "bang-dai.xlsx") && len(excelizeTemps(tmp, d.Tmp())) == 0 {
		select {
		case err := <-done:
			t.Fatalf("the ingest ended (%v) before it could be killed while reading", err)
		case <-time.After(2 * time.Millisecond):
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done

	r := danvan(t, env, "ingest", "--data", data, book)
	if r.code != exitOK {
		t.Fatalf("ingest after the kill: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got, err := layout.ReadManifest(d)
	if err != nil || len(got) != 1 || got[0].Status != layout.Loaded || got[0].RowsAccepted != 200_000 {
		t.Fatalf("manifest: %v, %+v; want the workbook loaded, 200000 values", err, got)
	}
	if left := entries(tmp); len(left) > 0 {
		t.Errorf("left in the system temp directory: %v", left)
	}
	for _, e := range entries(d.Tmp()) {
		if strings.HasPrefix(e, strconv.Itoa(pid)+"-") || strings.Contains(e, "-read-") {
			t.Errorf("left in the store's temp directory: %s", e)
		}
	}
	if left := excelizeTemps(tmp, d.Tmp()); len(left) > 0 {
		t.Errorf("excelize temp files left: %v", left)
	}
	if left := entries(d.Attempts()); len(left) > 0 {
		t.Errorf("attempt records left after the workbook was read: %v", left)
	}
}

// excelizeTemps lists the excelize-* files in sys and in the folders of
// store's temp directory.
func excelizeTemps(sys, store string) []string {
	var out []string
	for _, pat := range []string{filepath.Join(sys, "excelize-*"), filepath.Join(store, "*", "excelize-*")} {
		m, _ := filepath.Glob(pat)
		out = append(out, m...)
	}
	return out
}

// entries names what dir holds (nothing when it does not exist).
func entries(dir string) []string {
	des, _ := os.ReadDir(dir)
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// writeLongXLSX writes a workbook of one long table of n valid rows.
func writeLongXLSX(t *testing.T, path string, n int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"tinh", "don_vi", "ky_bao_cao", "chi_tieu", "phan_to", "gia_tri", "ghi_chu"})
	rows := longRows()
	for i := range n {
		r := rows(i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		v, _ := strconv.Atoi(r[4])
		if err := sw.SetRow(cell, []any{r[0], r[1], r[2], r[3], nil, v, r[5]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
