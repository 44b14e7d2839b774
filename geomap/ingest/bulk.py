"""A large file imported piece by piece, in one transaction: ``geomap cases import``.

A million rows checked as one table would hold them all as Python strings several
times over (more than a gigabyte). Here the file is read, checked and stored
:data:`PIECE_ROWS` rows at a time; a row that repeats an accepted row of an earlier
piece is found among those rows' keys kept in memory (:class:`EarlierRows`), so the
duplicate rule is the file's, not the piece's. Everything (the upload, its cases,
the report) happens in one transaction: when anything fails nothing is kept, and a
dry run stores nothing at all.

Two cores work at once: while the database stores piece k (COPY into a temporary
table, then ``ingest/confirm.sql`` from it, on the import's connection, in a thread
that mostly waits on the socket), Python reads and checks piece k+1, asking the
database what it needs (desa, NIK regions, cases already recorded) on a second
connection (``connect``). That connection sees only committed cases, which is what
"already recorded" means; the import's own earlier rows are in :class:`EarlierRows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
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
    copy_staging_text,
    mark_confirmed,
    new_upload,
    settle_upload,
    staging_text,
    store_staged,
)
from geomap.ingest.validate import NO_JIT, NO_NESTLOOP, EarlierRows, Uploader, check_table

PIECE_ROWS = 50_000  # rows checked at a time (a million: 443 MB peak, 577 MB with 100,000)
PIECE_TABLE = "import_piece"  # temporary, with case_staging's columns


class _Store:
    """Stores checked pieces as cases on the import's connection, one piece at a time, in
    a worker thread: :meth:`put` returns once the previous piece is stored, so at most
    one piece is in flight and an error of the database comes back at the next call."""

    def __init__(self, conn: psycopg.Connection, upload_id: int, user: Uploader) -> None:
        self.conn, self.upload_id, self.user = conn, upload_id, user
        self.inserted = self.people = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geomap-store")
        self._pending: Future | None = None
        conn.execute(NO_JIT)
        conn.execute(NO_NESTLOOP)  # the person rows join the piece back: a hash join
        conn.execute(f"CREATE TEMP TABLE {PIECE_TABLE} (LIKE case_staging) ON COMMIT DROP")

    def put(self, cases: pd.DataFrame) -> None:
        text = staging_text(cases, self.upload_id)  # made here, while the worker stores
        self.wait()
        self._pending = self._pool.submit(self._store, text)

    def _store(self, text: list[bytes]) -> tuple[int, int]:
        with self.conn.cursor() as cur:
            copy_staging_text(cur, text, PIECE_TABLE)
        done = store_staged(self.conn, PIECE_TABLE, self.upload_id, self.user)
        self.conn.execute(f"TRUNCATE {PIECE_TABLE}")
        return done

    def wait(self) -> None:
        """Wait for the piece in flight; raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            inserted, people = pending.result()
            self.inserted += inserted
            self.people += people

    def close(self) -> None:
        """Wait for the worker (also on an error: no query may still run on the
        connection when its transaction is rolled back). The piece table goes with the
        transaction (ON COMMIT DROP, or the rollback): no statement here may hide a
        failed store's own error behind InFailedSqlTransaction."""
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)


def import_file(conn: psycopg.Connection, user: Uploader, upload: Upload, *,
                dry_run: bool = False, piece_rows: int = PIECE_ROWS,
                today: date | None = None,
                connect: Callable[[], psycopg.Connection],
                progress: Callable[[int], None] | None = None,
                ) -> tuple[Preview, Confirmed | None]:
    """Check ``upload`` piece by piece and store its valid rows (not with ``dry_run``).

    Returns the report of the whole file (a :class:`Preview` without points) and what
    was stored. ``progress`` is called with the rows of each piece done. ``connect``
    (a function returning a new autocommit connection) gives the checks their own
    connection, so checking piece k+1 and storing piece k (on ``conn``, in a worker
    thread) run at the same time and never share a connection.
    """
    reader = connect()
    try:
        with conn.transaction():
            return _import(conn, reader, user, read_pieces(upload, piece_rows),
                           dry_run=dry_run, today=today, connect=connect, progress=progress)
    finally:
        reader.close()


def _import(conn: psycopg.Connection, reader: psycopg.Connection, user: Uploader,
            pieces: Iterable[Table], *, dry_run: bool, today: date | None,
            connect: Callable[[], psycopg.Connection],
            progress: Callable[[int], None] | None) -> tuple[Preview, Confirmed | None]:
    first: Table | None = None
    upload_id: int | None = None
    store: _Store | None = None
    earlier = EarlierRows()
    errors: list[RowError] = []
    accepted = n_rejected = 0
    rejected: list[tuple[pd.DataFrame, np.ndarray, pd.Series]] = []
    whole: RejectedFile | None = None  # XLSX, GeoJSON: one piece, its own rejected file
    try:
        for table in pieces:
            if first is None:
                first = _header_of(table)
                if not dry_run:
                    with conn.cursor() as cur:
                        upload_id = new_upload(cur, user, table)
                    store = _Store(conn, upload_id, user)
            checked = check_table(reader, user, table, today=today, connect=connect,
                                  earlier=earlier)
            earlier.add(checked.cases)
            if store is not None:
                store.put(checked.cases)
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
    finally:
        if store is not None:
            store.close()
    assert first is not None  # read_pieces yields at least one table
    preview = Preview(upload_id, first.filename, first.format, accepted, n_rejected, errors,
                      pd.DataFrame(), whole or _rejected_csv(first, rejected))
    if store is None or upload_id is None:  # a dry run: nothing stored
        return preview, None
    with conn.cursor() as cur:
        settle_upload(cur, upload_id, preview)
    mark_confirmed(conn, upload_id, store.inserted, accepted - store.inserted)
    return preview, Confirmed(upload_id, store.inserted, accepted - store.inserted,
                              store.people)


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
