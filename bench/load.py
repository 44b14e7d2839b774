"""Benchmark: 50 planners on the maps while a TKSK uploads 100,000 rows, on loopback.

Issue #6's load target: no request fails (error rate 0) and desa tiles stay fast
(p95 at most 200 ms on the 2-core machine) while an upload of 100,000 rows is previewed
and confirmed over HTTP; the upload's duration under that load is compared with its
duration alone.

Everything is real and local: a throwaway cluster (``Cluster.throwaway``) with Kabupaten
Bandung and the demo data (``geomap demo seed``), served by ``geomap serve`` (gunicorn,
its default size) on 127.0.0.1. The clients are asyncio tasks (httpx) in this process:

* each planner logs in through ``/login`` (account ``planner``), opens
  ``/map?area=32.04`` with the layer documents the page asks for (the kecamatan GeoJSON
  and the desa TileJSON), then over and over looks at a viewport of desa tiles (4 x 3 at
  zoom 11-13, six requests at a time like a browser) for ``--think`` seconds (uniform)
  and pans elsewhere; every tenth view it opens the map page again. Like a browser it
  keeps what ``Cache-Control: max-age`` allows (desa tiles: 5 minutes) and does not ask
  for it again, and it drops an idle connection after 1 s, before gunicorn's keep-alive
  (2 s) would close it under a new request;
* the TKSK of Cileunyi posts the rows of ``bench/ingest.py`` (``synthetic_csv``, in its
  kecamatan) to ``/api/uploads`` and confirms them, first alone (the baseline), then with
  the planners at work.

Phases: upload alone; planners alone (``--warm`` seconds, tiles without an upload);
planners and upload together. The run is bounded by ``--max-seconds``.

    .venv/bin/python bench/load.py [--planners 50] [--rows 100000] [--think 2 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

import _setup
import httpx
import numpy as np
from _setup import area_files, free_port, machine, throwaway_database
from ingest import synthetic_csv

from geomap import accounts
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.config import PROJECT_ROOT
from geomap.demo.seed import DEMO_PASSWORD

AREA = "32.04"
KECAMATAN = "32.04.05"  # Cileunyi: the uploading TKSK's area
TKSK = "tksk-cileunyi"
ZOOMS = (11, 12, 13)
VIEWPORT = (4, 3)  # tiles across, down: about a 1024 x 768 map
BROWSER_PARALLEL = 6  # requests a browser sends at once to one host
PAGE_EVERY = 10  # views between two openings of the map page
IDLE_CONNECTION_S = 1.0  # under gunicorn's keepalive (2 s)
TARGET_P95_MS = 200.0
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass
class Stats:
    """Requests seen by the planners: latencies by kind and phase, and failures."""

    phase: str = "warm"
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    requests: int = 0
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, phase: str, seconds: float, answer: httpx.Response | None,
               error: str | None = None) -> None:
        """One request, counted in the phase it started in."""
        self.requests += 1
        if answer is None or answer.status_code >= 400:
            self.errors.append(error or f"{kind} {answer.status_code if answer else '?'}")
            return
        self.latencies.setdefault((kind, phase), []).append(seconds)


def tiles_over(bounds: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    """The x and y tile ranges covering (west, south, east, north) at zoom ``z``."""
    west, south, east, north = bounds
    n = 2**z

    def x(lon: float) -> int:
        return int((lon + 180.0) / 360.0 * n)

    def y(lat: float) -> int:
        r = math.radians(lat)
        return int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n)

    return range(x(west), x(east) + 1), range(y(north), y(south) + 1)


async def timed(client: httpx.AsyncClient, stats: Stats, kind: str, url: str,
                cache: dict[str, float], **kw) -> None:
    """GET ``url`` unless ``cache`` still holds it (``max-age``); time it."""
    if cache.get(url, 0.0) > time.monotonic():
        return
    phase, start = stats.phase, time.perf_counter()
    try:
        answer = await client.get(url, **kw)
    except httpx.HTTPError as exc:
        stats.record(kind, phase, time.perf_counter() - start, None,
                     f"{kind} {type(exc).__name__}")
        return
    stats.record(kind, phase, time.perf_counter() - start, answer)
    if answer.status_code == 200 and (age := _MAX_AGE.search(
            answer.headers.get("Cache-Control", ""))):
        cache[url] = time.monotonic() + int(age.group(1))


async def log_in(client: httpx.AsyncClient, username: str) -> str:
    """The session cookie after the real login form (Secure, so kept by hand on http)."""
    page = await client.get("/login")
    form = {"csrf_token": _CSRF.search(page.text).group(1), "username": username,
            "password": DEMO_PASSWORD}
    done = await client.post("/login", data=form,
                             headers={"Cookie": f"session={page.cookies['session']}"})
    if done.status_code != 302:
        raise SystemExit(f"login of {username} failed: {done.status_code}")
    return f"session={done.cookies['session']}"


async def planner(base: str, bounds, stats: Stats, stop: asyncio.Event, think: tuple,
                  rng: random.Random, idle: float) -> None:
    limits = httpx.Limits(max_connections=BROWSER_PARALLEL, keepalive_expiry=idle,
                          max_keepalive_connections=BROWSER_PARALLEL if idle > 0 else 0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        cookie = {"Cookie": await log_in(client, "planner")}
        gate = asyncio.Semaphore(BROWSER_PARALLEL)
        cache: dict[str, float] = {}

        async def tile(z: int, x: int, y: int) -> None:
            async with gate:
                await timed(client, stats, "tile", f"/tiles/desa/{z}/{x}/{y}.pbf?area={AREA}",
                            cache, headers=cookie)

        views = 0
        while not stop.is_set():
            if views % PAGE_EVERY == 0:
                await timed(client, stats, "page", f"/map?area={AREA}", cache, headers=cookie)
                await asyncio.gather(
                    timed(client, stats, "layer", f"/api/layers/kecamatan.geojson?area={AREA}",
                          cache, headers=cookie),
                    timed(client, stats, "layer", f"/tiles/desa.json?area={AREA}", cache,
                          headers=cookie))
            views += 1
            z = rng.choice(ZOOMS)
            xs, ys = tiles_over(bounds, z)
            x0 = rng.randint(xs.start, max(xs.start, xs.stop - VIEWPORT[0]))
            y0 = rng.randint(ys.start, max(ys.start, ys.stop - VIEWPORT[1]))
            await asyncio.gather(*(tile(z, x, y) for x in range(x0, x0 + VIEWPORT[0])
                                   for y in range(y0, y0 + VIEWPORT[1])))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), rng.uniform(*think))


async def upload(base: str, token: str, data: bytes) -> dict:
    """Preview, then confirm, as a script of the TKSK would: seconds and counts."""
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=900) as client:
        start = time.perf_counter()
        preview = await client.post("/api/uploads", headers=auth,
                                    files={"file": ("kasus.csv", data, "text/csv")})
        preview.raise_for_status()
        staged = time.perf_counter()
        done = await client.post(f"/api/uploads/{preview.json()['id']}/confirm", headers=auth)
        done.raise_for_status()
        end = time.perf_counter()
    return {"total": end - start, "preview": staged - start, "confirm": end - staged,
            "accepted": preview.json()["accepted"], "inserted": done.json()["inserted"]}


async def under_load(base: str, bounds, token: str, data: bytes, args) -> tuple[Stats, dict]:
    stats, stop = Stats(), asyncio.Event()
    rngs = [random.Random(i) for i in range(args.planners)]
    crowd = [asyncio.create_task(planner(base, bounds, stats, stop, tuple(args.think), r,
                                          args.idle))
             for r in rngs]
    deadline = time.monotonic() + args.max_seconds
    await asyncio.sleep(args.warm)
    stats.phase = "upload"
    job = asyncio.create_task(upload(base, token, data))
    done, _ = await asyncio.wait({job}, timeout=max(1.0, deadline - time.monotonic()))
    stop.set()
    await asyncio.gather(*crowd, return_exceptions=True)
    if not done:
        job.cancel()
        raise SystemExit(f"the upload did not finish within --max-seconds {args.max_seconds}")
    return stats, job.result()


def serve(url: str, port: int, log: IO[bytes]) -> subprocess.Popen:
    """``geomap serve`` at its default size; gunicorn's log (no access lines) into ``log``."""
    return _setup.serve(url, port, log, {"GUNICORN_CMD_ARGS": "--access-logfile /dev/null"})


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000.0, q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--planners", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0),
                        metavar=("MIN", "MAX"), help="seconds a planner looks at a view")
    parser.add_argument("--warm", type=float, default=20.0,
                        help="seconds of planners alone before the upload starts")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--idle", type=float, default=IDLE_CONNECTION_S,
                        help="seconds a planner keeps an idle connection (0: a new "
                             "connection per request)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    print(f"Mesin / machine: {machine()}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with throwaway_database() as (url, connect), connect() as conn:
        load(conn, read_sources(area_files(AREA)).within(AREA))
        seeded = subprocess.run([sys.executable, "-m", "geomap", "demo", "seed"], cwd=PROJECT_ROOT,
                                env={**os.environ, "GEOMAP_DATABASE_URL": url},
                                capture_output=True, text=True)
        if seeded.returncode != 0:
            raise SystemExit(seeded.stderr)
        token = accounts.create_token(conn, TKSK, "bench-load")[1]
        bounds = conn.execute("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                              "(SELECT ST_Extent(geom) AS e FROM region WHERE code = %s) s",
                              (AREA,)).fetchone()
        alone_file = synthetic_csv(conn, args.rows, seed=5, area=KECAMATAN)
        loaded_file = synthetic_csv(conn, args.rows, seed=6, area=KECAMATAN)
        cases = conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0]
        port = args.port or free_port()
        with tempfile.TemporaryFile() as log:
            server = serve(url, port, log)
            base = f"http://127.0.0.1:{port}"
            try:
                alone = asyncio.run(upload(base, token, alone_file))
                print(f"{cases:,} demo cases; upload of {args.rows:,} rows alone: "
                      f"{alone['total']:.1f} s (preview {alone['preview']:.1f} s, confirm "
                      f"{alone['confirm']:.1f} s), inserted {alone['inserted']:,}")
                start = time.perf_counter()
                stats, loaded = asyncio.run(under_load(base, bounds, token, loaded_file, args))
                took = time.perf_counter() - start
            finally:
                server.terminate()
                server.wait(timeout=60)
                log.seek(0)
                events = log.read().decode(errors="replace")
    print(f"{args.planners} planners for {took:.0f} s (think {args.think[0]:g}-{args.think[1]:g}"
          f" s), {stats.requests:,} requests; load average now "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for (kind, phase), values in sorted(stats.latencies.items()):
        print(f"  {kind:<5} {phase:<6} n={len(values):>6,}  p50 {ms(values, 50):7.1f} ms  "
              f"p95 {ms(values, 95):7.1f} ms  max {ms(values, 100):7.1f} ms")
    rate = len(stats.errors) / max(1, stats.requests)
    kinds = ", ".join(f"{n} x {e}" for e, n in Counter(stats.errors).most_common(3))
    print(f"error rate / laju galat: {rate:.4%} ({len(stats.errors)} of {stats.requests:,})"
          + (f": {kinds}" if kinds else ""))
    tiles = stats.latencies.get(("tile", "upload"), [])
    p95 = ms(tiles, 95)
    ratio = loaded["total"] / alone["total"]
    print(f"upload under load {loaded['total']:.1f} s (preview {loaded['preview']:.1f} s, "
          f"confirm {loaded['confirm']:.1f} s) vs alone {alone['total']:.1f} s: {ratio:.2f}x; "
          f"inserted {loaded['inserted']:,} of {loaded['accepted']:,} accepted")
    if stats.errors:
        print("gunicorn's last lines:", *events.strip().splitlines()[-8:], sep="\n  ")
    print(f"gunicorn: {events.count('Booting worker')} workers started, "
          f"{events.count('WORKER TIMEOUT')} killed for a timeout, "
          f"{events.count('Traceback')} tracebacks")
    ok = not stats.errors and p95 <= TARGET_P95_MS and loaded["inserted"] == loaded["accepted"]
    print(f"tiles during the upload: p50 {ms(tiles, 50):.1f} ms, p95 {p95:.1f} ms (target <= "
          f"{TARGET_P95_MS:.0f} ms), errors {len(stats.errors)}: "
          f"{'OK' if ok else 'GAGAL / FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
