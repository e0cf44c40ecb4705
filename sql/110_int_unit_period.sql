-- One value per (unit, period, indicator): the unit's "total" when it gave
-- one, otherwise the sum of its breakdowns (all breakdowns of an indicator
-- belong to its single dimension, so they add up). Qualifiers combine by
-- combined_qualifier (005_macros).
DELETE FROM int_unit_period
WHERE in_refresh(province_code, year);

INSERT INTO int_unit_period
WITH f AS (
    SELECT s.*, bool_or(s.disaggregation = 'total') OVER (PARTITION BY s.unit_code, s.period, s.indicator) AS has_total
    FROM stg_facts s
    WHERE in_refresh(s.province_code, s.year)
)
SELECT
    province_code, unit_code, unit_level, any_value(unit_name) AS unit_name,
    period, period_type, period_start, period_end, year, indicator,
    sum(value) AS value,
    combined_qualifier(qualifier) AS qualifier,
    any_value(has_total) AS has_total,
    count(*) AS n_facts
FROM f
WHERE (has_total AND disaggregation = 'total') OR NOT has_total
GROUP BY province_code, unit_code, unit_level, period, period_type, period_start, period_end, year, indicator;
