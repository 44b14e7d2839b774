-- One feature of a layer by its id, as GeoJSON (OGC API - Features, item by id); no row
-- when the layer has no such feature (in the caller's area).
SELECT json_build_object('type', 'Feature',
                         'id', f.{id},
                         'geometry', ST_AsGeoJSON(f.geom, %(precision)s)::json,
                         'properties', to_jsonb(f) - 'geom')::text
  FROM ({layer}
       ) AS f
 WHERE f.{id}::text = %(fid)s
