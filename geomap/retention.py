"""Retention: personal data is kept no longer than it is needed (UU 27/2022).

A closed case (status ``selesai``) is deleted with its personal data once it has been
closed for longer than the retention period (``GEOMAP_RETENTION_DAYS``, default 1825,
five years). Previews never confirmed and their rejected-row files go after a day;
ended login sessions and login attempts after a month (:func:`geomap.logins.purge`).
Each purge is one transaction with its audit row, so a purge that happened is a purge
that was recorded, and a purge that failed removed nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from geomap import audit, logins
from geomap.ingest import purge_stale
from geomap.sql import sql

DEFAULT_DAYS = 1825
STALE_UPLOADS = timedelta(days=1)


def retention_days() -> int:
    """The retention period in days, from ``GEOMAP_RETENTION_DAYS``."""
    value = os.environ.get("GEOMAP_RETENTION_DAYS", str(DEFAULT_DAYS))
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise ValueError(f"GEOMAP_RETENTION_DAYS harus bilangan bulat positif / must be a "
                         f"positive whole number of days, not {value!r}")
    return days


@dataclass(frozen=True)
class Purge:
    days: int
    cases: int          # closed cases deleted with their personal data
    stale_uploads: int  # previews discarded with their staged rows
    sessions: int = 0   # ended login sessions
    attempts: int = 0   # old login attempts


def due(conn: psycopg.Connection, days: int) -> int:
    """How many closed cases a purge would delete now."""
    return conn.execute(sql("retention/due"), {"days": days}).fetchone()[0]


def run(conn: psycopg.Connection, days: int) -> Purge:
    """Delete what is past retention, audited, in one transaction."""
    with conn.transaction():
        ids = conn.execute(sql("retention/purge"), {"days": days}).fetchone()[0]
        if ids:
            audit.record(conn, None, "personal.purge", ids, "retention",
                         detail={"days": days, "cases": len(ids)})
    stale = purge_stale(conn, STALE_UPLOADS)
    sessions, attempts = logins.purge(conn)
    return Purge(days, len(ids), stale, sessions, attempts)
