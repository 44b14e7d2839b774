-- A new export job for one user (server/exports.py). Parameters: id, user_id, kind,
-- format, params (jsonb), personal, download_name, total.
INSERT INTO export_job (id, user_id, kind, format, params, personal, download_name, total)
VALUES (%(id)s, %(user_id)s, %(kind)s, %(format)s, %(params)s, %(personal)s,
        %(download_name)s, %(total)s)
