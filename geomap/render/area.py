"""Which area a map shows: a province, kabupaten or kecamatan code, or everything loaded."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from geomap import codes
from geomap.sql import sql

# Indonesia's extent (the same box boundary imports check), for a map with no data yet.
INDONESIA = (94.0, -11.0, 142.0, 6.0)
MAP_LEVELS = ("province", "kabupaten", "kecamatan")


class BadArea(ValueError):
    """An area parameter that is not a province, kabupaten or kecamatan code."""


class UnknownArea(LookupError):
    """A well-formed area code that is not loaded."""


@dataclass(frozen=True)
class Area:
    """A map's area: ``code`` None means everything loaded."""

    code: str | None
    name: str | None
    level: str | None
    bounds: tuple[float, float, float, float]  # west, south, east, north
    loaded: bool  # False when the database holds no boundaries at all


def parse(value: str | None) -> str | None:
    """The dotted code of an ``area`` parameter (None or empty: everything).

    Only provinces, kabupaten and kecamatan make a map's area; a desa is too small
    to hold the kecamatan layer.
    """
    if value is None or not value.strip():
        return None
    try:
        code = codes.normalise(value)
    except codes.InvalidCode:
        raise BadArea(value) from None
    if codes.level(code) not in MAP_LEVELS:
        raise BadArea(value)
    return code


def find(conn: psycopg.Connection, code: str | None) -> Area:
    """The area ``code`` (None: everything loaded); UnknownArea when it is not loaded."""
    row = conn.execute(sql("output/area"), {"area": code}).fetchone()
    if row is None:
        raise UnknownArea(code)
    found, name, level, *box = row
    if box[0] is None:
        return Area(code, name, level, INDONESIA, loaded=False)
    return Area(found, name, level, tuple(float(v) for v in box), loaded=True)


def default(conn: psycopg.Connection, code: str) -> Area:
    """The area ``/`` shows: ``code`` when loaded, else everything loaded."""
    try:
        return find(conn, parse(code))
    except (BadArea, UnknownArea):
        return find(conn, None)
