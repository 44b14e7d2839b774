"""Benchmark: 1,000,000 random points in Kabupaten Bandung's extent assigned to desa.

Target (issue #2): at most 10 s. Prints the median over several runs, points/s, and
the ratio to asking one query per point, measured on 10,000 of the same points in
the same run and extrapolated per point. The baseline query (``bench/one_point.sql``)
is the same rule written for one point; its answers are checked against the bulk
answers so the comparison is like for like.

    .venv/bin/python bench/assign.py [--points N] [--runs R] [--baseline-points M]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from _setup import area_files, machine, throwaway_database, timed

from geomap.assign import assign_desa
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources

ONE_POINT = (Path(__file__).with_name("one_point.sql")).read_text(encoding="utf-8")
TARGET_S = 10.0


def random_points(conn, n: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the bounding box of Kabupaten Bandung (32.04)."""
    xmin, ymin, xmax, ymax = conn.execute(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT ST_Extent(geom) AS e FROM region WHERE code = '32.04') s").fetchone()
    rng = np.random.default_rng(seed)
    return rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)


def one_query_per_point(conn, lon: np.ndarray, lat: np.ndarray,
                        tolerance: float = 250.0) -> list[tuple]:
    """The baseline: a prepared query per point, answers in input order."""
    with conn.cursor() as cur:
        return [cur.execute(ONE_POINT, {"lon": float(x), "lat": float(y),
                                        "tolerance": tolerance}, prepare=True).fetchone()
                for x, y in zip(lon, lat, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-points", type=int, default=10_000)
    args = parser.parse_args()
    print(f"Mesin / machine: {machine()}")
    with throwaway_database() as (_url, connect), connect() as conn:
        started = time.perf_counter()
        load(conn, read_sources(area_files("32.04")).within("32.04"))
        print(f"Kabupaten Bandung dimuat / loaded in {time.perf_counter() - started:.1f} s")
        lon, lat = random_points(conn, args.points)
        result = {}

        def bulk() -> None:
            result["a"] = assign_desa(conn, lon, lat, connect=connect)

        median, times = timed(bulk, args.runs)
        a = result["a"]
        inside = int(np.sum((a.desa_code != None) & ~a.snapped))  # noqa: E711
        snapped = int(a.snapped.sum())
        print(f"{args.points:,} titik / points: median {median:.2f} s over {args.runs} runs "
              f"({', '.join(f'{t:.2f}' for t in times)}); {args.points / median:,.0f} points/s")
        print(f"  di dalam / inside {inside:,}, dijepret / snapped {snapped:,}, "
              f"di luar / outside {args.points - inside - snapped:,}")

        m = args.baseline_points
        idx = np.random.default_rng(3).choice(args.points, m, replace=False)
        base_median, base_times = timed(
            lambda: result.__setitem__("b", one_query_per_point(conn, lon[idx], lat[idx])),
            args.runs)
        per_point = base_median / m
        mismatch = sum(1 for k, (code, *_rest) in zip(idx, result["b"], strict=True)
                       if code != a.desa_code[k])
        print(f"Pembanding / baseline, one query per point on {m:,} points: {base_median:.2f} s"
              f" (median of {', '.join(f'{t:.2f}' for t in base_times)};"
              f" {m / base_median:,.0f} points/s; {mismatch} answers differ from the bulk run)")
        print(f"  extrapolated to {args.points:,} points: {per_point * args.points:.0f} s; "
              f"bulk is {per_point * args.points / median:.0f}x faster")
        ok = median <= TARGET_S and mismatch == 0
        print(f"Target <= {TARGET_S:.0f} s: {'OK' if ok else 'GAGAL / FAILED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
