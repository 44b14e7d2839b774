-- Count and area per level, for the whole database or under one code.
SELECT level, count(*) AS count, COALESCE(sum(area_km2), 0) AS area_km2,
       count(*) FILTER (WHERE geom IS NULL) AS without_geometry
  FROM region
 WHERE %(area)s::text IS NULL OR code = %(area)s OR code LIKE %(area)s || '.%%'
 GROUP BY level;
