-- The area a map shows: its code, name and level (NULL when %(area)s is NULL, meaning
-- everything loaded) and its extent in lon/lat (NULLs when nothing is loaded).
-- No row when %(area)s names a region that is not loaded.
SELECT r.code, r.name, r.level,
       ST_XMin(e.box), ST_YMin(e.box), ST_XMax(e.box), ST_YMax(e.box)
  FROM (SELECT ST_Extent(geom) AS box
          FROM region
         WHERE %(area)s::text IS NULL OR code = %(area)s) AS e
  LEFT JOIN region r ON r.code = %(area)s
 WHERE %(area)s::text IS NULL OR r.code IS NOT NULL
