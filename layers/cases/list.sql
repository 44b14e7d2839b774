-- Cases in the caller's area (and inside an optional narrower region), newest first:
-- the fields every role that may list cases sees; never the personal data (case_person).
-- Parameters: area (geomap.area.area_param of the caller: '' = everything), within
-- (a region code or NULL), category (code or NULL), date_from, date_to, limit, offset.
SELECT c.id, c.category_code, k.name_id AS category_name_id, k.name_en AS category_name_en,
       c.desa_code, d.name AS desa_name, c.kecamatan_code, c.recorded_on, c.status, c.sex,
       c.age_group, c.household_size, c.notes, c.snapped,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
  FROM pmks_case c
  JOIN pmks_category k ON k.code = c.category_code
  LEFT JOIN region d ON d.code = c.desa_code
 WHERE geomap_in_area(c.kecamatan_code, %(area)s)
   AND (%(within)s::text IS NULL OR geomap_in_area(c.desa_code, %(within)s::text))
   AND (%(category)s::text IS NULL OR c.category_code = %(category)s::text)
   AND (%(date_from)s::date IS NULL OR c.recorded_on >= %(date_from)s::date)
   AND (%(date_to)s::date IS NULL OR c.recorded_on <= %(date_to)s::date)
   AND (%(ids)s::bigint[] IS NULL OR c.id = ANY (%(ids)s::bigint[]))
 ORDER BY c.recorded_on DESC, c.id DESC
 LIMIT %(limit)s OFFSET %(offset)s
