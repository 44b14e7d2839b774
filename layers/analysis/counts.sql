-- Cases of a filter per desa and PMKS category (only non-zero pairs).
-- Parameters: the CaseFilter's (prefix, categories, date_from, date_to, open_only).
SELECT c.desa_code, c.category_code, count(*)::int AS n
FROM pmks_case c
WHERE starts_with(c.desa_code, %(prefix)s)
  AND (%(categories)s::text[] IS NULL OR c.category_code = ANY (%(categories)s::text[]))
  AND (%(date_from)s::date IS NULL OR c.recorded_on >= %(date_from)s::date)
  AND (%(date_to)s::date IS NULL OR c.recorded_on <= %(date_to)s::date)
  AND (NOT %(open_only)s OR c.status <> 'selesai')
GROUP BY 1, 2
