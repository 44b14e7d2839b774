-- Residents per desa, for rates (cases per 1,000 residents) and for demand in the
-- coverage analysis. Only desa are stored: a kecamatan's or kabupaten's population is
-- the sum of its desa, so the levels always agree. Loaded by `geomap population
-- import` from a CSV (desa code, population) or a population raster summed per desa.
CREATE TABLE region_population (
    code        text PRIMARY KEY REFERENCES region (code) ON DELETE CASCADE,
    population  double precision NOT NULL CHECK (population >= 0),
    source      text NOT NULL CHECK (length(source) <= 500),
    imported_at timestamptz NOT NULL DEFAULT now()
);
