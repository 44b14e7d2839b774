-- Active TKSK (the resource serving a whole kecamatan) per kecamatan of an area; the
-- area may be a kecamatan itself (%(prefix)s is its code and a dot).
SELECT k.code, count(r.id)::int AS tksk
FROM region k
LEFT JOIN psks_resource r ON r.kecamatan_code = k.code AND r.active AND r.category_code = 'TKSK'
WHERE k.level = 'kecamatan' AND (starts_with(k.code, %(prefix)s) OR k.code || '.' = %(prefix)s)
GROUP BY k.code
