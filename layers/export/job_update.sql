-- A job's progress or end. Parameters: id, state, done, total, error, report (jsonb or
-- NULL); finished_at is set when the state is final.
UPDATE export_job
   SET state = %(state)s, done = %(done)s, total = %(total)s, error = %(error)s,
       report = COALESCE(%(report)s, report), updated_at = now(),
       finished_at = CASE WHEN %(state)s IN ('done', 'failed') THEN now() END
 WHERE id = %(id)s
