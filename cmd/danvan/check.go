package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/schedule"
	"github.com/danvan/danvan/pipeline/store"
	"github.com/danvan/danvan/pipeline/warehouse"
)

// cmdCheck lists every inconsistency of a data directory, each with its
// fix, reading every stored byte: the Parquet store against its commit
// records (and facts no record counts), the warehouse database block by
// block, every kept snapshot against its manifest. It changes nothing and
// exits 1 when it found anything. It holds the run lock, so no refresh
// changes the directory under it.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	data := dataFlag(fs)
	wait := fs.Duration("wait", 0, "wait this long for a refresh that is running, instead of exiting")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: check takes no arguments, only --data DIR", errUsage)
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("%w: data directory %s: %v", errUsage, *data, err)
	}
	unlock, err := schedule.Lock(ctx, *data, *wait, nil)
	if err != nil {
		return err
	}
	defer unlock()
	faults, err := checkData(ctx, *data)
	if err != nil {
		return err
	}
	if len(faults) == 0 {
		fmt.Fprintf(stdout, "%s: không có vấn đề nào (no inconsistency)\n", printable(*data))
		return nil
	}
	printFaults(stdout, fmt.Sprintf("%s: %d vấn đề (%d inconsistencies):", printable(*data), len(faults), len(faults)), faults)
	return errSilent
}

// checkData is every check of the data directory, changing nothing.
func checkData(ctx context.Context, data string) ([]pipeline.Fault, error) {
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	faults, err := st.Check(ctx, true)
	if err != nil {
		return nil, err
	}
	if err := warehouse.Verify(ctx, data); err != nil {
		if !warehouse.IsDamaged(data, err) {
			return nil, err
		}
		faults = append(faults, pipeline.Fault{Code: "damaged_warehouse", Path: "warehouse/warehouse.duckdb",
			Reason:   fmt.Sprintf("Tệp cơ sở dữ liệu của kho bị hỏng (%v). Không mất gì: tệp chỉ chứa những gì dựng lại được từ kho Parquet.", err),
			ReasonEN: fmt.Sprintf("The warehouse database file is damaged (%v). Nothing is lost: it holds only what the Parquet store rebuilds.", err),
			Fix:      "chuyển nó sang một bên (mv warehouse/warehouse.duckdb warehouse/warehouse.duckdb.damaged) rồi chạy danvan run, lần chạy dựng lại nó.",
			FixEN:    "move it aside (mv warehouse/warehouse.duckdb warehouse/warehouse.duckdb.damaged) and run danvan run, which rebuilds it."})
	}
	snaps, err := checkSnapshots(data)
	if err != nil {
		return nil, err
	}
	return append(faults, snaps...), nil
}

// checkSnapshots checks every kept snapshot against its manifest, and the
// link to the published one.
func checkSnapshots(data string) ([]pipeline.Fault, error) {
	d := layout.Dir(data)
	var faults []pipeline.Fault
	cur, curErr := d.CurrentSnapshot()
	ents, err := os.ReadDir(d.Snapshots())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if curErr == nil {
		if _, err := os.Stat(cur); err != nil {
			curErr = err
		}
	}
	if curErr != nil && len(ents) > 0 {
		faults = append(faults, pipeline.Fault{Code: "no_current_snapshot", Path: "exports/current",
			Reason:   fmt.Sprintf("Liên kết tới bản dữ liệu đang công bố bị mất hoặc trỏ vào chỗ không có (%v): bảng điều khiển không có gì để hiện.", curErr),
			ReasonEN: fmt.Sprintf("The link to the published snapshot is missing or points nowhere (%v): the dashboards have nothing to show.", curErr),
			Fix:      "chạy danvan run (nó công bố lại).", FixEN: "run danvan run (it publishes again)."})
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dir := d.Snapshot(e.Name())
		bad, err := export.Verify(dir)
		if err != nil {
			bad = []export.Damage{{Path: layout.SnapshotManifestFile, Err: err}}
		}
		current := curErr == nil && filepath.Clean(cur) == filepath.Clean(dir)
		for _, b := range bad {
			f := pipeline.Fault{Code: "damaged_snapshot", Path: "exports/snapshots/" + e.Name() + "/" + b.Path,
				Reason:   fmt.Sprintf("Tệp của bản dữ liệu không đúng như manifest của nó ghi (%v).", b.Err),
				ReasonEN: fmt.Sprintf("A file of the snapshot is not what its manifest lists (%v).", b.Err),
				Fix:      "xóa thư mục bản dữ liệu cũ này (nó không được phục vụ, chỉ giữ để quay lại).",
				FixEN:    "delete this old snapshot's folder (it is not served, only kept to go back to)."}
			if current {
				f.Reason = "Bản dữ liệu đang công bố: " + f.Reason
				f.ReasonEN = "The published snapshot: " + f.ReasonEN
				f.Fix = "chạy danvan run: bản dữ liệu mới được viết lại không mang theo chỗ hỏng."
				f.FixEN = "run danvan run: the next snapshot is written without the damage."
			}
			faults = append(faults, f)
		}
	}
	return faults, nil
}
