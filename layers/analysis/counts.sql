-- Cases of a filter per desa and PMKS category (only non-zero pairs).
-- Parameters: the CaseFilter's (prefix, categories, date_from, date_to, open_only).
SELECT c.desa_code, c.category_code, count(*)::int AS n
FROM pmks_case c
WHERE \include analysis/case_filter
GROUP BY 1, 2
