"""Running a ``layers/analysis`` query: one place for the plumbing.

``frame`` suits small results (one row per desa). ``float_columns`` is for the
big ones (a row per case): it streams ``COPY ... (FORMAT binary)`` and reads
the whole buffer with one numpy structured dtype, so a million rows cost a
memory copy, not a million Python tuples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql as pgsql

from geomap.sql import sql

# PGCOPY signature, then flags (int32) and the header extension length (int32).
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def frame(conn: psycopg.Connection, name: str, params: dict[str, object]) -> pd.DataFrame:
    """The rows of ``layers/analysis/<name>.sql`` with ``params``, as a frame."""
    with conn.cursor() as cur:
        cur.execute(sql(f"analysis/{name}"), params)
        columns = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=columns)


def float_columns(conn: psycopg.Connection, name: str, params: dict[str, object],
                  columns: int) -> np.ndarray:
    """The ``columns`` float8 columns of ``layers/analysis/<name>.sql``, as an (n, columns) array.

    Every column of the query must be a non-null ``double precision``.
    """
    query = pgsql.SQL("COPY ({}) TO STDOUT (FORMAT binary)").format(
        pgsql.SQL(sql(f"analysis/{name}").strip().rstrip(";")))
    buf = bytearray()
    with conn.cursor() as cur, cur.copy(query, params) as copy:
        for block in copy:
            buf += block
    if not buf.startswith(_SIGNATURE):
        raise RuntimeError("COPY binary: tanda tak dikenal / unknown signature")
    start = len(_SIGNATURE) + 8 + int.from_bytes(buf[len(_SIGNATURE) + 4:len(_SIGNATURE) + 8],
                                                  "big")
    fields = [("n", ">i2")]
    for i in range(columns):
        fields += [(f"len{i}", ">i4"), (f"v{i}", ">f8")]
    row = np.dtype(fields)
    body = memoryview(buf)[start:len(buf) - 2]  # the trailer is int16 -1
    rows = np.frombuffer(body, dtype=row)
    lengths = [rows[f"len{i}"] for i in range(columns)]
    if len(rows) and ((rows["n"] != columns).any() or any((n != 8).any() for n in lengths)):
        raise RuntimeError("COPY binary: kolom tak terduga / unexpected columns (NULL?)")
    return np.column_stack([rows[f"v{i}"].astype(np.float64) for i in range(columns)]) \
        if len(rows) else np.empty((0, columns))
