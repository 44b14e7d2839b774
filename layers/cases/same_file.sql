-- Whether the bytes of an upload were already confirmed before, in the caller's area (an
-- upload's area is the one it was checked against): a re-upload, whose rows the preview
-- rejects as duplicates. Parameters: upload_id, area (geomap.area.area_param).
SELECT EXISTS (
    SELECT 1
      FROM case_upload u
      JOIN case_upload earlier ON earlier.sha256 = u.sha256 AND earlier.id <> u.id
     WHERE u.id = %(upload_id)s
       AND earlier.kind = 'case' AND earlier.status = 'confirmed'
       AND (earlier.area_code IS NULL AND %(area)s = ''
            OR geomap_in_area(earlier.area_code, %(area)s))
)
