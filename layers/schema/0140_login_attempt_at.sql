-- The purge of old login attempts (geomap retention run, layers/accounts/purge_logins.sql)
-- finds them by time alone; without this index it reads the whole table, which an
-- address guessing passwords can make large.
CREATE INDEX login_attempt_at_idx ON login_attempt (at);
