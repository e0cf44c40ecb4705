-- Rules every model shares, written once as DuckDB macros. They live in the
-- warehouse database, so the views the warehouse makes at Open (facts,
-- facts_history) use them too; the warehouse runs this file before those.

-- fact_version: which of two values of one key (unit_code, period,
-- indicator, disaggregation) is the later: the greater version wins. A value
-- of a later ingestion supersedes; within one ingestion time, the greater
-- batch (content hash); within a batch, the later row. Staging keeps the
-- winner (100_staging_facts), facts_history marks the others superseded.
-- The warehouse's batch_version (readPartitionFacts) is the first two fields
-- as one number, for speed, and keeps this order.
CREATE OR REPLACE MACRO fact_version(ingested_at, batch, seq) AS (ingested_at, batch, seq);

-- combined_qualifier: the qualifier of a sum or of any value formed from
-- several (an aggregate: use it where an aggregate may stand). Exact only if
-- every part is exact; a mix of exact values and lower bounds is a lower
-- bound, with upper bounds an upper bound; anything else is approximate.
CREATE OR REPLACE MACRO combined_qualifier(qualifier) AS
    CASE
        WHEN bool_and(qualifier = 'exact') THEN 'exact'
        WHEN bool_and(qualifier IN ('exact', 'at_least')) THEN 'at_least'
        WHEN bool_and(qualifier IN ('exact', 'at_most')) THEN 'at_most'
        ELSE 'approx'
    END;
