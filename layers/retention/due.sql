-- How many closed cases a purge would remove now (for --dry-run).
SELECT count(*)
  FROM pmks_case
 WHERE status = 'selesai'
   AND closed_at < now() - make_interval(days => %(days)s)
