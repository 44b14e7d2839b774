-- API tokens (never the token itself: only its hash is stored), of one user or all.
SELECT t.id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at
  FROM api_token t
  JOIN app_user u ON u.id = t.user_id
 WHERE %(username)s::text IS NULL OR u.username = %(username)s
 ORDER BY t.id
