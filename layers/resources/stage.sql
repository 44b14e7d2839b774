-- Rows checked by geomap.resources.validate, waiting to be written in one statement.
CREATE TEMP TABLE resource_stage (
    category_code     text NOT NULL,
    name              text NOT NULL,
    lon               double precision NOT NULL,
    lat               double precision NOT NULL,
    desa_code         text NOT NULL,
    capacity          integer NOT NULL,
    service_radius_km double precision,
    active            boolean NOT NULL,
    contact           text,
    user_id           bigint,
    key               text NOT NULL
) ON COMMIT DROP
