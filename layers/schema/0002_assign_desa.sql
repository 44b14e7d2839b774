-- Which desa is this point in? The one rule every located record goes through.
--
--  * inside one desa: that desa;
--  * inside two or more overlapping desa: the one with the lowest Kemendagri code
--    (the same answer every time, whatever the order of rows);
--  * inside none (a sliver between desa, or just outside the edge): the nearest desa
--    within tolerance_m metres (geodesic), with snapped = true;
--  * farther than that: desa_code, snapped and distance_m are NULL (outside the area).
--
-- The kecamatan of a record is the one its desa code names, never a second
-- point-in-polygon against kecamatan shapes (they overlap each other more).
--
-- It works on a set: a table with columns (id bigint, geom geometry(Point, 4326)).
-- Joining from the desa side lets PostGIS prepare each desa polygon once and test
-- every point under it (with a GiST index on the points and the table in spatial
-- order), which is what makes a million points take seconds. Snapping looks only at
-- pieces within tolerance_m / 100 km degrees (more than tolerance_m anywhere in
-- Indonesia, where a degree is at least 109 km), ranked by geodesic distance.
CREATE FUNCTION geomap_assign_desa(points regclass, tolerance_m double precision DEFAULT 250)
RETURNS TABLE (id bigint, desa_code text, snapped boolean, distance_m double precision)
LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH inside AS MATERIALIZED (
            SELECT p.id, min(d.code) AS code
              FROM region d
              JOIN %1$s p ON ST_Intersects(d.geom, p.geom)
             WHERE d.level = 'desa'
             GROUP BY p.id
        )
        SELECT inside.id, inside.code, false, 0::double precision FROM inside
        UNION ALL
        SELECT p.id, n.code, n.code IS NOT NULL, n.d
          FROM %1$s p
          LEFT JOIN LATERAL (
              SELECT dp.code, ST_Distance(dp.geom::geography, p.geom::geography) AS d
                FROM desa_piece dp
               WHERE ST_DWithin(dp.geom, p.geom, $1 / 100000.0)
               ORDER BY 2, 1
               LIMIT 1) n ON n.d <= $1
         WHERE NOT EXISTS (SELECT 1 FROM inside WHERE inside.id = p.id)
    $q$, points) USING tolerance_m;
END
$fn$;
