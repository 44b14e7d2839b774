-- An edit that changed what identifies a resource (category, name or point): the edit
-- was written as a new row of upload %(upload)s; move its values onto the resource being
-- edited (keeping its id) and drop the new row.
WITH new AS (
    DELETE FROM psks_resource WHERE upload_id = %(upload)s AND id <> %(old)s RETURNING *
)
UPDATE psks_resource r
   SET category_code = new.category_code, name = new.name, geom = new.geom,
       desa_code = new.desa_code, capacity = new.capacity,
       service_radius_km = new.service_radius_km, active = new.active, contact = new.contact,
       user_id = new.user_id, fingerprint = new.fingerprint, upload_id = new.upload_id,
       updated_at = now()
  FROM new
 WHERE r.id = %(old)s
