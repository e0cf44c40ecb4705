package warehouse_test

import (
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/export"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

// deprecations are DuckDB's switches for the SQL forms it has deprecated,
// each set to refuse its form, with a statement in that form and what
// DuckDB then answers. DuckDB 2.0 refuses the arrow lambda by default and
// keeps the switch to allow it; 2.1 removes the switch (and the arrow for
// good): drop its line then.
var deprecations = []struct{ set, deprecated, refusal string }{
	{`SET GLOBAL lambda_syntax = 'DISABLE_SINGLE_ARROW'`,
		`SELECT list_filter([1, NULL], x -> x IS NOT NULL)`, "Deprecated lambda arrow"},
	{`SET GLOBAL table_function_identifier_conversion = 'DISABLE_IMPLICIT_STRING'`,
		`SELECT * FROM read_parquet(facts)`, "Deprecated implicit conversion"},
	{`SET GLOBAL show_behavior = 'table'`,
		`SHOW memory_limit`, "does not exist"},
	{`SET GLOBAL scalar_subquery_error_on_multiple_rows = true`,
		`SELECT (SELECT * FROM range(2))`, "More than one row"},
	{`SET GLOBAL order_by_non_integer_literal = false`,
		`SELECT 1 ORDER BY 'a'`, "non-integer literal"},
}

// The models, the refresh's own SQL and the publication's use no SQL form
// DuckDB has deprecated: they run with every deprecation switch set to
// refuse the old form, so the next DuckDB, which drops the form, breaks
// nothing.
func TestNoDeprecatedSQL(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, warehouse.Options{})
	for _, d := range deprecations {
		if _, err := w.DB().ExecContext(ctx, d.set); err != nil {
			t.Fatalf("%s: %v", d.set, err)
		}
		if _, err := w.DB().ExecContext(ctx, d.deprecated); err == nil || !strings.Contains(err.Error(), d.refusal) {
			t.Errorf("after %s, %s: want an error saying %q, got %v", d.set, d.deprecated, d.refusal, err)
		}
	}
	// A full refresh (views, every model, the data tests), then an
	// incremental one appending to a partition, then a publication.
	whtest.Write(t, dir, whtest.Batch{SourceFile: "thanh-hoa-2023.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 40, SubmittedAt: "2024-01-04"},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20, SubmittedAt: "2024-01-04"},
		{Unit: "381", Period: "2023-H1", Indicator: "dialogues", Value: 7, Qualifier: "approx"},
		{Unit: "380", Period: "2023", Indicator: "models_registered", Disaggregation: "kinh_te", Value: 3},
		{Unit: "436", Period: "2022", Indicator: "land_donated_m2", Value: 1500.5, Origin: "extracted", Quote: "Nhân dân hiến 1.500,5 m² đất."},
		{Unit: "14758", Period: "2025-H2", Indicator: "dialogues", Value: 3},
	}, Rejects: []whtest.Reject{{Ref: "dòng 9", Column: "don_vi", Value: "Huyện X", Code: "unknown_unit", Reason: "Không có đơn vị"}}})
	if res := refresh(t, w); res.Mode != "full" {
		t.Fatalf("first refresh: %s", res.Summary())
	}
	whtest.Write(t, dir, whtest.Batch{SourceFile: "bo-sung.csv", IngestedAt: day(9), Facts: []whtest.Fact{
		{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 5}}})
	if res := refresh(t, w); res.Mode != "incremental" {
		t.Fatalf("second refresh: %s", res.Summary())
	}
	if _, err := export.Publish(ctx, w.DB(), dir, export.Options{}); err != nil {
		t.Fatalf("publish: %v", err)
	}
}
