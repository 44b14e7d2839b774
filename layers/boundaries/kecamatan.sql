-- The kecamatan boundary layer: every kecamatan under %(area)s (NULL: all loaded)
-- touching %(bbox)s (NULL: anywhere), simplified by %(simplify)s degrees, with its
-- label point as [lon, lat].
SELECT r.code, r.name,
       geomap_label_at(r.geom, r.label_point) AS label_at,
       geomap_simplify(r.geom, %(simplify)s) AS geom
  FROM region r
 WHERE r.level = 'kecamatan' AND r.geom IS NOT NULL
   AND (%(area)s::text IS NULL OR r.code = %(area)s OR r.code LIKE %(area)s || '.%%')
   AND (%(bbox)s::geometry IS NULL OR r.geom && %(bbox)s::geometry)
 ORDER BY r.code
