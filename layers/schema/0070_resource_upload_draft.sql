-- A resource file waiting for its owner's confirmation (the web preview-then-confirm).
--
-- The preview is a dry run of geomap.resources.load.import_rows; confirming runs it again
-- on these stored bytes, never on rows sent back by the browser. A draft belongs to the
-- user who uploaded it and is deleted once confirmed or discarded.
CREATE TABLE resource_upload_draft (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    filename   text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    data       bytea NOT NULL,
    report     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resource_upload_draft_user_idx ON resource_upload_draft (user_id);
