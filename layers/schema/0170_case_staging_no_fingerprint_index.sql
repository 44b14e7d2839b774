-- case_staging's (upload_id, fingerprint) index (0021) served a nested-loop join of the
-- confirmed rows back to their staged personal data. Confirm has joined them by hash
-- since its statements run with enable_nestloop off (a nested loop over a new upload's
-- rows was what stalled repeated uploads), and the cross-piece duplicate check of a
-- large import no longer reads staged rows at all (geomap.ingest.validate.EarlierRows):
-- nothing uses the index. Keeping it up to date cost 10-35 % of the database CPU of
-- staging a preview (COPY of 100,000 rows, backend CPU at load 6.5-7: 0.84 and 1.11 s
-- with it, 0.75 and 0.72 s without).
DROP INDEX case_staging_fingerprint_idx;
