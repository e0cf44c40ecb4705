-- Coded columns of stg_facts take only their accepted values; values are
-- finite and not negative; the partition year is the year of period_end; a
-- breakdown belongs to its indicator's dimension.
SELECT s.unit_code, s.period, s.indicator, s.disaggregation, s.batch, s.seq
FROM stg_facts s
JOIN refreshed_partitions c ON s.province_code = c.province_code AND s.year = c.year
LEFT JOIN indicators i ON i.code = s.indicator
LEFT JOIN disaggregations d ON d.code = s.disaggregation AND d.dimension = i.dimension
WHERE s.qualifier NOT IN ('exact', 'approx', 'at_least', 'at_most')
   OR s.origin NOT IN ('form', 'extracted')
   OR s.unit_level NOT IN ('province', 'district', 'commune')
   OR s.period_type NOT IN ('year', 'half', 'quarter', 'month', 'range', 'to_date')
   OR s.province_code NOT IN ('38', '40', '42')
   OR s.value < 0 OR NOT isfinite(s.value)
   OR s.period_start > s.period_end
   OR s.year <> year(s.period_end)
   OR (s.disaggregation <> 'total' AND d.code IS NULL)
