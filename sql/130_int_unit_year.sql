-- The year value of each reporting unit per indicator, never adding a part of
-- a year to the whole:
--   flows:  the annual figure if there is one; else H1+H2 if every half the
--           unit existed in is there; else the quarters, else the months, on
--           the same rule; else the most complete set, marked partial;
--   stocks: the latest observation in the year (annual, half, quarter, month
--           or "to date"), never a sum; partial when it is before year end.
-- "Every half the unit existed in" is what makes 2025 work: a district's 2025
-- is its 2025-H1, a commune's 2025 is its 2025-H2.
DELETE FROM int_unit_year
WHERE in_refresh(province_code, year);

INSERT INTO int_unit_year
WITH p AS (
    SELECT v.*, i.kind,
        CASE v.unit_level WHEN 'province' THEN 'province'
                          WHEN 'district' THEN 'district_until_2025H1'
                          ELSE 'commune_from_2025H2' END AS series
    FROM int_unit_period v
    JOIN indicators i ON i.code = v.indicator
    WHERE in_refresh(v.province_code, v.year)
      AND (v.period_type IN ('year', 'half', 'quarter', 'month') OR (v.period_type = 'to_date' AND i.kind = 'stock'))
      AND (v.unit_level <> 'commune' OR v.period_end >= DATE '2025-07-01')
),
w AS (
    SELECT u.*,
        (month(we) - 1) // 6 - (month(ws) - 1) // 6 + 1 AS req_halves,
        (month(we) - 1) // 3 - (month(ws) - 1) // 3 + 1 AS req_quarters,
        month(we) - month(ws) + 1 AS req_months
    FROM (
        SELECT DISTINCT p.unit_code, p.unit_level, p.year,
            CASE WHEN p.unit_level = 'province' THEN make_date(p.year, 1, 1)
                 ELSE greatest(make_date(p.year, 1, 1), r.valid_from) END AS ws,
            CASE WHEN p.unit_level = 'province' THEN make_date(p.year, 12, 31)
                 ELSE least(make_date(p.year, 12, 31), r.valid_to) END AS we
        FROM p
        LEFT JOIN reporting_units r
          ON r.unit_code = p.unit_code AND r.unit_level = p.unit_level AND r.province_code = p.province_code
        WHERE p.unit_level = 'province' OR r.unit_code IS NOT NULL
    ) u
    WHERE ws <= we
),
t AS (
    SELECT province_code, unit_code, unit_level, series, year, indicator, kind, period_type,
        count(*) AS n,
        sum(value) AS total,
        combined_qualifier(qualifier) AS qualifier,
        list(period ORDER BY period) AS periods,
        arg_max(value, period_end) AS last_value,
        arg_max(qualifier, period_end) AS last_qualifier,
        arg_max(period, period_end) AS last_period,
        max(period_end) AS last_end
    FROM p
    GROUP BY province_code, unit_code, unit_level, series, year, indicator, kind, period_type
),
c AS (
    SELECT t.*,
        CASE
            WHEN t.kind = 'stock' THEN t.last_end >= w.we
            WHEN t.period_type = 'year' THEN true
            WHEN t.period_type = 'half' THEN t.n >= w.req_halves
            WHEN t.period_type = 'quarter' THEN t.n >= w.req_quarters
            WHEN t.period_type = 'month' THEN t.n >= w.req_months
            ELSE false
        END AS complete,
        CASE t.period_type WHEN 'year' THEN 12 WHEN 'half' THEN 6 * t.n
                           WHEN 'quarter' THEN 3 * t.n WHEN 'month' THEN t.n ELSE 0 END AS covered_months,
        CASE t.period_type WHEN 'year' THEN 1 WHEN 'half' THEN 2 WHEN 'quarter' THEN 3
                           WHEN 'month' THEN 4 ELSE 5 END AS grain
    FROM t
    JOIN w ON w.unit_code = t.unit_code AND w.unit_level = t.unit_level AND w.year = t.year
)
SELECT
    province_code, unit_code, unit_level, series, year, indicator, kind,
    CASE WHEN kind = 'stock' THEN last_value ELSE total END AS value,
    CASE WHEN kind = 'stock' THEN last_qualifier ELSE qualifier END AS qualifier,
    CASE
        WHEN NOT complete THEN 'partial'
        WHEN kind = 'stock' THEN 'stock_latest'
        ELSE CASE period_type WHEN 'year' THEN 'annual' WHEN 'half' THEN 'halves'
                              WHEN 'quarter' THEN 'quarters' ELSE 'months' END
    END AS year_basis,
    complete,
    CASE WHEN kind = 'stock' THEN [last_period] ELSE periods END AS periods
FROM c
QUALIFY row_number() OVER (
    PARTITION BY unit_code, unit_level, year, indicator
    ORDER BY complete DESC, CASE WHEN kind = 'stock' THEN last_end END DESC NULLS LAST, covered_months DESC, grain
) = 1;
