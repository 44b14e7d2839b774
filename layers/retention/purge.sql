-- Closed cases past the retention period go, with their personal data (case_person
-- cascades). Returns the ids, for the audit row written in the same transaction.
WITH gone AS (
    DELETE FROM pmks_case
     WHERE status = 'selesai'
       AND closed_at < now() - make_interval(days => %(days)s)
    RETURNING id
)
SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM gone
