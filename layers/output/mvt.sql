-- One Mapbox Vector Tile of a layer: the placeholder is the layer's own query, asked only
-- for the tile's box (%(bbox)s, with the buffer); its ``geom`` is clipped to tile
-- %(z)s/%(x)s/%(y)s and every other scalar column becomes an attribute.
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS envelope)
SELECT ST_AsMVT(mvt.*, %(name)s, 4096, 'geom')
  FROM (SELECT ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.envelope, 4096, 64, true) AS geom,
               to_jsonb(f) - 'geom' AS properties
          FROM ({layer}
               ) AS f, tile
       ) AS mvt
 WHERE mvt.geom IS NOT NULL
