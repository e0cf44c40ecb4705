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
	"database/sql/driver"
	"fmt"
	"sort"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/danvan/danvan/pipeline"
)

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

// loadStandings (re)creates unit_standing in tx, the marts' transaction on
// conn: one row per report a reporting unit owed, with its status (on_time,
// late, missing, pending), the day it was first received, and for a missing
// period the shorter periods of it that arrived. asOf is the data's as-of
// day (YYYY-MM-DD); empty when nothing is loaded.
//
// The table is temporary: it is made again at every refresh and read only
// by the marts of this transaction, so neither the marts' commit (the WAL)
// nor the closing checkpoint (the database file) writes it (the drop of 365
// forms: 2,249 rows, ~256 KB of the file). The DROP removes the table
// earlier versions kept in the database file (or the temporary one this
// connection made before, made again below).
func (w *Warehouse) loadStandings(ctx context.Context, conn *sql.Conn, tx *sql.Tx, asOf string) error {
	if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS unit_standing;
		CREATE TEMP TABLE unit_standing (
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
	rows, err := tx.QueryContext(ctx, `SELECT unit_level, unit_code, period, first_received FROM int_unit_report
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
	// The rows go in through DuckDB's appender, on the marts' connection
	// and in their transaction: an INSERT of VALUES, prepared or literal,
	// took seconds for the demo's 1,500 rows (DuckDB binds each row's
	// expressions); one JSON text unnested by DuckDB took ~40 ms of CPU
	// for the 2,249 rows of the bench's drop, most of the step.
	err = conn.Raw(func(dc any) error {
		dconn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("not a DuckDB connection: %T", dc)
		}
		a, err := duckdb.NewAppender(dconn, "temp", "main", "unit_standing")
		if err != nil {
			return err
		}
		owing := cal.Owing(from, end, w.opts.DeadlineDays)
		for _, u := range w.opts.Reference.Units {
			if u.Level != pipeline.LevelDistrict && u.Level != pipeline.LevelCommune {
				continue
			}
			for _, s := range owing.Standings(u, received[string(u.Level)+"/"+u.Code]) {
				var first any
				if !s.Received.IsZero() {
					first = s.Received
				}
				parts := s.Parts
				if parts == nil {
					parts = []string{}
				}
				if err := a.AppendRow(u.ProvinceCode, u.Code, string(u.Level), u.Name, u.Type,
					s.Period.Code, string(s.Period.Type), s.Period.Start, s.Period.End, int32(s.Period.Year()),
					s.Deadline, string(s.Status), first, parts, s.PartsCover, s.Rule.LabelVI, s.Rule.LabelEN); err != nil {
					a.Close()
					return err
				}
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("refresh: unit standing: %w", err)
	}
	return nil
}
