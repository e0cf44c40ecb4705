-- reports: the analysts' name for int_reports.
CREATE OR REPLACE VIEW reports AS SELECT * FROM int_reports;
