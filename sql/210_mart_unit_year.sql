-- mart_unit_year: grain (unit_code, series, year, indicator) for the units that
-- report to the province. A district's series ends at 2025-H1 and a commune's
-- begins at 2025-H2: their 2025 rows carry period 2025-H1 / 2025-H2.
-- Rank: within (province, year, indicator, series), largest value first,
-- ties share a rank; rank_of is how many units were ranked.
-- Comparable rank: a ranking compares only figures that cover the same
-- periods. The units whose figure covers the whole span of the year they
-- existed in (an annual report, or both halves) are compared; when none
-- does (a part-year such as 2026 with its first half only), those that
-- sent the periods most of them sent. The others are not ranked
-- (comparable false, comparable_rank NULL) and are listed apart with the
-- periods they sent (periods) and lack (periods_lacking).
-- Per capita for districts uses their 2019 census count; communes created in
-- 2025 have no census count, so theirs is null.
--
-- Kept between refreshes, by (province_code, year): the refresh defines
-- in_marts(p, y), the partitions whose staging changed since the mart was
-- last built (all of them, into a new table, when the models or the
-- reference changed), and only their rows are computed again. A row reads
-- its own province-year alone (the ranks are within it), so the kept rows
-- are what a full build gives. Of the demo's history and a half-year's
-- commune forms, 3 partitions of 24 hold a third of the rows; a build of
-- all of them cost twice as much CPU. The columns are written out: a table
-- made from the query (CREATE TABLE AS) costs another binding of it, as much
-- again as computing the changed partitions.
CREATE TABLE IF NOT EXISTS mart_unit_year (
    province_code VARCHAR, unit_code VARCHAR, unit_name VARCHAR, unit_type VARCHAR, unit_level VARCHAR,
    series VARCHAR, year INTEGER, period VARCHAR, indicator VARCHAR, value DOUBLE, qualifier VARCHAR,
    year_basis VARCHAR, partial BOOLEAN, periods VARCHAR[], periods_lacking VARCHAR[], rank BIGINT,
    rank_of BIGINT, comparable BOOLEAN, comparable_rank BIGINT, comparable_of BIGINT, per_100k DOUBLE,
    population BIGINT, population_year INTEGER
);

DELETE FROM mart_unit_year WHERE in_marts(province_code, year);

INSERT INTO mart_unit_year BY NAME
WITH u AS (
    SELECT y.*, CASE WHEN y.complete THEN 'whole' ELSE array_to_string(y.periods, ',') END AS coverage
    FROM int_unit_year y
    WHERE y.unit_level <> 'province' AND in_marts(y.province_code, y.year)
),
main AS (
    SELECT province_code, year, indicator, series, coverage
    FROM (SELECT province_code, year, indicator, series, coverage, count(*) AS n, bool_or(complete) AS whole
          FROM u GROUP BY province_code, year, indicator, series, coverage)
    QUALIFY row_number() OVER (PARTITION BY province_code, year, indicator, series ORDER BY whole DESC, n DESC, coverage) = 1
),
c AS (
    SELECT u.*, u.coverage = m.coverage AS comparable
    FROM u
    JOIN main m ON m.province_code = u.province_code AND m.year = u.year AND m.indicator = u.indicator AND m.series = u.series
)
SELECT
    y.province_code, y.unit_code, r.unit_name, r.unit_type, y.unit_level, y.series, y.year,
    CASE
        WHEN y.series = 'district_until_2025H1' AND y.year = 2025 THEN '2025-H1'
        WHEN y.series = 'commune_from_2025H2' AND y.year = 2025 THEN '2025-H2'
        ELSE CAST(y.year AS VARCHAR)
    END AS period,
    y.indicator, y.value, y.qualifier, y.year_basis, NOT y.complete AS partial, y.periods,
    CASE WHEN y.complete THEN []::VARCHAR[] ELSE halves_lacking(y.year, y.periods) END AS periods_lacking,
    rank() OVER w AS rank,
    count(*) OVER (PARTITION BY y.province_code, y.year, y.indicator, y.series) AS rank_of,
    y.comparable,
    CASE WHEN y.comparable THEN rank() OVER wc END AS comparable_rank,
    CASE WHEN y.comparable THEN count(*) OVER (PARTITION BY y.province_code, y.year, y.indicator, y.series, y.comparable) END AS comparable_of,
    round(y.value / p.population * 100000, 4) AS per_100k,
    p.population,
    p.year AS population_year
FROM c y
JOIN reporting_units r
  ON r.unit_code = y.unit_code AND r.unit_level = y.unit_level AND r.province_code = y.province_code
LEFT JOIN population p ON p.unit_code = y.unit_code AND y.unit_level = 'district' AND p.year = 2019
WINDOW w AS (PARTITION BY y.province_code, y.year, y.indicator, y.series ORDER BY y.value DESC),
       wc AS (PARTITION BY y.province_code, y.year, y.indicator, y.series, y.comparable ORDER BY y.value DESC);
