-- Which checked rows repeat a case already stored: the same fingerprint (the same row
-- uploaded before), or, for an open row with a NIK, an open case of the same person
-- and category (what pmks_case_open_person_uq forbids). One query for all rows: the
-- hashes come as one bytea each (32 bytes a row, all rows end to end), the categories
-- as comma-separated text, and one flag byte a row (bit 1: has a NIK, bit 2: open), so
-- a million rows cost a few tens of megabytes to send, not a string per hash. The
-- answer is the row's position (from 1) and which kind of repeat.
-- "category_code || ''" keeps the category out of the index search, so that the open
-- case is looked up by its NIK hash in pmks_case_open_person_uq: when the statistics
-- say pmks_case is empty (an ANALYZE while a large import's rows were still
-- uncommitted: reltuples 0) every index looks equally cheap and the planner took
-- (category_code, recorded_on), reading every case of the category once per row
-- (minutes for a million-row import).
WITH i AS (
    SELECT a.n, substring(%(fp)s::bytea FROM ((a.n - 1) * 32 + 1)::int FOR 32) AS fp,
           CASE WHEN get_byte(%(flags)s::bytea, (a.n - 1)::int) & 1 = 1
                THEN substring(%(nik)s::bytea FROM ((a.n - 1) * 32 + 1)::int FOR 32) END AS nik,
           a.cat, get_byte(%(flags)s::bytea, (a.n - 1)::int) & 2 = 2 AS is_open
      FROM unnest(string_to_array(%(cat)s, ',')) WITH ORDINALITY AS a (cat, n)
)
SELECT i.n,
       CASE WHEN EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
            THEN 'fingerprint' ELSE 'open_case' END AS kind
  FROM i
 WHERE EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
    OR (i.is_open AND i.nik IS NOT NULL
        AND EXISTS (SELECT 1 FROM pmks_case c
                     WHERE c.nik_hmac = i.nik AND c.category_code || '' = i.cat
                       AND c.status <> 'selesai'))
