-- Active TKSK (the resource serving a whole kecamatan) per kecamatan of an area.
SELECT k.code, count(r.id)::int AS tksk
FROM region k
LEFT JOIN psks_resource r ON r.kecamatan_code = k.code AND r.active AND r.category_code = 'TKSK'
WHERE k.level = 'kecamatan' AND starts_with(k.code, %(prefix)s)
GROUP BY k.code
