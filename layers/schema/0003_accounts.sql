-- People who use geomap, what they may do, and the record of what they read.
-- role: admin (everything), dinas (reads and exports everything in its kabupaten,
-- manages resources), planner (aggregates only, never personal data), tksk (writes and
-- reads the cases of one kecamatan). area_code is a Kemendagri code; every query is
-- filtered by it in the database.
CREATE TABLE app_user (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,63}$'),
    role          text NOT NULL CHECK (role IN ('admin', 'dinas', 'planner', 'tksk')),
    area_code     text NOT NULL
                  CHECK (area_code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[12][0-9]{3})?)?)?$'),
    password_hash text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'tksk' OR area_code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$')
);

-- Tokens for scripted uploads; only a SHA-256 of the token is kept.
CREATE TABLE api_token (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    token_sha256 bytea NOT NULL UNIQUE,
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Login attempts, for rate limiting by username and by address.
CREATE TABLE login_attempt (
    id       bigserial PRIMARY KEY,
    username text NOT NULL,
    address  text NOT NULL,
    success  boolean NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempt_recent_idx ON login_attempt (username, at);
CREATE INDEX login_attempt_address_idx ON login_attempt (address, at);

-- Every read or export of personal data, and every purge (UU 27/2022: a record of
-- processing). Rows are only ever inserted.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    bigint REFERENCES app_user (id) ON DELETE SET NULL,
    username   text NOT NULL,
    action     text NOT NULL,
    purpose    text NOT NULL,
    record_ids bigint[] NOT NULL DEFAULT '{}',
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_records_gin ON audit_log USING gin (record_ids);
