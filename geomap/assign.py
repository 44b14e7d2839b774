"""Assigning located records to desa, through the one rule in PostGIS.

``layers/schema/0002_assign_desa.sql`` holds the rule (inside, overlapping,
snapped, outside). This module moves coordinates in and answers out in bulk:
a binary ``COPY`` built with numpy in one piece, no Python loop per point.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_ROW = np.dtype([("n", ">i2"), ("l1", ">i4"), ("id", ">i8"), ("l2", ">i4"), ("lon", ">f8"),
                 ("l3", ">i4"), ("lat", ">f8")])
INDEX_FROM = 2_000  # below this many points a GiST index on them costs more than it saves
# Planner settings for the bulk join: no JIT (spatial functions gain nothing from it),
# and room to aggregate a million rows in memory.
_SESSION = {"jit": "off", "work_mem": "'256MB'"}
PARALLEL_FROM = 100_000  # from this many points, one slice per core on its own connection


@dataclass
class Assignment:
    """Per input point: desa code (None when outside), snapped flag, distance in metres."""

    desa_code: np.ndarray
    snapped: np.ndarray
    distance_m: np.ndarray

    @property
    def kecamatan_code(self) -> np.ndarray:
        return np.array([c[:8] if c else None for c in self.desa_code], dtype=object)


def morton_order(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Indices that put points in Z-order, so neighbours on the map are neighbours on disk.

    The desa-side join probes the points' index once per desa piece; with the
    heap in spatial order each probe reads a few pages instead of hundreds.
    """
    def spread(v: np.ndarray) -> np.ndarray:
        v = v.astype(np.uint64) & 0xFFFF
        v = (v | (v << 8)) & 0x00FF00FF
        v = (v | (v << 4)) & 0x0F0F0F0F
        v = (v | (v << 2)) & 0x33333333
        return (v | (v << 1)) & 0x55555555

    def scale(v: np.ndarray) -> np.ndarray:
        lo, hi = v.min(), v.max()
        return ((v - lo) / (hi - lo or 1.0) * 0xFFFF).astype(np.uint64)

    return np.argsort(spread(scale(lon)) | (spread(scale(lat)) << 1), kind="stable")


def copy_points(cur: psycopg.Cursor, table: str, ids: np.ndarray, lon: np.ndarray,
                lat: np.ndarray) -> None:
    """Fill ``table`` (id, lon, lat) by one binary COPY built with numpy."""
    rows = np.empty(len(lon), dtype=_ROW)
    rows["n"], rows["l1"], rows["l2"], rows["l3"] = 3, 8, 8, 8
    rows["id"], rows["lon"], rows["lat"] = ids, lon, lat
    with cur.copy(f"COPY {table} (id, lon, lat) FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(_COPY_HEADER + rows.tobytes() + b"\xff\xff")


def assign_desa(conn: psycopg.Connection, lon: np.ndarray, lat: np.ndarray,
                tolerance_m: float = 250.0, *,
                connect: Callable[[], psycopg.Connection] | None = None) -> Assignment:
    """Assign every (lon, lat) to a desa by the rule; NaN coordinates come back unassigned.

    Large inputs are cut into spatially compact slices (Z-order), one per CPU
    core, each assigned on its own connection from ``connect``: building the
    points' index and joining are single-threaded work per session.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    n = len(lon)
    code = np.full(n, None, dtype=object)
    snapped = np.zeros(n, dtype=bool)
    distance = np.full(n, np.nan)
    finite = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if not len(finite):
        return Assignment(code, snapped, distance)
    order = finite[morton_order(lon[finite], lat[finite])]
    slices = 1 if connect is None or len(order) < PARALLEL_FROM else (os.cpu_count() or 1)
    parts = np.array_split(order, slices)

    def run(i: int) -> pd.DataFrame:
        if i == 0:
            return _assign_slice(conn, lon[parts[0]], lat[parts[0]], tolerance_m)
        with connect() as other:
            return _assign_slice(other, lon[parts[i]], lat[parts[i]], tolerance_m)

    with ThreadPoolExecutor(max_workers=slices) as pool:
        frames = list(pool.map(run, range(slices)))
    for part, frame in zip(parts, frames, strict=True):
        at = part[frame["id"].to_numpy()]
        found = frame["code"].to_numpy()
        code[at] = np.where(frame["code"].isna().to_numpy(), None, found)
        snapped[at] = frame["snapped"].to_numpy() == "t"
        distance[at] = frame["d"].to_numpy()
    return Assignment(code, snapped, distance)


def _assign_slice(conn: psycopg.Connection, lon: np.ndarray, lat: np.ndarray,
                  tolerance_m: float) -> pd.DataFrame:
    """Run the rule on points already in Z-order; ids in the answer are their positions."""
    out = io.BytesIO()
    with conn.transaction(), conn.cursor() as cur:
        for setting, value in _SESSION.items():
            cur.execute(f"SET LOCAL {setting} = {value}")
        cur.execute("""CREATE TEMP TABLE assign_point (
                           id bigint NOT NULL, lon float8, lat float8,
                           geom geometry(Point, 4326)
                               GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
                       ) ON COMMIT DROP""")
        copy_points(cur, "assign_point", np.arange(len(lon)), lon, lat)
        if len(lon) >= INDEX_FROM:
            cur.execute("CREATE INDEX ON assign_point USING gist (geom)")
        cur.execute("ANALYZE assign_point")
        with cur.copy(sql.SQL("COPY (SELECT id, desa_code, snapped, distance_m "
                              "FROM geomap_assign_desa('assign_point', {})) TO STDOUT"
                              ).format(float(tolerance_m))) as copy:
            for block in copy:
                out.write(block)
        # ON COMMIT DROP does not fire when the caller's transaction makes this one a
        # savepoint: drop it here so a second call in the same transaction works.
        cur.execute("DROP TABLE assign_point")
    out.seek(0)
    return pd.read_csv(out, sep="\t", header=None, names=["id", "code", "snapped", "d"],
                       dtype={"id": np.int64, "code": object, "snapped": str, "d": np.float64},
                       na_values=["\\N"], keep_default_na=False)
