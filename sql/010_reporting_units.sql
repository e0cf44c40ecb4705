-- reporting_units: the units that report to the province, one row per code,
-- with the span of days they existed at that level. Districts reported until
-- 2025-06-30; communes created on 2025-07-01 report from then on. Pre-2025
-- communes reported to their district, so they are not reporting units of the
-- province (their values stay in stg_facts, outside the province totals).
-- Codes of new communes reuse old commune codes: only versions valid from the
-- reform date are taken, so the old commune of the same code is not mixed in.
CREATE OR REPLACE TABLE reporting_units AS
SELECT
    code AS unit_code,
    province_code,
    level AS unit_level,
    arg_max(name, coalesce(valid_from, DATE '1900-01-01')) AS unit_name,
    arg_max(type, coalesce(valid_from, DATE '1900-01-01')) AS unit_type,
    min(coalesce(valid_from, DATE '1900-01-01')) AS valid_from,
    max(coalesce(valid_to, DATE '9999-12-31')) AS valid_to,
    CASE level WHEN 'district' THEN 'district_until_2025H1' ELSE 'commune_from_2025H2' END AS series
FROM units
WHERE level = 'district' OR (level = 'commune' AND valid_from >= DATE '2025-07-01')
GROUP BY code, province_code, level;

-- province_population: the sum of the 2019 census counts of the province's districts.
CREATE OR REPLACE TABLE province_population AS
SELECT u.province_code, sum(p.population)::BIGINT AS population, min(p.year) AS population_year
FROM population p
JOIN (SELECT DISTINCT code, province_code FROM units WHERE level = 'district') u ON u.code = p.unit_code
WHERE p.year = 2019
GROUP BY u.province_code;
