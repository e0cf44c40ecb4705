-- mart_sources: every fact behind a province-year figure (grain: one fact),
-- both the province's own report and its units' values, restricted to the
-- periods and breakdowns that went into the year values. A view, filtered by
-- (province_code, year) when exported.
CREATE OR REPLACE VIEW mart_sources AS
SELECT
    y.province_code, y.year, f.indicator, f.unit_code, f.unit_name, f.unit_level, f.period,
    f.disaggregation, f.value, f.qualifier, f.origin, f.report_id, f.source_file, f.source_ref, f.quote
FROM int_unit_year y
JOIN int_unit_period p
  ON p.province_code = y.province_code AND p.year = y.year AND p.unit_code = y.unit_code
 AND p.unit_level = y.unit_level AND p.indicator = y.indicator AND list_contains(y.periods, p.period)
JOIN stg_facts f
  ON f.province_code = p.province_code AND f.year = p.year AND f.unit_code = p.unit_code
 AND f.period = p.period AND f.indicator = p.indicator
 AND (f.disaggregation = 'total' OR NOT p.has_total);
