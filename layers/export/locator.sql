-- The inset locator map: the province holding %(area)s and its kabupaten/kota with a
-- boundary, in %(srid)s, heavily simplified (the inset is a few centimetres wide).
-- ``is_area`` marks the region the page is about (or the one holding it).
SELECT r.code, r.level, starts_with(%(area)s, r.code) AND r.level <> 'province' AS is_area,
       ST_AsBinary(ST_Transform(geomap_simplify(r.geom, %(simplify)s), %(srid)s::int)) AS geom
  FROM region r
 WHERE r.geom IS NOT NULL
   AND (r.code = %(province)s
        OR (r.level = 'kabupaten' AND starts_with(r.code, %(province)s || '.')))
 ORDER BY r.level DESC, r.code
