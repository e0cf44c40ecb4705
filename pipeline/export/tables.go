package export

// Tables: the warehouse tables an analyst queries (pipeline/query), written
// as Parquet into the snapshot beside the JSON, so the query sandbox reads
// one published snapshot and never opens the warehouse database file, which
// the nightly refresh writes.
//
// Layout, under DIR/exports/snapshots/<run-id>/tables/:
//
//	index.json                                   what is here (TableIndex), written last
//	<name>.parquet                               small tables: marts, reference, files
//	<name>/province=38/year=2023.parquet         the big ones, one file per warehouse partition
//
// The big tables (stg_facts and the int_* tables, 24M rows at full scale)
// are partitioned like the warehouse's incremental refresh: a partition is
// identified by a key derived from the warehouse state key (models and
// reference), the partition's batch set and the DuckDB version. A partition
// whose key is the same as in the current snapshot is hard-linked from it
// instead of written again, so a nightly refresh that touched two partitions
// writes two files per table, and the kept snapshots share the bytes of the
// unchanged ones (a file disappears with the last snapshot that links it).
// Every file is zstd-compressed (level 1) and sorted, and written with insertion order
// preserved, so the same warehouse state gives the same bytes.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/danvan/danvan/pipeline/layout"
)

// The table index's types are layout's; the names here keep export's API.
type (
	TableIndex = layout.TableIndex
	TableEntry = layout.TableEntry
	TableFile  = layout.TableFile
	SourceFile = layout.SourceFile
)

// exportTable is one warehouse table exported.
type exportTable struct {
	name        string // name in the snapshot (and the analysts' view)
	from        string // warehouse table
	order       string // ORDER BY, making the bytes deterministic
	partitioned bool   // one file per (province_code, year)
	reference   bool   // made from the reference and the setup models alone (warehouse.loadReference, sql/0xx)
}

var exportTables = []exportTable{
	{"stg_facts", "stg_facts", "indicator, unit_level, unit_code, period, disaggregation", true, false},
	{"int_unit_period", "int_unit_period", "indicator, unit_level, unit_code, period", true, false},
	{"int_unit_report", "int_unit_report", "unit_level, unit_code, period", true, false},
	{"int_unit_year", "int_unit_year", "indicator, unit_level, unit_code", true, false},
	{"mart_province_year", "mart_province_year", "province_code, year, indicator", false, false},
	{"mart_unit_year", "mart_unit_year", "province_code, year, indicator, series, unit_code", false, false},
	{"mart_completeness", "mart_completeness", "province_code, period", false, false},
	{"mart_reporting", "mart_reporting", "province_code, period_end, period_start DESC, unit_level, unit_code", false, false},
	{"mart_years", "mart_years", "year", false, false},
	{"reporting_calendar", "reporting_calendar", "rule", false, true},
	{"mart_files", "mart_files", "source_file, batch", false, false},
	{"mart_refusals", "mart_refusals", "source_file, batch, length(source_ref), source_ref, \"column\", code", false, false},
	{"refusal_fixes", "refusal_fixes", "code", false, true},
	{"reporting_units", "reporting_units", "province_code, unit_level, unit_code", false, true},
	{"province_population", "province_population", "province_code", false, true},
	{"units", "units", "code, level, valid_from NULLS FIRST, name", false, true},
	{"indicators", "indicators", "code", false, true},
	{"disaggregations", "disaggregations", "dimension, code", false, true},
	{"population", "population", "unit_code, year", false, true},
	{"files", "wh_sources", "source_file, batch", false, false},
	{"reports", "int_reports", "unit_level, unit_code, period, report_id, batch", true, false},
	{"rejects", "rejects", "source_file, batch, source_ref, \"column\", code", false, false},
}

// tableSettings sets what the tables' files need of DuckDB (global
// settings, so every connection of the pool has them) and returns what puts
// the settings as they were. A file's bytes must depend on its rows only: it
// is linked into later snapshots by a key that knows its own partition's
// batches and nothing else. Hence:
//   - preserve_insertion_order: without it the ORDER BY of a COPY is not
//     kept in the file and the bytes vary from run to run;
//   - no statistics_propagation: DuckDB 2.0's Parquet writer makes a
//     column REQUIRED when the optimizer's statistics for the COPY's
//     input say it holds no NULL, and those are the statistics of the
//     whole warehouse table, so a partition's file came out REQUIRED or
//     OPTIONAL depending on whether another partition had a NULL in that
//     column when it was written. Without them every column is OPTIONAL,
//     as DuckDB 1.x wrote them.
//
// One thread per COPY, two COPYs at once (writeTables's jobs): a COPY on
// two threads leaves a core idle at its last task while DuckDB's calling
// thread waits in a loop (DuckDB issue 22178), as the warehouse's full
// rebuild found; two on one thread each keep both cores at work. The bytes
// are the same. A full refresh of 24M facts: "publish tables" ~10.5 s to
// ~8 s of CPU (docs/performance.md).
//
// Publish holds them for the whole publication, the JSON outputs' queries
// included, which run beside the COPYs (Publish): none of those outputs
// depends on them (each is ordered by its key; the same bytes either way).
func tableSettings(ctx context.Context, q Querier) (restore func(), err error) {
	var keepOrder, keepOptimizers string
	var keepThreads int
	if err := queryRow(ctx, q, `SELECT current_setting('preserve_insertion_order')::VARCHAR,
		current_setting('disabled_optimizers')::VARCHAR, current_setting('threads')::INTEGER`, &keepOrder, &keepOptimizers, &keepThreads); err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	var undo []string
	restore = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			exec(context.WithoutCancel(ctx), q, undo[i])
		}
	}
	optimizers := "statistics_propagation"
	if keepOptimizers != "" {
		optimizers = keepOptimizers + "," + optimizers
	}
	for _, set := range []struct{ do, undo string }{
		{`SET threads = 1`, fmt.Sprintf(`SET threads = %d`, keepThreads)},
		{`SET preserve_insertion_order = true`, `SET preserve_insertion_order = ` + keepOrder},
		{`SET disabled_optimizers = ` + sqlQuote(optimizers), `SET disabled_optimizers = ` + sqlQuote(keepOptimizers)},
	} {
		if err := exec(ctx, q, set.do); err != nil {
			restore()
			return nil, err
		}
		undo = append(undo, set.undo)
	}
	return restore, nil
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// writeTables writes the Parquet tables into dir/tables, linking unchanged
// partitions from prevDir (the current snapshot, "" if none) when their
// bytes are intact (verify.go), under tableSettings. It returns their index
// without its sources (writeTableIndex writes it) and the damaged files of
// prevDir it wrote afresh.
func writeTables(ctx context.Context, q Querier, dir, prevDir string) (ix TableIndex, damaged []Damage, err error) {
	ix = TableIndex{Format: layout.TablesFormat}
	root := filepath.Join(dir, layout.TablesDir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return ix, nil, err
	}
	prev := map[string]TableFile{} // key -> file of the previous snapshot
	if prevDir != "" {
		if old, err := layout.ReadTableIndex(prevDir); err == nil {
			for _, t := range old.Tables {
				for _, f := range t.Files {
					if f.Key != "" {
						prev[f.Key] = f
					}
				}
			}
		}
	}
	keys, err := partitionKeys(ctx, q)
	if err != nil {
		return ix, nil, err
	}
	state, err := stateKey(ctx, q)
	if err != nil {
		return ix, nil, err
	}
	// Every file is a job, run on two connections at once (one COPY of a
	// small partition keeps DuckDB's threads only half busy): an unchanged
	// partition's is linked from the previous snapshot once its bytes are
	// checked, which the other worker's COPY overlaps, and written if they
	// are damaged.
	type job struct {
		entry      int // index in ix.Tables
		rel, query string
		key        string
		link       string    // the previous snapshot's file, "" for none
		old        TableFile // its index entry
	}
	var jobs []job
	for _, t := range exportTables {
		i := len(ix.Tables)
		ix.Tables = append(ix.Tables, TableEntry{Name: t.name})
		if !t.partitioned {
			jb := job{entry: i, rel: t.name + ".parquet", query: fmt.Sprintf(`SELECT * FROM %s ORDER BY %s`, t.from, t.order)}
			// A reference table is the same while the warehouse's state
			// key (setup models) and its reference are: linked from the
			// previous snapshot like an unchanged partition, by a key
			// that also knows the query that wrote it.
			if t.reference && state != "" {
				jb.key = tableKey(state+"\x00"+jb.query, t.name, layout.Partition{})
				if old, ok := prev[jb.key]; ok && old.Path == jb.rel {
					jb.link, jb.old = filepath.Join(prevDir, layout.TablesDir, filepath.FromSlash(jb.rel)), old
				}
			}
			jobs = append(jobs, jb)
			continue
		}
		parts, err := partitions(ctx, q, t.from)
		if err != nil {
			return ix, nil, fmt.Errorf("table %s: %w", t.name, err)
		}
		if len(parts) == 0 { // keep the columns of an empty table
			jobs = append(jobs, job{entry: i, rel: t.name + "/empty.parquet", query: fmt.Sprintf(`SELECT * FROM %s LIMIT 0`, t.from)})
		}
		for _, p := range parts {
			rel := t.name + "/" + p.String() + ".parquet"
			var key string
			if k, ok := keys[p]; ok {
				key = tableKey(k, t.name, p)
			}
			jb := job{entry: i, rel: rel, key: key, query: fmt.Sprintf(`SELECT * FROM %s WHERE province_code = '%s' AND year = %d ORDER BY %s`,
				t.from, strings.ReplaceAll(p.Province, "'", "''"), p.Year, t.order)}
			if old, ok := prev[key]; ok && key != "" && old.Path == rel {
				jb.link, jb.old = filepath.Join(prevDir, layout.TablesDir, filepath.FromSlash(rel)), old
			}
			jobs = append(jobs, jb)
		}
	}
	written := make([]TableFile, len(jobs))
	errs := make([]error, len(jobs))
	damage := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				jb := jobs[j]
				if jb.link != "" {
					size, err := checkFile(jb.link, jb.old.Size, jb.old.SHA256)
					if err == nil {
						if err = linkFile(jb.link, filepath.Join(root, filepath.FromSlash(jb.rel))); err == nil {
							jb.old.Size = size // whatever the old index said
							written[j] = jb.old
							continue
						}
					}
					damage[j] = err
				}
				f, err := copyTable(ctx, q, root, jb.rel, jb.query)
				f.Key = jb.key
				written[j], errs[j] = f, err
			}
		}()
	}
	for j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	for j, jb := range jobs {
		if errs[j] != nil {
			return ix, nil, fmt.Errorf("table %s: %w", ix.Tables[jb.entry].Name, errs[j])
		}
		if damage[j] != nil {
			damaged = append(damaged, Damage{layout.TablesDir + "/" + jb.rel, damage[j]})
		}
		ix.Tables[jb.entry].Files = append(ix.Tables[jb.entry].Files, written[j])
	}
	for i := range ix.Tables {
		e := &ix.Tables[i]
		sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Path < e.Files[j].Path })
		for _, f := range e.Files {
			e.Rows += f.Rows
		}
	}
	sort.Slice(ix.Tables, func(i, j int) bool { return ix.Tables[i].Name < ix.Tables[j].Name })
	return ix, damaged, nil
}

// writeTableIndex writes the index of the tables writeTables wrote into
// dir, with the keys of the sources files, last.
func writeTableIndex(dir string, ix TableIndex, sources map[string]SourceFile) error {
	ix.Sources = sources
	b, err := json.MarshalIndent(ix, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, layout.TablesDir, "index.json"), append(b, '\n'), 0o644)
}

// partitionKeys reads the warehouse's key of each partition: the state key
// (models, reference) and the partition's batch set, plus the DuckDB
// version, which writes the bytes.
func partitionKeys(ctx context.Context, q Querier) (map[layout.Partition]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.province_code, p.year, p.files_hash, s.key, version()
		FROM wh_partitions p, (SELECT max(key) AS key FROM wh_state) s`)
	if err != nil {
		return nil, fmt.Errorf("read partition keys: %w", err)
	}
	defer rows.Close()
	out := map[layout.Partition]string{}
	for rows.Next() {
		var p layout.Partition
		var files, state, version string
		if err := rows.Scan(&p.Province, &p.Year, &files, &state, &version); err != nil {
			return nil, fmt.Errorf("read partition keys: %w", err)
		}
		out[p] = strings.Join([]string{state, files, version}, "\x00")
	}
	return out, rows.Err()
}

// stateKey is the key of the reference tables' files: the warehouse's
// state key (setup models, the reference they read), the whole reference
// (wh_reference: the state key leaves out what only the marts read, the
// reporting calendar and the refusal fixes) and the DuckDB version, which
// writes the bytes; "" when the warehouse has no state key.
func stateKey(ctx context.Context, q Querier) (string, error) {
	var state, ref, version string
	if err := queryRow(ctx, q, `SELECT coalesce(max(key), ''), (SELECT coalesce(max(hash), '') FROM wh_reference), version() FROM wh_state`,
		&state, &ref, &version); err != nil {
		return "", fmt.Errorf("read state key: %w", err)
	}
	if state == "" {
		return "", nil
	}
	return state + "\x00" + ref + "\x00" + version, nil
}

func tableKey(partKey, table string, p layout.Partition) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%d\x00%s", layout.TablesFormat, table, p.Province, p.Year, partKey)))
	return hex.EncodeToString(h[:16])
}

func partitions(ctx context.Context, q Querier, table string) ([]layout.Partition, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT province_code, year FROM `+table+` ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []layout.Partition
	for rows.Next() {
		var p layout.Partition
		if err := rows.Scan(&p.Province, &p.Year); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// copyTable writes the rows of query to root/rel with DuckDB's Parquet writer.
func copyTable(ctx context.Context, q Querier, root, rel, query string) (TableFile, error) {
	f := TableFile{Path: rel}
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return f, err
	}
	// zstd level 1: within 1% of the default level's size at 60% of its time.
	if err := queryRow(ctx, q, fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)`,
		query, strings.ReplaceAll(path, "'", "''")), &f.Rows); err != nil {
		return f, fmt.Errorf("write %s: %w", rel, err)
	}
	var err error
	f.SHA256, f.Size, err = hashFile(path)
	return f, err
}

func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// linkFile hard-links old to new; the snapshots share the bytes.
func linkFile(old, new string) error {
	if err := os.MkdirAll(filepath.Dir(new), 0o755); err != nil {
		return err
	}
	if err := os.Link(old, new); err != nil {
		return err
	}
	return nil
}

func exec(ctx context.Context, q Querier, stmt string) error {
	rows, err := q.QueryContext(ctx, stmt)
	if err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return rows.Close()
}

// hasTables says whether a snapshot directory holds the Parquet tables.
func hasTables(snapDir string) bool {
	_, err := os.Stat(filepath.Join(snapDir, filepath.FromSlash(layout.TableIndexFile)))
	return !errors.Is(err, os.ErrNotExist)
}
