-- Seconds to wait before another login attempt, or NULL if one is allowed now.
-- Counted in the window: failures for the username since its last success, and all
-- failures from the address (a success there does not reset it, or one attacker's own
-- account would unlock guessing at everyone else's). When a limit is reached, the wait
-- lasts until the oldest of the last N failures leaves the window.
WITH since AS (
    SELECT now() - make_interval(secs => %(window_s)s) AS at
), by_user AS (
    SELECT a.at FROM login_attempt a, since
     WHERE a.username = %(username)s AND NOT a.success AND a.at > since.at
       AND a.at > coalesce((SELECT max(ok.at) FROM login_attempt ok
                             WHERE ok.username = %(username)s AND ok.success), '-infinity')
     ORDER BY a.at DESC LIMIT %(per_user)s
), by_address AS (
    SELECT a.at FROM login_attempt a, since
     WHERE a.address = %(address)s AND NOT a.success AND a.at > since.at
     ORDER BY a.at DESC LIMIT %(per_address)s
)
SELECT ceil(extract(epoch FROM greatest(
           CASE WHEN (SELECT count(*) FROM by_user) >= %(per_user)s
                THEN (SELECT min(at) FROM by_user) END,
           CASE WHEN (SELECT count(*) FROM by_address) >= %(per_address)s
                THEN (SELECT min(at) FROM by_address) END)
       + make_interval(secs => %(window_s)s) - now()))::int
