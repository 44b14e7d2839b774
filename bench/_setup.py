"""What every benchmark shares: a throwaway database, boundaries from ../shared, timing.

Each benchmark runs on its own cluster in a temporary folder (the same
``Cluster.throwaway`` the test suite uses), never on a developer's ``var/``.
Boundary files are found through the catalogue, with ``../shared`` as the mirror,
exactly as ``geomap boundaries fetch`` would find them.
"""

from __future__ import annotations

import contextlib
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geomap.boundaries.catalogue import Catalogue
from geomap.config import SHARED_DIR
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
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; load average {load} (a shared machine: figures "
            "vary with what else runs)")
