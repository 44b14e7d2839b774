-- The active TKSK of each kecamatan and its fingerprint: a second one is refused
-- (psks_resource_one_tksk_uq), the same one is updated in place.
SELECT r.kecamatan_code, r.fingerprint
  FROM psks_resource r
  JOIN psks_category c ON c.code = r.category_code
 WHERE c.serves_kecamatan AND r.active
