-- The cases an upload created, in the caller's area (the form shows the one it saved).
-- Parameters: upload_id, area (geomap.area.area_param).
SELECT c.id
  FROM pmks_case c
 WHERE c.upload_id = %(upload_id)s
   AND geomap_in_area(c.kecamatan_code, %(area)s)
 ORDER BY c.id
