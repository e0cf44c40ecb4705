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
	"path/filepath"
)

// sourcesFormat is bumped when the way a sources file is written changes
// (columns, order, JSON encoding), so no older file is linked.
const sourcesFormat = 1

const sourcesQuery = `SELECT indicator, unit_code, unit_name, unit_level, period, disaggregation, value, qualifier,
	origin, report_id, source_file, source_ref, quote
	FROM mart_sources WHERE province_code = ? AND year = ?
	ORDER BY indicator, unit_level DESC, unit_code, period, disaggregation`

// SourceFile is a sources file as recorded in tables/index.json: the key it
// was written from and its manifest entry.
type SourceFile struct {
	Key string `json:"key"`
	Output
}

// writeSources writes dir/sources/*.json, one per province-year of
// mart_province_year, adds them to outs and returns their keys by file name.
func writeSources(ctx context.Context, q Querier, dir, prevDir string, outs map[string]Output) (map[string]SourceFile, error) {
	if err := os.Mkdir(filepath.Join(dir, "sources"), 0o755); err != nil {
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
		if ix, err := ReadTableIndex(prevDir); err == nil {
			prev = ix.Sources
		}
	}
	now := map[string]SourceFile{}
	for _, p := range pys {
		base := fmt.Sprintf("%s-%d.json", p.province, p.year)
		name := "sources/" + base
		key := keys[p]
		if old, ok := prev[base]; ok && key != "" && old.Key == key {
			err := linkFile(filepath.Join(prevDir, filepath.FromSlash(name)), filepath.Join(dir, filepath.FromSlash(name)))
			if err == nil {
				outs[name] = old.Output
				now[base] = old
				continue
			}
		}
		o, err := writeQuery(ctx, q, filepath.Join(dir, filepath.FromSlash(name)), sourcesQuery, p.province, p.year)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		outs[name] = o
		if key != "" {
			now[base] = SourceFile{Key: key, Output: o}
		}
	}
	return now, nil
}

// sourcesKeys returns the key of each partition's sources file; a partition
// without one (or a warehouse whose mart_sources is not a view) is written.
func sourcesKeys(ctx context.Context, q Querier) (map[tablePart]string, error) {
	var view string
	err := queryRow(ctx, q, `SELECT coalesce(max(sql), '') FROM duckdb_views() WHERE view_name = 'mart_sources'`, &view)
	if err != nil {
		return nil, fmt.Errorf("read mart_sources: %w", err)
	}
	out := map[tablePart]string{}
	if view == "" {
		return out, nil
	}
	parts, err := partitionKeys(ctx, q)
	if err != nil {
		return nil, err
	}
	for p, k := range parts {
		h := sha256.Sum256(fmt.Appendf(nil, "%d\x00%s\x00%d\x00%s\x00%s\x00%s", sourcesFormat, p.province, p.year, k, view, sourcesQuery))
		out[p] = hex.EncodeToString(h[:16])
	}
	return out, nil
}
