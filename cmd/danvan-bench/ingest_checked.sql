-- The checked floor of the ingest step (ingestchecked.go): DuckDB doing, in
-- SQL, as much of what `danvan ingest` does to the long CSV files as SQL
-- can, so that danvan's CPU per row can be compared with a floor that does
-- comparable work, and DuckDB's own COPY with what checking costs DuckDB.
--
-- Every value is read as text, as a clerk's file must be, and checked
-- against the reference danvan embeds (the CSV files written beside this
-- script): the period readable and not in the future, the province and
-- the unit known, the unit valid throughout the period (at its end for a
-- to-date total), the indicator known, the breakdown allowed for it, the
-- value a finite, non-negative number (Vietnamese thousands dots read),
-- whole for a count, the submission date readable and not in the future;
-- then, within each file, duplicates (same key, same value: the later one
-- refused) and conflicts (same key, other values: all refused), and the
-- catalogue's max_of rule (recognised <= registered). Accepted rows are
-- written to Parquet with danvan's 24 stored columns, zstd, partitioned by
-- province and year, with the report id (SHA-256 of batch, unit and
-- period) and the batch (SHA-256 of the file); refused rows aside, with
-- their reason.
--
-- It does less than danvan, so it is a lower bound of what that work costs
-- DuckDB: names are matched as the reference writes them (with their
-- prefix, or bare), not folded (tone placement, NFD, abbreviations);
-- periods only in their canonical codes; reasons are codes, not the
-- sentences in two languages with the fix; refused rows keep no report of
-- problems, places and counts; nothing is committed atomically.
{{- $ref := .Ref}}

CREATE TABLE units AS
  SELECT DISTINCT province_code AS code, province_code, province_name AS name, 'province' AS level,
         DATE '1900-01-01' AS valid_from, DATE '9999-12-31' AS valid_to, '' AS prefix
    FROM read_csv({{q (print $ref "/units_pre2025.csv")}}, all_varchar = true)
  UNION ALL
  SELECT district_code, province_code, district_name, 'district',
         coalesce(TRY_CAST(valid_from AS DATE), DATE '1900-01-01'), coalesce(TRY_CAST(valid_to AS DATE), DATE '9999-12-31'),
         CASE district_type WHEN 'huyen' THEN 'huyện ' WHEN 'thi_xa' THEN 'thị xã ' ELSE 'thành phố ' END
    FROM read_csv({{q (print $ref "/units_pre2025.csv")}}, all_varchar = true)
  UNION ALL
  SELECT commune_code, province_code, commune_name, 'commune', CAST(valid_from AS DATE), DATE '9999-12-31',
         CASE commune_type WHEN 'phuong' THEN 'phường ' ELSE 'xã ' END
    FROM read_csv({{q (print $ref "/communes_2025.csv")}}, all_varchar = true);
CREATE TABLE provinces AS SELECT DISTINCT code, name FROM units WHERE level = 'province';
-- A unit's span: the first start and last end of its versions (a district
-- renamed or retyped keeps its code).
CREATE TABLE unit_span AS
  SELECT code, min(valid_from) AS valid_from, max(valid_to) AS valid_to, any_value(level) AS level,
         arg_max(name, valid_to) AS name
    FROM units GROUP BY code;
-- The spellings a unit cell may have, by province: "huyện Đức Thọ" or
-- "Đức Thọ" (a bare name only where it names one unit), and none for the
-- province's own rows.
CREATE TABLE names AS
  SELECT p.name AS tinh, s.text AS don_vi, s.code AS unit_code
    FROM provinces p
    JOIN (SELECT prefix || name AS text, province_code, code FROM units WHERE level <> 'province'
          UNION SELECT name, province_code, code FROM units WHERE level <> 'province'
          UNION SELECT NULL, code, code FROM units WHERE level = 'province') s ON s.province_code = p.code
  QUALIFY count(*) OVER (PARTITION BY p.code, s.text) = 1;
CREATE TABLE ind AS
  SELECT code, integer = 'true' AS is_int, dimension, max_of
    FROM read_csv({{q (print $ref "/indicators.csv")}}, all_varchar = true);
CREATE TABLE dis AS SELECT dimension, code FROM read_csv({{q (print $ref "/disaggregations.csv")}}, all_varchar = true);
-- Every canonical period code of 2000-2035, parsed once.
CREATE TABLE periods AS
  WITH y AS (SELECT range AS y FROM range(2000, 2036)),
  t AS (
    SELECT CAST(y AS VARCHAR) AS t, 'year' AS type, make_date(y, 1, 1) AS first, make_date(y, 12, 31) AS period_end FROM y
    UNION ALL SELECT y || '-H' || h, 'half', make_date(y, h * 6 - 5, 1), last_day(make_date(y, h * 6, 1)) FROM y, range(1, 3) r(h)
    UNION ALL SELECT y || '-Q' || q, 'quarter', make_date(y, q * 3 - 2, 1), last_day(make_date(y, q * 3, 1)) FROM y, range(1, 5) r(q)
    UNION ALL SELECT y || '-' || lpad(CAST(m AS VARCHAR), 2, '0'), 'month', make_date(y, m, 1), last_day(make_date(y, m, 1))
      FROM y, range(1, 13) r(m)
    UNION ALL SELECT 'to-date@' || y || '-' || lpad(CAST(m AS VARCHAR), 2, '0'), 'to_date', least(DATE '2010-01-01', make_date(y, m, 1)),
      last_day(make_date(y, m, 1)) FROM y, range(1, 13) r(m)
    UNION ALL SELECT a.y || '..' || b.y, 'range', make_date(a.y, 1, 1), make_date(b.y, 12, 31) FROM y a, y b WHERE a.y < b.y)
  SELECT t, t AS period, type AS period_type, first AS period_start, period_end, year(period_end) AS year FROM t;
{{- range .Files}}
-- {{.Name}} as text; a row's place in the file (seq) is its rowid.
CREATE TABLE raw{{.N}} AS SELECT * FROM read_csv({{q .Path}}, all_varchar = true, header = true);
{{- end}}
-- Each row checked on its own (a view: evaluated by each statement below
-- rather than held, which costs DuckDB less than a table of its columns).
CREATE VIEW checked AS
  SELECT *, CASE
      WHEN period IS NULL THEN 'bad_period'
      WHEN period_start > current_date THEN 'future_period'
      WHEN province_code IS NULL THEN 'unknown_province'
      WHEN unit_code IS NULL THEN 'unknown_unit'
      WHEN (period_type <> 'to_date' AND period_start < valid_from) OR period_end > valid_to THEN 'unit_not_valid_on_period'
      WHEN indicator IS NULL THEN 'unknown_indicator'
      WHEN disaggregation <> 'total' AND allowed IS NULL THEN 'disaggregation_not_allowed'
      WHEN gia_tri IS NULL OR trim(gia_tri) = '' THEN 'missing_value'
      WHEN value IS NULL OR NOT isfinite(value) OR abs(value) > 1e15 THEN 'not_a_number'
      WHEN value < 0 THEN 'negative_value'
      WHEN is_int AND value <> trunc(value) THEN 'not_whole_number'
      WHEN ngay_gui IS NOT NULL AND submitted IS NULL THEN 'bad_date'
      WHEN submitted > current_date + 1 THEN 'future_date'
    END AS code
  FROM (SELECT r.file, r.source_file, r.batch, r.seq, r.gia_tri, r.ghi_chu, r.ngay_gui, pv.code AS province_code, pv.name AS province_name,
          n.unit_code, u.name AS unit_name, u.level AS unit_level, u.valid_from, u.valid_to,
          p.period, p.period_type, p.period_start, p.period_end, p.year,
          i.code AS indicator, i.is_int, i.max_of, coalesce(nullif(trim(r.phan_to), ''), 'total') AS disaggregation, d.code AS allowed,
          CASE WHEN contains(r.gia_tri, '.') AND regexp_full_match(trim(r.gia_tri), '\d{1,3}(\.\d{3})+(,\d+)?')
               THEN TRY_CAST(replace(replace(trim(r.gia_tri), '.', ''), ',', '.') AS DOUBLE)
               ELSE TRY_CAST(replace(trim(r.gia_tri), ',', '.') AS DOUBLE) END AS value,
          TRY_CAST(r.ngay_gui AS DATE) AS submitted
     FROM (
{{- range $i, $f := .Files}}{{if $i}}
       UNION ALL{{end}}
       SELECT {{$f.N}} AS file, {{q $f.Name}} AS source_file, {{q $f.Batch}} AS batch, rowid AS seq, * FROM raw{{$f.N}}
{{- end}}) r
     LEFT JOIN periods p ON p.t = r.ky_bao_cao
     LEFT JOIN provinces pv ON pv.name = r.tinh
     LEFT JOIN names n ON n.tinh = r.tinh AND n.don_vi IS NOT DISTINCT FROM r.don_vi
     LEFT JOIN unit_span u ON u.code = n.unit_code
     LEFT JOIN ind i ON i.code = r.chi_tieu
     LEFT JOIN dis d ON d.code = nullif(trim(r.phan_to), '') AND d.dimension = i.dimension);
-- What the whole-file checks need of each row, held once.
CREATE TABLE keys AS SELECT file, seq, unit_code, period, indicator, disaggregation, max_of, value, code FROM checked;
-- Within a file, a key given more than once: the first value stands, a
-- later equal one is a duplicate, a different one refuses both.
CREATE TABLE repeated AS
  SELECT file, unit_code, period, indicator, disaggregation, arg_min(value, seq) AS first_value, min(seq) AS first_seq,
         min(value) <> max(value) AS mixed
    FROM keys WHERE code IS NULL GROUP BY ALL HAVING count(*) > 1;
CREATE TABLE refused AS
  SELECT c.file, c.seq, CASE WHEN c.seq > k.first_seq AND c.value = k.first_value THEN 'duplicate' ELSE 'conflicting_duplicate' END AS reason
    FROM keys c JOIN repeated k USING (file, unit_code, period, indicator, disaggregation)
   WHERE c.code IS NULL AND (c.seq > k.first_seq OR k.mixed);
-- The catalogue's rules (max_of), over the values that stood.
INSERT INTO refused
  SELECT c.file, c.seq, 'rule_violated'
    FROM keys c
    JOIN (SELECT l.file, l.unit_code, l.period, l.indicator, l.disaggregation, l.value FROM keys l ANTI JOIN refused USING (file, seq)
           WHERE l.code IS NULL AND l.indicator IN (SELECT max_of FROM ind WHERE max_of IS NOT NULL)) l
      ON l.file = c.file AND l.unit_code = c.unit_code AND l.period = c.period AND l.indicator = c.max_of
     AND l.disaggregation = c.disaggregation
   WHERE c.code IS NULL AND c.value > l.value AND NOT EXISTS (SELECT 1 FROM refused x WHERE x.file = c.file AND x.seq = c.seq);
INSERT INTO refused SELECT file, seq, code FROM keys WHERE code IS NOT NULL;
CREATE TABLE batches (file INTEGER, source_file VARCHAR, batch VARCHAR);
INSERT INTO batches VALUES {{range $i, $f := .Files}}{{if $i}}, {{end}}({{$f.N}}, {{q $f.Name}}, {{q $f.Batch}}){{end}};
-- The report id (danvan's: the first 16 hex digits of the SHA-256 of batch,
-- unit and period), once per report.
CREATE TABLE reports AS
  SELECT file, unit_code, period, substr(sha256(any_value(b.batch) || '|' || unit_code || '|' || period), 1, 16) AS report_id
    FROM keys JOIN batches b USING (file) WHERE code IS NULL GROUP BY file, unit_code, period;
COPY (
  SELECT f.province_code, f.province_name, f.unit_code, f.unit_name, f.unit_level, f.period, f.period_type, f.period_start,
         f.period_end, CAST(f.year AS INTEGER) AS year, f.indicator, f.disaggregation, f.value, 'exact' AS qualifier,
         'form' AS origin, NULL::VARCHAR AS quote, f.ghi_chu AS note, r.report_id, f.source_file,
         'dòng ' || (f.seq + 2) AS source_ref, CAST(f.submitted AS TIMESTAMP) AS submitted_at,
         CAST(current_timestamp AS TIMESTAMP) AS ingested_at, f.batch, f.seq, f.province_code AS p, f.year AS y
    FROM checked f ANTI JOIN refused x USING (file, seq) JOIN reports r USING (file, unit_code, period)
) TO {{q (print .Out "/facts")}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (p, y), OVERWRITE_OR_IGNORE);
-- The refused rows, read back by their place.
COPY (
  SELECT b.source_file, 'dòng ' || (x.seq + 2) AS source_ref, '' AS column, coalesce(r.gia_tri, '') AS value, x.reason AS code,
         x.reason, x.reason AS reason_en, b.batch, CAST(current_timestamp AS TIMESTAMP) AS ingested_at, r.tinh AS province_code,
         r.don_vi AS unit_code, r.don_vi AS unit
    FROM refused x JOIN batches b USING (file) JOIN (
{{- range $i, $f := .Files}}{{if $i}}
      UNION ALL{{end}}
      SELECT {{$f.N}} AS file, rowid AS seq, tinh, don_vi, gia_tri FROM raw{{$f.N}}
{{- end}}) r USING (file, seq)
) TO {{q (print .Out "/rejects.parquet")}} (FORMAT parquet, COMPRESSION zstd);
