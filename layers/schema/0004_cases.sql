-- PMKS and PSKS categories (filled from ../shared/domain by geomap.taxonomy.sync) and
-- the located PMKS cases. A case's desa comes from its point through
-- geomap_assign_desa; its kecamatan is the one the desa code names.
CREATE TABLE pmks_category (
    code    text PRIMARY KEY,
    no      integer NOT NULL UNIQUE,
    name_id text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE psks_category (
    code              text PRIMARY KEY,
    no                integer NOT NULL UNIQUE,
    name_id           text NOT NULL,
    name_en           text NOT NULL,
    default_radius_km double precision CHECK (default_radius_km > 0),
    serves_kecamatan  boolean NOT NULL DEFAULT false,
    CHECK ((default_radius_km IS NULL) = serves_kecamatan)
);

-- One upload of a file (or a batch through the API): previewed, then confirmed.
CREATE TABLE case_upload (
    id           bigserial PRIMARY KEY,
    user_id      bigint REFERENCES app_user (id) ON DELETE SET NULL,
    kind         text NOT NULL DEFAULT 'case' CHECK (kind IN ('case', 'resource')),
    filename     text NOT NULL,
    format       text NOT NULL,
    sha256       bytea NOT NULL,
    status       text NOT NULL DEFAULT 'preview'
                 CHECK (status IN ('preview', 'confirmed', 'discarded')),
    accepted     integer NOT NULL DEFAULT 0,
    rejected     integer NOT NULL DEFAULT 0,
    report       jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz
);

CREATE TABLE pmks_case (
    id             bigserial PRIMARY KEY,
    category_code  text NOT NULL REFERENCES pmks_category (code),
    geom           geometry(Point, 4326) NOT NULL,
    desa_code      text NOT NULL REFERENCES region (code),
    kecamatan_code text GENERATED ALWAYS AS (left(desa_code, 8)) STORED,
    snapped        boolean NOT NULL DEFAULT false,
    recorded_on    date NOT NULL,
    status         text NOT NULL DEFAULT 'baru'
                   CHECK (status IN ('baru', 'ditangani', 'dirujuk', 'selesai')),
    sex            text CHECK (sex IN ('L', 'P')),
    age_group      text CHECK (age_group IN ('balita', 'anak', 'remaja', 'dewasa', 'lansia')),
    household_size integer CHECK (household_size BETWEEN 1 AND 99),
    notes          text CHECK (length(notes) <= 2000),
    -- HMAC-SHA256 of the NIK with the server's secret: finds duplicates without clear NIKs.
    nik_hmac       bytea,
    -- HMAC of the normalised row: the same row uploaded twice is the same case.
    fingerprint    bytea NOT NULL UNIQUE,
    upload_id      bigint REFERENCES case_upload (id) ON DELETE SET NULL,
    created_by     bigint REFERENCES app_user (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz
);
CREATE INDEX pmks_case_geom_gix ON pmks_case USING gist (geom);
CREATE INDEX pmks_case_kecamatan_idx ON pmks_case (kecamatan_code);
CREATE INDEX pmks_case_desa_idx ON pmks_case (desa_code);
CREATE INDEX pmks_case_category_date_idx ON pmks_case (category_code, recorded_on);
-- One open case per person and category, enforced by the database (also under races).
CREATE UNIQUE INDEX pmks_case_open_person_uq ON pmks_case (nik_hmac, category_code)
    WHERE nik_hmac IS NOT NULL AND status <> 'selesai';

-- Personal data, apart: readable only by tksk of the area, dinas and admin, audited.
CREATE TABLE case_person (
    case_id bigint PRIMARY KEY REFERENCES pmks_case (id) ON DELETE CASCADE,
    name    text CHECK (length(name) <= 200),
    nik     text CHECK (nik ~ '^[0-9]{16}$'),
    address text CHECK (length(address) <= 500),
    phone   text CHECK (length(phone) <= 32)
);
