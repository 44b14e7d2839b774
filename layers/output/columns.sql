-- No rows, only the names and types of a layer's columns (for its TileJSON fields).
SELECT *
  FROM ({layer}
       ) AS f
 LIMIT 0
