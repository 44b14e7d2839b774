-- The area rule in the database, so every query can filter by the caller's area before a
-- row leaves PostgreSQL: a code is in an area when it is the area or lies under it
-- ('32.04' holds '32.04.05' and '32.04.05.2001'). The empty string is the whole country
-- (what an admin sees). A NULL area matches nothing: a forgotten parameter fails closed.
-- A plain SQL function, so the planner inlines it into the calling query.
CREATE FUNCTION geomap_in_area(code text, area text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN area = '' OR code = area OR starts_with(code, area || '.');

-- An admin may have no area at all (it manages every area; its area is only where its
-- maps open). Every other role keeps one.
ALTER TABLE app_user ALTER COLUMN area_code DROP NOT NULL;
ALTER TABLE app_user ADD CONSTRAINT app_user_area_required
    CHECK (area_code IS NOT NULL OR role = 'admin');
