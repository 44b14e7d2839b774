-- Answers of cacheable map overlays (a planner's choropleth: seconds of suppression
-- audit), shared by every server process: each gunicorn worker keeping its own meant a
-- planner's next view of the same filter usually missed. The key is a hash of the query,
-- the caller's area and privacy treatment and the data stamp (layers/overlays/stamp.sql),
-- so a changed case makes a new key; old rows are pruned when answers are stored.
-- Aggregates only (what the caller was shown), never case rows or personal data.
-- UNLOGGED: a cache, rebuilt on demand, not worth the WAL.
CREATE UNLOGGED TABLE IF NOT EXISTS overlay_answer (
    key bytea PRIMARY KEY,
    payload bytea NOT NULL,
    made_at timestamptz NOT NULL DEFAULT now()
);
