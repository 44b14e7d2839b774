"""Preview, then confirm or discard: how checked rows become cases.

:func:`stage` checks an upload and keeps the accepted rows in ``case_staging``
and the rejected ones as a file; nothing reaches ``pmks_case`` until
:func:`confirm`, which stores every staged row in one transaction. An upload
belongs to the user who staged it (a system import to the system): only they,
or an admin, may confirm or discard it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg
import psycopg.sql
from psycopg.types.json import Jsonb

from geomap.ingest import textops
from geomap.ingest.output import RejectedFile, rejected_file
from geomap.ingest.problems import RowError, UploadStateError
from geomap.ingest.readers import Table, Upload, from_records, read
from geomap.ingest.validate import NO_JIT, NO_NESTLOOP, Checked, Uploader, area_limit, check_table
from geomap.sql import sql

# How many errors an upload keeps in its stored report (the preview has them all).
STORED_ERRORS = 10_000
STAGING_COLUMNS = ("row_no", "category_code", "lon", "lat", "desa_code", "snapped",
                   "recorded_on", "status", "sex", "age_group", "household_size", "notes",
                   "nik_hmac", "fingerprint", "name", "nik", "address", "phone")


@dataclass
class Preview:
    """What the user sees before confirming: counts, errors, the accepted points.

    ``upload_id`` is None for a dry run (:func:`check`), which stores nothing.
    ``points`` holds lon, lat, row, category, desa, date and status of each accepted
    row (no personal data), for the preview map.
    """

    upload_id: int | None
    filename: str
    format: str
    accepted: int
    rejected: int
    errors: list[RowError]
    points: pd.DataFrame
    rejected_file: RejectedFile | None = field(default=None, repr=False)
    status: str = "preview"  # then confirmed or discarded (load_preview)

    def report(self) -> dict:
        """``{"accepted", "rejected", "errors": [{row, column, reason, code}]}``."""
        return {"accepted": self.accepted, "rejected": self.rejected,
                "errors": [e.as_dict() for e in self.errors]}

    def points_geojson(self) -> dict:
        return _points_geojson(self.points)


@dataclass(frozen=True)
class Confirmed:
    """How many staged rows became cases; ``skipped`` were already there (a race)."""

    upload_id: int
    inserted: int
    skipped: int
    people: int


POINT_COLUMNS = ("lon", "lat", "row", "category", "desa", "date", "status")


def _points_geojson(points: pd.DataFrame) -> dict:
    """The same GeoJSON as ``layers/ingest/points.sql`` gives for a staged upload."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"row": int(row), "category": cat, "desa": desa, "date": str(day),
                        "status": status}}
        for lon, lat, row, cat, desa, day, status in zip(
            *(points[c] for c in POINT_COLUMNS), strict=True)]}


_TEXT = np.dtypes.StringDType()
# Rows per COPY piece: bounds the memory of a large upload's staging text.
STAGING_CHUNK = 50_000
_TEXT_COLUMNS = ("category_code", "desa_code", "status", "sex", "age_group", "notes", "name",
                 "nik", "address", "phone")


def _csv_text(values: np.ndarray) -> list[str]:
    """Texts for COPY CSV, quoted (``"`` doubled) only when a value of the column needs it;
    None as an unquoted empty field (NULL). Codes and most columns of a real file have
    no comma, quote or line break, and skip the quoting."""
    given = pd.notna(values)
    plain = np.where(given, values, "")
    if not textops.needs(pd.Series(plain, dtype=object), r'[",\r\n]'):
        return plain.tolist()
    text = plain.astype(_TEXT)
    quoted = np.strings.add(np.strings.add('"', np.strings.replace(text, '"', '""')), '"')
    return np.where(given, quoted, "").astype(_TEXT).tolist()


def _csv_bytea(values: np.ndarray) -> list[str]:
    """32-byte hashes in bytea's hex text form (``\\x...``), hexed in one C call; None: NULL."""
    given = pd.notna(values)
    blank = bytes(32)
    raw = b"".join(v if g else blank for v, g in zip(values, given, strict=True))
    if len(raw) != len(blank) * len(values):
        raise ValueError("a hash is not 32 bytes long")
    hexed = np.frombuffer(raw.hex().encode("ascii"), dtype="S64").astype(_TEXT)
    return np.where(given, np.strings.add("\\x", hexed), "").astype(_TEXT).tolist()


def _staging_csv(cases: pd.DataFrame, upload_id: int) -> Iterator[str]:
    """The accepted rows as COPY CSV pieces of :data:`STAGING_CHUNK` rows (an unquoted
    empty field is NULL; texts are never empty, they are None).

    Each column becomes a list of texts in whole-column C calls (numpy strings for the
    quoting, one ``bytes.hex`` for all hashes, ``repr`` mapped over the floats: the
    same shortest round-trip text as before) and the lines are joined by ``str.join``:
    about ten times less CPU than pandas' ``to_csv``, which formats cell by cell. A
    piece at a time, so a million rows never sit in memory as one text.
    """
    for start in range(0, len(cases), STAGING_CHUNK):
        part = cases.iloc[start:start + STAGING_CHUNK]
        size = part["household_size"].to_numpy(dtype=np.float64)
        sized = np.isfinite(size)
        columns = {
            "row_no": list(map(str, part["row_no"].to_numpy(dtype=np.int64).tolist())),
            "lon": list(map(repr, part["lon"].to_numpy(dtype=np.float64).tolist())),
            "lat": list(map(repr, part["lat"].to_numpy(dtype=np.float64).tolist())),
            "snapped": np.where(part["snapped"].to_numpy(dtype=bool), "t", "f").tolist(),
            "recorded_on": np.datetime_as_string(
                part["recorded_on"].to_numpy(dtype="datetime64[D]"), unit="D").tolist(),
            "household_size": np.where(sized, np.where(sized, size, 0).astype(np.int64)
                                       .astype(_TEXT), "").astype(_TEXT).tolist(),
            "nik_hmac": _csv_bytea(part["nik_hmac"].to_numpy(dtype=object)),
            "fingerprint": _csv_bytea(part["fingerprint"].to_numpy(dtype=object)),
        }
        for name in _TEXT_COLUMNS:
            columns[name] = _csv_text(part[name].to_numpy(dtype=object))
        ids = [str(upload_id)] * len(part)
        lines = map(",".join, zip(ids, *(columns[name] for name in STAGING_COLUMNS),
                                  strict=True))
        yield "\n".join(lines) + "\n"


def _as_table(source: Upload | Table | list[dict]) -> Table:
    if isinstance(source, Table):
        return source
    if isinstance(source, Upload):
        return read(source)
    return from_records(source)


def _reasons(checked: Checked) -> pd.Series:
    """Per rejected table position: its errors in one text, ``"column: reason; ..."``."""
    if not checked.errors:
        return pd.Series(dtype=object)
    position = pd.Series(np.arange(len(checked.table)), index=checked.table.rows)
    frame = pd.DataFrame([(e.row, f"{e.column}: {e.reason}") for e in checked.errors],
                         columns=["row", "text"])
    joined = frame.groupby("row", sort=False)["text"].agg("; ".join)
    return pd.Series(joined.to_numpy(), index=position.reindex(joined.index).to_numpy())


def _preview(checked: Checked, upload_id: int | None) -> Preview:
    table, cases = checked.table, checked.cases
    points = pd.DataFrame({
        "lon": cases["lon"], "lat": cases["lat"], "row": cases["row_no"],
        "category": cases["category_code"], "desa": cases["desa_code"],
        "date": pd.Series(cases["recorded_on"]).dt.date, "status": cases["status"],
    }).reset_index(drop=True)
    return Preview(upload_id, table.filename, table.format, checked.n_accepted,
                   checked.n_rejected, checked.errors, points,
                   rejected_file(table, checked.accepted, _reasons(checked)))


def check(conn: psycopg.Connection, user: Uploader, source: Upload | Table | list[dict], *,
          today: date | None = None,
          connect: Callable[[], psycopg.Connection] | None = None) -> Preview:
    """A dry run: the preview of ``source`` without storing anything."""
    return _preview(check_table(conn, user, _as_table(source), today=today, connect=connect),
                    None)


def stage(conn: psycopg.Connection, user: Uploader, source: Upload | Table | list[dict], *,
          today: date | None = None,
          connect: Callable[[], psycopg.Connection] | None = None) -> Preview:
    """Check ``source`` and keep it as a preview (``case_upload`` + ``case_staging``)."""
    checked = check_table(conn, user, _as_table(source), today=today, connect=connect)
    preview = _preview(checked, None)
    with conn.transaction(), conn.cursor() as cur:
        upload_id = new_upload(cur, user, checked.table)
        copy_staged(cur, checked.cases, upload_id)
        settle_upload(cur, upload_id, preview)
    preview.upload_id = upload_id
    return preview


def new_upload(cur: psycopg.Cursor, user: Uploader, table: Table) -> int:
    """A ``case_upload`` row for a file about to be staged (counts: :func:`settle_upload`)."""
    return cur.execute(
        "INSERT INTO case_upload (user_id, kind, filename, format, sha256, report, area_code) "
        "VALUES (%s, 'case', %s, %s, %s, '{}', %s) RETURNING id",
        (user.id, table.filename[:255], table.format, table.sha256,
         area_limit(user))).fetchone()[0]


def copy_staged(cur: psycopg.Cursor, cases: pd.DataFrame, upload_id: int) -> None:
    """Append checked rows (:attr:`Checked.cases`) to the upload's staged rows."""
    copy_staging_text(cur, _staging_csv(cases, upload_id), "case_staging")


def staging_text(cases: pd.DataFrame, upload_id: int) -> list[bytes]:
    """What :func:`copy_staged` sends, made now and encoded (a large import makes the
    next piece's text while a worker thread sends the previous one: a few large writes
    need Python's lock only briefly, where the text piece by piece kept the COPY waiting
    on the thread that checks)."""
    return [piece.encode("utf-8") for piece in _staging_csv(cases, upload_id)]


def copy_staging_text(cur: psycopg.Cursor, pieces: Iterable[str | bytes],
                      table: str = "case_staging") -> None:
    """COPY text from :func:`staging_text` into ``table`` (case_staging's columns)."""
    query = psycopg.sql.SQL("COPY {} (upload_id, {}) FROM STDIN WITH (FORMAT csv)").format(
        psycopg.sql.Identifier(table),
        psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, STAGING_COLUMNS)))
    with cur.copy(query) as copy:
        for piece in pieces:
            copy.write(piece)


def settle_upload(cur: psycopg.Cursor, upload_id: int, preview: Preview) -> None:
    """Store the upload's counts, its report (the first errors) and its rejected file."""
    report = preview.report()
    counts = pd.Series([e.code for e in preview.errors], dtype=object).value_counts()
    stored = {"errors": report["errors"][:STORED_ERRORS],
              "truncated": len(report["errors"]) > STORED_ERRORS,
              "codes": {k: int(v) for k, v in counts.items()}}
    cur.execute("UPDATE case_upload SET accepted = %s, rejected = %s, report = %s "
                "WHERE id = %s", (preview.accepted, preview.rejected, Jsonb(stored),
                                  upload_id))
    if preview.rejected_file is not None:
        f = preview.rejected_file
        cur.execute("INSERT INTO case_upload_rejected (upload_id, filename, media_type, "
                    "content) VALUES (%s, %s, %s, %s)",
                    (upload_id, f.filename, f.media_type, f.content))


def _locked_upload(conn: psycopg.Connection, upload_id: int, user: Uploader) -> int:
    """Lock a previewed upload of this user (admin: anyone's), or refuse; its accepted
    rows."""
    row = conn.execute("SELECT user_id, status, accepted FROM case_upload WHERE id = %s "
                       "AND kind = 'case' FOR UPDATE", (upload_id,)).fetchone()
    mine = row is not None and (user.role == "admin" or row[0] == user.id)
    if not mine:
        raise UploadStateError("unggahan tidak ditemukan / upload not found")
    if row[1] != "preview":
        done = "dikonfirmasi" if row[1] == "confirmed" else "dibatalkan"
        raise UploadStateError(f"unggahan sudah {done} / the upload was already {row[1]}")
    return row[2]


def confirm(conn: psycopg.Connection, upload_id: int, user: Uploader) -> Confirmed:
    """Store every staged row of the upload as a case, in one transaction."""
    area_limit(user)
    with conn.transaction():
        conn.execute(NO_JIT)
        conn.execute(NO_NESTLOOP)  # the person rows join the staged rows back
        accepted = _locked_upload(conn, upload_id, user)
        staged = conn.execute("SELECT count(*) FROM case_staging WHERE upload_id = %s",
                              (upload_id,)).fetchone()[0]
        if staged != accepted:  # case_staging is unlogged: emptied by a database crash
            raise UploadStateError("pratinjau hilang karena basis data dimulai ulang; unggah "
                                   "berkas lagi / the preview was lost when the database "
                                   "restarted; upload the file again")
        inserted, people = store_staged(conn, "case_staging", upload_id, user)
        mark_confirmed(conn, upload_id, inserted, staged - inserted)
        conn.execute("DELETE FROM case_staging WHERE upload_id = %s", (upload_id,))
    return Confirmed(upload_id, inserted, staged - inserted, people)


def store_staged(conn: psycopg.Connection, staged: str, upload_id: int,
                 user: Uploader) -> tuple[int, int]:
    """Insert the rows of ``upload_id`` in table ``staged`` (``case_staging``, or a
    temporary table of the same columns) as cases and their personal data: (cases
    inserted, person rows). Rows already stored are skipped (``ingest/confirm.sql``)."""
    query = psycopg.sql.SQL(sql("ingest/confirm")).format(staged=psycopg.sql.Identifier(staged))
    inserted, people = conn.execute(query, {"upload_id": upload_id,
                                            "user_id": user.id}).fetchone()
    return inserted, people


def mark_confirmed(conn: psycopg.Connection, upload_id: int, inserted: int,
                   skipped: int) -> None:
    """The upload is confirmed: its status, time, and what its rows became."""
    conn.execute("UPDATE case_upload SET status = 'confirmed', confirmed_at = now(), "
                 "report = report || %s WHERE id = %s",
                 (Jsonb({"inserted": inserted, "skipped": skipped}), upload_id))


def discard(conn: psycopg.Connection, upload_id: int, user: Uploader) -> None:
    """Drop a preview: its staged rows and its rejected file go, the record stays."""
    with conn.transaction():
        _locked_upload(conn, upload_id, user)
        conn.execute("DELETE FROM case_staging WHERE upload_id = %s", (upload_id,))
        conn.execute("DELETE FROM case_upload_rejected WHERE upload_id = %s", (upload_id,))
        conn.execute("UPDATE case_upload SET status = 'discarded' WHERE id = %s", (upload_id,))


def _owned(conn: psycopg.Connection, upload_id: int, user: Uploader) -> tuple | None:
    row = conn.execute("SELECT user_id, status, filename, format, accepted, rejected, report "
                       "FROM case_upload WHERE id = %s AND kind = 'case'",
                       (upload_id,)).fetchone()
    if row is None or not (user.role == "admin" or row[0] == user.id):
        return None
    return row


def load_preview(conn: psycopg.Connection, upload_id: int, user: Uploader) -> Preview | None:
    """A staged upload's preview again (a page reload): stored report, staged points."""
    row = _owned(conn, upload_id, user)
    if row is None:
        return None
    _, status, filename, fmt, accepted, rejected, report = row
    points = pd.DataFrame(conn.execute(
        "SELECT lon, lat, row_no, category_code, desa_code, recorded_on, status "
        "FROM case_staging WHERE upload_id = %s ORDER BY row_no", (upload_id,)).fetchall(),
        columns=list(POINT_COLUMNS))
    errors = [RowError(e["row"], e["column"], e["code"], e["reason"], e.get("suggestion"))
              for e in report.get("errors", [])]
    return Preview(upload_id, filename, fmt, accepted, rejected, errors, points,
                   stored_rejected_file(conn, upload_id, user), status)


def staged_points(conn: psycopg.Connection, upload_id: int, user: Uploader) -> dict | None:
    """The accepted points of a staged upload as GeoJSON (no personal data), for its map."""
    if _owned(conn, upload_id, user) is None:
        return None
    return conn.execute(sql("ingest/points"), {"upload_id": upload_id}).fetchone()[0]


def stored_rejected_file(conn: psycopg.Connection, upload_id: int,
                         user: Uploader) -> RejectedFile | None:
    """The rejected rows of an upload as a file (kept until discarded or purged)."""
    if _owned(conn, upload_id, user) is None:
        return None
    row = conn.execute("SELECT filename, media_type, content FROM case_upload_rejected "
                       "WHERE upload_id = %s", (upload_id,)).fetchone()
    return RejectedFile(row[0], row[1], bytes(row[2])) if row else None


def purge_stale(conn: psycopg.Connection, older_than: timedelta = timedelta(days=1)) -> int:
    """Discard previews left unconfirmed, and drop old rejected files (personal data)."""
    with conn.transaction():
        gone = conn.execute(
            "UPDATE case_upload SET status = 'discarded' WHERE status = 'preview' "
            "AND created_at < now() - %s RETURNING id", (older_than,)).fetchall()
        ids = [r[0] for r in gone]
        conn.execute("DELETE FROM case_staging WHERE upload_id = ANY(%s)", (ids,))
        conn.execute("DELETE FROM case_upload_rejected r USING case_upload u "
                     "WHERE u.id = r.upload_id AND u.created_at < now() - %s", (older_than,))
    return len(ids)
