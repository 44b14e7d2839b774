"""``geomap serve``: the web app, under gunicorn or (with --debug) Flask's server."""

from __future__ import annotations

import os
import sys

import click

from geomap.cli.common import fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask's development server with reloading.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn workers (default: GEOMAP_WORKERS or 2 x cores + 1, at most 8).")
def serve(host: str, port: int, debug: bool, workers: int | None) -> None:
    """Serve the maps at http://HOST:PORT (sizes: see server/serving.py)."""
    from geomap.cli.common import connection
    from server import serving

    try:
        workers = workers or serving.workers()
        needed = serving.connections_needed(workers)
        serving.proxies()
    except ValueError as exc:
        fail(str(exc))
    with connection() as conn:  # start the local cluster and migrate before forking
        allowed = int(conn.execute("SHOW max_connections").fetchone()[0])
    if needed > allowed:
        fail(f"{workers} worker x {serving.pool_size()} koneksi butuh hingga {needed} koneksi "
             f"basis data, PostgreSQL mengizinkan {allowed}: kurangi GEOMAP_WORKERS atau "
             f"GEOMAP_POOL_SIZE / {workers} workers x {serving.pool_size()} connections need up "
             f"to {needed} database connections and PostgreSQL allows {allowed}: lower "
             f"GEOMAP_WORKERS or GEOMAP_POOL_SIZE, or raise max_connections")
    if debug:
        from server import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--config", "python:server.gunicorn_conf",
        "--bind", f"{host}:{port}", "--workers", str(workers), "server.wsgi:app"])
