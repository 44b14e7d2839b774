-- Keep an uploaded resource file for its owner until confirmed or discarded; drafts
-- older than a day are dropped on the way (nobody confirms a preview that old).
WITH old AS (
    DELETE FROM resource_upload_draft WHERE created_at < now() - interval '1 day'
)
INSERT INTO resource_upload_draft (user_id, filename, data, report)
VALUES (%(user)s, %(filename)s, %(data)s, %(report)s)
RETURNING id
