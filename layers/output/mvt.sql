-- One Mapbox Vector Tile of a layer: the layer placeholder is the layer's own query,
-- asked only for the tile's box (%(bbox)s, with the buffer) and not simplified (snapping
-- to the tile's grid is the simplification); its ``geom`` is clipped to tile
-- %(z)s/%(x)s/%(y)s on a grid of %(extent)s units with %(buffer)s units of buffer
-- (geomap.render.tiles.extent: 512 for overviews, else 4096), and the columns
-- placeholder (", f.name, f.code" ...: its scalar columns) names the attributes.
-- OFFSET 0 keeps the NULL test from being pushed down (it would clip twice).
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS envelope)
SELECT ST_AsMVT(mvt.*, %(name)s, %(extent)s, 'geom')
  FROM (SELECT ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.envelope, %(extent)s, %(buffer)s,
                                   true) AS geom
               {columns}
          FROM ({layer}
               ) AS f, tile
        OFFSET 0) AS mvt
 WHERE mvt.geom IS NOT NULL
