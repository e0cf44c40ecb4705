-- mart_province_year: grain (province_code, year, indicator).
-- Two ways to the same figure: what the province reported for itself, and the
-- sum of its reporting units' year values (districts until 2025-H1, communes
-- from 2025-H2, so 2025 = districts' H1 + communes' H2). The province's own
-- report is the published value when there is one; a difference is flagged.
-- Per capita: per 100,000 inhabitants of the 2019 census (sum of districts).
-- Per unit: per reporting unit standing at the end of the year.
-- Year-over-year change only between two years that are both not partial;
-- yoy_note says why when there is none, periods_lacking which half-years a
-- partial figure lacks.
CREATE OR REPLACE TABLE mart_province_year AS
WITH pr AS (
    SELECT province_code, year, indicator, value, qualifier, year_basis, complete, periods
    FROM int_unit_year
    WHERE unit_level = 'province'
),
su AS (
    SELECT province_code, year, indicator,
        sum(value) AS value,
        combined_qualifier(qualifier) AS qualifier,
        count(*) AS units_reporting,
        bool_and(complete) AS complete,
        list_sort(list_distinct(flatten(list(periods)))) AS periods
    FROM int_unit_year
    WHERE unit_level <> 'province'
    GROUP BY province_code, year, indicator
),
k AS (
    SELECT province_code, year, indicator FROM pr
    UNION
    SELECT province_code, year, indicator FROM su
),
yu AS (
    SELECT y.year, r.province_code,
        count(*) AS units_expected,
        count(*) FILTER (WHERE r.valid_to >= make_date(y.year, 12, 31)) AS units_at_year_end
    FROM (SELECT DISTINCT year FROM k) y
    JOIN reporting_units r
      ON r.valid_from <= make_date(y.year, 12, 31) AND r.valid_to >= make_date(y.year, 1, 1)
    GROUP BY y.year, r.province_code
),
f AS (
    SELECT
        k.province_code, k.year, k.indicator,
        CASE WHEN pr.value IS NOT NULL THEN 'province_report' ELSE 'sum_of_units' END AS basis,
        coalesce(pr.value, su.value) AS value,
        pr.value AS value_province_report,
        su.value AS value_sum_of_units,
        pr.value - su.value AS difference,
        coalesce(abs(pr.value - su.value) > 1e-6 * greatest(1, abs(pr.value)), false) AS difference_flag,
        CASE WHEN pr.value IS NOT NULL THEN pr.qualifier ELSE su.qualifier END AS qualifier,
        CASE WHEN pr.value IS NOT NULL THEN pr.year_basis
             WHEN su.complete THEN 'sum_of_units' ELSE 'partial' END AS year_basis,
        NOT coalesce(CASE WHEN pr.value IS NOT NULL THEN pr.complete ELSE su.complete END, false) AS partial,
        coalesce(su.units_reporting, 0) AS units_reporting,
        coalesce(yu.units_expected, 0) AS units_expected,
        pp.population,
        pp.population_year,
        round(coalesce(pr.value, su.value) / pp.population * 100000, 4) AS per_100k,
        round(coalesce(pr.value, su.value) / nullif(yu.units_at_year_end, 0), 4) AS per_unit,
        yu.units_at_year_end AS per_unit_denominator,
        CASE WHEN pr.value IS NOT NULL THEN pr.periods ELSE su.periods END AS periods
    FROM k
    LEFT JOIN pr ON pr.province_code = k.province_code AND pr.year = k.year AND pr.indicator = k.indicator
    LEFT JOIN su ON su.province_code = k.province_code AND su.year = k.year AND su.indicator = k.indicator
    LEFT JOIN yu ON yu.province_code = k.province_code AND yu.year = k.year
    LEFT JOIN province_population pp ON pp.province_code = k.province_code
)
SELECT f.*,
    CASE WHEN NOT f.partial AND NOT prev.partial THEN f.value - prev.value END AS yoy_change,
    CASE WHEN NOT f.partial AND NOT prev.partial
         THEN round((f.value - prev.value) / nullif(prev.value, 0) * 100, 2) END AS yoy_pct,
    -- Why there is no change on the previous year (NULL when there is one):
    -- a part-year is never compared with a whole one.
    CASE WHEN f.partial THEN 'part_year'
         WHEN prev.value IS NULL THEN 'no_previous_year'
         WHEN prev.partial THEN 'previous_part_year'
         WHEN prev.value = 0 THEN 'previous_zero'
    END AS yoy_note,
    CASE WHEN f.partial THEN halves_lacking(f.year, f.periods) ELSE []::VARCHAR[] END AS periods_lacking
FROM f
LEFT JOIN f AS prev
  ON prev.province_code = f.province_code AND prev.indicator = f.indicator AND prev.year = f.year - 1;
