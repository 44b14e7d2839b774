-- Case counts per kecamatan and category in the caller's area: what a planner may see
-- (no point, no person). Parameters as cases/list (without ids, limit, offset).
SELECT c.kecamatan_code, r.name AS kecamatan_name, c.category_code,
       count(*)::int AS cases,
       count(*) FILTER (WHERE c.status <> 'selesai')::int AS open_cases
  FROM pmks_case c
  LEFT JOIN region r ON r.code = c.kecamatan_code
 WHERE geomap_in_area(c.kecamatan_code, %(area)s)
   AND (%(within)s::text IS NULL OR geomap_in_area(c.desa_code, %(within)s::text))
   AND (%(category)s::text IS NULL OR c.category_code = %(category)s::text)
   AND (%(date_from)s::date IS NULL OR c.recorded_on >= %(date_from)s::date)
   AND (%(date_to)s::date IS NULL OR c.recorded_on <= %(date_to)s::date)
 GROUP BY c.kecamatan_code, r.name, c.category_code
 ORDER BY c.kecamatan_code, c.category_code
