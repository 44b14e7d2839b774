-- Case points of a filter: longitude and latitude (EPSG:4326) as two binary float8
-- arrays (geomap.analysis.query.float_arrays), projected with numpy afterwards.
-- Parameters: the CaseFilter's (prefix, categories, date_from, date_to, open_only), and a
-- range of heap pages [tid_from, tid_to) so that large tables can be read in slices on
-- several connections at once (a TID Range Scan each; the whole table is
-- '(0,0)'..'(4294967295,0)').
SELECT array_send(array_agg(ST_X(c.geom))) AS lon, array_send(array_agg(ST_Y(c.geom))) AS lat
FROM pmks_case c
WHERE c.ctid >= %(tid_from)s::tid AND c.ctid < %(tid_to)s::tid
  AND \include analysis/case_filter
