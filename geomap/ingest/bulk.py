"""A large file imported piece by piece, in one transaction: ``geomap cases import``.

A million rows checked as one table would hold them all as Python strings several
times over (more than a gigabyte). Here the file is read, checked and staged
:data:`PIECE_ROWS` rows at a time; a row that repeats a row of an earlier piece is
found in the rows already staged (:func:`check_table`'s ``staged_upload``), so the
duplicate rule is the file's, not the piece's. Everything (the upload, its staged
rows, the cases) happens in one transaction: when anything fails nothing is kept,
and a dry run rolls it all back at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd
import psycopg

from geomap.ingest.output import RejectedFile, rejected_file
from geomap.ingest.problems import RowError
from geomap.ingest.readers import Table, Upload, read_pieces
from geomap.ingest.staging import (
    Confirmed,
    Preview,
    _reasons,
    confirm,
    copy_staged,
    new_upload,
    settle_upload,
)
from geomap.ingest.validate import Uploader, check_table

PIECE_ROWS = 100_000  # rows checked at a time: ~250 MB of Python objects at most


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


def import_file(conn: psycopg.Connection, user: Uploader, upload: Upload, *,
                dry_run: bool = False, piece_rows: int = PIECE_ROWS,
                today: date | None = None,
                connect: Callable[[], psycopg.Connection] | None = None,
                progress: Callable[[int], None] | None = None,
                ) -> tuple[Preview, Confirmed | None]:
    """Check ``upload`` piece by piece and store its valid rows (not with ``dry_run``).

    Returns the report of the whole file (a :class:`Preview` without points) and what
    was stored. ``progress`` is called with the rows of each piece done.
    """
    preview: Preview | None = None
    done: Confirmed | None = None
    try:
        with conn.transaction(), conn.cursor() as cur:
            preview, upload_id = _stage_pieces(
                conn, cur, user, read_pieces(upload, piece_rows), today=today,
                connect=connect, progress=progress)
            if dry_run:
                raise _DryRun
            done = confirm(conn, upload_id, user)
    except _DryRun:
        preview.upload_id = None
    return preview, done


def _stage_pieces(conn: psycopg.Connection, cur: psycopg.Cursor, user: Uploader,
                  pieces: Iterable[Table], *, today: date | None,
                  connect: Callable[[], psycopg.Connection] | None,
                  progress: Callable[[int], None] | None) -> tuple[Preview, int]:
    upload_id: int | None = None
    first: Table | None = None
    errors: list[RowError] = []
    accepted = n_rejected = 0
    rejected: list[tuple[pd.DataFrame, np.ndarray, pd.Series]] = []
    whole: RejectedFile | None = None  # XLSX, GeoJSON: one piece, its own rejected file
    for table in pieces:
        if upload_id is None:
            first, upload_id = _header_of(table), new_upload(cur, user, table)
        checked = check_table(conn, user, table, today=today, connect=connect,
                              staged_upload=upload_id)
        copy_staged(cur, checked.cases, upload_id)
        errors.extend(checked.errors)
        accepted += checked.n_accepted
        n_rejected += checked.n_rejected
        if checked.n_rejected and table.format != "csv":
            whole = rejected_file(table, checked.accepted, _reasons(checked))
        elif checked.n_rejected:
            at = np.flatnonzero(~checked.accepted)
            rejected.append((table.frame.iloc[at], table.rows[at],
                             _reasons(checked).reindex(at).fillna("")))
        if progress is not None:
            progress(len(table))
        del checked, table  # one piece in memory at a time, not two
    assert first is not None and upload_id is not None  # read_pieces yields at least one
    preview = Preview(upload_id, first.filename, first.format, accepted, n_rejected, errors,
                      pd.DataFrame(), whole or _rejected_csv(first, rejected))
    settle_upload(cur, upload_id, preview)
    return preview, upload_id


def _header_of(table: Table) -> Table:
    """The first piece without its rows: what the whole file's report needs of it."""
    return Table(table.filename, table.format, table.sha256, table.frame.iloc[:0],
                 table.rows[:0], table.columns, table.delimiter)


def _rejected_csv(first: Table, rejected: list[tuple[pd.DataFrame, np.ndarray, pd.Series]]
                  ) -> RejectedFile | None:
    """The rejected rows of every piece of a CSV as one file."""
    if not rejected:
        return None
    frame = pd.concat([r[0] for r in rejected], ignore_index=True)
    rows = np.concatenate([r[1] for r in rejected])
    why = np.concatenate([r[2].to_numpy(dtype=object) for r in rejected])
    table = Table(first.filename, first.format, first.sha256, frame, rows, first.columns,
                  first.delimiter)
    return rejected_file(table, np.zeros(len(frame), dtype=bool),
                         pd.Series(why, index=np.arange(len(frame))))
