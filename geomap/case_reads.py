"""Reading PMKS cases for a user: the area rule in SQL, personal data apart and audited.

Every query here takes the caller's area (:func:`geomap.area.area_param`) as a
parameter and filters in its WHERE clause (``geomap_in_area``), so a case outside the
area never leaves PostgreSQL; a case the caller may not see is indistinguishable from
one that does not exist (the HTTP layer answers 404 for both, never 403: no IDOR probe).

Three levels of what a role sees:

- ``planner``: counts only (:func:`counts`), small counts suppressed as on the maps:
  no case rows, no points, no persons.
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

from geomap import audit, codes
from geomap.accounts import User
from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter as AnalysisFilter
from geomap.analysis.privacy import SHOWN
from geomap.area import PERSONAL_DATA_ROLES, area_param
from geomap.config import settings
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


def counts_area(user: User, within: str | None) -> str | None:
    """The area whose counts ``user`` gets when asking for ``within`` (None: their own).

    The narrower of the two when one holds the other; None when they do not meet (the
    answer is then empty). An admin without an area counts the default area.
    """
    mine = area_param(user)
    if within is None:
        return mine or settings().default_area
    if not mine or codes.contains(mine, within):
        return within
    if codes.contains(within, mine):
        return mine
    return None


def counts(conn: psycopg.Connection, user: User, query: CaseFilter) -> dict[str, Any]:
    """Cases per kecamatan and per kecamatan and category, in the user's area.

    Computed by :func:`geomap.analysis.counts.count_table`, the same table the map pages
    publish, so a planner gets the same small-count suppression ("<5", and hidden
    complements) here as there: no exact small count to subtract from a map total.
    Other roles, who may see the cases themselves, get exact counts.
    """
    area = counts_area(user, query.within)
    suppressed = user.role not in CASE_ROW_ROLES
    if area is None:
        return {"area": query.within, "suppressed": suppressed, "total": 0, "label": "0",
                "kecamatan": [], "categories": []}
    where = AnalysisFilter(area, categories=(query.category,) if query.category else None,
                           date_from=query.date_from, date_to=query.date_to)
    try:
        table = count_table(conn, where, suppress=suppressed)
    except RuntimeError:
        if not suppressed:
            raise
        # The suppression audit could not finish: publish nothing rather than too much.
        return {"area": area, "suppressed": True, "withheld": True, "total": None,
                "label": "*", "kecamatan": [], "categories": []}

    def shown(frame) -> list[dict]:
        """Rows with ``count`` only where it is published (None where suppressed)."""
        rows = frame.to_dict("records")
        for row in rows:
            row["count"] = int(row["count"]) if row.pop("status") == SHOWN else None
        return rows

    kecamatan = table.kecamatan[["code", "name", "count", "status", "label"]]
    categories = table.categories[table.categories["level"] == "kecamatan"][
        ["code", "category", "count", "status", "label"]]
    return {"area": area, "suppressed": table.suppressed, "withheld": False,
            "threshold": table.threshold,
            "total": table.total if not suppressed or table.total_label.isdigit() else None,
            "label": table.total_label,
            "kecamatan": shown(kecamatan), "categories": shown(categories)}


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
