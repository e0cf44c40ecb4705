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
CREATE OR REPLACE TABLE mart_reporting AS
WITH files AS (
    SELECT unit_code, unit_level, period, list_sort(list_distinct(list(source_file))) AS source_files
    FROM int_reports
    WHERE unit_level IN ('district', 'commune')
    GROUP BY unit_code, unit_level, period
)
SELECT
    s.province_code, s.unit_code, s.unit_name, s.unit_type, s.unit_level, s.period, s.period_type,
    s.period_start, s.period_end, s.year, s.deadline, s.status, s.first_received,
    s.parts_received, s.parts_cover, coalesce(f.source_files, []::VARCHAR[]) AS source_files,
    s.report_label_vi, s.report_label_en
FROM unit_standing s
LEFT JOIN files f ON f.unit_code = s.unit_code AND f.unit_level = s.unit_level AND f.period = s.period;
