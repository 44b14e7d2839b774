-- bench/page.py's data change before each cold open: one more case in the area
-- %(prefix)s (a copy of one there, with a new fingerprint), as a TKSK's new report would
-- be. It changes the data stamp (layers/overlays/stamp.sql), so every server process's
-- answer for the view misses and the planner's counts are computed again.
INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, fingerprint)
SELECT category_code, geom, desa_code, recorded_on, uuid_send(gen_random_uuid())
  FROM pmks_case
 WHERE starts_with(desa_code, %(prefix)s)
 ORDER BY id
 LIMIT 1
