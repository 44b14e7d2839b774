-- A stored overlay answer by its key (see layers/schema/0160_overlay_answer.sql).
SELECT payload FROM overlay_answer WHERE key = %(key)s
