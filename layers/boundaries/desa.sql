-- The desa/kelurahan boundary layer: every desa and kelurahan under %(area)s (NULL: all
-- loaded) touching %(bbox)s (NULL: anywhere), simplified by %(simplify)s degrees, with
-- its kind, its kecamatan's name and its label point as [lon, lat].
SELECT d.code, d.name, d.kind, k.name AS kecamatan,
       geomap_label_at(d.geom, d.label_point) AS label_at,
       geomap_simplify(d.geom, %(simplify)s) AS geom
  FROM region d
  LEFT JOIN region k ON k.code = d.parent_code
 WHERE d.level = 'desa' AND d.geom IS NOT NULL
   AND (%(area)s::text IS NULL OR d.code = %(area)s OR d.code LIKE %(area)s || '.%%')
   AND (%(bbox)s::geometry IS NULL OR d.geom && %(bbox)s::geometry)
 ORDER BY d.code
