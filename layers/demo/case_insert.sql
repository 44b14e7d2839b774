-- Write the staged demo cases and their personal data. A case already there (same
-- fingerprint) is skipped, so seeding twice with the same seed and date adds nothing.
-- The case is recorded by the TKSK of its kecamatan when there is one (else by the
-- dinas account), on the day it was recorded.
WITH added AS (
    INSERT INTO pmks_case (category_code, geom, desa_code, snapped, recorded_on, status, sex,
                           age_group, household_size, nik_hmac, fingerprint, upload_id,
                           created_by, created_at, updated_at, closed_at)
    SELECT s.category_code, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.desa_code,
           s.snapped, s.recorded_on, s.status, s.sex, s.age_group, s.household_size,
           s.nik_hmac, s.fingerprint, %(upload)s, coalesce(t.id, dinas.id),
           s.recorded_on, coalesce(s.closed_on, s.recorded_on), s.closed_on
      FROM demo_case_stage s
      LEFT JOIN app_user t ON t.username = s.created_by
      LEFT JOIN app_user dinas ON dinas.username = %(dinas)s
    ON CONFLICT (fingerprint) DO NOTHING
    RETURNING id, fingerprint
)
INSERT INTO case_person (case_id, name, nik, address, phone)
SELECT a.id, s.name, s.nik, s.address, s.phone
  FROM added a
  JOIN demo_case_stage s USING (fingerprint)
