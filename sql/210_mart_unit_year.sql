-- mart_unit_year: grain (unit_code, series, year, indicator) for the units that
-- report to the province. A district's series ends at 2025-H1 and a commune's
-- begins at 2025-H2: their 2025 rows carry period 2025-H1 / 2025-H2.
-- Rank: within (province, year, indicator, series), largest value first,
-- ties share a rank; rank_of is how many units were ranked.
-- Per capita for districts uses their 2019 census count; communes created in
-- 2025 have no census count, so theirs is null.
CREATE OR REPLACE TABLE mart_unit_year AS
SELECT
    y.province_code, y.unit_code, r.unit_name, y.unit_level, y.series, y.year,
    CASE
        WHEN y.series = 'district_until_2025H1' AND y.year = 2025 THEN '2025-H1'
        WHEN y.series = 'commune_from_2025H2' AND y.year = 2025 THEN '2025-H2'
        ELSE CAST(y.year AS VARCHAR)
    END AS period,
    y.indicator, y.value, y.qualifier, y.year_basis, NOT y.complete AS partial, y.periods,
    rank() OVER w AS rank,
    count(*) OVER (PARTITION BY y.province_code, y.year, y.indicator, y.series) AS rank_of,
    round(y.value / p.population * 100000, 4) AS per_100k,
    p.population,
    p.year AS population_year
FROM int_unit_year y
JOIN reporting_units r
  ON r.unit_code = y.unit_code AND r.unit_level = y.unit_level AND r.province_code = y.province_code
LEFT JOIN population p ON p.unit_code = y.unit_code AND y.unit_level = 'district' AND p.year = 2019
WHERE y.unit_level <> 'province'
WINDOW w AS (PARTITION BY y.province_code, y.year, y.indicator, y.series ORDER BY y.value DESC);
