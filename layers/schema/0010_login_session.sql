-- Logged-in browser sessions. Flask's session cookie is signed but kept by the browser,
-- so on its own it cannot be ended: the cookie carries a random session id and this
-- table says whether that id is still good. Only a SHA-256 of the id is stored, so a
-- copy of the database does not hold live sessions.
CREATE TABLE login_session (
    id_sha256    bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    address      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX login_session_user_idx ON login_session (user_id) WHERE revoked_at IS NULL;

-- A new password or a disabled account ends every session of that user, whichever
-- way the change is made (CLI, admin page, plain SQL): the rule lives with the data.
CREATE FUNCTION geomap_end_user_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE login_session SET revoked_at = now()
     WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER app_user_end_sessions
    AFTER UPDATE OF password_hash, disabled ON app_user
    FOR EACH ROW
    WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash
          OR (NEW.disabled AND NOT OLD.disabled))
    EXECUTE FUNCTION geomap_end_user_sessions();
