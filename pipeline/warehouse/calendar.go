package warehouse

// What each reporting unit owed and what it sent, by the reporting calendar
// (pipeline.Calendar, the one home of the rule): the unit_standing table the
// completeness marts read (sql/215, 220). It is computed in Go, by
// Calendar.Standings, from int_unit_report (what arrived, and when), for the
// periods that start no earlier than the first year anyone reported a
// period the calendar asks for and that ended by the data's as-of day, so
// it depends on the inputs only.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// sqlRunner is what loadStandings needs of the marts' transaction.
type sqlRunner interface {
	execer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// calendarRows are the rules as the reporting_calendar table holds them.
func calendarRows(cal *pipeline.Calendar) [][]any {
	var rows [][]any
	for i, r := range cal.Rules {
		var deadline any
		if r.DeadlineDays > 0 {
			deadline = r.DeadlineDays
		}
		rows = append(rows, []any{i + 1, string(r.Level), string(r.Kind), nullString(r.From.Code), nullString(r.Until.Code),
			deadline, r.LabelVI, r.LabelEN})
	}
	return rows
}

// fixRows are the fixes of every kind of refusal (pipeline.FixFor), sorted
// by code, and the general one under "*".
func fixRows() [][]any {
	fixes := pipeline.Fixes()
	codes := make([]string, 0, len(fixes))
	for c := range fixes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	rows := make([][]any, 0, len(codes)+1)
	for _, c := range codes {
		rows = append(rows, []any{c, fixes[c].VI, fixes[c].EN})
	}
	g, _ := pipeline.FixFor("")
	return append(rows, []any{"*", g.VI, g.EN})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// loadStandings (re)creates unit_standing on conn: one row per report a
// reporting unit owed, with its status (on_time, late, missing, pending),
// the day it was first received, and for a missing period the shorter
// periods of it that arrived. asOf is the data's as-of day (YYYY-MM-DD);
// empty when nothing is loaded.
func (w *Warehouse) loadStandings(ctx context.Context, conn sqlRunner, asOf string) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE unit_standing (
		province_code VARCHAR, unit_code VARCHAR, unit_level VARCHAR, unit_name VARCHAR, unit_type VARCHAR,
		period VARCHAR, period_type VARCHAR, period_start DATE, period_end DATE, year INTEGER,
		deadline DATE, status VARCHAR, first_received DATE, parts_received VARCHAR[], parts_cover BOOLEAN,
		report_label_vi VARCHAR, report_label_en VARCHAR)`); err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	if asOf == "" {
		return nil
	}
	end, err := time.Parse("2006-01-02", asOf)
	if err != nil {
		return fmt.Errorf("refresh: unit standing: as-of day %q: %w", asOf, err)
	}
	cal := w.opts.Calendar
	// What arrived: every (unit, period) of a district or commune.
	received := map[string]map[string]time.Time{} // unit_level/unit_code -> period -> first received
	from := time.Time{}
	rows, err := conn.QueryContext(ctx, `SELECT unit_level, unit_code, period, first_received FROM int_unit_report
		WHERE unit_level IN ('district', 'commune') AND period_type IN ('year', 'half', 'quarter', 'month')`)
	if err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	for rows.Next() {
		var level, code, period string
		var at time.Time
		if err := rows.Scan(&level, &code, &period, &at); err != nil {
			rows.Close()
			return fmt.Errorf("refresh: unit standing: %w", err)
		}
		k := level + "/" + code
		if received[k] == nil {
			received[k] = map[string]time.Time{}
		}
		received[k][period] = at
		if p, err := pipeline.ParsePeriod(period); err == nil && cal.Rule(pipeline.Level(level), p) != nil {
			if y := time.Date(p.Start.Year(), 1, 1, 0, 0, 0, 0, time.UTC); from.IsZero() || y.Before(from) {
				from = y
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	if from.IsZero() {
		return nil // nobody sent a report the calendar asks for
	}
	// The rows go in as one JSON text, unnested by DuckDB: an INSERT of
	// VALUES, prepared or literal, took seconds for the demo's 1,500 rows
	// (DuckDB binds each row's expressions), this a few milliseconds.
	type row struct {
		ProvinceCode  string   `json:"province_code"`
		UnitCode      string   `json:"unit_code"`
		UnitLevel     string   `json:"unit_level"`
		UnitName      string   `json:"unit_name"`
		UnitType      string   `json:"unit_type"`
		Period        string   `json:"period"`
		PeriodType    string   `json:"period_type"`
		PeriodStart   string   `json:"period_start"`
		PeriodEnd     string   `json:"period_end"`
		Year          int      `json:"year"`
		Deadline      string   `json:"deadline"`
		Status        string   `json:"status"`
		FirstReceived *string  `json:"first_received"`
		PartsReceived []string `json:"parts_received"`
		PartsCover    bool     `json:"parts_cover"`
		ReportLabelVI string   `json:"report_label_vi"`
		ReportLabelEN string   `json:"report_label_en"`
	}
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	var out []row
	for _, u := range w.opts.Reference.Units {
		if u.Level != pipeline.LevelDistrict && u.Level != pipeline.LevelCommune {
			continue
		}
		for _, s := range cal.Standings(u, received[string(u.Level)+"/"+u.Code], from, end, w.opts.DeadlineDays) {
			r := row{ProvinceCode: u.ProvinceCode, UnitCode: u.Code, UnitLevel: string(u.Level), UnitName: u.Name, UnitType: u.Type,
				Period: s.Period.Code, PeriodType: string(s.Period.Type), PeriodStart: day(s.Period.Start), PeriodEnd: day(s.Period.End),
				Year: s.Period.Year(), Deadline: day(s.Deadline), Status: string(s.Status), PartsReceived: s.Parts,
				PartsCover: s.PartsCover, ReportLabelVI: s.Rule.LabelVI, ReportLabelEN: s.Rule.LabelEN}
			if r.PartsReceived == nil {
				r.PartsReceived = []string{}
			}
			if !s.Received.IsZero() {
				d := day(s.Received)
				r.FirstReceived = &d
			}
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	const shape = `[{"province_code":"VARCHAR","unit_code":"VARCHAR","unit_level":"VARCHAR","unit_name":"VARCHAR",
		"unit_type":"VARCHAR","period":"VARCHAR","period_type":"VARCHAR","period_start":"DATE","period_end":"DATE",
		"year":"INTEGER","deadline":"DATE","status":"VARCHAR","first_received":"DATE","parts_received":["VARCHAR"],
		"parts_cover":"BOOLEAN","report_label_vi":"VARCHAR","report_label_en":"VARCHAR"}]`
	if _, err := conn.ExecContext(ctx, `INSERT INTO unit_standing SELECT unnest(from_json(?::JSON, '`+shape+`'), recursive := true)`, string(b)); err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	return nil
}
