// Package models holds the DuckDB SQL models of the refresh, embedded so the
// binary carries them. The directory is sql/; the package is named models so
// it does not shadow database/sql in the files that import both.
//
// Files run in name order and their number says what kind of model they are:
//
//	000-099  setup: tables and reference-derived tables, run once per refresh
//	100-199  incremental models, run once per changed (province, year) partition,
//	         reading the temp view partition_facts; getvariable('partition_province') and
//	         getvariable('partition_year') name the partition; getvariable('partition_append')
//	         says partition_facts holds only the batches added since the partition was
//	         built (merge them into what is kept) rather than all of them (rebuild)
//	200-899  marts, rebuilt from the intermediate tables on every refresh
//	900-999  data tests: each is one SELECT returning offending rows; any row fails the refresh
package models

import "embed"

// FS holds the .sql files at its root.
//
//go:embed *.sql
var FS embed.FS
