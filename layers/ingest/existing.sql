-- Which checked rows repeat a case already stored: the same fingerprint (the same row
-- uploaded before), or, for an open row with a NIK, an open case of the same person
-- and category (what pmks_case_open_person_uq forbids). One query for all rows, the
-- arrays sent as comma-separated text (hex for the hashes, '' for no NIK); the answer
-- is the row's position in them (from 1) and which kind of repeat.
WITH i AS (
    SELECT a.n, decode(a.fp, 'hex') AS fp, decode(nullif(a.nik, ''), 'hex') AS nik, a.cat,
           a.is_open = 't' AS is_open
      FROM unnest(string_to_array(%(fp)s, ','), string_to_array(%(nik)s, ','),
                  string_to_array(%(cat)s, ','), string_to_array(%(open)s, ','))
           WITH ORDINALITY AS a (fp, nik, cat, is_open, n)
)
SELECT i.n,
       CASE WHEN EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
            THEN 'fingerprint' ELSE 'open_case' END AS kind
  FROM i
 WHERE EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
    OR (i.is_open AND i.nik IS NOT NULL
        AND EXISTS (SELECT 1 FROM pmks_case c
                     WHERE c.nik_hmac = i.nik AND c.category_code = i.cat
                       AND c.status <> 'selesai'))
