// Package models holds the DuckDB SQL models of the refresh, embedded so the
// binary carries them. The directory is sql/; the package is named models so
// it does not shadow database/sql in the files that import both.
//
// Files run in name order and their number says what kind of model they are:
//
//	000-099  setup: tables and reference-derived tables, run once per refresh
//	100-199  incremental models, run over a group of changed (province, year)
//	         partitions at once (a group of one at full scale), reading the temp table
//	         partition_facts; the macro in_refresh(province_code, year) says whether a
//	         row's partition is in the group; getvariable('partition_append') says
//	         partition_facts holds only the batches added since the group's partitions
//	         were built (merge them into what is kept) rather than all of them
//	         (rebuild). A model must give the same tables whichever way the changed
//	         partitions are grouped: nothing in it may cross from one partition to
//	         another.
//	200-899  marts, rebuilt from the intermediate tables on every refresh
//	900-999  data tests: each is one SELECT returning offending rows; any row fails the refresh
package models

import "embed"

// FS holds the .sql files at its root.
//
//go:embed *.sql
var FS embed.FS
