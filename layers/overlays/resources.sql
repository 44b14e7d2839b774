-- Active PSKS resources for the map's Resources overlay: those under %(prefix)s (the area
-- asked for, already narrowed to the caller's) AND in the caller's own area
-- (%(user_area)s, geomap_in_area: '' for an admin), of the PSKS categories asked for (NULL:
-- all). Radius: the resource's own, else its category's effective default; NULL = it
-- serves its whole kecamatan (TKSK). The contact leaves the database only when
-- %(with_contact)s (dinas, admin); a TKSK is a person, so its name only when %(with_names)s.
SELECT r.id, r.category_code AS category,
       CASE WHEN r.category_code = 'TKSK' AND NOT %(with_names)s THEN NULL ELSE r.name END
           AS name,
       round(ST_Y(r.geom)::numeric, 6)::float8 AS lat,
       round(ST_X(r.geom)::numeric, 6)::float8 AS lon,
       r.capacity,
       coalesce(r.service_radius_km, cr.radius_km) AS radius_km,
       r.desa_code AS desa, d.name AS desa_name,
       r.kecamatan_code AS kecamatan, k.name AS kecamatan_name,
       CASE WHEN %(with_contact)s THEN r.contact END AS contact
  FROM psks_resource r
  JOIN psks_category_radius cr ON cr.code = r.category_code
  LEFT JOIN region d ON d.code = r.desa_code
  LEFT JOIN region k ON k.code = r.kecamatan_code
 WHERE r.active
   AND starts_with(r.desa_code, %(prefix)s)
   AND geomap_in_area(r.desa_code, %(user_area)s)
   AND (%(categories)s::text[] IS NULL OR r.category_code = ANY (%(categories)s::text[]))
 ORDER BY r.id
