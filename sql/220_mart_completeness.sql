-- mart_completeness: grain (province_code, period), for the periods the
-- reporting calendar asks for (mart_reporting) and no other: a period that
-- only appears in the data (one unit's monthly figures, a quarterly form)
-- is owed by nobody and is not listed. expected = units that owed the
-- report, received = those that sent it (on time or late), missing lists
-- the others (status missing or pending; pending while the deadline has
-- not passed), each with the shorter periods of it they did send. An
-- empty cell is "not reported", never zero.
CREATE OR REPLACE TABLE mart_completeness AS
WITH own AS (
    SELECT DISTINCT province_code, period FROM int_unit_report WHERE unit_level = 'province'
)
SELECT
    r.province_code, r.period, r.period_type, r.period_start, r.period_end, max(r.deadline) AS deadline,
    count(*) AS expected,
    count(*) FILTER (WHERE r.status IN ('on_time', 'late')) AS received,
    count(*) FILTER (WHERE r.status = 'on_time') AS on_time,
    count(*) FILTER (WHERE r.status = 'late') AS late,
    count(*) FILTER (WHERE r.status = 'pending') AS pending,
    count(*) FILTER (WHERE r.status = 'missing' AND r.parts_cover) AS missing_parts_cover,
    round(count(*) FILTER (WHERE r.status IN ('on_time', 'late')) / count(*), 4) AS rate,
    round(count(*) FILTER (WHERE r.status = 'on_time') / nullif(count(*) FILTER (WHERE r.status IN ('on_time', 'late')), 0), 4) AS timeliness,
    list_filter(list(CASE WHEN r.status NOT IN ('on_time', 'late') THEN {
            'unit_code': r.unit_code, 'unit_name': r.unit_name, 'unit_type': r.unit_type, 'status': r.status,
            'parts_received': r.parts_received, 'parts_cover': r.parts_cover} END
        ORDER BY r.unit_code), lambda x: x IS NOT NULL) AS missing,
    any_value(own.period IS NOT NULL) AS province_reported
FROM mart_reporting r
LEFT JOIN own ON own.province_code = r.province_code AND own.period = r.period
GROUP BY r.province_code, r.period, r.period_type, r.period_start, r.period_end;
