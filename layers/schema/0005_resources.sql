-- PSKS resources: who and what can meet the need. A TKSK is a resource serving its
-- whole kecamatan (service_radius_km NULL), linked to the TKSK's user account.
CREATE TABLE psks_resource (
    id                bigserial PRIMARY KEY,
    category_code     text NOT NULL REFERENCES psks_category (code),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    geom              geometry(Point, 4326) NOT NULL,
    desa_code         text NOT NULL REFERENCES region (code),
    kecamatan_code    text GENERATED ALWAYS AS (left(desa_code, 8)) STORED,
    capacity          integer NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    service_radius_km double precision CHECK (service_radius_km > 0 AND service_radius_km <= 100),
    active            boolean NOT NULL DEFAULT true,
    contact           text CHECK (length(contact) <= 200),
    user_id           bigint REFERENCES app_user (id) ON DELETE SET NULL,
    fingerprint       bytea NOT NULL UNIQUE,
    upload_id         bigint REFERENCES case_upload (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX psks_resource_geom_gix ON psks_resource USING gist (geom);
CREATE INDEX psks_resource_kecamatan_idx ON psks_resource (kecamatan_code);
CREATE INDEX psks_resource_category_idx ON psks_resource (category_code) WHERE active;
-- One active TKSK per kecamatan (Permensos 28/2018).
CREATE UNIQUE INDEX psks_resource_one_tksk_uq ON psks_resource (kecamatan_code)
    WHERE category_code = 'TKSK' AND active;
