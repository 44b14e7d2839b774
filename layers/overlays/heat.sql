-- Case points for the heat map of a role that may see them (tksk, dinas, admin): ids (for
-- the audit row) and latitude/longitude rounded to 5 decimals (about 1 m), nothing else.
-- Parameters: area (geomap.area.area_param of the caller: '' = everything) and the
-- CaseFilter's (prefix, categories, date_from, date_to, open_only).
SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS ids,
       coalesce(json_agg(json_build_array(round(ST_Y(c.geom)::numeric, 5),
                                          round(ST_X(c.geom)::numeric, 5)) ORDER BY c.id),
                '[]') AS points
FROM pmks_case c
WHERE geomap_in_area(c.kecamatan_code, %(area)s)
  AND starts_with(c.desa_code, %(prefix)s)
  AND (%(categories)s::text[] IS NULL OR c.category_code = ANY (%(categories)s::text[]))
  AND (%(date_from)s::date IS NULL OR c.recorded_on >= %(date_from)s::date)
  AND (%(date_to)s::date IS NULL OR c.recorded_on <= %(date_to)s::date)
  AND (NOT %(open_only)s OR c.status <> 'selesai')
