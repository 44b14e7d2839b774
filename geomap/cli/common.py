"""What the command modules share: the database connection and error reporting."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click
import psycopg

from geomap import db as database
from geomap.config import settings
from geomap.db.migrate import prepare


@contextlib.contextmanager
def connection(*, ensure_schema: bool = True) -> Iterator[psycopg.Connection]:
    """A connection to a running, migrated database, starting the local cluster if needed."""
    if not settings().database_url:
        cluster = database.local_cluster()
        if not cluster.running():
            click.echo("Menyalakan basis data lokal / starting the local database ...", err=True)
            cluster.start()
    try:
        conn = database.connect()
    except psycopg.OperationalError as exc:
        raise click.ClickException(
            f"Basis data tidak dapat dihubungi / cannot reach the database: {exc}") from exc
    with conn:
        if ensure_schema:
            prepare(conn)
        yield conn


def fail(message: str) -> None:
    """Print an error and exit with status 1."""
    click.echo(click.style("Galat / Error: ", fg="red") + message, err=True)
    sys.exit(1)
