"""The web side of :mod:`geomap.resources`: requests in, previews and results out.

The pages (:mod:`server.resources`) and the JSON API (:mod:`server.resources_api`) both
call these, so a file, the form, a JSON body and a PATCH meet the one check of
:func:`geomap.resources.load.import_rows` (the CLI's), with its codes and bilingual
reasons; nothing here judges a value itself.

A file is previewed by a dry run of that function; its bytes stay on the server
(``resource_upload_draft``) and confirming runs it again on them, so the browser never
sends rows back. Writes are limited to the caller's area by the same function
(``outside_area``); reads and edits find a resource only inside the area, in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
from psycopg.rows import dict_row
from werkzeug.exceptions import BadRequest, Conflict, NotFound

from geomap import codes, taxonomy
from geomap.accounts import User
from geomap.area import area_param
from geomap.ingest import Upload, UploadError
from geomap.resources import columns, read, store
from geomap.resources.load import ImportResult, import_rows
from geomap.sql import sql

WRITER_ROLES = ("admin", "dinas")
READER_ROLES = ("admin", "dinas", "planner")
# A planner plans with resources but gets no way to reach the people behind them: no
# contact, no TKSK account name.
CONTACT_ROLES = ("admin", "dinas")
EDITABLE = ("capacity", "radius_km", "active", "contact")
RECORD_FIELDS = ("category", "name", "lat", "lon", "capacity", "radius_km", "active",
                 "contact", "username")


def area_of(user: User) -> str | None:
    """The caller's area for :mod:`geomap.resources` (None: everywhere, for an admin)."""
    return area_param(user) or None


def _refused(exc: Exception) -> BadRequest:
    return BadRequest(str(exc))


def _run(conn: psycopg.Connection, user: User, frame: pd.DataFrame, *, filename: str,
         fmt: str, sha256: bytes, dry_run: bool = False,
         all_or_nothing: bool = False) -> ImportResult:
    try:
        return import_rows(conn, frame, filename=filename, fmt=fmt, sha256=sha256,
                           area=area_of(user), dry_run=dry_run, user_id=user.id,
                           all_or_nothing=all_or_nothing)
    except columns.MissingColumns as exc:
        raise _refused(exc) from None


# --- files: preview, confirm, discard ---------------------------------------------------

def _read(upload: Upload) -> read.ResourceFile:
    try:
        return read.read_upload(upload)
    except UploadError as exc:
        raise _refused(exc) from None


def preview_file(conn: psycopg.Connection, user: User, upload: Upload) -> dict[str, Any]:
    """Dry-run a file and keep its bytes for this user; the preview, with its draft id."""
    found = _read(upload)
    result = _run(conn, user, found.frame, filename=upload.filename, fmt=found.format,
                  sha256=found.sha256, dry_run=True)
    report = {"filename": upload.filename[:200], "format": found.format, "rows": result.rows,
              **result.as_json()}
    draft = conn.execute(sql("resources/draft_put"), {
        "user": user.id, "filename": upload.filename[:200] or "upload", "data": upload.data,
        "report": json.dumps(report)}).fetchone()[0]
    return {"id": draft, "status": "preview", **report}


def _draft(conn: psycopg.Connection, user: User, draft_id: int) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(sql("resources/draft_get"), {
            "id": draft_id, "user": user.id, "admin": user.role == "admin"}).fetchone()
    if row is None:
        raise NotFound()
    return row


def load_preview(conn: psycopg.Connection, user: User, draft_id: int) -> dict[str, Any]:
    """A preview of this user's (admin: anyone's) draft; 404 for anyone else or once done."""
    row = _draft(conn, user, draft_id)
    return {"id": row["id"], "status": "preview", **row["report"]}


def confirm_file(conn: psycopg.Connection, user: User, draft_id: int) -> dict[str, Any]:
    """Import the stored file for real (checked again: the registry may have changed)."""
    row = _draft(conn, user, draft_id)
    found = _read(Upload(row["filename"], bytes(row["data"])))
    # import_rows writes in its own transaction; a confirm repeated meanwhile imports the
    # same file again, which changes nothing.
    result = _run(conn, user, found.frame, filename=row["filename"], fmt=found.format,
                  sha256=found.sha256)
    conn.execute("DELETE FROM resource_upload_draft WHERE id = %s", (draft_id,))
    return {"id": draft_id, "status": "confirmed", "rows": result.rows, **result.as_json()}


def discard_file(conn: psycopg.Connection, user: User, draft_id: int) -> None:
    _draft(conn, user, draft_id)
    conn.execute("DELETE FROM resource_upload_draft WHERE id = %s", (draft_id,))


def confirm_message(result: dict[str, Any]) -> str:
    n, changed = result.get("inserted", 0), result.get("updated", 0)
    if not n and not changed:
        return ("Tidak ada perubahan: semua sumber daya sudah tercatat / No change: every "
                "resource was already recorded")
    return (f"{n} sumber daya baru, {changed} diubah / {n} new resources, {changed} updated")


# --- records: the form and the JSON API -------------------------------------------------

def _cell(value: Any) -> str:
    """A JSON or form value as the text a spreadsheet cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (dict, list)):
        return json.dumps(value)[:300]  # refused by the check, never stored
    return str(value)


def records_frame(records: list[dict]) -> pd.DataFrame:
    """Records as a file's rows: text cells under their own keys, ``row`` 1, 2, ..."""
    frame = pd.DataFrame([{str(k): _cell(v) for k, v in r.items()} for r in records])
    if frame.empty:
        frame = pd.DataFrame(index=range(len(records)))
    frame.insert(0, "row", range(1, len(records) + 1))
    return frame


def write_records(conn: psycopg.Connection, user: User, records: list[dict],
                  source: str) -> dict[str, Any]:
    """Resources given as dicts: valid ones written at once, rejected ones reported."""
    result = _run(conn, user, records_frame(records), filename=source, fmt="json",
                  sha256=json.dumps(records, sort_keys=True, default=str).encode())
    return {"rows": result.rows, **result.as_json()}


@dataclass
class EditRefused(Exception):
    """An edit that did not pass: the problems, as the check reported them."""

    errors: list[dict]


def get_resource(conn: psycopg.Connection, user: User, resource_id: int) -> dict[str, Any]:
    """One resource in the caller's area, or 404 (outside the area is as absent)."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(sql("resources/one"), {"id": resource_id,
                                                 "area": area_param(user)}).fetchone()
    if row is None:
        raise NotFound()
    return row


def edit_resource(conn: psycopg.Connection, user: User, resource_id: int,
                  changes: dict[str, Any]) -> dict[str, Any]:
    """Change one resource through the one check; raises :class:`EditRefused` or 404/409.

    ``changes`` may hold any of :data:`RECORD_FIELDS`; the others keep their values.
    The resource keeps its id whatever changed (its name or point too).
    """
    with conn.transaction():
        old = get_resource(conn, user, resource_id)
        record = {k: old[k] for k in RECORD_FIELDS if k in old}
        record["lat"], record["lon"] = repr(old["lat"]), repr(old["lon"])
        record.update({k: v for k, v in changes.items() if k in RECORD_FIELDS})
        if record.get("category") != old["category"]:
            # A new category brings its own default radius; a TKSK account stays a TKSK's.
            if "radius_km" not in changes:
                record["radius_km"] = None
            if "username" not in changes:
                record["username"] = None
        conn.execute(sql("resources/detach"), {"id": resource_id})
        result = _run(conn, user, records_frame([record]), filename=f"edit {resource_id}",
                      fmt="json", sha256=b"", all_or_nothing=True)
        if result.rejected:
            raise EditRefused(result.errors)
        if result.saved is None or result.saved.inserted != 1:
            raise Conflict("sumber daya yang sama sudah ada / the same resource already exists")
        conn.execute(sql("resources/replace"), {"old": resource_id,
                                                "upload": result.upload_id})
    return get_resource(conn, user, resource_id)


def record_from_form(form: Any) -> dict[str, Any]:
    """The fields of the resource form as a record (an unticked box is not active)."""
    record = {k: form.get(k, "").strip() for k in RECORD_FIELDS}
    record["active"] = "ya" if form.get("active") else "tidak"
    return record


# --- reads -------------------------------------------------------------------------------

def listing(conn: psycopg.Connection, user: User, category: str | None,
            within: str | None) -> list[dict[str, Any]]:
    """Resources in the caller's area (and ``within``, a code inside it), in SQL."""
    area = area_of(user)
    if within:
        try:
            within = codes.normalise(within)
        except codes.InvalidCode:
            raise BadRequest("parameter area: kode Kemendagri tidak sah / not a valid "
                             "Kemendagri code") from None
        if area and not codes.contains(area, within):
            raise NotFound("wilayah di luar wilayah Anda / the area is outside yours")
        area = within
    if category:
        match = taxonomy.find(taxonomy.psks(), category)
        if match.category is None:
            raise BadRequest(columns.reason("unknown_category") + f": {category[:40]}")
        category = match.category.code
    rows = store.list_resources(conn, area, category)
    if user.role not in CONTACT_ROLES:
        for r in rows:
            r.pop("contact", None)
            r.pop("username", None)
    return rows


def category_defaults(conn: psycopg.Connection) -> dict[str, float | None]:
    """Each PSKS category's effective default radius (None: serves its kecamatan)."""
    return dict(conn.execute("SELECT code, radius_km FROM psks_category_radius").fetchall())
