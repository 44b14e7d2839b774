"""What every benchmark shares: a throwaway database, boundaries from ../shared, timing,
and the real server (``geomap serve``) on a free port.

Each benchmark runs on its own cluster in a temporary folder (the same
``Cluster.throwaway`` the test suite uses), never on a developer's ``var/``.
Boundary files are found through the catalogue, with ``../shared`` as the mirror,
exactly as ``geomap boundaries fetch`` would find them.
"""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geomap.boundaries.catalogue import Catalogue
from geomap.config import PROJECT_ROOT, SHARED_DIR
from geomap.db.cluster import Cluster
from geomap.db.migrate import prepare

WILAYAH = SHARED_DIR / "data" / "boundaries" / "wilayah_boundaries"


def area_files(area: str) -> list[Path]:
    """The shared copies of the files the catalogue lists for ``area`` (e.g. ``32.04``, ``32``)."""
    return [WILAYAH / path for path in Catalogue.load().files_for(area)]


@contextlib.contextmanager
def throwaway_database() -> Iterator[tuple[str, Callable[[], psycopg.Connection]]]:
    """A migrated, empty database on a private cluster: (url, connect)."""
    with Cluster.throwaway("geomap-bench-") as cluster:
        url = cluster.create_database("bench")

        def connect() -> psycopg.Connection:
            return psycopg.connect(url, autocommit=True)

        with connect() as conn:
            prepare(conn)
        yield url, connect


def timed(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall time of ``runs`` calls of ``fn``, and every time."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; load average {load} (a shared machine: figures "
            "vary with what else runs)")


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice), for a benchmark's server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int, log: IO, env: dict[str, str],
          errors: int | IO = subprocess.STDOUT, start_seconds: float = 60) -> subprocess.Popen:
    """``geomap serve`` at its default size on ``port`` over the database ``url``, with
    ``env`` added (gunicorn's arguments: a benchmark wants its own access log), its output
    into ``log`` and its errors into ``errors`` (the same, unless a benchmark parses the
    log). Returns once the login page answers; stops the benchmark if it never does."""
    env = {**os.environ, "GEOMAP_DATABASE_URL": url,
           "GEOMAP_SECRET_KEY": "bench-secret-not-for-production", **env}
    server = subprocess.Popen(
        [sys.executable, "-m", "geomap", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=errors)
    deadline = time.monotonic() + start_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"geomap serve exited ({server.returncode}): is port {port} taken?")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("geomap serve did not start")
