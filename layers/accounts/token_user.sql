-- The enabled user of a live token, given its SHA-256; notes the use, at most once a
-- minute per token so that a busy script does not write on every request.
WITH found AS (
    SELECT t.id, t.last_used_at, u.id AS user_id, u.username, u.role, u.area_code
      FROM api_token t
      JOIN app_user u ON u.id = t.user_id
     WHERE t.token_sha256 = %(digest)s AND t.revoked_at IS NULL AND NOT u.disabled
), touched AS (
    UPDATE api_token t SET last_used_at = now()
      FROM found
     WHERE t.id = found.id
       AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute')
)
SELECT user_id, username, role, area_code FROM found
