"""Export jobs: an export made in the background, its progress, and its file.

Why jobs: an atlas of a kabupaten takes tens of seconds (31 pages), a GeoPackage of a
province longer. Holding an HTTP request open that long ties up a server thread,
hits proxy timeouts (nginx's default is 60 s) and loses the work when the connection
drops. So every web export is a job, as in GeoServer's WPS or ArcGIS's export tasks:
``POST`` answers at once with the job, the browser (or a script) polls its progress,
then downloads the file. Quick exports (a map page, about 2 s) take the same path, so
there is one code path and one set of checks.

The job's state is a row in ``export_job`` (``layers/schema/0130_export_job.sql``),
so every gunicorn worker answers for every job; the file is
``GEOMAP_VAR_DIR/exports/<id>.<format>``, where the id is 32 random hex digits made
here: no name the user sent is ever part of a path. A job belongs to its user, and
finished jobs and their files are deleted after :data:`KEEP` (a file with personal
data should not linger). A job whose worker died is reported failed after
:data:`STALE`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from geomap.accounts import User
from geomap.config import settings
from geomap.export.run import ExportRequest, download_name, run
from geomap.sql import sql

KEEP_S = 24 * 3600  # finished jobs and their files are kept a day
STALE_S = 15 * 60  # a queued/running job not updated this long died with its worker
MAX_ACTIVE = 3  # unfinished jobs per user
log = logging.getLogger(__name__)


def job_dir() -> Path:
    path = settings().var_dir / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def file_path(job_id: str, fmt: str) -> Path:
    """Where a job's file is; ``job_id`` must be a job id (32 hex digits)."""
    if len(job_id) != 32 or any(c not in "0123456789abcdef" for c in job_id):
        raise ValueError("not a job id")
    return job_dir() / f"{job_id}.{fmt}"


def active(conn: psycopg.Connection, user: User) -> int:
    return conn.execute(sql("export/job_active"),
                        {"user_id": user.id, "stale_s": STALE_S}).fetchone()[0]


def create(conn: psycopg.Connection, user: User, req: ExportRequest,
           params: dict[str, Any]) -> str:
    """A new queued job for ``user``; returns its id."""
    job_id = secrets.token_hex(16)
    conn.execute(sql("export/job_create"), {
        "id": job_id, "user_id": user.id, "kind": req.kind, "format": req.fmt,
        "params": Jsonb(params), "personal": req.personal is not None,
        "download_name": download_name(req), "total": 1})
    return job_id


def get(conn: psycopg.Connection, user: User, job_id: str) -> dict | None:
    """The job if it is ``user``'s (None otherwise, as for a job that does not exist)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql("export/job_get"), {"id": job_id, "user_id": user.id,
                                                    "stale_s": STALE_S}).fetchone()


def _update(conn: psycopg.Connection, job_id: str, state: str, done: int, total: int,
            error: str | None = None, report: dict | None = None) -> None:
    conn.execute(sql("export/job_update"), {
        "id": job_id, "state": state, "done": done, "total": total, "error": error,
        "report": Jsonb(report) if report is not None else None})


def expire(conn: psycopg.Connection) -> int:
    """Delete the jobs past :data:`KEEP_S` and their files; returns how many."""
    rows = conn.execute(sql("export/job_expire"), {"keep_s": KEEP_S}).fetchall()
    for job_id, fmt in rows:
        file_path(job_id, fmt).unlink(missing_ok=True)
    return len(rows)


def execute(connect: Callable[[], Any], job_id: str, req: ExportRequest,
            messages: Callable[[BaseException], str]) -> None:
    """Make the job's file (in a worker thread); progress and the end go to its row.

    ``connect()`` gives a context manager of an autocommit connection (the app's pool).
    ``messages`` turns an exception into the bilingual text the user sees (an
    unexpected one into a generic text: its details go to the log only).
    """
    out = file_path(job_id, req.fmt)
    partial = out.with_name(f"{job_id}.part.{req.fmt}")  # drivers want the extension
    try:
        with connect() as conn:
            _update(conn, job_id, "running", 0, 1)

            def progress(done: int, total: int) -> None:
                _update(conn, job_id, "running", done, total)

            report = run(conn, req, partial, progress)
            partial.replace(out)  # the file appears whole or not at all
            _update(conn, job_id, "done", 1, 1, report=report)
    except BaseException as exc:  # the job must end failed, whatever happened
        partial.unlink(missing_ok=True)
        log.warning("export job %s failed", job_id, exc_info=True)
        try:
            with connect() as conn:
                _update(conn, job_id, "failed", 0, 1, error=messages(exc))
        except Exception:  # the database is gone: STALE_S reports it
            log.exception("export job %s: could not record the failure", job_id)
    finally:
        if req.logo is not None:
            req.logo.unlink(missing_ok=True)
