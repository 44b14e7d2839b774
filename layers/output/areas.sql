-- The areas a map can show, for choosing one: loaded provinces, kabupaten/kota and
-- kecamatan, each with its parent's name, in code order.
SELECT r.code, r.name, r.level, r.kind, p.name AS parent_name
  FROM region r
  LEFT JOIN region p ON p.code = r.parent_code
 WHERE r.level IN ('province', 'kabupaten', 'kecamatan') AND r.geom IS NOT NULL
 ORDER BY r.code
