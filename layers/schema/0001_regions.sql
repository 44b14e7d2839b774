-- Administrative regions (province > kabupaten/kota > kecamatan > desa/kelurahan),
-- keyed by the Kemendagri code with its dots. Geometries are valid MultiPolygons in
-- EPSG:4326; area_km2 is measured in the region's own UTM zone.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE region (
    code        text PRIMARY KEY
                CHECK (code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[12][0-9]{3})?)?)?$'),
    level       text NOT NULL
                CHECK (level IN ('province', 'kabupaten', 'kecamatan', 'desa')),
    kind        text NOT NULL
                CHECK (kind IN ('provinsi', 'kabupaten', 'kota', 'kecamatan', 'desa', 'kelurahan')),
    parent_code text REFERENCES region (code) DEFERRABLE INITIALLY DEFERRED,
    name        text NOT NULL,
    label_point geometry(Point, 4326),
    geom        geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
    area_km2    double precision,
    source      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 'province') = (parent_code IS NULL))
);
CREATE INDEX region_geom_gix ON region USING gist (geom);
CREATE INDEX region_parent_idx ON region (parent_code);
CREATE INDEX region_level_idx ON region (level, code);

-- Desa cut into pieces of at most 128 vertices: point-in-polygon on small pieces
-- with tight boxes is what makes assigning a million points fast.
CREATE TABLE desa_piece (
    code text NOT NULL REFERENCES region (code) ON DELETE CASCADE,
    geom geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX desa_piece_geom_gix ON desa_piece USING gist (geom);
CREATE INDEX desa_piece_code_idx ON desa_piece (code);

-- Each boundary import, for the record and for the report it printed.
CREATE TABLE boundary_import (
    id          bigserial PRIMARY KEY,
    imported_at timestamptz NOT NULL DEFAULT now(),
    sources     text[] NOT NULL,
    inserted    integer NOT NULL,
    updated     integer NOT NULL,
    unchanged   integer NOT NULL,
    report      jsonb NOT NULL
);

-- The EPSG code of the WGS 84 UTM zone a geometry's centre lies in.
CREATE FUNCTION geomap_utm_srid(g geometry) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END
           + LEAST(60, GREATEST(1, floor((ST_X(c) + 180) / 6)::int + 1))
    FROM (SELECT ST_PointOnSurface(ST_Envelope(g)) AS c) s
$$;

-- Area in km² in the geometry's UTM zone.
CREATE FUNCTION geomap_area_km2(g geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT ST_Area(ST_Transform(g, geomap_utm_srid(g))) / 1e6
$$;
