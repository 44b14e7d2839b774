"""Reading PMKS cases for a user: the area rule in SQL, personal data apart and audited.

Every query here takes the caller's area (:func:`geomap.area.area_param`) as a
parameter and filters in its WHERE clause (``geomap_in_area``), so a case outside the
area never leaves PostgreSQL; a case the caller may not see is indistinguishable from
one that does not exist (the HTTP layer answers 404 for both, never 403: no IDOR probe).

Three levels of what a role sees:

- ``planner``: counts only (:func:`counts`): no case rows, no points, no persons.
- ``tksk``, ``dinas``, ``admin``: case rows with their points (:func:`list_cases`).
- the same roles, asking explicitly with a purpose: the personal data of those rows
  (:func:`read_personal`), each read written to ``audit_log`` in the read's transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

from geomap import audit
from geomap.accounts import User
from geomap.area import PERSONAL_DATA_ROLES, area_param
from geomap.sql import sql

# Roles that may see case rows (with points); a planner sees counts only.
CASE_ROW_ROLES = ("admin", "dinas", "tksk")
MAX_LIMIT = 10_000
PERSONAL_FIELDS = ("name", "nik", "address", "phone")


@dataclass(frozen=True)
class CaseFilter:
    """What the caller asks for, inside its own area (which is never a parameter here).

    ``within`` narrows to a region code (kecamatan, desa...); asking for a region
    outside the caller's area simply finds nothing.
    """

    within: str | None = None
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    ids: tuple[int, ...] | None = None
    limit: int = 1000
    offset: int = 0

    def params(self, user: User) -> dict[str, Any]:
        out = asdict(self)
        out["ids"] = list(self.ids) if self.ids is not None else None
        out["limit"] = max(0, min(self.limit, MAX_LIMIT))
        out["offset"] = max(0, self.offset)
        out["area"] = area_param(user)
        return out


def may_see_cases(user: User) -> bool:
    return user.role in CASE_ROW_ROLES


def may_read_personal(user: User) -> bool:
    return user.role in PERSONAL_DATA_ROLES


def list_cases(conn: psycopg.Connection, user: User, query: CaseFilter) -> list[dict]:
    """Case rows (without personal data) in the user's area; refuses a planner."""
    if not may_see_cases(user):
        raise PermissionError("role may see counts only")
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql("cases/list"), query.params(user)).fetchall()


def get_case(conn: psycopg.Connection, user: User, case_id: int) -> dict | None:
    """One case in the user's area, or None (absent, or outside the area: the same)."""
    rows = list_cases(conn, user, CaseFilter(ids=(case_id,), limit=1))
    return rows[0] if rows else None


def counts(conn: psycopg.Connection, user: User, query: CaseFilter) -> list[dict]:
    """Cases per kecamatan and category in the user's area: safe for every role."""
    params = query.params(user)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql("cases/counts"), params).fetchall()


def read_personal(conn: psycopg.Connection, user: User, ids: list[int], purpose: str,
                  detail: dict | None = None) -> dict[int, dict]:
    """Name, NIK, address and phone of the cases ``ids`` that are in the user's area.

    Writes one ``personal.read`` audit row naming the ids actually returned, in the same
    transaction as the read: if the audit cannot be written, nothing is returned.
    """
    if not may_read_personal(user):
        raise PermissionError("role may not read personal data")
    if not purpose.strip():
        raise ValueError("purpose required")
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(sql("cases/persons"),
                           {"area": area_param(user), "ids": list(ids)}).fetchall()
        audit.record(conn, user, "personal.read", [r["case_id"] for r in rows], purpose,
                     detail)
    return {r["case_id"]: {k: r[k] for k in PERSONAL_FIELDS} for r in rows}
