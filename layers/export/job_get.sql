-- One job of one user (another user's job is as absent as a job that never existed).
-- A queued or running job not heard of for stale_s seconds died with its worker
-- process: it is reported failed. Parameters: id, user_id, stale_s.
SELECT id, kind, format, personal, done, total, download_name, error, report, created_at,
       finished_at,
       CASE WHEN state IN ('queued', 'running')
                 AND updated_at < now() - make_interval(secs => %(stale_s)s) THEN 'failed'
            ELSE state END AS state
  FROM export_job
 WHERE id = %(id)s AND user_id = %(user_id)s
