"""Writing, listing and tuning the registry of PSKS resources.

Checked rows go to the database in one ``COPY`` into a staging table and one
``INSERT ... ON CONFLICT`` (``layers/resources/upsert.sql``): the fingerprint of
category, name and point makes a second import of the same list an update in
place, and an unchanged row is not touched at all.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg.rows import dict_row

from geomap import codes, taxonomy
from geomap.sql import sql

_STAGE_COLUMNS = ("category", "name", "lon", "lat", "desa_code", "capacity", "radius_km",
                  "active", "contact", "user_id", "key")


@dataclass(frozen=True)
class Saved:
    inserted: int
    updated: int
    unchanged: int


def record_upload(conn: psycopg.Connection, *, kind: str, filename: str, fmt: str,
                  sha256: bytes, accepted: int, rejected: int, report: dict,
                  user_id: int | None = None) -> int:
    """One confirmed upload (file, API batch or demo seed) that rows can point back to."""
    return conn.execute(
        "INSERT INTO case_upload (user_id, kind, filename, format, sha256, status, accepted,"
        " rejected, report, confirmed_at) VALUES (%s, %s, %s, %s, %s, 'confirmed', %s, %s,"
        " %s, now()) RETURNING id",
        (user_id, kind, filename[:200], fmt, sha256, accepted, rejected,
         json.dumps(report))).fetchone()[0]


def save(conn: psycopg.Connection, accepted: pd.DataFrame, upload_id: int | None) -> Saved:
    """Insert new resources and update known ones, in the caller's transaction."""
    if accepted.empty:
        return Saved(0, 0, 0)
    buffer = io.StringIO()
    frame = accepted.loc[:, list(_STAGE_COLUMNS)].copy()
    frame["user_id"] = frame["user_id"].astype("Int64")
    frame.to_csv(buffer, header=False, index=False, float_format="%.9g")
    with conn.cursor() as cur:
        cur.execute(sql("resources/stage"))
        with cur.copy("COPY resource_stage FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        inserted = [row[0] for row in cur.execute(sql("resources/upsert"),
                                                  {"upload": upload_id}).fetchall()]
    new = sum(inserted)
    return Saved(new, len(inserted) - new, len(accepted) - len(inserted))


def list_resources(conn: psycopg.Connection, area: str | None = None,
                   category: str | None = None) -> list[dict]:
    """Resources of an area (a Kemendagri code; None: all), optionally of one category."""
    area = codes.normalise(area) if area else None
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql("resources/list"), {"area": area, "category": category}
                           ).fetchall()


class RadiusError(ValueError):
    """A radius that cannot be set; the message is bilingual."""


def set_radius(conn: psycopg.Connection, category: str, km: float,
               every_resource: bool = False) -> tuple[str, int]:
    """Set an office's default radius for a category; return its code and resources changed.

    Resources that had the previous default follow the new one; those given their own
    radius keep it unless ``every_resource``.
    """
    match = taxonomy.find(taxonomy.psks(), category)
    if match.category is None:
        hint = (f" (mungkin / did you mean {match.suggestion.code}: {match.suggestion.name_id}?)"
                if match.suggestion else "")
        raise RadiusError(f"kategori PSKS tidak dikenal / unknown PSKS category: {category}"
                          + hint)
    cat = match.category
    if cat.serves_kecamatan:
        raise RadiusError(f"{cat.code} melayani seluruh kecamatan, tanpa radius / serves its "
                          "whole kecamatan, without a radius")
    if not 0 < km <= 100:
        raise RadiusError("radius harus lebih dari 0 sampai 100 km / the radius must be above 0 "
                          "and at most 100 km")
    with conn.transaction():
        changed = conn.execute(sql("resources/set_radius"), {
            "category": cat.code, "km": float(km), "every_resource": every_resource}).rowcount
    return cat.code, changed
