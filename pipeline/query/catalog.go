package query

import (
	"context"
	"fmt"
	"sort"
)

// TableDoc describes one table of the catalogue.
type TableDoc struct {
	Grain   string            // what one row is
	About   string            // what it is for
	Columns map[string]string // column -> meaning (columns not listed have none)
}

// factCols describes the facts schema (docs/design.md), shared by
// stg_facts and facts.
var factCols = map[string]string{
	"province_code":  `province code: "38" Thanh Hóa, "40" Nghệ An, "42" Hà Tĩnh`,
	"province_name":  "province name, canonical",
	"unit_code":      "reporting unit: province (2 digits), district (3) or commune (5)",
	"unit_name":      "unit name, canonical",
	"unit_level":     "province, district or commune",
	"period":         "canonical period code: 2023, 2023-H1, 2023-Q3, 2023-07, 2016..2020, to-date@2020-10",
	"period_type":    "year, half, quarter, month, range, to_date",
	"period_start":   "first day of the period",
	"period_end":     "last day of the period",
	"year":           "year of period_end",
	"indicator":      "indicator code (table indicators)",
	"disaggregation": `"total" or a breakdown code (table disaggregations)`,
	"value":          "the figure, in the indicator's unit",
	"qualifier":      "exact, approx, at_least, at_most",
	"origin":         "form (a table) or extracted (from prose)",
	"quote":          "the sentence an extracted value comes from",
	"note":           "remarks of the report",
	"report_id":      "stable id of the report (file, unit, period)",
	"source_file":    "file name as submitted",
	"source_ref":     `where in the file: "dòng 12", "Sheet1!D7", "câu 3"`,
	"submitted_at":   "submission date stated by the report",
	"ingested_at":    "when the file was ingested (UTC)",
	"batch":          "content hash of the file",
	"seq":            "position of the value in the file",
}

// Catalog is the documentation of every table and view of the sandbox.
var Catalog = map[string]TableDoc{
	"facts": {Grain: "one current value per (unit_code, period, indicator, disaggregation)",
		About: "every accepted figure as last reported; corrections replace earlier values (same as stg_facts)", Columns: factCols},
	"stg_facts": {Grain: "one current value per (unit_code, period, indicator, disaggregation)",
		About: "staging: the latest accepted value per key (latest batch wins)", Columns: factCols},
	"int_unit_period": {Grain: "unit_code × period × indicator",
		About: "one value per unit, period and indicator: the total, or the sum of the breakdowns",
		Columns: map[string]string{"has_total": "the unit gave a total (else breakdowns were summed)", "n_facts": "facts behind the value",
			"value": "the figure", "qualifier": "exact, approx, at_least, at_most (combined)"}},
	"int_unit_report": {Grain: "unit_code × period",
		About: "which unit reported for which period and when it first arrived",
		Columns: map[string]string{"first_received": "stated submission date, else ingestion day, of the first report",
			"submitted_known": "a submission date was stated"}},
	"int_unit_year": {Grain: "unit_code × unit_level × year × indicator",
		About: "the year value of a reporting unit (province itself, districts until 2025-H1, communes from 2025-H2)",
		Columns: map[string]string{"series": "province, district_until_2025H1 or commune_from_2025H2",
			"kind": "flow (adds up over time) or stock (a level)", "year_basis": "annual, halves, quarters, months, stock_latest, partial",
			"complete": "the periods cover the year", "periods": "periods the value was formed from"}},
	"mart_province_year": {Grain: "province_code × year × indicator",
		About: "the published province figures (province_year.json)",
		Columns: map[string]string{"value": "published figure: the province's own report, else the sum of its units",
			"basis": "province_report or sum_of_units", "value_province_report": "the province's own figure",
			"value_sum_of_units": "sum of the reporting units' year values", "difference": "province report − sum of units",
			"difference_flag": "both exist and differ", "year_basis": "how the year was formed", "partial": "the periods do not cover the year",
			"units_reporting": "units with a value", "units_expected": "units that existed during the year",
			"per_100k": "value per 100,000 inhabitants (2019 census)", "population": "2019 census population",
			"per_unit": "value per reporting unit at year end", "per_unit_denominator": "reporting units at year end",
			"yoy_change": "change from the previous year", "yoy_pct": "change from the previous year, percent",
			"yoy_note": "why there is no change: part_year, previous_part_year, no_previous_year, previous_zero",
			"periods":  "periods the value was formed from", "periods_lacking": "half-years a partial value lacks"}},
	"mart_unit_year": {Grain: "unit_code × series × year × indicator",
		About: "district and commune year figures with ranks (unit_year.json)",
		Columns: map[string]string{"rank": "1 = largest within province, year, indicator and series; ties share",
			"rank_of": "units ranked", "per_100k": "value per 100,000 inhabitants (districts, 2019 census)",
			"series": "district_until_2025H1 or commune_from_2025H2", "period": "the year, 2025-H1 (districts) or 2025-H2 (communes)",
			"periods": "periods the value was formed from", "periods_lacking": "half-years a partial value lacks",
			"comparable":      "the value covers the periods the ranking compares (the whole year when any unit's does)",
			"comparable_rank": "rank among the comparable units; NULL for the others", "comparable_of": "comparable units ranked",
			"unit_type": "thanh_pho, thi_xa, huyen, phuong, xa"}},
	"mart_completeness": {Grain: "province_code × period",
		About: "who reported on time, for the periods the reporting calendar asks for (completeness.json)",
		Columns: map[string]string{"expected": "units that owed the report by the reporting calendar", "received": "expected units with a report",
			"on_time": "received no later than the deadline", "late": "received after the deadline", "rate": "received / expected",
			"pending": "not received, deadline not passed yet", "missing_parts_cover": "missing, but their shorter periods cover it",
			"timeliness": "on_time / received", "deadline": "period end + 15 days unless the calendar says otherwise",
			"missing": "units not received, with the shorter periods of it they sent", "province_reported": "the province sent its own figure"}},
	"mart_reporting": {Grain: "unit_code × unit_level × period owed",
		About: "every report a district or commune owed by the reporting calendar, and what became of it (reporting.json)",
		Columns: map[string]string{"status": "on_time, late, missing (deadline passed) or pending",
			"first_received": "stated submission date, else ingestion day", "deadline": "last day on time",
			"parts_received": "for a report not received: the shorter periods of it that were", "parts_cover": "those parts cover the period",
			"source_files": "files the report came in"}},
	"mart_years": {Grain: "year",
		About: "which periods the figures of a year hold and lack (years.json)",
		Columns: map[string]string{"complete": "every province's figures cover the whole year", "months_covered": "months every province covers",
			"periods": "periods the year's figures were formed from", "periods_lacking": "half-years not covered",
			"label_vi": "e.g. 6 tháng đầu năm 2026 (chưa đủ năm)", "provinces_complete": "provinces whose figures cover the year"}},
	"reporting_calendar": {Grain: "one rule of the reporting calendar",
		About: "which reports each level owes for which periods (reference/reporting_calendar.csv, or the data directory's own)",
		Columns: map[string]string{"report": "year, half, H1, H2, quarter or month", "from": "first period the rule covers (open when empty)",
			"until": "last period the rule covers (open when empty)", "deadline_days": "days after the period's end; empty: the configured default"}},
	"mart_sources": {Grain: "one fact behind a province-year figure",
		About: "provenance: every fact that went into mart_province_year (sources/<province>-<year>.json)"},
	"reporting_units": {Grain: "unit_code × unit_level",
		About: "units reporting to the province and the days they existed at that level"},
	"province_population": {Grain: "province_code", About: "2019 census population of each province (sum of districts)"},
	"units":               {Grain: "unit version (code, level, validity)", About: "administrative units, with validity dates across the 2025 reform"},
	"indicators":          {Grain: "indicator code", About: "indicator catalogue: labels, unit, kind (flow/stock), dimension"},
	"disaggregations":     {Grain: "dimension × code", About: "breakdown codes of indicators"},
	"population":          {Grain: "unit_code × year", About: "census population by unit"},
	"files": {Grain: "one ingested file (batch)", About: "every committed file the snapshot was built from, with row counts",
		Columns: map[string]string{"status": "loaded or quarantined (unreadable, kept whole)",
			"code": "a quarantined file's kind of problem", "reason": "why it was quarantined, in Vietnamese", "reason_en": "why, in English"}},
	"mart_files": {Grain: "one ingested file (batch)", About: "files.json: every file, what became of it, how to fix a quarantined one",
		Columns: map[string]string{"provinces": "provinces its reports and refusals were about", "fix_vi": "how to fix it (quarantined files)"}},
	"mart_refusals": {Grain: "one refused value", About: "refusals.json: every refused value with how to fix it and whose report it was",
		Columns: map[string]string{"fix_vi": "how to fix it, in Vietnamese", "fix_en": "how to fix it, in English",
			"province_code": "the province the row was about, when it resolved", "unit_code": "the unit, when it resolved",
			"unit": "the unit's name, as resolved or as written"}},
	"refusal_fixes": {Grain: "one kind of refusal (code)", About: "how to fix each kind of refusal; \"*\" is the general fix"},
	"reports": {Grain: "one report: a file's values for one unit and period (report_id)",
		About: "the reports behind the facts, with their submission date and how many of their values later reports changed or confirmed",
		Columns: map[string]string{"values": "values the report gave",
			"superseded_values": "of which a later report replaced with a different value or qualifier",
			"confirmed_values":  "of which a later report sent again unchanged (the later one is in force, the figure the same)"}},
	"rejects": {Grain: "one refused value (file, row or cell, column)",
		About: "every value refused at ingest, with the reason in Vietnamese and English",
		Columns: map[string]string{"column": "the column or header of the refused value", "value": "the value as written",
			"code": "kind of problem, e.g. unknown_unit, future_period", "reason": "why, in Vietnamese", "reason_en": "why, in English",
			"province_code": "the province the row was about, when it resolved (NULL in files ingested before this column)",
			"unit_code":     "the unit the row was about, when it resolved", "unit": "the unit's name, as resolved or as written"}},
}

// comments are COMMENT ON statements, so the catalogue is also in
// duckdb_views() and duckdb_columns().
// cols holds the columns each view has.
func (d *DB) comments(cols map[string]map[string]bool) []string {
	var out []string
	for _, t := range d.tables {
		doc, ok := Catalog[t]
		if !ok {
			continue
		}
		out = append(out, fmt.Sprintf("COMMENT ON VIEW %s IS %s", quoteIdent(t), sqlString("Grain: "+doc.Grain+". "+doc.About)))
		names := make([]string, 0, len(doc.Columns))
		for c := range doc.Columns {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, c := range names {
			if cols[t][c] {
				out = append(out, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", quoteIdent(t), quoteIdent(c), sqlString(doc.Columns[c])))
			}
		}
	}
	return out
}

// Table is one view of the sandbox, for `danvan tables`.
type Table struct {
	Name    string
	Grain   string
	About   string
	Rows    int64 // -1 if not counted
	Columns []TableColumn
}

// TableColumn is one column of a Table.
type TableColumn struct {
	Name, Type, About string
}

// Tables lists the views with their columns and descriptions, sorted by name.
func (d *DB) Tables(ctx context.Context) ([]Table, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
		ORDER BY table_name, column_index`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	byName := map[string]*Table{}
	for rows.Next() {
		var tn, cn, ty string
		if err := rows.Scan(&tn, &cn, &ty); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		t := byName[tn]
		if t == nil {
			doc := Catalog[tn]
			t = &Table{Name: tn, Grain: doc.Grain, About: doc.About, Rows: -1}
			byName[tn] = t
		}
		t.Columns = append(t.Columns, TableColumn{Name: cn, Type: ty, About: Catalog[tn].Columns[cn]})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	out := make([]Table, 0, len(byName))
	for _, t := range byName {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
