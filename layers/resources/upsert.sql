-- Write the staged resources: new ones inserted, known ones (same fingerprint: category,
-- name and point to ~10 m) updated only where something changed, so importing the
-- same list twice changes nothing. Returns one row per insert or update.
INSERT INTO psks_resource AS r (category_code, name, geom, desa_code, capacity,
                                service_radius_km, active, contact, user_id, fingerprint,
                                upload_id)
SELECT s.category_code, s.name, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.desa_code,
       s.capacity, s.service_radius_km, s.active, s.contact, s.user_id,
       sha256(convert_to(s.key, 'UTF8')), %(upload)s
  FROM resource_stage s
ON CONFLICT (fingerprint) DO UPDATE
   SET name = excluded.name, geom = excluded.geom, desa_code = excluded.desa_code,
       capacity = excluded.capacity, service_radius_km = excluded.service_radius_km,
       active = excluded.active, contact = excluded.contact,
       user_id = coalesce(excluded.user_id, r.user_id), upload_id = excluded.upload_id,
       updated_at = now()
 WHERE (r.name, ST_AsBinary(r.geom), r.desa_code, r.capacity, r.service_radius_km, r.active, r.contact,
        coalesce(excluded.user_id, r.user_id))
       IS DISTINCT FROM
       (excluded.name, ST_AsBinary(excluded.geom), excluded.desa_code, excluded.capacity, excluded.service_radius_km,
        excluded.active, excluded.contact, r.user_id)
RETURNING (xmax = 0) AS inserted
