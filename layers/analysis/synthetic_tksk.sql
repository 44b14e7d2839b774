-- Synthetic TKSK for benchmarks: one in nine kecamatan out of ten of an area, at the
-- label point of the kecamatan's first desa. Not used by the application.
INSERT INTO psks_resource (category_code, name, geom, desa_code, capacity, fingerprint)
SELECT 'TKSK', 'TKSK ' || k.name, d.label_point, d.code, 60, uuid_send(gen_random_uuid())
FROM region k
CROSS JOIN LATERAL (SELECT code, coalesce(label_point, ST_PointOnSurface(geom)) AS label_point
                    FROM region WHERE parent_code = k.code AND level = 'desa'
                    ORDER BY code LIMIT 1) d
WHERE k.level = 'kecamatan' AND starts_with(k.code, %(prefix)s) AND abs(hashtext(k.code)) %% 10 <> 0;
