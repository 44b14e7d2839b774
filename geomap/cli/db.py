"""``geomap db``: the local PostgreSQL cluster and the schema."""

from __future__ import annotations

import click

from geomap import db as database
from geomap.cli.common import connection
from geomap.config import settings


def _external() -> bool:
    if settings().database_url:
        click.echo("GEOMAP_DATABASE_URL dipakai; klaster lokal tidak disentuh / "
                   "GEOMAP_DATABASE_URL is set; the local cluster is not touched.")
        return True
    return False


@click.group()
def db() -> None:
    """Basis data / the database: start, stop, status, url, migrate."""


@db.command()
def start() -> None:
    """Start the local cluster under var/ (creating it and PostGIS if needed)."""
    if _external():
        return
    cluster = database.local_cluster()
    cluster.start()
    with connection() as conn:
        conn.execute("SELECT 1")
    click.echo(f"Berjalan / running: {cluster.url()}")


@db.command()
def stop() -> None:
    """Stop the local cluster."""
    if _external():
        return
    database.local_cluster().stop()
    click.echo("Berhenti / stopped.")


@db.command()
def status() -> None:
    """Say whether the database answers; exit 1 if it does not."""
    import psycopg

    try:
        with database.connect(connect_timeout=3) as conn:
            version = conn.execute("SELECT postgis_full_version()").fetchone()[0]
    except psycopg.Error as exc:
        click.echo(f"Tidak berjalan / not running ({database.database_url()}): {exc}".strip())
        raise SystemExit(1) from exc
    click.echo(f"Berjalan / running: {database.database_url()}\n{version}")


@db.command()
def url() -> None:
    """Print the connection string."""
    click.echo(database.database_url())


@db.command("migrate")
def migrate_command() -> None:
    """Apply the schema files under layers/schema that are not applied yet."""
    from geomap.db.migrate import prepare

    with connection(ensure_schema=False) as conn:
        done = prepare(conn)
    click.echo("Diterapkan / applied: " + (", ".join(done) if done else "tidak ada / none"))
