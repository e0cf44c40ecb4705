-- Which unit sent a report for which period, and when it first arrived. The
-- date is the submission date the report states (ngay_gui), or else the day
-- the file was ingested. All accepted values count, superseded ones included:
-- a later correction does not make an on-time report late.
DELETE FROM int_unit_report
WHERE in_refresh(province_code, year);

INSERT INTO int_unit_report
SELECT
    province_code, unit_code, unit_level, period, period_type, period_start, period_end, year,
    min(first_received) AS first_received, bool_or(submitted_known) AS submitted_known
FROM int_reports
WHERE in_refresh(province_code, year)
GROUP BY province_code, unit_code, unit_level, period, period_type, period_start, period_end, year;
