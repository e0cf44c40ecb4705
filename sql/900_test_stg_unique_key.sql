-- stg_facts holds one value per (unit_code, period, indicator, disaggregation).
SELECT s.unit_code, s.period, s.indicator, s.disaggregation, count(*) AS n
FROM stg_facts s
JOIN refreshed_partitions c ON s.province_code = c.province_code AND s.year = c.year
GROUP BY s.unit_code, s.period, s.indicator, s.disaggregation
HAVING count(*) > 1
