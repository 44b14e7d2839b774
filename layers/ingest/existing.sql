-- Which staged rows repeat a case already stored: the same fingerprint (the same row
-- uploaded before), or, for an open row with a NIK, an open case of the same person
-- and category (what pmks_case_open_person_uq forbids). One query for all rows; the
-- answer is the row's position in the arrays (from 1) and which kind of repeat.
SELECT i.n,
       CASE WHEN EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
            THEN 'fingerprint' ELSE 'open_case' END AS kind
  FROM unnest(%(fp)s::bytea[], %(nik)s::bytea[], %(cat)s::text[], %(open)s::boolean[])
       WITH ORDINALITY AS i (fp, nik, cat, is_open, n)
 WHERE EXISTS (SELECT 1 FROM pmks_case c WHERE c.fingerprint = i.fp)
    OR (i.is_open AND i.nik IS NOT NULL
        AND EXISTS (SELECT 1 FROM pmks_case c
                     WHERE c.nik_hmac = i.nik AND c.category_code = i.cat
                       AND c.status <> 'selesai'))
