-- Store the staged rows of one upload as cases, with their personal data apart.
-- {staged} is case_staging (a confirmed preview) or the temporary table one piece of a
-- large import is copied into (geomap.ingest.bulk): the same columns.
-- ON CONFLICT DO NOTHING (no target: every unique constraint) lets the UNIQUE
-- fingerprint and the one-open-case-per-person index settle re-uploads and two
-- confirms racing over overlapping files: a row already there is skipped, never
-- doubled. The person row joins back on the fingerprint, unique within an upload.
WITH ins AS (
    INSERT INTO pmks_case (category_code, geom, desa_code, snapped, recorded_on, status, sex,
                           age_group, household_size, notes, nik_hmac, fingerprint, upload_id,
                           created_by, closed_at)
    SELECT s.category_code, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.desa_code,
           s.snapped, s.recorded_on, s.status, s.sex, s.age_group, s.household_size, s.notes,
           s.nik_hmac, s.fingerprint, s.upload_id, %(user_id)s,
           CASE WHEN s.status = 'selesai' THEN now() END
      FROM {staged} s
     WHERE s.upload_id = %(upload_id)s
     ORDER BY s.desa_code, s.row_no  -- neighbours together: index pages stay in cache
    ON CONFLICT DO NOTHING
    RETURNING id, fingerprint
), person AS (
    INSERT INTO case_person (case_id, name, nik, address, phone)
    SELECT ins.id, s.name, s.nik, s.address, s.phone
      FROM ins
      JOIN {staged} s ON s.upload_id = %(upload_id)s AND s.fingerprint = ins.fingerprint
     WHERE num_nonnulls(s.name, s.nik, s.address, s.phone) > 0
    RETURNING case_id
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM person)
