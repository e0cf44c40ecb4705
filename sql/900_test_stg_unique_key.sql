-- stg_facts holds one value per (unit_code, period, indicator, disaggregation).
--
-- First the cheap question: are there as many distinct hashes of the key as
-- rows? Grouping by one number costs well under half of grouping by the four
-- texts (at 24M facts, 2.4M staged values: 0.4 s of CPU against 0.8-1.0 s).
-- Only when the hashes repeat (a duplicate, or two keys whose hashes
-- collide) are the rows grouped by the key itself to name the duplicates, so
-- the offences are exactly those of the plain grouping.
WITH s AS NOT MATERIALIZED (
    SELECT s.unit_code, s.period, s.indicator, s.disaggregation
    FROM stg_facts s
    JOIN refreshed_partitions c ON s.province_code = c.province_code AND s.year = c.year
)
SELECT unit_code, period, indicator, disaggregation, count(*) AS n
FROM s
WHERE (SELECT count(*) > count(DISTINCT hash(unit_code, period, indicator, disaggregation)) FROM s)
GROUP BY unit_code, period, indicator, disaggregation
HAVING count(*) > 1
