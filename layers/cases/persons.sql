-- The personal data (name, NIK, address, phone) of some cases, only those in the caller's
-- area: the caller's role has been checked (tksk, dinas, admin) and the read is audited in
-- the same transaction. Parameters: area (as in cases/list), ids (bigint[]).
SELECT p.case_id, p.name, p.nik, p.address, p.phone
  FROM case_person p
  JOIN pmks_case c ON c.id = p.case_id
 WHERE p.case_id = ANY (%(ids)s::bigint[])
   AND geomap_in_area(c.kecamatan_code, %(area)s)
