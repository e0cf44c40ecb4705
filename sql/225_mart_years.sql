-- mart_years: grain (year): which periods the figures of a year hold and
-- lack, so no page shows a part of a year as the year. A province covers the
-- months of the periods its year figures were formed from (int_unit_year:
-- its own annual report, its units' annual reports or halves, ...); the
-- year's months are those every province covers. complete: all twelve,
-- for every province. label_vi / label_en say what a part-year holds:
-- "6 tháng đầu năm 2026 (chưa đủ năm)". periods_lacking: the half-years
-- not covered.
CREATE OR REPLACE TABLE mart_years AS
WITH p AS (
    SELECT DISTINCT province_code, year, unnest(periods) AS period FROM int_unit_year
),
pm AS (
    SELECT province_code, year, list_sort(list(period)) AS periods,
        list_sort(list_distinct(flatten(list(coalesce(period_months(period), []))))) AS months
    FROM p
    GROUP BY province_code, year
),
provinces AS (
    SELECT count(*) AS n FROM units WHERE level = 'province'
),
common AS ( -- months every province covers
    SELECT year, list_sort(list(m)) AS months
    FROM (
        SELECT year, m FROM (SELECT province_code, year, unnest(months) AS m FROM pm)
        GROUP BY year, m
        HAVING count(DISTINCT province_code) = (SELECT n FROM provinces)
    )
    GROUP BY year
),
y AS (
    SELECT pm.year,
        list_sort(list_distinct(flatten(list(pm.periods)))) AS periods,
        list_sort(list(pm.province_code) FILTER (WHERE len(pm.months) = 12)) AS provinces_complete,
        coalesce(any_value(c.months), []::BIGINT[]) AS months
    FROM pm
    LEFT JOIN common c ON c.year = pm.year
    GROUP BY pm.year
)
SELECT
    year,
    len(months) = 12 AS complete,
    len(months) AS months_covered,
    periods,
    list_filter([CAST(year AS VARCHAR) || '-H1', CAST(year AS VARCHAR) || '-H2'],
        lambda h: NOT list_has_all(months, period_months(h))) AS periods_lacking,
    coalesce(provinces_complete, []::VARCHAR[]) AS provinces_complete,
    CASE
        WHEN len(months) = 12 THEN CAST(year AS VARCHAR)
        WHEN months = range(1, 7) THEN '6 tháng đầu năm ' || year || ' (chưa đủ năm)'
        WHEN len(months) > 0 AND months = range(1, len(months) + 1) THEN len(months) || ' tháng đầu năm ' || year || ' (chưa đủ năm)'
        ELSE 'Năm ' || year || ' (chưa đủ năm)'
    END AS label_vi,
    CASE
        WHEN len(months) = 12 THEN CAST(year AS VARCHAR)
        WHEN months = range(1, 7) THEN 'First half of ' || year || ' (part-year)'
        WHEN len(months) > 0 AND months = range(1, len(months) + 1) THEN 'First ' || len(months) || ' months of ' || year || ' (part-year)'
        ELSE year || ' (part-year)'
    END AS label_en
FROM y;
