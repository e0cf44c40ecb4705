-- period_months: the months of its year a period code covers, as a sorted
-- list of month numbers: a year 1..12, a half 1..6 or 7..12, a quarter its
-- three, a month itself, a "to date" total the months up to its month. A
-- multi-year range covers no single year: NULL. The part-year marks
-- (225_mart_years, periods_lacking of the marts) are read from it.
CREATE OR REPLACE MACRO period_months(p) AS CASE
    WHEN p LIKE 'to-date@%' THEN range(1, CAST(right(p, 2) AS INTEGER) + 1)
    WHEN p LIKE '%..%' THEN NULL
    WHEN length(p) = 4 THEN range(1, 13)
    WHEN substr(p, 6, 1) = 'H' THEN range(6 * CAST(substr(p, 7, 1) AS INTEGER) - 5, 6 * CAST(substr(p, 7, 1) AS INTEGER) + 1)
    WHEN substr(p, 6, 1) = 'Q' THEN range(3 * CAST(substr(p, 7, 1) AS INTEGER) - 2, 3 * CAST(substr(p, 7, 1) AS INTEGER) + 1)
    ELSE [CAST(right(p, 2) AS BIGINT)]
END;

-- halves_lacking: the half-years of year y (as period codes) that the
-- periods in ps do not wholly cover; [] when they cover the year.
CREATE OR REPLACE MACRO halves_lacking(y, ps) AS list_filter(
    [CAST(y AS VARCHAR) || '-H1', CAST(y AS VARCHAR) || '-H2'],
    lambda h: NOT list_has_all(flatten(list_transform(ps, lambda p: coalesce(period_months(p), []))), period_months(h)));
