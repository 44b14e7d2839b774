-- Active PSKS resources under %(prefix)s for the aggregate exports, in %(srid)s.
-- No contact, no uploader; a TKSK is a person, so its name is left out (the
-- category and kecamatan say what it is).
SELECT r.id, r.category_code AS category, c.name_id AS category_name,
       CASE WHEN r.category_code = 'TKSK' THEN NULL ELSE r.name END AS name,
       r.kecamatan_code AS kecamatan, r.desa_code AS desa, r.capacity,
       coalesce(r.service_radius_km, cr.radius_km) AS radius_km,
       ST_AsBinary(ST_Transform(r.geom, %(srid)s::int)) AS geom
  FROM psks_resource r
  JOIN psks_category c ON c.code = r.category_code
  JOIN psks_category_radius cr ON cr.code = r.category_code
 WHERE r.active AND starts_with(r.desa_code, %(prefix)s)
 ORDER BY r.id
