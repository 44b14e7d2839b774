"""Test data for the analysis tests: cases and resources put straight into PostGIS.

Points get their desa through ``assign_desa`` (the one rule), as an upload would;
points outside the area are dropped, as an upload would reject them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import psycopg
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix

from geomap.analysis.privacy import SHOWN, SMALL
from geomap.assign import assign_desa


def add_cases(conn: psycopg.Connection, lon, lat, category: str | list[str] = "AT",
              recorded_on: dt.date | list[dt.date] = dt.date(2026, 1, 15),
              status: str = "baru") -> int:
    """Insert cases at the points; returns how many landed in a desa."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    where = assign_desa(conn, lon, lat)
    keep = np.array([c is not None for c in where.desa_code], dtype=bool)
    n = len(lon)
    cats = np.broadcast_to(np.asarray(category, dtype=object), (n,))[keep]
    days = np.broadcast_to(np.asarray(recorded_on, dtype=object), (n,))[keep]
    conn.execute(
        "INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, status, fingerprint)"
        " SELECT cat, ST_SetSRID(ST_MakePoint(x, y), 4326), d, day, %s,"
        "        uuid_send(gen_random_uuid())"
        " FROM unnest(%s::float8[], %s::float8[], %s::text[], %s::text[], %s::date[])"
        "      AS t(x, y, d, cat, day)",
        (status, lon[keep].tolist(), lat[keep].tolist(), where.desa_code[keep].tolist(),
         list(cats), list(days)))
    return int(keep.sum())


def add_resources(conn: psycopg.Connection, lon, lat, category: str, capacity=10,
                  radius_km: float | None = None, active: bool = True) -> None:
    """Insert PSKS resources at the points (radius None: the category's default)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    where = assign_desa(conn, lon, lat)
    caps = np.broadcast_to(np.asarray(capacity), lon.shape)
    conn.execute(
        "INSERT INTO psks_resource (category_code, name, geom, desa_code, capacity,"
        " service_radius_km, active, fingerprint)"
        " SELECT %s, 'sumber ' || ord, ST_SetSRID(ST_MakePoint(x, y), 4326), d, cap, %s, %s,"
        "        uuid_send(gen_random_uuid())"
        " FROM unnest(%s::float8[], %s::float8[], %s::text[], %s::int[])"
        "      WITH ORDINALITY AS t(x, y, d, cap, ord)",
        (category, radius_km, active, lon.tolist(), lat.tolist(), where.desa_code.tolist(),
         caps.tolist()))


def _published(values: np.ndarray, status: np.ndarray, sums: list[tuple[int, list[int]]],
               threshold: int) -> tuple[csr_matrix, list[tuple[float, float | None]]]:
    """What an attacker knows: every sum (``a @ cells == 0``) and each cell's bounds."""
    rows = [r for r, (_, parts) in enumerate(sums) for _ in range(len(parts) + 1)]
    cols = [c for total, parts in sums for c in (total, *parts)]
    signs = [x for _, parts in sums for x in (1.0, *[-1.0] * len(parts))]
    a_eq = coo_matrix((signs, (rows, cols)), shape=(len(sums), len(values))).tocsr()
    a_eq.sum_duplicates()
    bnds: list[tuple[float, float | None]] = []
    for v, s in zip(values, status, strict=True):
        if s == SHOWN:
            bnds.append((v, v))
        elif s == SMALL:
            bnds.append((1, threshold - 1))
        else:
            bnds.append((threshold if v >= threshold else 0, None))
    return a_eq, bnds


def _ends(a_eq: csr_matrix, bnds: list, cell: int) -> tuple[float, float]:
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(a_eq.shape[1])
        c[cell] = sign
        res = linprog(c, A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]), bounds=bnds, method="highs")
        if res.status == 3:  # unbounded: no limit in that direction
            out.append(-sign * np.inf)
            continue
        assert res.status == 0, res.message  # the truth is always feasible
        out.append(sign * res.fun)
    return out[0], out[1]


def lp_range(values: np.ndarray, status: np.ndarray, sums: list[tuple[int, list[int]]],
             cell: int, threshold: int = 5) -> tuple[float, float]:
    """The least and greatest value of ``cell`` consistent with what is published."""
    return _ends(*_published(values, status, sums, threshold), cell)


def recoverable(values: np.ndarray, status: np.ndarray, eqs, threshold: int = 5) -> list[int]:
    """The hidden cells whose value the published sums fix to fewer than two integers,
    by two linear programmes per cell over the whole table (independent of ``privacy_lp``:
    ``bench/suppression.py --lp-audit`` uses it on a kabupaten's table too)."""
    sums = [(int(t), eqs.member[eqs.member_eq == e].tolist()) for e, t in enumerate(eqs.total)]
    a_eq, bnds = _published(values, status, sums, threshold)
    out = []
    for cell in np.flatnonzero(status != SHOWN).tolist():
        low, high = _ends(a_eq, bnds, cell)
        if np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1:
            out.append(cell)
    return out


def assert_no_hidden_cell_recoverable(values: np.ndarray, status: np.ndarray, eqs,
                                      threshold: int = 5) -> None:
    """Audit a published table with a linear programme: every hidden cell keeps at least
    two possible integer values given every published sum."""
    stuck = recoverable(values, status, eqs, threshold)
    assert not stuck, (stuck, values[stuck])


def province(seed: int, categories: tuple[str, ...] = ("AT", "ABT", "FM", "PD", "LUT")
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Desa units and counts as ``counts.build`` takes them: three kabupaten of three
    kecamatan of four desa; counts mostly small, some large, some zero."""
    rng = np.random.default_rng(seed)
    codes = [f"32.{k:02d}.{c:02d}.{2000 + d}" for k in (1, 2, 3) for c in (1, 2, 3)
             for d in range(1, 5)]
    kec = [code[:8] for code in codes]
    desa = pd.DataFrame({"code": codes, "name": codes, "kecamatan": kec,
                         "kecamatan_name": kec, "population": np.nan}).set_index("code")
    n = rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 14], size=(len(codes), len(categories)))
    pairs = pd.DataFrame({"desa_code": np.repeat(codes, len(categories)),
                          "category_code": list(categories) * len(codes), "n": n.ravel()})
    return desa, pairs[pairs["n"] > 0].reset_index(drop=True)
