-- Re-cut the changed desa into the small pieces the point rule searches.
WITH gone AS (DELETE FROM desa_piece WHERE code = ANY(%(codes)s))
INSERT INTO desa_piece (code, geom)
SELECT code, ST_Subdivide(geom, 128)
  FROM region
 WHERE code = ANY(%(codes)s) AND level = 'desa' AND geom IS NOT NULL;
