-- Where the case form's map opens: the label point of the user's area (lat, lon).
-- Parameters: area (a region code).
SELECT ST_Y(label_point) AS lat, ST_X(label_point) AS lon
  FROM region
 WHERE code = %(area)s AND label_point IS NOT NULL
