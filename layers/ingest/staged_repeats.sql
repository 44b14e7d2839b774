-- Which checked rows of one piece of a large import repeat a row of an earlier piece of
-- the same file, already staged in this transaction: the same fingerprint, or (an open
-- row with a NIK) an open row of the same person and category. The same packing as
-- existing.sql; the answer is the row's position (from 1), the earlier row's number in
-- the file, and which kind of repeat (the fingerprint first, as within a piece).
WITH i AS (
    SELECT a.n, substring(%(fp)s::bytea FROM ((a.n - 1) * 32 + 1)::int FOR 32) AS fp,
           CASE WHEN get_byte(%(flags)s::bytea, (a.n - 1)::int) & 1 = 1
                THEN substring(%(nik)s::bytea FROM ((a.n - 1) * 32 + 1)::int FOR 32) END AS nik,
           a.cat, get_byte(%(flags)s::bytea, (a.n - 1)::int) & 2 = 2 AS is_open
      FROM unnest(string_to_array(%(cat)s, ',')) WITH ORDINALITY AS a (cat, n)
), s AS MATERIALIZED (
    SELECT row_no, fingerprint, nik_hmac, category_code, status <> 'selesai' AS is_open
      FROM case_staging
     WHERE upload_id = %(upload_id)s
), same_row AS (
    SELECT i.n, min(s.row_no) AS earlier
      FROM i JOIN s ON s.fingerprint = i.fp
     GROUP BY i.n
), same_person AS (
    SELECT i.n, min(s.row_no) AS earlier
      FROM i JOIN s ON s.nik_hmac = i.nik AND s.category_code = i.cat AND s.is_open
     WHERE i.is_open
     GROUP BY i.n
)
SELECT coalesce(r.n, p.n), coalesce(r.earlier, p.earlier),
       CASE WHEN r.n IS NOT NULL THEN 'fingerprint' ELSE 'open_case' END
  FROM same_row r
  FULL JOIN same_person p ON p.n = r.n
