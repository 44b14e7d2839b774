"""The web side of :mod:`geomap.ingest`: requests in, previews and results out.

Both the pages (:mod:`server.cases`) and the JSON API (:mod:`server.cases_api`) call these,
so a file, a form and a JSON body meet the same checks (``geomap.ingest.staging``), with
the same codes and bilingual reasons; nothing here validates a value itself.

Errors of the ingest module become HTTP errors here: a refused file is a 400 with its
bilingual reason, an oversize body a 413 before it is read, an upload that is not this
user's (or no longer a preview) a 404 / 409. Nothing of the file is ever echoed back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
from flask import current_app, request
from werkzeug.exceptions import BadRequest, Conflict, NotFound, RequestEntityTooLarge

from geomap.accounts import User
from geomap.area import area_param
from geomap.ingest import staging
from geomap.ingest.problems import UploadError, UploadStateError, UploadTooLarge
from geomap.ingest.readers import Upload, max_upload_bytes
from geomap.ingest.template import template_xlsx as _template_xlsx
from geomap.ingest.validate import AGE_GROUPS, STATUSES
from geomap.ingest.validate import WRITER_ROLES as _WRITERS
from geomap.sql import sql

WRITER_ROLES = tuple(r for r in _WRITERS if r != "system")
__all__ = ["AGE_GROUPS", "STATUSES", "WRITER_ROLES"]
# Room for the multipart envelope around a file of the maximum size.
MULTIPART_ALLOWANCE = 64 * 1024
FILE_FIELD = "file"

# What a person is told when the database goes away under their upload or confirm
# (``server.errors.on_database_fault``): staging and confirm are one transaction each,
# so a fault before the commit leaves nothing of the file / no case of the upload.
UPLOAD_NOT_SAVED = (
    "Unggahan tidak tersimpan: basis data terputus dan tidak ada bagian berkas yang disimpan. "
    "Unggah lagi berkas yang sama setelah basis data kembali / The upload was not saved: the "
    "database went away and nothing of the file was kept. Upload the same file again once "
    "the database is back")
CONFIRM_NOT_DONE = (
    "Konfirmasi tidak selesai: basis data terputus dan tidak ada kasus dari unggahan ini yang "
    "disimpan; unggahan masih berupa pratinjau. Konfirmasi lagi setelah basis data kembali "
    "(tidak ada kasus yang tercatat dua kali) / The confirmation did not finish: the database "
    "went away and no case of this upload was stored; it is still a preview. Confirm it again "
    "once the database is back (no case is ever stored twice)")


@dataclass(frozen=True)
class Uploader:
    """A logged-in user as :mod:`geomap.ingest` wants it (``area_code``, not ``area``)."""

    id: int
    username: str
    role: str
    area_code: str | None
    area: str | None


def uploader(user: User) -> Uploader:
    return Uploader(user.id, user.username, user.role, user.area, user.area)


def max_upload_mb() -> float:
    return round(max_upload_bytes() / 1024 / 1024, 1)


def _too_large() -> RequestEntityTooLarge:
    mb = f"{max_upload_mb():g}"
    return RequestEntityTooLarge(f"batas unggahan {mb} MB / the upload limit is {mb} MB")


def apply_size_limit() -> None:
    """Refuse a body over the limit from its Content-Length, before a byte is read."""
    limit = max_upload_bytes() + MULTIPART_ALLOWANCE
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()


def file_from_request() -> Upload:
    """The uploaded file of a multipart request (field ``file``), size-checked."""
    try:
        sent = request.files.get(FILE_FIELD)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if sent is None or not sent.filename:
        raise BadRequest("pilih berkas CSV, XLSX atau GeoJSON (kolom 'file') / choose a CSV, "
                         "XLSX or GeoJSON file (field 'file')")
    try:
        return Upload(sent.filename, sent.read(max_upload_bytes() + 1))
    except UploadTooLarge:
        raise _too_large() from None


def _refused(exc: UploadError) -> BadRequest:
    return BadRequest(str(exc))


def stage_file(conn: psycopg.Connection, user: User, upload: Upload) -> staging.Preview:
    """Check a file and keep it as a preview of this user; 400 if the file is refused."""
    # A large file's desa assignment runs on one connection per core (geomap.assign).
    connect = partial(psycopg.connect, current_app.config["DATABASE_URL"], autocommit=True)
    try:
        return staging.stage(conn, uploader(user), upload, connect=connect)
    except UploadError as exc:
        raise _refused(exc) from None


def load_preview(conn: psycopg.Connection, user: User, upload_id: int) -> staging.Preview:
    """This user's upload (admin: anyone's), or 404 whoever else asks."""
    found = staging.load_preview(conn, upload_id, uploader(user))
    if found is None:
        raise NotFound()
    return found


def staged_points(conn: psycopg.Connection, user: User, upload_id: int) -> dict:
    """The accepted points of this user's staged upload, as a GeoJSON FeatureCollection."""
    return load_preview(conn, user, upload_id).points_geojson()


def _status(conn: psycopg.Connection, upload_id: int) -> str:
    return conn.execute("SELECT status FROM case_upload WHERE id = %s",
                        (upload_id,)).fetchone()[0]


def same_file_confirmed(conn: psycopg.Connection, user: User, preview: staging.Preview) -> bool:
    """Whether the same bytes were already confirmed in the user's area (a re-upload)."""
    return conn.execute(sql("cases/same_file"), {
        "upload_id": preview.upload_id, "area": area_param(user)}).fetchone()[0]


def preview_json(preview: staging.Preview, conn: psycopg.Connection | None = None,
                 user: User | None = None) -> dict[str, Any]:
    """A preview as the API returns it and the preview page shows it."""
    out: dict[str, Any] = {"id": preview.upload_id, "filename": preview.filename,
                           "format": preview.format, **preview.report()}
    if conn is not None and user is not None:
        out["status"] = _status(conn, preview.upload_id)
        out["duplicate_of_confirmed"] = same_file_confirmed(conn, user, preview)
    out["rejected_file"] = preview.rejected_file is not None
    return out


def confirm(conn: psycopg.Connection, user: User, upload_id: int) -> dict[str, Any]:
    """Store the staged rows in one transaction; 404 if not this user's, 409 if done."""
    try:
        done = staging.confirm(conn, upload_id, uploader(user))
    except UploadStateError as exc:
        if staging.load_preview(conn, upload_id, uploader(user)) is None:
            raise NotFound() from None
        raise Conflict(str(exc)) from None
    except UploadError as exc:
        raise _refused(exc) from None
    return {"id": upload_id, "status": "confirmed", "inserted": done.inserted,
            "skipped": done.skipped, "people": done.people}


def confirm_message(result: dict[str, Any]) -> str:
    n, skipped = result["inserted"], result["skipped"]
    if n == 0:
        return ("Tidak ada kasus baru: semuanya sudah tercatat / No new case: all were "
                "already recorded")
    extra = f" ({skipped} sudah ada / already there)" if skipped else ""
    return f"{n} kasus tersimpan / {n} cases saved{extra}"


def discard(conn: psycopg.Connection, user: User, upload_id: int) -> None:
    try:
        staging.discard(conn, upload_id, uploader(user))
    except UploadStateError as exc:
        if staging.load_preview(conn, upload_id, uploader(user)) is None:
            raise NotFound() from None
        raise Conflict(str(exc)) from None


def rejected_file(conn: psycopg.Connection, user: User,
                  upload_id: int) -> tuple[str, str, io.BytesIO]:
    """(download name, media type, content) of the rejected rows; 404 if none."""
    found = staging.stored_rejected_file(conn, upload_id, uploader(user))
    if found is None:
        raise NotFound()
    return found.filename, found.media_type, io.BytesIO(found.content)


def template_xlsx() -> io.BytesIO:
    return io.BytesIO(_template_xlsx())


def write_records(conn: psycopg.Connection, user: User, records: list[dict],
                  source: str) -> dict[str, Any]:
    """Cases given as dicts (JSON API, web form): staged and confirmed at once.

    The same check as a file; the accepted rows are written in one transaction, the
    rejected ones reported. ``ids`` are the new cases (none for a row already there).
    """
    try:
        preview = staging.stage(conn, uploader(user), records)
    except UploadError as exc:
        raise _refused(exc) from None
    report = preview.report()
    created: list[int] = []
    if preview.accepted:
        confirm(conn, user, preview.upload_id)
        created = [r[0] for r in conn.execute(sql("cases/of_upload"), {
            "upload_id": preview.upload_id, "area": area_param(user)}).fetchall()]
    else:
        discard(conn, user, preview.upload_id)
    only_repeats = bool(report["errors"]) and all(
        e["code"] == "duplicate" for e in report["errors"])
    return {"upload_id": preview.upload_id, "source": source, **report,
            "created": len(created), "ids": created,
            "already_recorded": only_repeats and not preview.accepted}
