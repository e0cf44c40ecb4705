-- Staging, one (province_code, year) partition at a time: the latest accepted
-- value per (unit_code, period, indicator, disaggregation). A key always falls
-- in one partition (the unit fixes the province, the period fixes the year),
-- so supersession never crosses partitions. Latest = greatest
-- (ingested_at, batch, seq); earlier values are superseded and left out.
DELETE FROM stg_facts
WHERE province_code = getvariable('partition_province') AND year = getvariable('partition_year');

INSERT INTO stg_facts
SELECT
    province_code, province_name, unit_code, unit_name, unit_level, period, period_type,
    period_start, period_end, year, indicator, disaggregation, value, qualifier, origin,
    quote, note, report_id, source_file, source_ref, submitted_at, ingested_at, batch, seq
FROM partition_facts
QUALIFY row_number() OVER (
    PARTITION BY unit_code, period, indicator, disaggregation
    ORDER BY ingested_at DESC, batch DESC, seq DESC
) = 1;
