-- Confirm joins the rows it inserted back to their staged personal data by fingerprint:
-- with an index that join is a lookup per row instead of a scan per row.
CREATE INDEX case_staging_fingerprint_idx ON case_staging (upload_id, fingerprint);

-- Staged rows were checked against the category list already; a foreign-key check per
-- staged row only slows the preview down.
ALTER TABLE case_staging DROP CONSTRAINT case_staging_category_code_fkey;
