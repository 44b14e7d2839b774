-- Synthetic cases for benchmarks: about %(n)s points over the desa of an area, each desa
-- getting a share proportional to its area, uniformly inside it (ST_GeneratePoints with a
-- fixed seed, so runs are repeatable). Not used by the application.
WITH d AS (
    SELECT code, geom, area_km2, sum(area_km2) OVER () AS total
    FROM region
    WHERE level = 'desa' AND starts_with(code, %(prefix)s)
)
INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, fingerprint)
SELECT (ARRAY['AT', 'ABT', 'LUT', 'FM', 'PD'])[1 + (row_number() OVER () %% 5)],
       p.geom, d.code, DATE '2026-01-01' + (row_number() OVER () %% 300)::int,
       uuid_send(gen_random_uuid())
FROM d
CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(
    d.geom, GREATEST(1, round(%(n)s * d.area_km2 / d.total))::int, 42)) AS p
