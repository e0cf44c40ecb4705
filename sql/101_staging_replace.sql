-- Staging, second part (100_staging_facts says what staging is): rebuilding,
-- the partitions' staged values go; appending, those a new value of a
-- greater version replaces.
DELETE FROM stg_facts
WHERE in_refresh(province_code, year)
  AND NOT getvariable('partition_append');

DELETE FROM stg_facts s
USING (
    SELECT unit_code, period, indicator, disaggregation, max(fact_version(ingested_at, batch, seq)) AS version
    FROM partition_facts
    GROUP BY unit_code, period, indicator, disaggregation
) l
WHERE getvariable('partition_append')
  AND in_refresh(s.province_code, s.year)
  AND s.unit_code = l.unit_code AND s.period = l.period AND s.indicator = l.indicator
  AND s.disaggregation IS NOT DISTINCT FROM l.disaggregation
  AND fact_version(s.ingested_at, s.batch, s.seq) < l.version;
