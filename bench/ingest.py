"""Benchmark: validate, stage and confirm N PMKS case rows (a CSV) in Kabupaten Bandung.

Issue #3's targets: 100,000 rows previewed and confirmed in at most 10 s end to end,
1,000,000 rows through the CLI in at most 60 s with peak memory under 1 GB. Prints
rows/s for reading, for the preview (read + validate + stage) and for confirm, the
peak memory, and the ratio to a bare ``COPY`` of the same CSV into an unindexed
table of text columns, measured in the same run (the floor: moving the bytes in).

The machine is shared, so wall times move with the load: each run also reports the
CPU seconds of the Python side (this process, or the CLI subprocess) and of the
database (every process of the benchmark's private cluster, exited backends
included), which depend far less on what else runs. ``--runs R`` repeats the import
on the same database (the cases of the previous run removed first) and prints the
median of each figure.

    .venv/bin/python bench/ingest.py [--rows N] [--via api|cli] [--runs R]

``--via api`` calls :func:`geomap.ingest.stage` and ``confirm`` in this process (what
the web upload does); ``--via cli`` runs ``geomap cases import --area 32.04 --json``
in a subprocess and reports that process's peak memory (measured by a small launcher:
read from this process, a child's peak would include this process's own memory, which
the child inherits at fork).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _setup import area_files, machine, throwaway_database

from geomap import ingest, taxonomy
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.config import PROJECT_ROOT

AREA = "32.04"
TARGETS = {"api": (100_000, 10.0), "cli": (1_000_000, 60.0)}
_TICK = os.sysconf("SC_CLK_TCK")


def synthetic_csv(conn, n: int, seed: int = 5, area: str = AREA) -> bytes:
    """``n`` rows near the label points of the desa in ``area`` (jitter ~150 m), 70 % with
    a unique valid NIK."""
    desa = conn.execute("SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom)"
                        " AS p FROM region WHERE level = 'desa' AND code LIKE %s) s ORDER BY 1",
                        (area + ".%",)).fetchall()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(desa), n)
    codes = np.array([d[0] for d in desa], dtype=object)[pick]
    lon = np.array([d[1] for d in desa])[pick] + rng.normal(0, 0.0015, n)
    lat = np.array([d[2] for d in desa])[pick] + rng.normal(0, 0.0015, n)
    days = rng.integers(1, 730, n)
    recorded = np.datetime64("today") - days.astype("timedelta64[D]")
    born = np.datetime64("1950-01-01") + rng.integers(0, 25_000, n).astype("timedelta64[D]")
    female = rng.random(n) < 0.5
    b = pd.Series(born)
    day = b.dt.day.to_numpy() + np.where(female, 40, 0)
    serial = np.arange(n) % 9999 + 1  # unique with the birth date for n < 10^7 or so
    nik = (pd.Series(codes).str.slice(0, 8).str.replace(".", "", regex=False)
           + pd.Series(day).map("{:02d}".format) + b.dt.month.map("{:02d}".format)
           + (b.dt.year % 100).map("{:02d}".format) + pd.Series(serial).map("{:04d}".format))
    has_nik = rng.random(n) < 0.7
    categories = np.array([c.code for c in taxonomy.pmks()], dtype=object)
    frame = pd.DataFrame({
        "lintang": np.round(lat, 6), "bujur": np.round(lon, 6),
        "kategori": categories[rng.integers(0, len(categories), n)],
        "tanggal": np.datetime_as_string(recorded, unit="D"),
        "status": np.array(["baru", "ditangani", "dirujuk", "selesai"],
                           dtype=object)[rng.integers(0, 4, n)],
        "jenis kelamin": np.where(female, "P", "L"),
        "jumlah anggota keluarga": rng.integers(1, 9, n),
        "catatan": np.where(rng.random(n) < 0.2, "kunjungan rumah", ""),
        "nama": "Warga " + pd.Series(np.arange(n)).astype(str),
        "NIK": np.where(has_nik, nik, ""),
        "alamat": "RT 01/RW 02",
        "telepon": np.where(rng.random(n) < 0.5, "081234567890", ""),
    })
    return frame.to_csv(index=False).encode("utf-8")


def bare_copy(conn, data: bytes) -> float:
    """Seconds to COPY the CSV into an unindexed table of text columns (the floor)."""
    header = data.split(b"\n", 1)[0].decode().split(",")
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    conn.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS bench_copy ({columns})")
    conn.execute("TRUNCATE bench_copy")
    start = time.perf_counter()
    with conn.cursor() as cur, cur.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, "
                                        "HEADER true)") as copy:
        for i in range(0, len(data), 1 << 20):
            copy.write(data[i:i + (1 << 20)])
    return time.perf_counter() - start


def _ticks(pid: int, children: bool) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15 if children else 13])


def database_cpu(conn) -> float:
    """CPU seconds used so far by the benchmark's private cluster: the postmaster, its
    live children, and (through the postmaster's child times) every exited backend."""
    data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    master = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    total = _ticks(master, children=True)
    for task in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # exited: above
            total += _ticks(int(task), children=False)
    return total / _TICK


def _own_cpu(who: int) -> float:
    use = resource.getrusage(who)
    return use.ru_utime + use.ru_stime


def via_api(conn, connect, data: bytes) -> dict:
    cpu = _own_cpu(resource.RUSAGE_SELF)
    start = time.perf_counter()
    table = ingest.read(ingest.Upload("bench.csv", data))
    read_s = time.perf_counter() - start
    user = ingest.SystemImport(AREA)
    preview = ingest.stage(conn, user, table, connect=connect)
    preview_s = time.perf_counter() - start
    db_before = database_cpu(conn)
    done = ingest.confirm(conn, preview.upload_id, user)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"read": read_s, "preview": preview_s, "confirm": total - preview_s, "total": total,
            "accepted": preview.accepted, "rejected": preview.rejected,
            "inserted": done.inserted, "peak_mb": peak,
            "python_cpu": _own_cpu(resource.RUSAGE_SELF) - cpu,
            "confirm_db_cpu": database_cpu(conn) - db_before}


# The CLI runs under this small launcher, which reports its child's peak memory: a child
# of this process starts as a copy of it (fork), and the kernel counts that copy's
# resident memory (the generated CSV and its frames, ~780 MB for a million rows) in the
# child's ru_maxrss even after exec; a child of the launcher starts from ~10 MB.
_LAUNCHER = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
             "print('geomap-bench-peak-kb', resource.getrusage(resource.RUSAGE_CHILDREN)"
             ".ru_maxrss, file=sys.stderr); sys.exit(code)")


def via_cli(url: str, data: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        path.write_bytes(data)
        env = {**os.environ, "GEOMAP_DATABASE_URL": url, "GEOMAP_MAX_UPLOAD_MB": "1000"}
        cpu = _own_cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "geomap",
                               "cases", "import", str(path), "--area", AREA, "--json"],
                              capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                              check=True)
        total = time.perf_counter() - start
    report = json.loads(done.stdout)
    peak = int(done.stderr.rsplit("geomap-bench-peak-kb", 1)[1].split()[0]) / 1024
    return {"total": total, "accepted": report["accepted"], "rejected": report["rejected"],
            "inserted": report["inserted"], "peak_mb": peak,
            "python_cpu": _own_cpu(resource.RUSAGE_CHILDREN) - cpu}


def _forget_cases(conn) -> None:
    """Between runs: the same rows must be new cases again, into fresh indexes (deleting
    them instead leaves dead index entries with the very same keys, which made the next
    run's confirm many times slower)."""
    conn.execute("TRUNCATE case_upload, pmks_case, case_person, case_staging, "
                 "case_upload_rejected CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--via", choices=("api", "cli"), default="api")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows = args.rows or TARGETS[args.via][0]
    target = TARGETS[args.via][1] * rows / TARGETS[args.via][0]
    print(f"Mesin / machine: {machine()}")
    with throwaway_database() as (url, connect), connect() as conn:
        load(conn, read_sources(area_files(AREA)).within(AREA))
        data = synthetic_csv(conn, rows)
        print(f"{rows:,} baris / rows, {len(data) / 1e6:.1f} MB CSV")
        results = []
        for run in range(args.runs):
            _forget_cases(conn)
            copy_s = bare_copy(conn, data)
            conn.execute("DROP TABLE bench_copy")
            db_cpu = database_cpu(conn)
            r = via_api(conn, connect, data) if args.via == "api" else via_cli(url, data)
            r["db_cpu"], r["copy"] = database_cpu(conn) - db_cpu, copy_s
            r["ratio"] = r["total"] / copy_s
            results.append(r)
            print(f"  run {run + 1}: total {r['total']:.2f} s, bare COPY {copy_s:.2f} s "
                  f"({r['ratio']:.1f}x); CPU python {r['python_cpu']:.2f} s, database "
                  f"{r['db_cpu']:.2f} s; peak {r['peak_mb']:,.0f} MB")
        r = {k: statistics.median(x[k] for x in results) for k in results[0]}
        print(f"Median of {args.runs} run(s):")
        print(f"  pembanding / baseline: bare COPY into an unindexed table: {r['copy']:.2f} s "
              f"({rows / r['copy']:,.0f} rows/s)")
        if "read" in r:
            print(f"  membaca / read CSV: {r['read']:.2f} s ({rows / r['read']:,.0f} rows/s)")
            print(f"  pratinjau / preview (read + validate + stage): {r['preview']:.2f} s "
                  f"({rows / r['preview']:,.0f} rows/s)")
            print(f"  konfirmasi / confirm: {r['confirm']:.2f} s ({rows / r['confirm']:,.0f} "
                  f"rows/s; database CPU {r['confirm_db_cpu']:.2f} s)")
        print(f"{args.via}: total {r['total']:.2f} s, {rows / r['total']:,.0f} rows/s, "
              f"{r['ratio']:.1f}x the bare COPY; CPU python {r['python_cpu']:.2f} s + "
              f"database {r['db_cpu']:.2f} s; accepted {r['accepted']:,.0f}, rejected "
              f"{r['rejected']:,.0f}, inserted {r['inserted']:,.0f}; peak memory "
              f"{r['peak_mb']:,.0f} MB")
        ok = r["total"] <= target and r["peak_mb"] < 1024 and r["inserted"] == r["accepted"]
        print(f"Target <= {target:.1f} s and < 1 GB: {'OK' if ok else 'GAGAL / FAILED'} "
              f"(load average now {os.getloadavg()[0]:.1f})")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
