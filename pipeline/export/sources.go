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
	"strings"

	"github.com/danvan/danvan/pipeline/layout"
)

// sourcesFormat is bumped when the way a sources file is written changes
// (columns, order, JSON encoding), so no older file is linked.
const sourcesFormat = 1

var sourcesQuery = selectColumns(layout.Sources, `mart_sources WHERE province_code = ? AND year = ?`, sourcesOrder)

const sourcesOrder = `indicator, unit_level DESC, unit_code, period, disaggregation`

// sourcesBatchRows bounds the staged values one query of writeSourceFiles
// covers, so a large warehouse's join stays within its memory.
const sourcesBatchRows = 200_000

// writeSourceFiles writes the sources files of parts (province-years of
// mart_province_year) with one query ordered by partition, each file
// holding the rows sourcesQuery gives for its partition, in its order (the
// order's columns are a fact's key: no ties). One query over the 24
// partitions of the demo cost ~0.3 s less CPU than 24 queries of the view,
// each joining staging and the int_ tables again.
func writeSourceFiles(ctx context.Context, q Querier, dir string, parts []layout.Partition) (map[layout.Partition]Output, error) {
	out := make(map[layout.Partition]Output, len(parts))
	if len(parts) == 0 {
		return out, nil
	}
	where := make([]string, len(parts))
	for i, p := range parts {
		where[i] = fmt.Sprintf("(province_code = '%s' AND year = %d)", strings.ReplaceAll(p.Province, "'", "''"), p.Year)
	}
	cols := []string{"province_code", "year"}
	for _, c := range layout.Sources.Columns {
		cols = append(cols, layout.QuoteIdent(c))
	}
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM mart_sources WHERE "+strings.Join(where, " OR ")+
		" ORDER BY province_code, year, "+sourcesOrder)
	if err != nil {
		return nil, fmt.Errorf("write sources: %w", err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("write sources: %w", err)
	}
	e := newRowEncoder(names[2:])
	all := make([]any, len(names))
	var cur *arrayFile
	var curP layout.Partition
	finish := func() error {
		if cur == nil {
			return nil
		}
		o, err := cur.close()
		cur = nil
		if err != nil {
			return fmt.Errorf("write %s: %w", layout.SourcesFile(curP), err)
		}
		out[curP] = o
		return nil
	}
	defer func() {
		if cur != nil {
			cur.f.Close()
		}
	}()
	open := func(p layout.Partition) error {
		if _, ok := out[p]; ok {
			return fmt.Errorf("write sources: rows of %s not together", layout.SourcesFile(p))
		}
		a, err := createArray(filepath.Join(dir, filepath.FromSlash(layout.SourcesFile(p))))
		if err != nil {
			return err
		}
		cur, curP = a, p
		return nil
	}
	var province string
	var year int64
	var buf []byte
	for rows.Next() {
		all[0], all[1] = &province, &year
		copy(all[2:], e.ptrs)
		if err := rows.Scan(all...); err != nil {
			return nil, fmt.Errorf("write sources: %w", err)
		}
		p := layout.Partition{Province: province, Year: int(year)}
		if cur == nil || p != curP {
			if err := finish(); err != nil {
				return nil, err
			}
			if err := open(p); err != nil {
				return nil, err
			}
		}
		if buf, err = e.appendScanned(buf[:0], names[2:]); err != nil {
			return nil, fmt.Errorf("write %s: %w", layout.SourcesFile(p), err)
		}
		cur.row(buf)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("write sources: %w", err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	for _, p := range parts { // a province-year with no sources row: an empty array
		if _, ok := out[p]; !ok {
			if err := open(p); err != nil {
				return nil, err
			}
			if err := finish(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

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
	var write []layout.Partition
	for i, p := range pys {
		name := layout.SourcesFile(p)
		if c := linkable[i]; c != nil {
			err := c.err
			if err == nil {
				err = linkFile(filepath.Join(prevDir, filepath.FromSlash(name)), filepath.Join(dir, filepath.FromSlash(name)))
			}
			if err == nil {
				c.old.Size = c.size // whatever the old index said
				outs[name] = c.old.OutputFile
				now[path.Base(name)] = c.old
				continue
			}
			damaged = append(damaged, Damage{name, err})
		}
		write = append(write, p)
	}
	// A query per group of partitions of about sourcesBatchRows staged
	// values in all, by their mean size.
	var staged int64
	if err := queryRow(ctx, q, `SELECT count(*) FROM stg_facts`, &staged); err != nil {
		return nil, nil, fmt.Errorf("write sources: %w", err)
	}
	group := len(write)
	if mean := staged / int64(max(len(pys), 1)); mean > 0 {
		group = int(min(max(sourcesBatchRows/mean, 1), int64(max(len(write), 1))))
	}
	written := map[layout.Partition]Output{}
	for i := 0; i < len(write); i += group {
		w, err := writeSourceFiles(ctx, q, dir, write[i:min(i+group, len(write))])
		if err != nil {
			return nil, nil, err
		}
		for p, o := range w {
			written[p] = o
		}
	}
	for _, p := range write {
		name := layout.SourcesFile(p)
		target := filepath.Join(dir, filepath.FromSlash(name))
		o := written[p]
		outs[name] = o
		if key := keys[p]; key != "" {
			fi, err := os.Stat(target)
			if err != nil {
				return nil, nil, err
			}
			now[path.Base(name)] = SourceFile{Key: key, Size: fi.Size(), OutputFile: o}
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
