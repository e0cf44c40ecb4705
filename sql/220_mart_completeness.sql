-- mart_completeness: grain (province_code, period). For every period anyone
-- reported for (year, half, quarter, month), each province's expected units
-- are the reporting units standing on the last day of the period (districts
-- until 2025-H1, communes from 2025-H2; the 2025 annual report is due from
-- the communes). A unit with nothing received is missing: an empty cell is
-- "not reported", never zero. On time: first received (stated submission
-- date, else ingestion day) no later than period end + deadline_days.
CREATE OR REPLACE TABLE mart_completeness AS
WITH per AS (
    SELECT DISTINCT period, period_type, period_start, period_end
    FROM int_unit_report
    WHERE period_type IN ('year', 'half', 'quarter', 'month')
),
e AS (
    SELECT pv.code AS province_code, per.period, per.period_type, per.period_start, per.period_end,
        per.period_end + s.deadline_days AS deadline,
        r.unit_code, r.unit_name,
        rep.unit_code IS NOT NULL AS received,
        coalesce(rep.first_received <= per.period_end + s.deadline_days, false) AS on_time
    FROM per
    CROSS JOIN refresh_settings s
    CROSS JOIN (SELECT code FROM units WHERE level = 'province') pv
    JOIN reporting_units r
      ON r.province_code = pv.code AND r.valid_from <= per.period_end AND r.valid_to >= per.period_end
    LEFT JOIN int_unit_report rep
      ON rep.unit_code = r.unit_code AND rep.unit_level = r.unit_level AND rep.period = per.period
),
own AS (
    SELECT DISTINCT province_code, period FROM int_unit_report WHERE unit_level = 'province'
)
SELECT
    e.province_code, e.period, e.period_type, e.period_start, e.period_end, e.deadline,
    count(*) AS expected,
    count(*) FILTER (WHERE received) AS received,
    count(*) FILTER (WHERE on_time) AS on_time,
    count(*) FILTER (WHERE received AND NOT on_time) AS late,
    round(count(*) FILTER (WHERE received) / count(*), 4) AS rate,
    round(count(*) FILTER (WHERE on_time) / nullif(count(*) FILTER (WHERE received), 0), 4) AS timeliness,
    list_filter(list(CASE WHEN NOT received THEN {'unit_code': unit_code, 'unit_name': unit_name} END
                     ORDER BY unit_code), lambda x: x IS NOT NULL) AS missing,
    any_value(own.period IS NOT NULL) AS province_reported
FROM e
LEFT JOIN own ON own.province_code = e.province_code AND own.period = e.period
GROUP BY e.province_code, e.period, e.period_type, e.period_start, e.period_end, e.deadline;
