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
	"fmt"
	"sort"
	"strings"
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
	day := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Format("2006-01-02")
	}
	var vals []string
	var args []any
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO unit_standing VALUES "+strings.Join(vals, ","), args...)
		vals, args = vals[:0], args[:0]
		return err
	}
	for _, u := range w.opts.Reference.Units {
		if u.Level != pipeline.LevelDistrict && u.Level != pipeline.LevelCommune {
			continue
		}
		for _, s := range cal.Standings(u, received[string(u.Level)+"/"+u.Code], from, end, w.opts.DeadlineDays) {
			parts := "[]::VARCHAR[]"
			if len(s.Parts) > 0 {
				parts = "[" + strings.Join(quoteAll(s.Parts), ", ") + "]::VARCHAR[]"
			}
			vals = append(vals, "(?,?,?,?,?,?,?,?,?,?,?,?,?,"+parts+",?,?,?)")
			args = append(args, u.ProvinceCode, u.Code, string(u.Level), u.Name, u.Type,
				s.Period.Code, string(s.Period.Type), day(s.Period.Start), day(s.Period.End), s.Period.Year(),
				day(s.Deadline), string(s.Status), day(s.Received), s.PartsCover, s.Rule.LabelVI, s.Rule.LabelEN)
			if len(vals) == 200 {
				if err := flush(); err != nil {
					return fmt.Errorf("refresh: unit standing: %w", err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	return nil
}
