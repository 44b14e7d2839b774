"""``geomap backup`` and ``geomap restore``: the whole database to a file and back."""

from __future__ import annotations

from pathlib import Path

import click

from geomap import audit
from geomap.cli.common import connection, fail
from geomap.db import database_url
from geomap.db.dump import DumpError
from geomap.db.dump import backup as dump_database
from geomap.db.dump import restore as restore_database


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Write a backup (pg_dump, custom format) of the whole database to PATH.

    The file holds personal data: it is created readable by its owner only, and the
    backup is recorded in the audit log.
    """
    with connection() as conn:
        audit.record(conn, None, "personal.export", (), "backup", detail={"file": path.name})
    try:
        size = dump_database(database_url(), path)
    except DumpError as exc:
        fail(str(exc))
    click.echo(f"Cadangan ditulis / backup written: {path} ({size / 1e6:.1f} MB)")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a database that already holds geomap's schema (in one "
                   "transaction: on any error the old data stays).")
def restore(path: Path, replace: bool) -> None:
    """Restore a backup made by ``geomap backup``; all or nothing."""
    with connection(ensure_schema=False):
        pass  # starts the local cluster if that is where the database lives
    try:
        restore_database(database_url(), path, replace=replace)
    except DumpError as exc:
        fail(str(exc))
    with connection() as conn:  # a backup from an older geomap gets newer migrations
        regions = conn.execute("SELECT count(*) FROM region").fetchone()[0]
    click.echo(f"Dipulihkan / restored from {path}: {regions} wilayah / regions.")
