-- Demo cases waiting to be written: the rows geomap.demo.cases draws, with their keyed
-- hashes, copied in one COPY.
CREATE TEMP TABLE demo_case_stage (
    category_code  text NOT NULL,
    lon            double precision NOT NULL,
    lat            double precision NOT NULL,
    desa_code      text NOT NULL,
    snapped        boolean NOT NULL,
    recorded_on    date NOT NULL,
    status         text NOT NULL,
    closed_on      date,
    sex            text NOT NULL,
    age_group      text NOT NULL,
    household_size integer NOT NULL,
    name           text NOT NULL,
    nik            text NOT NULL,
    address        text NOT NULL,
    phone          text,
    nik_hmac       bytea NOT NULL,
    fingerprint    bytea NOT NULL,
    created_by     text
) ON COMMIT DROP
