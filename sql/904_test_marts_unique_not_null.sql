-- Mart keys are unique and their required columns are set.
SELECT 'mart_province_year' AS mart, province_code || '/' || year || '/' || indicator AS key, count(*) AS n
FROM mart_province_year GROUP BY province_code, year, indicator HAVING count(*) > 1
UNION ALL
SELECT 'mart_province_year', province_code || '/' || year || '/' || indicator, 1
FROM mart_province_year
WHERE value IS NULL OR basis NOT IN ('province_report', 'sum_of_units') OR qualifier IS NULL OR periods IS NULL
   OR province_code IS NULL OR year IS NULL OR indicator IS NULL
UNION ALL
SELECT 'mart_unit_year', unit_code || '/' || series || '/' || year || '/' || indicator, count(*)
FROM mart_unit_year GROUP BY unit_code, series, year, indicator HAVING count(*) > 1
UNION ALL
SELECT 'mart_unit_year', unit_code || '/' || year || '/' || indicator, 1
FROM mart_unit_year
WHERE value IS NULL OR unit_name IS NULL OR rank IS NULL OR rank > rank_of
   OR series NOT IN ('district_until_2025H1', 'commune_from_2025H2')
   OR (series = 'district_until_2025H1' AND year > 2025)
   OR (series = 'commune_from_2025H2' AND year < 2025)
UNION ALL
SELECT 'mart_completeness', province_code || '/' || period, count(*)
FROM mart_completeness GROUP BY province_code, period HAVING count(*) > 1
UNION ALL
SELECT 'mart_reporting', unit_level || '/' || unit_code || '/' || period, count(*)
FROM mart_reporting GROUP BY unit_level, unit_code, period HAVING count(*) > 1
UNION ALL
SELECT 'mart_reporting', unit_level || '/' || unit_code || '/' || period, 1
FROM mart_reporting
WHERE status NOT IN ('on_time', 'late', 'missing', 'pending') OR deadline IS NULL OR unit_name IS NULL
   OR (status IN ('on_time', 'late')) <> (first_received IS NOT NULL)
UNION ALL
SELECT 'mart_years', CAST(year AS VARCHAR), count(*)
FROM mart_years GROUP BY year HAVING count(*) > 1
UNION ALL
SELECT 'mart_unit_year', unit_code || '/' || year || '/' || indicator, 1
FROM mart_unit_year
WHERE comparable IS NULL OR (comparable AND (comparable_rank IS NULL OR comparable_rank > comparable_of))
   OR (NOT comparable AND comparable_rank IS NOT NULL)
