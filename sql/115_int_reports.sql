-- The reports behind the facts, over the partitions being refreshed: a report is a file's
-- values for one unit and period, so it never spans partitions, and its
-- report_id and batch fix everything else about it (grouped by those two
-- alone, the rest taken with any_value: far cheaper than grouping by all).
-- Later models read this table.
--
-- A report's value that staging did not keep was replaced by a later
-- report's (fact_version, 005_macros). It is superseded when the value now in
-- force for its key differs from it, in value or qualifier; confirmed when
-- the value in force is the same (a later report sent it again unchanged): a
-- resubmission that changes one value of five supersedes one and confirms
-- four. Each fact is joined to the staged value of its key (every key has
-- one), in the same pass that groups the facts by report; the fact that is
-- itself staged is neither. The key alone joins them: it fixes the province
-- (the unit does), and no part of it is ever null (901_test_stg_not_null);
-- joined on the province too, DuckDB built its hash table on the facts
-- rather than on the smaller staging when the facts are read in place
-- (a third more CPU for this model). That join is the price of telling the two apart:
-- a second pass over the partition's facts by key, where counting what
-- staging kept per report needed none.
--
-- Appending (see 100_staging_facts) adds the new batches' reports, then
-- recounts the reports read before (partition_earlier: the facts of the
-- partition's earlier batches, empty when rebuilding), whose keys may now
-- have a new value in force.
DELETE FROM int_reports
WHERE in_refresh(province_code, year)
  AND NOT getvariable('partition_append');

INSERT INTO int_reports
SELECT
    f.report_id, any_value(f.province_code) AS province_code, any_value(f.year) AS year,
    any_value(f.unit_code) AS unit_code, any_value(f.unit_name) AS unit_name, any_value(f.unit_level) AS unit_level,
    any_value(f.period) AS period, any_value(f.period_type) AS period_type, any_value(f.period_start) AS period_start,
    any_value(f.period_end) AS period_end, any_value(f.source_file) AS source_file, f.batch,
    min(f.submitted_at) AS submitted_at, min(f.ingested_at) AS ingested_at,
    -- min(CAST(coalesce(submitted_at, ingested_at) AS DATE)) and
    -- bool_or(submitted_at IS NOT NULL), written so that nothing is computed
    -- per row.
    CAST(least(min(f.submitted_at), min(f.ingested_at) FILTER (WHERE f.submitted_at IS NULL)) AS DATE) AS first_received,
    count(f.submitted_at) > 0 AS submitted_known, count(*) AS "values",
    count(*) FILTER (WHERE NOT (s.batch = f.batch AND s.seq = f.seq)
        AND (s.value IS DISTINCT FROM f.value OR s.qualifier IS DISTINCT FROM f.qualifier)) AS superseded_values,
    count(*) FILTER (WHERE NOT (s.batch = f.batch AND s.seq = f.seq)
        AND s.value IS NOT DISTINCT FROM f.value AND s.qualifier IS NOT DISTINCT FROM f.qualifier) AS confirmed_values
FROM partition_facts f
JOIN stg_facts s
    ON in_refresh(s.province_code, s.year)
   AND s.unit_code = f.unit_code AND s.period = f.period AND s.indicator = f.indicator
   AND s.disaggregation = f.disaggregation
GROUP BY f.report_id, f.batch;

UPDATE int_reports
SET superseded_values = x.superseded, confirmed_values = x.confirmed
FROM (
    SELECT f.report_id, f.batch,
        count(*) FILTER (WHERE NOT (s.batch = f.batch AND s.seq = f.seq)
            AND (s.value IS DISTINCT FROM f.value OR s.qualifier IS DISTINCT FROM f.qualifier)) AS superseded,
        count(*) FILTER (WHERE NOT (s.batch = f.batch AND s.seq = f.seq)
            AND s.value IS NOT DISTINCT FROM f.value AND s.qualifier IS NOT DISTINCT FROM f.qualifier) AS confirmed
    FROM partition_earlier f
    JOIN stg_facts s
        ON in_refresh(s.province_code, s.year)
       AND s.unit_code = f.unit_code AND s.period = f.period AND s.indicator = f.indicator
       AND s.disaggregation = f.disaggregation
    GROUP BY f.report_id, f.batch
) x
WHERE getvariable('partition_append')
  AND in_refresh(int_reports.province_code, int_reports.year)
  AND int_reports.report_id = x.report_id AND int_reports.batch = x.batch;
