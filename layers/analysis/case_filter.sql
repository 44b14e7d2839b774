-- The WHERE clause of a geomap.analysis.filters.CaseFilter over pmks_case aliased "c",
-- one place for every query of the map's filter (counts, points, heat map, personal
-- export), pulled in by a line "WHERE \include analysis/case_filter" or "AND \include
-- analysis/case_filter" (geomap.sql expands it when it reads the query). Parameters:
-- the CaseFilter's (prefix, categories, date_from, date_to, open_only). Each optional
-- part is "parameter IS NULL OR ...", which the planner folds away for a given value,
-- so the category and date conditions still reach pmks_case_category_date_idx.
starts_with(c.desa_code, %(prefix)s)
AND (%(categories)s::text[] IS NULL OR c.category_code = ANY (%(categories)s::text[]))
AND (%(date_from)s::date IS NULL OR c.recorded_on >= %(date_from)s::date)
AND (%(date_to)s::date IS NULL OR c.recorded_on <= %(date_to)s::date)
AND (NOT %(open_only)s OR c.status <> 'selesai')
