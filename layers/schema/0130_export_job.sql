-- Export jobs of the web app (server/exports.py): a map, atlas, deck, data file or HTML
-- page made in the background for one user, and downloaded by that user only.
--
-- The row is the job's state for every gunicorn worker (the one making the file and
-- the ones answering the progress requests); the file lives under
-- GEOMAP_VAR_DIR/exports/<id>.<format>, named by the id (random, from the server),
-- never by anything the user sent. Finished jobs and their files expire.
CREATE TABLE export_job (
    id            text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
    user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('map', 'atlas', 'slides', 'data', 'html')),
    format        text NOT NULL CHECK (format ~ '^[a-z]{2,8}$'),
    params        jsonb NOT NULL,
    personal      boolean NOT NULL DEFAULT false,
    state         text NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'running', 'done', 'failed')),
    done          integer NOT NULL DEFAULT 0,
    total         integer NOT NULL DEFAULT 1,
    download_name text NOT NULL CHECK (download_name ~ '^[A-Za-z0-9._-]{1,130}$'),
    error         text,
    report        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX export_job_user_idx ON export_job (user_id, created_at);
CREATE INDEX export_job_finished_idx ON export_job (finished_at) WHERE finished_at IS NOT NULL;
