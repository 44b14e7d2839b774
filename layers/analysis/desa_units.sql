-- The desa of an area with their kecamatan, names, population (NULL when not loaded)
-- and a point inside each (the demand point of the coverage analysis), in %(srid)s metres.
SELECT d.code, d.name, d.parent_code AS kecamatan, k.name AS kecamatan_name,
       p.population, ST_X(q) AS x, ST_Y(q) AS y
FROM region d
JOIN region k ON k.code = d.parent_code
LEFT JOIN region_population p ON p.code = d.code
CROSS JOIN LATERAL ST_Transform(
    CASE WHEN d.label_point IS NOT NULL AND ST_Intersects(d.geom, d.label_point)
         THEN d.label_point ELSE ST_PointOnSurface(d.geom) END, %(srid)s::int) AS q
WHERE d.level = 'desa' AND starts_with(d.code, %(prefix)s)
ORDER BY d.code
