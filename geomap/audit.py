"""The audit trail: who read or exported which personal data, when, and why.

UU 27/2022 (Pelindungan Data Pribadi) asks for a record of processing. Every read or
export of personal data, every purge, and every change to an account is written here
with :func:`record`, in the same transaction as the read where there is one, so that
a read that happened is a read that was recorded. Rows are only ever inserted.

Actions in use: ``personal.read``, ``personal.export``, ``personal.purge`` (records are
pmks_case ids), and ``account.*`` for user administration (the account in ``detail``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geomap.accounts import User

SYSTEM = "system"  # the username recorded for work no user asked for (retention, CLI)


def record(conn: psycopg.Connection, user: User | None, action: str,
           records: Iterable[int], reason: str,
           detail: Mapping[str, Any] | None = None) -> int:
    """Write one audit row (who, when, which records, why) and return its id.

    ``user`` None means the system itself (a scheduled purge, a command on the server).
    ``reason`` is required: a read without a stated purpose is not a lawful one. Call it
    inside the transaction of the read, so the read and its record stand or fall together.
    """
    action, reason = action.strip(), reason.strip()
    if not action or len(action) > 100:
        raise ValueError("audit action must have 1-100 characters")
    if not reason:
        raise ValueError("audit reason is required")
    ids = sorted({int(i) for i in records})
    return conn.execute(
        "INSERT INTO audit_log (user_id, username, action, purpose, record_ids, detail) "
        "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (user.id if user else None, user.username if user else SYSTEM, action, reason[:500],
         ids, Jsonb(dict(detail or {})))).fetchone()[0]
