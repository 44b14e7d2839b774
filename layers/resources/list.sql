-- The resources of an area (all when area is NULL), for `geomap resources list`.
SELECT r.id, r.category_code AS category, c.name_id AS category_name, r.name,
       round(ST_Y(r.geom)::numeric, 6)::float8 AS lat,
       round(ST_X(r.geom)::numeric, 6)::float8 AS lon,
       r.desa_code, d.name AS desa_name, r.kecamatan_code, k.name AS kecamatan_name,
       r.capacity, r.service_radius_km AS radius_km, c.serves_kecamatan, r.active, r.contact,
       u.username
  FROM psks_resource r
  JOIN psks_category c ON c.code = r.category_code
  LEFT JOIN region d ON d.code = r.desa_code
  LEFT JOIN region k ON k.code = r.kecamatan_code
  LEFT JOIN app_user u ON u.id = r.user_id
 WHERE (%(area)s::text IS NULL OR r.desa_code = %(area)s OR r.desa_code LIKE %(area)s || '.%%')
   AND (%(category)s::text IS NULL OR r.category_code = %(category)s)
 ORDER BY r.kecamatan_code, c.no, r.name, r.id
