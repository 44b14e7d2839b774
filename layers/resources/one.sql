-- One resource, if it lies in the caller's area (geomap_in_area; '' = everywhere), with
-- its point at full precision so an edit keeps its fingerprint. FOR UPDATE: an edit
-- holds the row until it is written.
SELECT r.id, r.category_code AS category, r.name, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat,
       r.capacity, r.service_radius_km AS radius_km, r.active, r.contact, u.username
  FROM psks_resource r
  LEFT JOIN app_user u ON u.id = r.user_id
 WHERE r.id = %(id)s AND geomap_in_area(r.desa_code, %(area)s)
   FOR UPDATE OF r
