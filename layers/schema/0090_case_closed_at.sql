-- A case's closed_at follows its status, whatever path changed it (form, API, upload,
-- a hand-written UPDATE): set when the case becomes 'selesai', cleared when it is
-- reopened. Retention counts from this date, so it must never be forgotten.
CREATE FUNCTION geomap_case_closed_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'selesai' THEN
        NEW.closed_at := COALESCE(NEW.closed_at, now());
    ELSE
        NEW.closed_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER pmks_case_closed_at
    BEFORE INSERT OR UPDATE OF status, closed_at ON pmks_case
    FOR EACH ROW EXECUTE FUNCTION geomap_case_closed_at();

UPDATE pmks_case SET closed_at = COALESCE(closed_at, updated_at)
 WHERE status = 'selesai' AND closed_at IS NULL;

CREATE INDEX pmks_case_closed_idx ON pmks_case (closed_at) WHERE status = 'selesai';
