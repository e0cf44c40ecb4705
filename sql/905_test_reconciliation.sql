-- Totals reconcile:
--  * a province's sum of units equals the sum of its unit rows in mart_unit_year;
--  * the published value is the one its basis names;
--  * a year value with basis "annual" is the annual figure itself (no half-year added);
--  * completeness counts add up and missing lists the units not received.
WITH u AS (
    SELECT province_code, year, indicator, sum(value) AS value
    FROM mart_unit_year GROUP BY province_code, year, indicator
)
SELECT 'sum_of_units' AS test_check, p.province_code || '/' || p.year || '/' || p.indicator AS key
FROM mart_province_year p
FULL JOIN u ON u.province_code = p.province_code AND u.year = p.year AND u.indicator = p.indicator
WHERE abs(coalesce(p.value_sum_of_units, 0) - coalesce(u.value, 0)) > 1e-6 * greatest(1, abs(u.value))
   OR (p.province_code IS NULL)
UNION ALL
SELECT 'basis', province_code || '/' || year || '/' || indicator
FROM mart_province_year
WHERE value IS DISTINCT FROM CASE basis WHEN 'province_report' THEN value_province_report ELSE value_sum_of_units END
UNION ALL
SELECT 'annual_not_added', y.unit_code || '/' || y.year || '/' || y.indicator
FROM int_unit_year y
JOIN refreshed_partitions c ON y.province_code = c.province_code AND y.year = c.year
LEFT JOIN int_unit_period p
  ON p.unit_code = y.unit_code AND p.unit_level = y.unit_level AND p.indicator = y.indicator
 AND p.period = CAST(y.year AS VARCHAR)
WHERE y.year_basis = 'annual' AND y.value IS DISTINCT FROM p.value
UNION ALL
SELECT 'completeness_counts', province_code || '/' || period
FROM mart_completeness
WHERE received > expected OR on_time > received OR late <> received - on_time
   OR len(missing) <> expected - received
