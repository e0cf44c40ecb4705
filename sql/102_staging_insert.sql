-- Staging, third part: the rows staging_latest (100_staging_facts) names,
-- inserted into stg_facts; appending, a key still staged keeps its value
-- (101_staging_replace deleted the staged values a new one supersedes).
--
-- The rows go in sorted as the publication writes a partition's stg_facts
-- file (pipeline/export's order for it; a test keeps the two the same). The
-- sort there gathers every wide row into a new order; finding them in order
-- already, it reads them in one sequential pass. The sort here costs less
-- than that (at 24M facts: +1.8 s of CPU for staging, -3.5 s for the
-- publication). No output depends on the order the rows are stored in.
--
-- DuckDB holds a sort's wide rows in memory (they do not spill as a join's
-- or an aggregate's do), so the refresh bounds the rows one run of this
-- statement sorts: when staging_latest names more rows than the memory
-- limit allows, it runs the statement once per slice of them, each slice a
-- range of the order below (partition first), in that order, staging_latest
-- then holding the slice's rows only. Each partition's rows are stored in
-- the same order either way.
INSERT INTO stg_facts BY NAME
WITH staged AS ( -- appending: the values still staged are newer than the new ones
    SELECT unit_code, period, indicator, disaggregation
    FROM stg_facts
    WHERE getvariable('partition_append')
      AND in_refresh(province_code, year)
)
SELECT f.* EXCLUDE (batch_version)
FROM partition_facts f
SEMI JOIN staging_latest l ON f.batch_version = l.batch_version AND f.seq = l.seq
ANTI JOIN staged s
    ON f.unit_code = s.unit_code AND f.period = s.period AND f.indicator = s.indicator
   AND f.disaggregation IS NOT DISTINCT FROM s.disaggregation
ORDER BY f.indicator, f.unit_level, f.unit_code, f.period, f.disaggregation;
