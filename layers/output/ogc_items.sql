-- One page of a layer's features for OGC API - Features (/ogcapi/collections/{id}/items):
-- the layer placeholder is the layer's own query, asked for %(bbox)s's box; features
-- that really intersect the box are counted (numberMatched) and one page of them, in
-- {id} order, is turned into GeoJSON by PostGIS. Every column but ``geom`` becomes a
-- property; {id} is also the feature's id.
WITH matched AS (
    SELECT f.*
      FROM ({layer}
           ) AS f
     WHERE %(bbox)s::geometry IS NULL OR ST_Intersects(f.geom, %(bbox)s::geometry)
), page AS (
    SELECT * FROM matched ORDER BY {id} LIMIT %(limit)s OFFSET %(offset)s
)
SELECT (SELECT count(*) FROM matched),
       (SELECT count(*) FROM page),
       COALESCE((SELECT json_agg(json_build_object(
                     'type', 'Feature',
                     'id', p.{id},
                     'geometry', ST_AsGeoJSON(p.geom, %(precision)s)::json,
                     'properties', to_jsonb(p) - 'geom') ORDER BY p.{id})
                   FROM page AS p), '[]'::json)::text
