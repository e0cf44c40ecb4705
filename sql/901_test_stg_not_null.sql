-- Required columns of stg_facts are never null (quote, note, submitted_at may be).
SELECT s.unit_code, s.period, s.indicator, s.disaggregation, s.batch, s.seq
FROM stg_facts s
JOIN refreshed_partitions c ON s.province_code = c.province_code AND s.year = c.year
WHERE s.province_name IS NULL OR s.unit_code IS NULL OR s.unit_name IS NULL OR s.unit_level IS NULL
   OR s.period IS NULL OR s.period_type IS NULL OR s.period_start IS NULL OR s.period_end IS NULL
   OR s.indicator IS NULL OR s.disaggregation IS NULL OR s.value IS NULL OR s.qualifier IS NULL
   OR s.origin IS NULL OR s.report_id IS NULL OR s.source_file IS NULL OR s.source_ref IS NULL
   OR s.ingested_at IS NULL OR s.batch IS NULL OR s.seq IS NULL
