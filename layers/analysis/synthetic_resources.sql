-- Synthetic PSKS resources for benchmarks: %(n)s resources at random points in the desa of
-- an area (desa picked evenly through the list, categories in turn, capacity 5-24).
-- TKSK per kecamatan (synthetic_tksk.sql). Not used by the application.
WITH d AS (
    SELECT code, geom, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS n
    FROM region WHERE level = 'desa' AND starts_with(code, %(prefix)s)
), cats AS (
    SELECT array_agg(code ORDER BY no) AS codes FROM psks_category WHERE NOT serves_kecamatan
), picks AS (
    SELECT i, (i * 7919) %% (SELECT max(n) FROM d) AS k FROM generate_series(1, %(n)s) AS i
)
INSERT INTO psks_resource (category_code, name, geom, desa_code, capacity, fingerprint)
SELECT cats.codes[1 + picks.i %% cardinality(cats.codes)], 'Sumber ' || picks.i,
       coalesce(ST_GeometryN(ST_GeneratePoints(d.geom, 1, picks.i::int), 1),
                ST_PointOnSurface(d.geom)), d.code, 5 + picks.i %% 20,
       uuid_send(gen_random_uuid())
FROM picks JOIN d USING (k) CROSS JOIN cats;
