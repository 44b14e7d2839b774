-- Insert new regions, update changed ones, leave identical ones alone; say which is which.
-- Parents go first so that the foreign key holds row by row.
INSERT INTO region AS r (code, level, kind, parent_code, name, label_point, geom, area_km2, source)
SELECT code, level, kind, parent_code, name,
       COALESCE(label_point, ST_PointOnSurface(geom)), geom,
       geomap_area_km2(geom), source
  FROM boundary_stage
 ORDER BY length(code), code
ON CONFLICT (code) DO UPDATE
   SET level = excluded.level, kind = excluded.kind, parent_code = excluded.parent_code,
       name = excluded.name, label_point = excluded.label_point, geom = excluded.geom,
       area_km2 = excluded.area_km2, source = excluded.source, updated_at = now()
 WHERE (r.name, r.parent_code, ST_AsEWKB(r.geom), ST_AsEWKB(r.label_point))
       IS DISTINCT FROM
       (excluded.name, excluded.parent_code, ST_AsEWKB(excluded.geom), ST_AsEWKB(excluded.label_point))
RETURNING r.code, r.level, (xmax = 0) AS inserted;
