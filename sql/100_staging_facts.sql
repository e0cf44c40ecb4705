-- Staging, one (province_code, year) partition at a time: the latest accepted
-- value per (unit_code, period, indicator, disaggregation). A key always falls
-- in one partition (the unit fixes the province, the period fixes the year),
-- so supersession never crosses partitions. Latest = greatest
-- (ingested_at, batch, seq); earlier values are superseded and left out (they
-- stay in facts_history). arg_max, a hash aggregate, is much cheaper here than
-- ranking every row with a window.
DELETE FROM stg_facts
WHERE province_code = getvariable('partition_province') AND year = getvariable('partition_year');

INSERT INTO stg_facts BY NAME
SELECT unnest(arg_max(f, (f.ingested_at, f.batch, f.seq)))
FROM partition_facts f
GROUP BY f.unit_code, f.period, f.indicator, f.disaggregation;
