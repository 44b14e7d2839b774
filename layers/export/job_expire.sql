-- Forget jobs finished more than keep_s seconds ago, and jobs that died unfinished that
-- long ago; returns their id and format so their files can be deleted. Parameters: keep_s.
DELETE FROM export_job
 WHERE COALESCE(finished_at, updated_at) < now() - make_interval(secs => %(keep_s)s)
RETURNING id, format
