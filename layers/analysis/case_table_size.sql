-- Heap pages and estimated rows of pmks_case (as of the last ANALYZE): whether reading
-- the case points in page slices on several connections is worth it.
SELECT relpages::bigint, reltuples::float8 FROM pg_class WHERE oid = 'pmks_case'::regclass
