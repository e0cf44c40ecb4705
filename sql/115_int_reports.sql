-- The reports behind the facts, over the partitions being refreshed: a report is a file's
-- values for one unit and period, so it never spans partitions, and its
-- report_id and batch fix everything else about it (grouped by those two
-- alone, the rest taken with any_value: far cheaper than grouping by all).
-- Its values that staging did not keep were superseded by a later report.
-- The one scan of the partition's facts after staging: later models read
-- this table. Appending (see 100_staging_facts) adds the new batches' reports
-- and recounts what the new values superseded in the reports already kept.
DELETE FROM int_reports
WHERE in_refresh(province_code, year)
  AND NOT getvariable('partition_append');

INSERT INTO int_reports
WITH kept AS (
    SELECT report_id, batch, count(*) AS n
    FROM stg_facts
    WHERE in_refresh(province_code, year)
    GROUP BY report_id, batch
),
reports AS (
    SELECT
        report_id, batch, any_value(province_code) AS province_code, any_value(year) AS year,
        any_value(unit_code) AS unit_code, any_value(unit_name) AS unit_name, any_value(unit_level) AS unit_level,
        any_value(period) AS period, any_value(period_type) AS period_type, any_value(period_start) AS period_start,
        any_value(period_end) AS period_end, any_value(source_file) AS source_file,
        min(submitted_at) AS submitted_at, min(ingested_at) AS ingested_at,
        -- min(CAST(coalesce(submitted_at, ingested_at) AS DATE)) and
        -- bool_or(submitted_at IS NOT NULL), written so that nothing is
        -- computed per row: half the time of this model.
        CAST(least(min(submitted_at), min(ingested_at) FILTER (WHERE submitted_at IS NULL)) AS DATE) AS first_received,
        count(submitted_at) > 0 AS submitted_known, count(*) AS "values"
    FROM partition_facts
    GROUP BY report_id, batch
)
SELECT
    r.report_id, r.province_code, r.year, r.unit_code, r.unit_name, r.unit_level, r.period, r.period_type,
    r.period_start, r.period_end, r.source_file, r.batch, r.submitted_at, r.ingested_at, r.first_received,
    r.submitted_known, r."values", r."values" - coalesce(k.n, 0) AS superseded_values
FROM reports r
LEFT JOIN kept k ON k.report_id = r.report_id AND k.batch = r.batch;

UPDATE int_reports
SET superseded_values = "values" - (
    SELECT count(*)
    FROM stg_facts s
    WHERE in_refresh(s.province_code, s.year)
      AND s.report_id = int_reports.report_id AND s.batch = int_reports.batch
)
WHERE getvariable('partition_append')
  AND in_refresh(province_code, year);
