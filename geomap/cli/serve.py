"""``geomap serve``: the web app, under gunicorn or (with --debug) Flask's server."""

from __future__ import annotations

import os
import sys

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask's development server with reloading.")
@click.option("--workers", type=int, default=None,
              help="gunicorn workers (default: GEOMAP_WORKERS or 2 x cores + 1, at most 8).")
def serve(host: str, port: int, debug: bool, workers: int | None) -> None:
    """Serve the maps at http://HOST:PORT."""
    from geomap.cli.common import connection

    with connection() as conn:  # start the local cluster and migrate before forking
        conn.execute("SELECT 1")
    if debug:
        from server import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    workers = workers or int(os.environ.get("GEOMAP_WORKERS", 0)) or min(
        8, 2 * (os.cpu_count() or 1) + 1)
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
        "--threads", "4", "--access-logfile", "-", "server.wsgi:app"])
