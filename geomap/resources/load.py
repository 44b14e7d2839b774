"""One path for every way resources come in: read, check, then (unless a dry run) write.

The file's rows are checked all together; the valid ones are written in one
transaction with a record of the upload, the invalid ones come back with row,
column, code and reason. Nothing half-written is left behind on an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psycopg

from geomap.resources import columns, read, store, validate


@dataclass
class ImportResult:
    rows: int
    accepted: int
    rejected: int
    errors: list[dict]
    saved: store.Saved | None = None   # None on a dry run
    upload_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        out: dict = {"accepted": self.accepted, "rejected": self.rejected,
                     "errors": self.errors, "dry_run": self.saved is None}
        if self.saved:
            out |= {"inserted": self.saved.inserted, "updated": self.saved.updated,
                    "unchanged": self.saved.unchanged, "upload_id": self.upload_id}
        return out


def import_rows(conn: psycopg.Connection, raw: pd.DataFrame, *, filename: str, fmt: str,
                sha256: bytes, area: str | None = None, dry_run: bool = False,
                user_id: int | None = None, upload_id: int | None = None,
                all_or_nothing: bool = False) -> ImportResult:
    """Check rows as read (text cells and a ``row`` number) and write the valid ones.

    The write is recorded as a new upload, or under ``upload_id`` when the caller has
    one already (the demo seed, which must change nothing when run again). With
    ``all_or_nothing`` a single rejected row means nothing is written (``saved`` None).

    Raises :class:`geomap.resources.columns.MissingColumns` when a required column is
    absent: then no row can be judged.
    """
    frame, headers = columns.canonical(raw)
    frame.insert(0, "row", raw["row"].to_numpy())
    checked = validate.check(conn, frame, headers, area)
    errors = checked.errors()
    result = ImportResult(checked.rows, len(checked.accepted), checked.rejected, errors)
    if dry_run or (all_or_nothing and result.rejected):
        return result
    with conn.transaction():
        result.upload_id = upload_id or store.record_upload(
            conn, kind="resource", filename=filename, fmt=fmt, sha256=sha256,
            accepted=result.accepted, rejected=result.rejected,
            report={"errors": errors[:1000]}, user_id=user_id)
        result.saved = store.save(conn, checked.accepted, result.upload_id)
    return result


def import_file(conn: psycopg.Connection, path: Path, *, area: str | None = None,
                dry_run: bool = False) -> ImportResult:
    """Import a CSV, XLSX or GeoJSON file of resources."""
    found = read.read_file(path)
    return import_rows(conn, found.frame, filename=path.name, fmt=found.format,
                       sha256=found.sha256, area=area, dry_run=dry_run)
