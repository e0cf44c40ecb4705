-- One value per (unit, period, indicator): the unit's "total" when it gave
-- one, otherwise the sum of its breakdowns (all breakdowns of an indicator
-- belong to its single dimension, so they add up). Qualifiers combine by
-- combined_qualifier (005_macros); the total's own qualifier is what
-- combined_qualifier gives for it alone (it takes only accepted values,
-- 902_test_stg_accepted_values).
--
-- One aggregate: whether the unit gave a total and what each side gives
-- are all taken in the same pass, where a window marking has_total on every
-- staged row, then a filter and a grouping, took about half as much CPU
-- again. The unit and the period fix the other grouped columns.
DELETE FROM int_unit_period
WHERE in_refresh(province_code, year);

INSERT INTO int_unit_period
SELECT
    province_code, unit_code, unit_level,
    CASE WHEN bool_or(disaggregation = 'total') THEN any_value(unit_name) FILTER (WHERE disaggregation = 'total')
         ELSE any_value(unit_name) END AS unit_name,
    period, period_type, period_start, period_end, year, indicator,
    CASE WHEN bool_or(disaggregation = 'total') THEN sum(value) FILTER (WHERE disaggregation = 'total')
         ELSE sum(value) END AS value,
    CASE WHEN bool_or(disaggregation = 'total') THEN any_value(qualifier) FILTER (WHERE disaggregation = 'total')
         ELSE combined_qualifier(qualifier) END AS qualifier,
    bool_or(disaggregation = 'total') AS has_total,
    CASE WHEN bool_or(disaggregation = 'total') THEN count(*) FILTER (WHERE disaggregation = 'total')
         ELSE count(*) END AS n_facts
FROM stg_facts
WHERE in_refresh(province_code, year)
GROUP BY province_code, unit_code, unit_level, period, period_type, period_start, period_end, year, indicator;
