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
// mart_province_year, adds them to outs and returns their keys by file name,
// and the damaged files of prevDir it wrote afresh instead of linking them
// (verify.go).
func writeSources(ctx context.Context, q Querier, dir, prevDir string, outs map[string]Output) (map[string]SourceFile, []Damage, error) {
	if err := os.Mkdir(filepath.Join(dir, layout.SourcesDir), 0o755); err != nil {
		return nil, nil, err
	}
	pys, err := partitions(ctx, q, "mart_province_year")
	if err != nil {
		return nil, nil, fmt.Errorf("list province-years: %w", err)
	}
	keys, err := sourcesKeys(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	var prev map[string]SourceFile
	if prevDir != "" {
		if ix, err := layout.ReadTableIndex(prevDir); err == nil {
			prev = ix.Sources
		}
	}
	// The files to link are checked first, two at a time.
	type candidate struct {
		old  SourceFile
		size int64
		err  error
	}
	linkable := make([]*candidate, len(pys))
	var check []int
	for i, p := range pys {
		if old, ok := prev[path.Base(layout.SourcesFile(p))]; ok && keys[p] != "" && old.Key == keys[p] {
			linkable[i] = &candidate{old: old}
			check = append(check, i)
		}
	}
	checkFiles(len(check), func(k int) {
		c := linkable[check[k]]
		c.size, c.err = checkFile(filepath.Join(prevDir, filepath.FromSlash(layout.SourcesFile(pys[check[k]]))), c.old.Size, c.old.SHA256)
	})
	var damaged []Damage
	now := map[string]SourceFile{}
	for i, p := range pys {
		name := layout.SourcesFile(p)
		base := path.Base(name)
		key := keys[p]
		if c := linkable[i]; c != nil {
			err := c.err
			if err == nil {
				err = linkFile(filepath.Join(prevDir, filepath.FromSlash(name)), filepath.Join(dir, filepath.FromSlash(name)))
			}
			if err == nil {
				c.old.Size = c.size // whatever the old index said
				outs[name] = c.old.OutputFile
				now[base] = c.old
				continue
			}
			damaged = append(damaged, Damage{name, err})
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		o, err := writeQuery(ctx, q, target, sourcesQuery, p.Province, p.Year)
		if err != nil {
			return nil, nil, fmt.Errorf("write %s: %w", name, err)
		}
		outs[name] = o
		if key != "" {
			fi, err := os.Stat(target)
			if err != nil {
				return nil, nil, err
			}
			now[base] = SourceFile{Key: key, Size: fi.Size(), OutputFile: o}
		}
	}
	return now, damaged, nil
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
