-- The polygons of one level ('desa' or 'kecamatan') under %(prefix)s, in %(srid)s
-- (the area's UTM zone for print, 4326 for GIS files), simplified by %(simplify)s
-- degrees first (0: as stored). Only geometry and names: the counts come from
-- geomap.analysis, joined by code in Python.
SELECT r.code, r.name, r.parent_code AS parent, r.area_km2,
       ST_AsBinary(ST_Transform(geomap_simplify(r.geom, %(simplify)s), %(srid)s::int)) AS geom
  FROM region r
 WHERE r.level = %(level)s AND r.geom IS NOT NULL AND starts_with(r.code, %(prefix)s)
 ORDER BY r.code
