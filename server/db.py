"""A pool of database connections per app, checked before each use.

Connections are checked when taken from the pool, so the app serves again by
itself once the database is back after a restart. The check costs no round trip
(see :func:`check_alive`): a tile is a few milliseconds of PostgreSQL work, and a
ping before each one made the server 1.5-3x slower than the query it serves.
"""

from __future__ import annotations

import contextlib
import select
from collections.abc import Iterator

import psycopg
from flask import Flask, current_app
from psycopg_pool import ConnectionPool

_KEY = "geomap.pool"


def check_alive(conn: psycopg.Connection) -> None:
    """Raise if ``conn`` is dead, without a round trip when it is plainly alive.

    An idle connection that is alive has nothing to read. One whose server went away
    (restart, crash, ``pg_terminate_backend``) has: the server's goodbye message or
    the end of the stream. Only then is it pinged, and the ping raises for the pool
    to throw the connection away and make a new one.
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("connection closed")
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = ConnectionPool(
        app.config["DATABASE_URL"], min_size=1, max_size=app.config["POOL_MAX_SIZE"],
        kwargs={"autocommit": True}, check=check_alive, open=False,
        name="geomap")


def pool() -> ConnectionPool:
    p: ConnectionPool = current_app.extensions[_KEY]
    if p.closed:
        p.open(wait=False)
    return p


@contextlib.contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """A connection for the current request; writes go in ``conn.transaction()``."""
    with pool().connection(timeout=10) as conn:
        yield conn
