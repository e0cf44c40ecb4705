-- Staging, one (province_code, year) partition at a time: the latest accepted
-- value per (unit_code, period, indicator, disaggregation). A key always falls
-- in one partition (the unit fixes the province, the period fixes the year),
-- so supersession never crosses partitions. Latest = greatest
-- (ingested_at, batch, seq); earlier values are superseded and left out (they
-- stay in facts_history). Finding the latest on the key columns alone, then
-- keeping the rows that match it, costs less than ranking whole rows (a
-- window) or carrying them through an aggregate (arg_max).
DELETE FROM stg_facts
WHERE province_code = getvariable('partition_province') AND year = getvariable('partition_year');

INSERT INTO stg_facts BY NAME
WITH latest AS (
    SELECT unit_code, period, indicator, disaggregation, max((ingested_at, batch, seq)) AS version
    FROM partition_facts
    GROUP BY unit_code, period, indicator, disaggregation
)
SELECT f.*
FROM partition_facts f
SEMI JOIN latest l
    ON f.unit_code = l.unit_code AND f.period = l.period AND f.indicator = l.indicator
   AND f.disaggregation IS NOT DISTINCT FROM l.disaggregation
   AND (f.ingested_at, f.batch, f.seq) = l.version;
