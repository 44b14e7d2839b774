"""Benchmark: import all of Jawa Barat (province 32) through ``geomap boundaries import``.

Target (issue #2): at most 60 s on the 2-core machine. The command runs as a user
would run it (a subprocess, progress bar and all) into a fresh, migrated database
each run; the figure is the median wall time of several runs.

Baseline, measured in the same run: PostgreSQL executing the very same dump files
as plain SQL into a bare text table (``kode, nama, lat, lng, path``), with no
parsing in Python, no geometry built, validated, repaired or indexed, no area and
no overlap report. It is the floor of "getting these bytes into PostgreSQL";
the ratio says what building real, checked geometries costs on top of it.

    .venv/bin/python bench/import_jabar.py [--runs R]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import psycopg
from _setup import area_files, machine, throwaway_database, timed

from geomap.config import PROJECT_ROOT

TARGET_S = 60.0
RAW_TABLE = """CREATE TABLE wilayah_boundaries (
    kode varchar(13) NOT NULL, nama varchar(100), lat double precision,
    lng double precision, path text)"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = area_files("32")
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"Mesin / machine: {machine()}")
    print(f"{len(files)} berkas / files, {size:.1f} MB")
    with throwaway_database() as (url, _connect):
        admin = url.replace("/bench?", "/postgres?")
        counter = iter(range(1_000))

        def fresh_database() -> str:
            name = f"run_{next(counter)}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE bench')
            return url.replace("/bench?", f"/{name}?")

        outputs: list[str] = []

        def geomap_import() -> None:
            target = fresh_database()
            done = subprocess.run(
                [sys.executable, "-m", "geomap", "boundaries", "import", *map(str, files)],
                env={**os.environ, "GEOMAP_DATABASE_URL": target}, cwd=PROJECT_ROOT,
                capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"import failed:\n{done.stderr}")
            outputs.append(done.stdout)

        def raw_sql() -> None:
            with psycopg.connect(fresh_database(), autocommit=True) as conn:
                conn.execute(RAW_TABLE)
                for path in files:
                    conn.execute(path.read_text(encoding="utf-8"))

        median, times = timed(geomap_import, args.runs)
        print(outputs[-1].strip().splitlines()[0])
        print(f"geomap boundaries import: median {median:.1f} s over {args.runs} runs "
              f"({', '.join(f'{t:.1f}' for t in times)})")
        base, base_times = timed(raw_sql, args.runs)
        print(f"Pembanding / baseline, the dumps executed as plain SQL into a text table: "
              f"median {base:.1f} s ({', '.join(f'{t:.1f}' for t in base_times)})")
        print(f"  geomap takes {median / base:.1f}x the baseline")
        ok = median <= TARGET_S
        print(f"Target <= {TARGET_S:.0f} s: {'OK' if ok else 'GAGAL / FAILED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
