"""Kernel density of 1,000,000 case points over Kabupaten Bandung at 100 m cells.

Target: at most 2 s, points fetched from PostGIS (binary COPY) included.
Baseline, in the same run: ``scipy.stats.gaussian_kde`` on 10,000 of the points,
evaluated on the same grid (the direct sum, which is what FFT binning replaces).

    .venv/bin/python bench/density.py [--points 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _setup import area_files, machine, throwaway_database, timed
from scipy.stats import gaussian_kde

from geomap.analysis.area import load_area
from geomap.analysis.density import BANDWIDTH_M, CELL_M, case_density, case_points, density
from geomap.analysis.filters import CaseFilter
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.sql import sql

AREA = "32.04"
TARGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-points", type=int, default=10_000)
    parser.add_argument("--url", help="an existing database with Kabupaten Bandung and its "
                                      "cases loaded (development only; default: a throwaway "
                                      "cluster)")
    args = parser.parse_args()
    print(machine())
    if args.url:
        import psycopg

        def connect() -> psycopg.Connection:
            return psycopg.connect(args.url, autocommit=True)

        with connect() as conn:
            run(conn, connect, args)
        return
    with throwaway_database() as (_, connect), connect() as conn:
        load(conn, read_sources(area_files(AREA)).within(AREA))
        start = time.perf_counter()
        conn.execute(sql("analysis/synthetic_cases"), {"n": args.points, "prefix": AREA + "."})
        conn.execute("VACUUM ANALYZE pmks_case")
        print(f"setup: synthetic cases in {time.perf_counter() - start:.1f} s")
        run(conn, connect, args)


def run(conn, connect, args: argparse.Namespace) -> None:
    """Time the density on the database's cases, then the baseline."""
    n = conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0]
    print(f"{n:,} cases")
    area = load_area(conn, AREA)
    where = CaseFilter(AREA)

    serial, _ = timed(lambda: case_points(conn, where, area.srid), args.runs)
    fetch, _ = timed(lambda: case_points(conn, where, area.srid, connect=connect), args.runs)
    total, times = timed(lambda: case_density(conn, area, where, connect=connect), args.runs)
    raster = case_density(conn, area, where)
    print(f"grid {raster.grid.width} x {raster.grid.height} cells of {CELL_M:.0f} m, "
          f"bandwidth {BANDWIDTH_M:.0f} m, {raster.points:,} points")
    print(f"fetch (array_send binary arrays + pyproj): median {serial:.3f} s on one "
          f"connection, {fetch:.3f} s in page slices on one connection per core")
    print(f"KDE, fetch included: median {total:.3f} s of {args.runs} "
          f"({', '.join(f'{t:.3f}' for t in times)}); target {TARGET_S} s: "
          f"{'PASS' if total <= TARGET_S else 'FAIL'}")

    x, y = case_points(conn, where, area.srid)
    shape = area.projected()
    compute, _ = timed(lambda: density(x, y, area, projected_area=shape), args.runs)
    print(f"KDE from arrays (no database): median {compute:.3f} s")

    rng = np.random.default_rng(0)
    pick = rng.choice(len(x), args.baseline_points, replace=False)
    sample = np.vstack([x[pick], y[pick]])
    # Isotropic 1 km kernel: gaussian_kde scales the data covariance by factor².
    factor = BANDWIDTH_M / float(np.sqrt(np.cov(sample).diagonal().mean()))
    grid = raster.grid
    cx = grid.x0 + (np.arange(grid.width) + 0.5) * grid.cell
    cy = grid.y1 - (np.arange(grid.height) + 0.5) * grid.cell
    gx, gy = np.meshgrid(cx, cy)
    start = time.perf_counter()
    gaussian_kde(sample, bw_method=factor)(np.vstack([gx.ravel(), gy.ravel()]))
    base = time.perf_counter() - start
    print(f"baseline scipy.stats.gaussian_kde, {args.baseline_points:,} points on the same "
          f"{grid.width * grid.height:,} cells: {base:.3f} s (one run)")
    print(f"ratio baseline / ours: {base / total:.1f}x faster, with "
          f"{raster.points / args.baseline_points:.0f}x the points")


if __name__ == "__main__":
    main()
