-- The reports behind the facts, one partition at a time: a report is a file's
-- values for one unit and period, so it never spans partitions. Its values
-- that staging did not keep were superseded by a later report. The one scan
-- of the partition's facts after staging: later models read this table.
DELETE FROM int_reports
WHERE province_code = getvariable('partition_province') AND year = getvariable('partition_year');

INSERT INTO int_reports
WITH kept AS (
    SELECT report_id, batch, count(*) AS n
    FROM stg_facts
    WHERE province_code = getvariable('partition_province') AND year = getvariable('partition_year')
    GROUP BY report_id, batch
)
SELECT
    r.report_id, r.province_code, r.year, r.unit_code, any_value(r.unit_name) AS unit_name, r.unit_level,
    r.period, r.period_type, r.period_start, r.period_end, r.source_file, r.batch,
    min(r.submitted_at) AS submitted_at, min(r.ingested_at) AS ingested_at,
    min(CAST(coalesce(r.submitted_at, r.ingested_at) AS DATE)) AS first_received,
    bool_or(r.submitted_at IS NOT NULL) AS submitted_known,
    count(*) AS "values", count(*) - coalesce(any_value(k.n), 0) AS superseded_values
FROM partition_facts r
LEFT JOIN kept k ON k.report_id = r.report_id AND k.batch = r.batch
GROUP BY r.report_id, r.province_code, r.year, r.unit_code, r.unit_level, r.period, r.period_type,
    r.period_start, r.period_end, r.source_file, r.batch;
