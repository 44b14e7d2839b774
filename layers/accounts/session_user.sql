-- The user of a browser session if the session is live (not ended, not expired, not
-- idle too long) and the account is still enabled; checked on every request that asks
-- who the caller is. Also says whether last_seen_at is stale enough to be refreshed.
SELECT u.id, u.username, u.role, u.area_code,
       s.last_seen_at < now() - interval '1 minute' AS stale
  FROM login_session s
  JOIN app_user u ON u.id = s.user_id
 WHERE s.id_sha256 = %(digest)s
   AND s.user_id = %(user_id)s
   AND s.revoked_at IS NULL
   AND s.expires_at > now()
   AND s.last_seen_at > now() - make_interval(secs => %(idle_s)s)
   AND NOT u.disabled
