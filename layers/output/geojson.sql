-- A layer's rows as one GeoJSON FeatureCollection, built in PostGIS: the placeholder is the
-- layer's own query; its ``geom`` column becomes the geometry (%(precision)s decimals)
-- and every other column a property.
SELECT json_build_object(
           'type', 'FeatureCollection',
           'features', COALESCE(json_agg(ST_AsGeoJSON(f.*, 'geom', %(precision)s)::json),
                                '[]'::json))::text
  FROM ({layer}
       ) AS f
