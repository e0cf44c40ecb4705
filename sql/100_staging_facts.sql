-- Staging, over the partitions being refreshed (in_refresh): the latest accepted
-- value per (unit_code, period, indicator, disaggregation). A key always falls
-- in one partition (the unit fixes the province, the period fixes the year),
-- so supersession never crosses partitions. Latest = greatest fact_version
-- (005_macros); earlier values are superseded and left out (they stay in
-- facts_history).
--
-- partition_facts carries batch_version, a number that orders its batches as
-- fact_version does (its first two fields). A batch holds a key at most once (ingest refuses
-- duplicates within a file), so the latest value of a key is the row with the
-- key's greatest batch_version and, from that batch, its seq: the pair
-- (batch_version, seq) names one row, and finding it on numbers costs far
-- less than ranking whole rows (a window), carrying whole rows through
-- arg_max or comparing fact_version structs.
--
-- A partition is either rebuilt (partition_facts reads all its batches and
-- staging starts empty) or appended to (getvariable('partition_append'):
-- partition_facts reads only the batches new since it was built). Appending
-- keeps the staged values and lets a new one replace a staged one only when
-- its version is greater, so both ways end in the same state.
DELETE FROM stg_facts
WHERE in_refresh(province_code, year)
  AND NOT getvariable('partition_append');

DELETE FROM stg_facts s
USING (
    SELECT unit_code, period, indicator, disaggregation, max(fact_version(ingested_at, batch, seq)) AS version
    FROM partition_facts
    GROUP BY unit_code, period, indicator, disaggregation
) l
WHERE getvariable('partition_append')
  AND in_refresh(s.province_code, s.year)
  AND s.unit_code = l.unit_code AND s.period = l.period AND s.indicator = l.indicator
  AND s.disaggregation IS NOT DISTINCT FROM l.disaggregation
  AND fact_version(s.ingested_at, s.batch, s.seq) < l.version;

-- Rebuilding, the facts are grouped by a number, staging_key (the refresh
-- defines it: a 64-bit hash of the four key parts), rather than by the four
-- texts: the largest aggregate of the refresh then compares and stores one
-- number per group instead of four strings (~15% less CPU for this
-- statement at 24M facts). Two keys with one hash would leave one of them
-- without a staged value; the refresh sees it (115_int_reports then joins
-- fewer facts than the partitions hold: every fact joins its key's staged
-- value) and builds the group again with the texts compared whole
-- (getvariable('staging_exact')), as appending always does. Either way the
-- same rows are staged.
--
-- The rows go in sorted as the publication writes a partition's stg_facts
-- file (pipeline/export's order for it; a test keeps the two the same). The
-- sort there gathers every wide row into a new order; finding them in order
-- already, it reads them in one sequential pass. The sort here costs less
-- than that (at 24M facts: +1.8 s of CPU for staging, -3.5 s for the
-- publication). No output depends on the order the rows are stored in.
INSERT INTO stg_facts BY NAME
WITH latest AS (
    SELECT max(batch_version) AS batch_version, arg_max(seq, batch_version) AS seq
    FROM partition_facts
    WHERE NOT getvariable('partition_append') AND NOT getvariable('staging_exact')
    GROUP BY staging_key(unit_code, period, indicator, disaggregation)
    UNION ALL
    SELECT max(batch_version) AS batch_version, arg_max(seq, batch_version) AS seq
    FROM partition_facts
    WHERE getvariable('partition_append') OR getvariable('staging_exact')
    GROUP BY unit_code, period, indicator, disaggregation
),
staged AS ( -- appending: the values still staged are newer than the new ones
    SELECT unit_code, period, indicator, disaggregation
    FROM stg_facts
    WHERE getvariable('partition_append')
      AND in_refresh(province_code, year)
)
SELECT f.* EXCLUDE (batch_version)
FROM partition_facts f
SEMI JOIN latest l ON f.batch_version = l.batch_version AND f.seq = l.seq
ANTI JOIN staged s
    ON f.unit_code = s.unit_code AND f.period = s.period AND f.indicator = s.indicator
   AND f.disaggregation IS NOT DISTINCT FROM s.disaggregation
ORDER BY f.indicator, f.unit_level, f.unit_code, f.period, f.disaggregation;
