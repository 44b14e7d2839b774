-- Write demo cases checked by the ingest rules (staged in demo_case_stage, shaped like
-- case_staging) with the history no upload has: each was recorded by the TKSK of its
-- kecamatan (else the dinas account) on the day it was recorded, and a finished one
-- was closed an exponential number of days later (mean %(mean_days)s, never after the
-- reference date), the "random" days taken from the case's fingerprint so the same
-- seed gives the same history in any database. ON CONFLICT DO NOTHING, as confirm
-- does: a case already there is skipped.
WITH ins AS (
    INSERT INTO pmks_case (category_code, geom, desa_code, snapped, recorded_on, status, sex,
                           age_group, household_size, notes, nik_hmac, fingerprint, upload_id,
                           created_by, created_at, updated_at, closed_at)
    SELECT s.category_code, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.desa_code,
           s.snapped, s.recorded_on, s.status, s.sex, s.age_group, s.household_size, s.notes,
           s.nik_hmac, s.fingerprint, s.upload_id, coalesce(t.id, d.id), s.recorded_on,
           coalesce(h.closed_on, s.recorded_on), h.closed_on
      FROM demo_case_stage s
      CROSS JOIN LATERAL (
          SELECT CASE WHEN s.status = 'selesai' THEN
                     least(s.recorded_on + ceil(-%(mean_days)s * ln(
                         (get_byte(s.fingerprint, 0) * 256 + get_byte(s.fingerprint, 1) + 1)
                         / 65537.0))::int, %(today)s::date)
                 END AS closed_on) h
      LEFT JOIN (SELECT area_code, min(id) AS id FROM app_user
                  WHERE role = 'tksk' AND NOT disabled GROUP BY area_code) t
             ON t.area_code = left(s.desa_code, 8)
      LEFT JOIN app_user d ON d.username = %(dinas)s
     ORDER BY s.row_no
    ON CONFLICT DO NOTHING
    RETURNING id, fingerprint
)
INSERT INTO case_person (case_id, name, nik, address, phone)
SELECT ins.id, s.name, s.nik, s.address, s.phone
  FROM ins
  JOIN demo_case_stage s USING (fingerprint)
