-- Case points of a filter with their kecamatan, as three binary float8 arrays:
-- longitude, latitude (EPSG:4326) and the kecamatan code's digits as a number
-- (32.04.05 -> 320405), for reach tests per case. Parameters: the CaseFilter's.
SELECT array_send(array_agg(ST_X(c.geom))) AS lon, array_send(array_agg(ST_Y(c.geom))) AS lat,
       array_send(array_agg(replace(c.kecamatan_code, '.', '')::float8)) AS kecamatan
FROM pmks_case c
WHERE \include analysis/case_filter
