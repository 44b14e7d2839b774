"""Benchmark: z12 desa vector tiles for all of Jawa Barat, served warm, against the bare query.

Target (issue #4): a z12 desa choropleth tile for Jawa Barat in at most 15 ms (median,
warm) and the server's time at most 1.5x the bare ``ST_AsMVT`` query for the same tile.

The choropleth's tiles are the desa tiles (code, name, kecamatan per desa): the map
colours them by code from one small JSON of values per filter (``/api/map/...``), so the
tile does not change with the filter and every viewer shares it.

What is timed, on every z12 tile that holds a Jawa Barat desa (about 600), each tile
asked ``--rounds`` times after one warming round:

* bare: the tile's ``ST_AsMVT`` statement (the very SQL the server runs, parameters
  bound) on one open psycopg connection: the floor of "PostgreSQL makes this tile";
* server: ``GET /tiles/desa/12/x/y.pbf`` from ``geomap serve`` (gunicorn, the same
  settings as production) over loopback with a kept-alive HTTP connection, as a
  browser asks for it. The server's time is gunicorn's own measure of each request
  (``%(D)s`` in its access log: from the parsed request to the response written), so
  it holds the role and area rules, the pool and Flask, not the Python client; the
  client's round trip is printed beside it.

The figure per tile is its median over rounds; the report gives the median over tiles
and the ratio server/bare per tile (median and 90th percentile).

    .venv/bin/python bench/tiles.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from typing import IO

import _setup
import numpy as np
import psycopg
import requests
from _setup import area_files, free_port, machine, throwaway_database

from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.render.tiles import Tile, layer_tile
from layers import registry

TARGET_MS = 15.0
TARGET_RATIO = 1.5
Z = 12


def z12_tiles(conn: psycopg.Connection) -> list[Tile]:
    """Every z12 tile whose box touches a desa's box (a few touch only its buffer)."""
    boxes = np.array(conn.execute(
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM region "
        "WHERE level = 'desa' AND geom IS NOT NULL").fetchall())
    n = 2**Z

    def tx(lon: np.ndarray) -> np.ndarray:
        return np.floor((lon + 180.0) / 360.0 * n).astype(int)

    def ty(lat: np.ndarray) -> np.ndarray:
        rad = np.radians(lat)
        return np.floor((1 - np.arcsinh(np.tan(rad)) / math.pi) / 2 * n).astype(int)

    found: set[tuple[int, int]] = set()
    for x0, x1, y0, y1 in zip(tx(boxes[:, 0]), tx(boxes[:, 2]), ty(boxes[:, 3]),
                              ty(boxes[:, 1]), strict=True):
        found.update((x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    return [Tile(Z, x, y) for x, y in sorted(found)]


def serve(url: str, port: int, log: IO[str]) -> subprocess.Popen:
    """``geomap serve`` on ``port``, its access log (path and microseconds) into ``log``."""
    return _setup.serve(url, port, log, {
        "GUNICORN_CMD_ARGS": "--access-logformat '%(U)s %(D)s'",
        # Every request makes its tile: the server's work against the bare query, not
        # the tiles it keeps for their max-age (server/tiles.py).
        "GEOMAP_TILE_CACHE_SECONDS": "0"}, errors=subprocess.DEVNULL)


def server_times(log: str, tiles: list[Tile], rounds: int) -> np.ndarray:
    """Median server seconds per tile over the last ``rounds`` requests of each."""
    seen: dict[str, list[float]] = {}
    for line in log.splitlines():
        path, _, micros = line.rpartition(" ")
        if path.startswith("/tiles/"):
            seen.setdefault(path, []).append(int(micros) / 1e6)
    return np.array([np.median(seen[f"/tiles/desa/{t.z}/{t.x}/{t.y}.pbf"][-rounds:])
                     for t in tiles])


def per_tile(fetch, tiles: list[Tile], rounds: int) -> np.ndarray:
    """Median seconds per tile over ``rounds`` rounds, after a warming round."""
    for tile in tiles:
        fetch(tile)
    times = np.empty((rounds, len(tiles)))
    for r in range(rounds):
        for i, tile in enumerate(tiles):
            start = time.perf_counter()
            fetch(tile)
            times[r, i] = time.perf_counter() - start
    return np.median(times, axis=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Mesin / machine: {machine()}")
    layer = registry.get("desa")
    with throwaway_database() as (url, connect):
        with connect() as conn:
            load(conn, read_sources(area_files("32")).within("32"))
            conn.execute("VACUUM ANALYZE region")
            tiles = z12_tiles(conn)
        print(f"{len(tiles)} tiles z{Z} over Jawa Barat")
        port = free_port()
        with tempfile.TemporaryFile("w+") as log:
            server = serve(url, port, log)
            try:
                with connect() as conn:
                    sizes = [len(layer_tile(conn, layer, None, t)) for t in tiles]
                    bare = per_tile(lambda t: layer_tile(conn, layer, None, t), tiles,
                                    args.rounds)
                session = requests.Session()

                def http(tile: Tile) -> None:
                    response = session.get(
                        f"http://127.0.0.1:{port}/tiles/desa/{tile.z}/{tile.x}/{tile.y}.pbf")
                    response.raise_for_status()

                round_trip = per_tile(http, tiles, args.rounds)
            finally:
                server.terminate()
                server.wait(timeout=30)
            log.seek(0)
            served = server_times(log.read(), tiles, args.rounds)
    ratio = served / bare
    print(f"tile size: median {statistics.median(sizes) / 1e3:.1f} kB, "
          f"max {max(sizes) / 1e3:.1f} kB")
    print(f"bare ST_AsMVT query: median {np.median(bare) * 1e3:.2f} ms, "
          f"p90 {np.percentile(bare, 90) * 1e3:.2f} ms")
    print(f"client round trip (Python requests, loopback): median "
          f"{np.median(round_trip) * 1e3:.2f} ms, p90 {np.percentile(round_trip, 90) * 1e3:.2f} ms")
    print(f"server's time (gunicorn, warm): median {np.median(served) * 1e3:.2f} ms, "
          f"p90 {np.percentile(served, 90) * 1e3:.2f} ms")
    print(f"ratio server/bare per tile: median {np.median(ratio):.2f}, "
          f"p90 {np.percentile(ratio, 90):.2f}")
    ok = np.median(served) * 1e3 <= TARGET_MS and np.median(ratio) <= TARGET_RATIO
    print(f"Target median <= {TARGET_MS:.0f} ms and ratio <= {TARGET_RATIO}: "
          f"{'OK' if ok else 'GAGAL / FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
