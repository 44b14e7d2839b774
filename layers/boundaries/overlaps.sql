-- Neighbouring desa among %(codes)s that overlap, and the area they share (km²),
-- measured on the subdivided pieces (pieces of one desa never overlap each other).
SELECT count(*) AS pairs, COALESCE(sum(km2), 0) AS area_km2
  FROM (SELECT a.code AS a, b.code AS b,
               sum(geomap_area_km2(ST_Intersection(a.geom, b.geom))) AS km2
          FROM desa_piece a
          JOIN desa_piece b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
                           AND NOT ST_Touches(a.geom, b.geom)
         WHERE a.code = ANY(%(codes)s)
         GROUP BY a.code, b.code) pairs
 WHERE km2 > 1e-9;
