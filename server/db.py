"""A pool of database connections per app, checked before each use.

Connections are checked when taken from the pool, so the app serves again by
itself once the database is back after a restart.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from flask import Flask, current_app
from psycopg_pool import ConnectionPool

_KEY = "geomap.pool"


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = ConnectionPool(
        app.config["DATABASE_URL"], min_size=1, max_size=app.config["POOL_MAX_SIZE"],
        kwargs={"autocommit": True}, check=ConnectionPool.check_connection, open=False,
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
