-- Every fact points at a catalogued indicator and at a unit of that code,
-- level and province that existed during (part of) the period.
SELECT s.unit_code, s.unit_level, s.period, s.indicator, s.batch, s.seq
FROM stg_facts s
JOIN refreshed_partitions c ON s.province_code = c.province_code AND s.year = c.year
WHERE s.indicator NOT IN (SELECT code FROM indicators)
   OR NOT EXISTS (
        SELECT 1 FROM units u
        WHERE u.code = s.unit_code AND u.level = s.unit_level AND u.province_code = s.province_code
          AND coalesce(u.valid_from, DATE '1900-01-01') <= s.period_end
          AND coalesce(u.valid_to, DATE '9999-12-31') >= s.period_start)
