-- Login records past their use: sessions that ended (expired or logged out) and login
-- attempts, both older than %(keep_s)s seconds. They hold addresses and usernames, so
-- they are not kept for ever; a month lets an admin look into who logged in from where.
-- The rate limit reads only the last 15 minutes of attempts (login_wait.sql), far
-- inside what is kept.
WITH sessions AS (
    DELETE FROM login_session
     WHERE least(coalesce(revoked_at, 'infinity'), expires_at)
           < now() - make_interval(secs => %(keep_s)s)
    RETURNING 1
), attempts AS (
    DELETE FROM login_attempt
     WHERE at < now() - make_interval(secs => %(keep_s)s)
    RETURNING 1
)
SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM attempts)
