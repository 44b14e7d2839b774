-- The desa/kelurahan of an area with what the demo generator needs to place people:
-- name, kind, area and outline (WKB). Ordered by code so the draw never depends on
-- the order rows happen to be stored in.
SELECT d.code, d.name, d.kind, d.area_km2, ST_AsBinary(d.geom) AS wkb,
       k.name AS kecamatan_name
  FROM region d
  JOIN region k ON k.code = d.parent_code
 WHERE d.level = 'desa' AND d.geom IS NOT NULL
   AND (d.code = %(area)s OR d.code LIKE %(area)s || '.%%')
 ORDER BY d.code COLLATE "C"
