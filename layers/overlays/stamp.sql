-- What the PMKS figures of an area depend on, in one row: a cached overlay answer made
-- when this row was different is stale. Cases are only ever inserted or deleted by the
-- app (no edit changes a case's desa, category or date), so their number and the last id
-- change with every change that matters; population and boundaries by their import time.
-- Parameter: prefix (the area's code and a dot).
SELECT (SELECT count(*) FROM pmks_case WHERE starts_with(desa_code, %(prefix)s)) AS cases,
       (SELECT max(id) FROM pmks_case) AS last_case,
       (SELECT max(imported_at) FROM region_population) AS population,
       (SELECT max(updated_at) FROM region) AS regions
