-- Uploads of cases are previewed before anything is stored: the accepted rows wait in
-- case_staging (personal data included, so it is kept only until the upload is
-- confirmed, discarded or purged as stale), and the rejected rows wait as a file in
-- the upload's own format, with a reason column, for the user to fix and upload again.

-- The area the upload was checked against (a system import has no user, only an area).
ALTER TABLE case_upload ADD COLUMN area_code text;
CREATE INDEX case_upload_status_idx ON case_upload (status, created_at);

CREATE TABLE case_staging (
    upload_id      bigint NOT NULL REFERENCES case_upload (id) ON DELETE CASCADE,
    row_no         integer NOT NULL,  -- the row number the user sees in the file
    category_code  text NOT NULL REFERENCES pmks_category (code),
    lon            double precision NOT NULL,
    lat            double precision NOT NULL,
    desa_code      text NOT NULL,
    snapped        boolean NOT NULL,
    recorded_on    date NOT NULL,
    status         text NOT NULL,
    sex            text,
    age_group      text,
    household_size integer,
    notes          text,
    nik_hmac       bytea,
    fingerprint    bytea NOT NULL,
    name           text,
    nik            text,
    address        text,
    phone          text,
    PRIMARY KEY (upload_id, row_no)
);

CREATE TABLE case_upload_rejected (
    upload_id  bigint PRIMARY KEY REFERENCES case_upload (id) ON DELETE CASCADE,
    filename   text NOT NULL,
    media_type text NOT NULL,
    content    bytea NOT NULL
);
