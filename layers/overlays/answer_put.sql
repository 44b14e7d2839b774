-- Store an overlay answer, and drop answers older than a day (their data stamps are
-- long gone, or nobody asked for them again).
WITH pruned AS (
    DELETE FROM overlay_answer WHERE made_at < now() - interval '1 day'
)
INSERT INTO overlay_answer (key, payload) VALUES (%(key)s, %(payload)s)
ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload, made_at = now()
