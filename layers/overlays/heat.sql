-- Case points for the heat map of a role that may see them (tksk, dinas, admin): the ids
-- read (for the audit row) and the points as [lat, lon, cases] with coordinates rounded
-- to 4 decimals (about 11 m, finer than the heat map's blur) and the cases at the same
-- rounded place added up, so a province's answer stays small; nothing else.
-- Parameters: area (geomap.area.area_param of the caller: '' = everything) and the
-- CaseFilter's (prefix, categories, date_from, date_to, open_only).
WITH picked AS (
    SELECT c.id, round(ST_Y(c.geom)::numeric, 4) AS lat, round(ST_X(c.geom)::numeric, 4) AS lon
    FROM pmks_case c
    WHERE geomap_in_area(c.kecamatan_code, %(area)s)
      AND \include analysis/case_filter
), places AS (
    SELECT lat, lon, count(*)::int AS n FROM picked GROUP BY lat, lon
)
SELECT (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM picked) AS ids,
       (SELECT coalesce(json_agg(json_build_array(lat, lon, n) ORDER BY lat, lon), '[]')
          FROM places) AS points
