-- The baseline of bench/assign.py: the point rule of geomap_assign_desa written as one
-- query for ONE point (%(lon)s, %(lat)s), the way a caller would ask per record.
-- bench/assign.py checks that it gives the same answers as the set function.
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom),
inside AS (
    SELECT min(d.code) AS code
      FROM region d, p
     WHERE d.level = 'desa' AND ST_Intersects(d.geom, p.geom)
)
SELECT COALESCE(inside.code, n.code) AS desa_code,
       inside.code IS NULL AND n.code IS NOT NULL AS snapped,
       CASE WHEN inside.code IS NOT NULL THEN 0 ELSE n.d END AS distance_m
  FROM inside, p
  LEFT JOIN LATERAL (
      SELECT dp.code, ST_Distance(dp.geom::geography, p.geom::geography) AS d
        FROM desa_piece dp
       WHERE ST_DWithin(dp.geom, p.geom, %(tolerance)s / 100000.0)
       ORDER BY 2, 1
       LIMIT 1) n ON n.d <= %(tolerance)s
