-- The bounding box of the desa %(codes)s inside the caller's area (%(user_area)s),
-- for the gap table's links: a row's click fits the map to its desa.
SELECT d.code, ST_XMin(d.geom) AS west, ST_YMin(d.geom) AS south,
       ST_XMax(d.geom) AS east, ST_YMax(d.geom) AS north
  FROM region d
 WHERE d.code = ANY (%(codes)s::text[]) AND d.level = 'desa'
   AND geomap_in_area(d.code, %(user_area)s)
