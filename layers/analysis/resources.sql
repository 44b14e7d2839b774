-- Active PSKS resources of the chosen categories (NULL: all) whose desa code starts with
-- %(prefix)s, in %(srid)s metres, with capacity and reach: the resource's own radius,
-- else its category's effective default (psks_category_radius); NULL radius = the
-- resource serves its whole kecamatan (TKSK).
SELECT r.id, r.category_code, r.kecamatan_code, r.capacity::float8 AS capacity,
       coalesce(r.service_radius_km, cr.radius_km) * 1000.0 AS radius_m,
       ST_X(p) AS x, ST_Y(p) AS y
FROM psks_resource r
JOIN psks_category_radius cr ON cr.code = r.category_code
CROSS JOIN LATERAL ST_Transform(r.geom, %(srid)s::int) AS p
WHERE r.active
  AND starts_with(r.desa_code, %(prefix)s)
  AND (%(categories)s::text[] IS NULL OR r.category_code = ANY (%(categories)s::text[]))
ORDER BY r.id
