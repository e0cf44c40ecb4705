package export

// Sources: sources/<province_code>-<year>.json, every fact behind a
// province-year's figures. They are most of the JSON bytes and each comes
// from one warehouse partition alone (mart_sources joins staging and the int_
// tables within a partition), so a refresh that rebuilt one partition needs
// one file written: the others are hard-linked from the current snapshot when
// their key is unchanged. The key covers the partition's key (models before
// the marts, reference, batch set, DuckDB version), the mart_sources view,
// the export query and sourcesFormat. The keys are recorded in the snapshot's
// tables/index.json (TableIndex.Sources), beside the tables' own.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/danvan/danvan/pipeline/layout"
)

// sourcesFormat is bumped when the way a sources file is written changes
// (columns, order, JSON encoding), so no older file is linked.
const sourcesFormat = 1

var sourcesQuery = selectColumns(layout.Sources, `mart_sources WHERE province_code = ? AND year = ?`,
	`indicator, unit_level DESC, unit_code, period, disaggregation`)

// writeSources writes dir/sources/*.json, one per province-year of
// mart_province_year, adds them to outs and returns their keys by file name.
func writeSources(ctx context.Context, q Querier, dir, prevDir string, outs map[string]Output) (map[string]SourceFile, error) {
	if err := os.Mkdir(filepath.Join(dir, layout.SourcesDir), 0o755); err != nil {
		return nil, err
	}
	pys, err := partitions(ctx, q, "mart_province_year")
	if err != nil {
		return nil, fmt.Errorf("list province-years: %w", err)
	}
	keys, err := sourcesKeys(ctx, q)
	if err != nil {
		return nil, err
	}
	var prev map[string]SourceFile
	if prevDir != "" {
		if ix, err := layout.ReadTableIndex(prevDir); err == nil {
			prev = ix.Sources
		}
	}
	now := map[string]SourceFile{}
	for _, p := range pys {
		name := layout.SourcesFile(p)
		base := path.Base(name)
		key := keys[p]
		if old, ok := prev[base]; ok && key != "" && old.Key == key {
			err := linkFile(filepath.Join(prevDir, filepath.FromSlash(name)), filepath.Join(dir, filepath.FromSlash(name)))
			if err == nil {
				outs[name] = old.OutputFile
				now[base] = old
				continue
			}
		}
		o, err := writeQuery(ctx, q, filepath.Join(dir, filepath.FromSlash(name)), sourcesQuery, p.Province, p.Year)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		outs[name] = o
		if key != "" {
			now[base] = SourceFile{Key: key, OutputFile: o}
		}
	}
	return now, nil
}

// sourcesKeys returns the key of each partition's sources file; a partition
// without one (or a warehouse whose mart_sources is not a view) is written.
func sourcesKeys(ctx context.Context, q Querier) (map[layout.Partition]string, error) {
	var view string
	err := queryRow(ctx, q, `SELECT coalesce(max(sql), '') FROM duckdb_views() WHERE view_name = 'mart_sources'`, &view)
	if err != nil {
		return nil, fmt.Errorf("read mart_sources: %w", err)
	}
	out := map[layout.Partition]string{}
	if view == "" {
		return out, nil
	}
	parts, err := partitionKeys(ctx, q)
	if err != nil {
		return nil, err
	}
	for p, k := range parts {
		h := sha256.Sum256(fmt.Appendf(nil, "%d\x00%s\x00%d\x00%s\x00%s\x00%s", sourcesFormat, p.Province, p.Year, k, view, sourcesQuery))
		out[p] = hex.EncodeToString(h[:16])
	}
	return out, nil
}
