package layout

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Column is a column of a table the data directory holds, with its DuckDB
// type.
type Column struct {
	Name     string
	Type     string // DuckDB SQL type: VARCHAR, DATE, INTEGER, BIGINT, DOUBLE, TIMESTAMP
	Nullable bool
}

// The facts columns (warehouse/facts/**.parquet, the facts views and
// stg_facts), in file order. docs/design.md says what each holds.
const (
	FactProvinceCode = iota
	FactProvinceName
	FactUnitCode
	FactUnitName
	FactUnitLevel
	FactPeriod
	FactPeriodType
	FactPeriodStart
	FactPeriodEnd
	FactYear
	FactIndicator
	FactDisaggregation
	FactValue
	FactQualifier
	FactOrigin
	FactQuote
	FactNote
	FactReportID
	FactSourceFile
	FactSourceRef
	FactSubmittedAt
	FactIngestedAt
	FactBatch
	FactSeq
	NumFactColumns
)

// FactColumns are the facts columns, indexed by the Fact constants.
var FactColumns = [NumFactColumns]Column{
	FactProvinceCode:   {"province_code", "VARCHAR", false},
	FactProvinceName:   {"province_name", "VARCHAR", false},
	FactUnitCode:       {"unit_code", "VARCHAR", false},
	FactUnitName:       {"unit_name", "VARCHAR", false},
	FactUnitLevel:      {"unit_level", "VARCHAR", false},
	FactPeriod:         {"period", "VARCHAR", false},
	FactPeriodType:     {"period_type", "VARCHAR", false},
	FactPeriodStart:    {"period_start", "DATE", false},
	FactPeriodEnd:      {"period_end", "DATE", false},
	FactYear:           {"year", "INTEGER", false},
	FactIndicator:      {"indicator", "VARCHAR", false},
	FactDisaggregation: {"disaggregation", "VARCHAR", false},
	FactValue:          {"value", "DOUBLE", false},
	FactQualifier:      {"qualifier", "VARCHAR", false},
	FactOrigin:         {"origin", "VARCHAR", false},
	FactQuote:          {"quote", "VARCHAR", true},
	FactNote:           {"note", "VARCHAR", true},
	FactReportID:       {"report_id", "VARCHAR", false},
	FactSourceFile:     {"source_file", "VARCHAR", false},
	FactSourceRef:      {"source_ref", "VARCHAR", false},
	FactSubmittedAt:    {"submitted_at", "TIMESTAMP", true},
	FactIngestedAt:     {"ingested_at", "TIMESTAMP", false},
	FactBatch:          {"batch", "VARCHAR", false},
	FactSeq:            {"seq", "BIGINT", false},
}

// RejectColumns are the columns of warehouse/rejects/<batch>.parquet and
// the rejects view, in file order.
var RejectColumns = []Column{
	{"source_file", "VARCHAR", false},
	{"source_ref", "VARCHAR", false},
	{"column", "VARCHAR", false},
	{"value", "VARCHAR", false},
	{"code", "VARCHAR", false},
	{"reason", "VARCHAR", false},
	{"reason_en", "VARCHAR", false},
	{"batch", "VARCHAR", false},
	{"ingested_at", "TIMESTAMP", false},
	// Whose report the row was, as far as it resolved (pipeline.RowError);
	// files written before these columns existed read them as NULL.
	{"province_code", "VARCHAR", true},
	{"unit_code", "VARCHAR", true},
	{"unit", "VARCHAR", true},
}

// QuoteIdent quotes a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SQLCast is a select list casting each column to its type under its own
// name, so a reader sees the contract's types whatever a writer chose.
//
// A TIMESTAMP is taken as its microseconds since the epoch: the store's
// Parquet marks its times as UTC instants, which DuckDB reads as TIMESTAMP
// WITH TIME ZONE, and a CAST of that to TIMESTAMP goes through the time
// zone's calendar for every value, even in UTC: reading the two time columns
// of the 500k facts of one partition took ~0.1 s of CPU that way against
// ~0.01 s through epoch_us, for the same values, and the models read a
// partition's facts three times (a full refresh of 24M facts: ~11 s of CPU).
func SQLCast(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if c.Type == "TIMESTAMP" {
			parts[i] = "make_timestamp(epoch_us(" + QuoteIdent(c.Name) + ")) AS " + QuoteIdent(c.Name)
			continue
		}
		parts[i] = "CAST(" + QuoteIdent(c.Name) + " AS " + c.Type + ") AS " + QuoteIdent(c.Name)
	}
	return strings.Join(parts, ", ")
}

// SQLEmpty is a query of no rows with the columns and types of cols.
func SQLEmpty(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "NULL::" + c.Type + " AS " + QuoteIdent(c.Name)
	}
	return "SELECT " + strings.Join(parts, ", ") + " WHERE false"
}

// SQLDefinition is the column list of a CREATE TABLE for cols.
func SQLDefinition(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = QuoteIdent(c.Name) + " " + c.Type
	}
	return strings.Join(parts, ", ")
}

// Output is one published JSON output of a snapshot (dashboards/contract.md,
// dashboards/schemas/<name>.schema.json): an array of objects with these
// keys. Columns are in the contract's order, which is also the column order
// of the output's CSV and Excel downloads; the keys the contract added later
// follow, sorted.
type Output struct {
	Name    string
	Columns []string
}

// File is the output's file name in a snapshot ("province_year.json"); the
// sources output has one file per partition, SourcesFile.
func (o Output) File() string { return o.Name + ".json" }

// The outputs.
var (
	Indicators = Output{"indicators", []string{"code", "label_vi", "label_en", "unit", "kind", "dimension", "unit_en"}}
	Provinces  = Output{"provinces", []string{"province_code", "province_name", "population", "population_year"}}

	ProvinceYear = Output{"province_year", []string{"province_code", "year", "indicator", "value", "qualifier", "basis",
		"value_province_report", "value_sum_of_units", "difference_flag", "units_reporting",
		"per_100k", "population", "population_year", "yoy_change", "yoy_pct", "periods",
		"difference", "partial", "per_unit", "per_unit_denominator", "periods_lacking", "units_expected", "year_basis",
		"yoy_note"}}

	UnitYear = Output{"unit_year", []string{"province_code", "unit_code", "unit_name", "unit_level", "year", "period",
		"indicator", "value", "qualifier", "rank", "rank_of", "per_100k", "population", "series",
		"comparable", "comparable_of", "comparable_rank", "partial", "periods", "periods_lacking", "population_year",
		"unit_type", "year_basis"}}

	Completeness = Output{"completeness", []string{"province_code", "period", "expected", "received", "on_time", "late",
		"rate", "timeliness", "deadline", "missing",
		"missing_parts_cover", "pending", "period_end", "period_start", "period_type", "province_reported"}}

	// Reporting is every report a district or commune owed by the reporting
	// calendar, with what became of it.
	Reporting = Output{"reporting", []string{"province_code", "unit_code", "unit_name", "unit_type", "unit_level", "year",
		"period", "period_type", "deadline", "status", "first_received", "parts_received", "parts_cover", "source_files",
		"report_label_vi", "report_label_en"}}

	// Years says which periods the figures of each year hold and lack.
	Years = Output{"years", []string{"year", "complete", "months_covered", "periods", "periods_lacking",
		"provinces_complete", "label_vi", "label_en"}}

	Sources = Output{"sources", []string{"indicator", "unit_code", "unit_name", "period", "disaggregation", "value",
		"qualifier", "origin", "report_id", "source_file", "source_ref", "quote",
		"unit_level"}}

	// Files is every ingested file and what became of it.
	Files = Output{"files", []string{"source_file", "batch", "status", "ingested_at", "rows_accepted", "rows_rejected",
		"provinces", "code", "reason", "reason_en", "fix_vi", "fix_en"}}

	// Refusals is every value refused at ingest, with how to fix it.
	Refusals = Output{"refusals", []string{"source_file", "batch", "source_ref", "column", "value", "code", "reason",
		"reason_en", "fix_vi", "fix_en", "province_code", "unit_code", "unit"}}

	// Outputs are the outputs with one file each, in publication order.
	Outputs = []Output{Indicators, Provinces, ProvinceYear, UnitYear, Completeness, Reporting, Years, Files, Refusals}
)

// ReportID is the report_id of the facts a file (batch) gives for one unit
// and period: stable, so a re-ingested file keeps its reports' ids.
func ReportID(batch, unit, period string) string {
	sum := sha256.Sum256([]byte(batch + "|" + unit + "|" + period))
	return hex.EncodeToString(sum[:8])
}
