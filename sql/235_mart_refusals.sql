-- mart_files: every ingested file and what became of it: loaded (its good
-- rows accepted, its bad rows refused) or quarantined whole (unreadable),
-- with the provinces it was about and, for a quarantined file, how to fix
-- it (refusal_fixes, from pipeline.FixFor; "*" is the general fix).
--
-- The batches of each partition's reports are kept between refreshes by
-- (province_code, year), as mart_unit_year is (210): only the partitions
-- whose staging changed (in_marts) are read again. Grouping every report of
-- the store by batch again cost ~60 ms of CPU at 24M facts (512k reports)
-- for one district's new file.
CREATE TABLE IF NOT EXISTS mart_files_partitions (province_code VARCHAR, year INTEGER, batch VARCHAR);

DELETE FROM mart_files_partitions WHERE in_marts(province_code, year);

INSERT INTO mart_files_partitions
SELECT DISTINCT province_code, year, batch FROM int_reports WHERE in_marts(province_code, year);

CREATE OR REPLACE TABLE mart_files AS
WITH general AS (
    SELECT fix_vi, fix_en FROM refusal_fixes WHERE code = '*'
),
provinces AS (
    SELECT batch, list_sort(list_distinct(list(province_code))) AS provinces
    FROM (SELECT batch, province_code FROM mart_files_partitions
          UNION ALL
          SELECT batch, province_code FROM rejects WHERE province_code IS NOT NULL)
    GROUP BY batch
)
SELECT
    f.batch, f.source_file, f.status, f.rows_accepted, f.rows_rejected, f.ingested_at,
    f.code, f.reason, f.reason_en,
    CASE WHEN f.status = 'quarantined' THEN coalesce(x.fix_vi, g.fix_vi) END AS fix_vi,
    CASE WHEN f.status = 'quarantined' THEN coalesce(x.fix_en, g.fix_en) END AS fix_en,
    coalesce(p.provinces, []::VARCHAR[]) AS provinces
FROM files f
CROSS JOIN general g
LEFT JOIN refusal_fixes x ON x.code = f.code
LEFT JOIN provinces p ON p.batch = f.batch;

-- mart_refusals: every value refused at ingest (the rejects view), with how
-- to fix it and whose report it was (province_code and unit_code when they
-- resolved; unit: the unit's name, as resolved or as written).
CREATE OR REPLACE TABLE mart_refusals AS
SELECT
    r.batch, r.source_file, r.source_ref, r."column", r.value, r.code, r.reason, r.reason_en,
    coalesce(x.fix_vi, g.fix_vi) AS fix_vi, coalesce(x.fix_en, g.fix_en) AS fix_en,
    r.province_code, r.unit_code, r.unit, r.ingested_at
FROM rejects r
CROSS JOIN (SELECT fix_vi, fix_en FROM refusal_fixes WHERE code = '*') g
LEFT JOIN refusal_fixes x ON x.code = r.code;
