-- The accepted points of a previewed upload, for its preview map: no personal data.
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(lon, lat)),
        'properties', json_build_object('row', row_no, 'category', category_code,
                                        'desa', desa_code, 'date', recorded_on,
                                        'status', status)) ORDER BY row_no), '[]'::json))
  FROM case_staging
 WHERE upload_id = %(upload_id)s
