-- Staged rows were checked against the category list already; a foreign-key check per
-- staged row only slows the preview down.
ALTER TABLE case_staging DROP CONSTRAINT case_staging_category_code_fkey;
