-- An office's new default radius for a category: resources that had the old default
-- follow it, those given their own radius keep it (or all of them, with every_resource).
WITH old AS (
    SELECT radius_km FROM psks_category_radius WHERE code = %(category)s
), setting AS (
    INSERT INTO psks_radius_setting (category_code, radius_km) VALUES (%(category)s, %(km)s)
    ON CONFLICT (category_code) DO UPDATE SET radius_km = excluded.radius_km, updated_at = now()
)
UPDATE psks_resource r
   SET service_radius_km = %(km)s, updated_at = now()
  FROM old
 WHERE r.category_code = %(category)s
   AND r.service_radius_km IS DISTINCT FROM %(km)s
   AND (%(every_resource)s OR r.service_radius_km = old.radius_km)
