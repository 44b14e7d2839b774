-- A resource upload draft of this user (an admin may open anyone's).
SELECT d.id, d.filename, d.data, d.report, d.created_at
  FROM resource_upload_draft d
 WHERE d.id = %(id)s AND (d.user_id = %(user)s OR %(admin)s)
