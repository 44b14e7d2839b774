-- How many of a user's jobs are still queued or running (and alive). Parameters:
-- user_id, stale_s.
SELECT count(*) FROM export_job
 WHERE user_id = %(user_id)s AND state IN ('queued', 'running')
   AND updated_at >= now() - make_interval(secs => %(stale_s)s)
