-- Tables kept between refreshes. The incremental models (1xx) replace one
-- (province_code, year) partition of each at a time; the warehouse drops them
-- all when the models or the reference data change, which forces a full rebuild.

-- stg_facts: the winning value per (unit_code, period, indicator, disaggregation),
-- with the facts columns (pipeline/layout) as the facts_raw view casts them.
CREATE TABLE IF NOT EXISTS stg_facts AS FROM facts_raw LIMIT 0;

-- int_unit_period: one value per (unit_code, period, indicator): the "total"
-- if the unit reported one, else the sum of its breakdowns.
CREATE TABLE IF NOT EXISTS int_unit_period (
    province_code VARCHAR, unit_code VARCHAR, unit_level VARCHAR, unit_name VARCHAR,
    period VARCHAR, period_type VARCHAR, period_start DATE, period_end DATE, year INTEGER,
    indicator VARCHAR, value DOUBLE, qualifier VARCHAR, has_total BOOLEAN, n_facts BIGINT
);

-- int_unit_report: one row per (unit_code, period) that anything was received
-- for, with the first time it was received (superseded values count: a late
-- correction does not make an on-time report late).
CREATE TABLE IF NOT EXISTS int_unit_report (
    province_code VARCHAR, unit_code VARCHAR, unit_level VARCHAR, period VARCHAR,
    period_type VARCHAR, period_start DATE, period_end DATE, year INTEGER,
    first_received DATE, submitted_known BOOLEAN
);

-- int_unit_year: the year value of a reporting unit (the province itself,
-- a district until 2025-H1, a commune from 2025-H2) per indicator.
CREATE TABLE IF NOT EXISTS int_unit_year (
    province_code VARCHAR, unit_code VARCHAR, unit_level VARCHAR, series VARCHAR, year INTEGER,
    indicator VARCHAR, kind VARCHAR, value DOUBLE, qualifier VARCHAR, year_basis VARCHAR,
    complete BOOLEAN, periods VARCHAR[]
);

-- int_reports: one row per report (a file's values for one unit and period),
-- with how many of its values a later report replaced with a different value
-- or qualifier (superseded) and how many a later report sent again unchanged
-- (confirmed), and when it arrived (first_received: the stated submission
-- date, else the ingestion day).
CREATE TABLE IF NOT EXISTS int_reports (
    report_id VARCHAR, province_code VARCHAR, year INTEGER, unit_code VARCHAR, unit_name VARCHAR,
    unit_level VARCHAR, period VARCHAR, period_type VARCHAR, period_start DATE, period_end DATE,
    source_file VARCHAR, batch VARCHAR, submitted_at TIMESTAMP, ingested_at TIMESTAMP,
    first_received DATE, submitted_known BOOLEAN, "values" BIGINT, superseded_values BIGINT,
    confirmed_values BIGINT
);
