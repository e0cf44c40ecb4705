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
--
-- This model names the latest value of each key by its (batch_version, seq)
-- in staging_latest; 101_staging_replace deletes the staged values they
-- replace, 102_staging_insert inserts them. Between this model and those,
-- the refresh counts them: a group of partitions that stages more than the
-- memory limit allows is built again as smaller groups before anything is
-- changed (see 102_staging_insert).
--
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
CREATE OR REPLACE TEMP TABLE staging_latest AS
SELECT max(batch_version) AS batch_version, arg_max(seq, batch_version) AS seq
FROM partition_facts
WHERE NOT getvariable('partition_append') AND NOT getvariable('staging_exact')
GROUP BY staging_key(unit_code, period, indicator, disaggregation)
UNION ALL
SELECT max(batch_version) AS batch_version, arg_max(seq, batch_version) AS seq
FROM partition_facts
WHERE getvariable('partition_append') OR getvariable('staging_exact')
GROUP BY unit_code, period, indicator, disaggregation;
