-- mart_reporting: grain (unit_code, unit_level, period): every report a
-- district or commune owed the province by the reporting calendar
-- (reference/reporting_calendar.csv), and what became of it. unit_standing
-- is computed by the warehouse with pipeline.Calendar, the one home of the
-- rule: owed periods are those the calendar names for the unit's level,
-- that the unit stood on the last day of, from the first year anyone sent
-- such a report to the data's as-of day. status: on_time (first received
-- no later than the deadline), late, missing (deadline passed), pending
-- (not yet received, deadline not passed). A missing report whose shorter
-- periods arrived lists them (parts_received: both halves of a year whose
-- annual report never came), and parts_cover says they cover it.
-- source_files are the files the report came in (a corrected resubmission
-- is a second one).
--
-- The file lists are kept between refreshes by (province_code, year), as
-- mart_unit_year is (210): only the partitions whose staging changed
-- (in_marts) are grouped again. A report never spans partitions, so each
-- (unit, period) is in one. Grouping every report of the store again cost
-- ~0.5 s of CPU at 24M facts (512k reports) for one district's new file.
CREATE TABLE IF NOT EXISTS mart_reporting_files (
    province_code VARCHAR, year INTEGER, unit_code VARCHAR, unit_level VARCHAR, period VARCHAR,
    source_files VARCHAR[]
);

DELETE FROM mart_reporting_files WHERE in_marts(province_code, year);

INSERT INTO mart_reporting_files
SELECT province_code, year, unit_code, unit_level, period, list_sort(list_distinct(list(source_file))) AS source_files
FROM int_reports
WHERE unit_level IN ('district', 'commune') AND in_marts(province_code, year)
GROUP BY province_code, year, unit_code, unit_level, period;

CREATE OR REPLACE TABLE mart_reporting AS
SELECT
    s.province_code, s.unit_code, s.unit_name, s.unit_type, s.unit_level, s.period, s.period_type,
    s.period_start, s.period_end, s.year, s.deadline, s.status, s.first_received,
    s.parts_received, s.parts_cover, coalesce(f.source_files, []::VARCHAR[]) AS source_files,
    s.report_label_vi, s.report_label_en
FROM unit_standing s
LEFT JOIN mart_reporting_files f ON f.unit_code = s.unit_code AND f.unit_level = s.unit_level AND f.period = s.period;
