-- Helpers of the map layers (layers/<group>/<name>.sql).

-- A geometry simplified for drawing: unchanged when the tolerance is 0 or NULL. Vector
-- tiles ask for 0 (ST_AsMVTGeom snaps to the tile grid, which is cheaper than GEOS's
-- topology-preserving simplification); GeoJSON layers ask for their own tolerance.
CREATE FUNCTION geomap_simplify(g geometry, tolerance double precision) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN tolerance IS NULL OR tolerance <= 0 THEN g
                ELSE ST_SimplifyPreserveTopology(g, tolerance) END
$$;

-- Where a region's label goes, as [lon, lat] (5 decimals, about 1 m): the source's own
-- point (the wilayah files' lat/lng) when it lies in the region, else a point surely
-- inside it (a few source points lie up to 150 m outside their desa).
CREATE FUNCTION geomap_label_at(g geometry, given geometry) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT json_build_array(round(ST_X(p)::numeric, 5), round(ST_Y(p)::numeric, 5))
      FROM (SELECT CASE WHEN given IS NOT NULL AND ST_Intersects(g, given) THEN given
                        ELSE ST_PointOnSurface(g) END AS p) AS chosen
$$;
