"""Benchmark: a PMKS case CSV uploaded over HTTP, previewed and confirmed, end to end.

Issue #3's target: 100,000 rows in at most 10 s. The app runs on 127.0.0.1 (Werkzeug,
threaded) on a throwaway database with Kabupaten Bandung; a ``dinas`` user's API token
posts the file to ``/api/uploads`` (multipart) and then ``/api/uploads/<id>/confirm``,
as a script would. The rows are those of ``bench/ingest.py``; the bare ``COPY`` of the
same bytes is measured in the same run as the floor. Each run also reports the CPU
seconds of this process (the server and the client) and of the database cluster, which
move less with the machine's load than wall time; ``--runs R`` repeats the upload (the
cases of the previous run removed first) and prints the medians.

    .venv/bin/python bench/cases_http.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import threading
import time

import requests
from _setup import area_files, machine, throwaway_database
from ingest import _forget_cases, _own_cpu, bare_copy, database_cpu, synthetic_csv
from werkzeug.serving import make_server

from geomap import accounts
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources

AREA = "32.04"
TARGET_ROWS, TARGET_S = 100_000, 10.0


def upload_once(base: str, auth: dict, conn, data: bytes) -> dict:
    """POST the file, then confirm it: wall seconds, CPU seconds, counts."""
    cpu, db_cpu = _own_cpu(resource.RUSAGE_SELF), database_cpu(conn)
    start = time.perf_counter()
    preview = requests.post(f"{base}/api/uploads", headers=auth, timeout=600,
                            files={"file": ("bench.csv", data, "text/csv")})
    preview.raise_for_status()
    body = preview.json()
    preview_s = time.perf_counter() - start
    done = requests.post(f"{base}/api/uploads/{body['id']}/confirm", headers=auth,
                         timeout=600)
    done.raise_for_status()
    total = time.perf_counter() - start
    return {"preview": preview_s, "confirm": total - preview_s, "total": total,
            "accepted": body["accepted"], "rejected": body["rejected"],
            "inserted": done.json()["inserted"],
            "python_cpu": _own_cpu(resource.RUSAGE_SELF) - cpu,
            "db_cpu": database_cpu(conn) - db_cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    target = TARGET_S * args.rows / TARGET_ROWS
    os.environ.setdefault("GEOMAP_SECRET_KEY", "bench-secret")
    os.environ["GEOMAP_MAX_UPLOAD_MB"] = "1000"
    print(f"Mesin / machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    with throwaway_database() as (url, connect), connect() as conn:
        load(conn, read_sources(area_files(AREA)).within(AREA))
        data = synthetic_csv(conn, args.rows)
        copy_s = bare_copy(conn, data)
        conn.execute("DROP TABLE bench_copy")
        accounts.create_user(conn, "bench.dinas", "dinas", AREA, "bench-password-1")
        token = accounts.create_token(conn, "bench.dinas", "bench")[1]
        from server.app import create_app

        app = create_app({"DATABASE_URL": url})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        auth = {"Authorization": f"Bearer {token}"}
        print(f"{args.rows:,} baris / rows, {len(data) / 1e6:.1f} MB CSV; bare COPY "
              f"{copy_s:.2f} s ({args.rows / copy_s:,.0f} rows/s)")
        results = []
        try:
            for run in range(args.runs):
                _forget_cases(conn)
                r = upload_once(base, auth, conn, data)
                results.append(r)
                print(f"  run {run + 1}: total {r['total']:.2f} s (preview {r['preview']:.2f} s,"
                      f" confirm {r['confirm']:.2f} s); CPU python {r['python_cpu']:.2f} s, "
                      f"database {r['db_cpu']:.2f} s")
        finally:
            server.shutdown()
            app.extensions["geomap.pool"].close()
    r = {k: statistics.median(x[k] for x in results) for k in results[0]}
    rows = args.rows
    print(f"Median of {args.runs} run(s):")
    print(f"  pratinjau / preview (POST /api/uploads): {r['preview']:.2f} s "
          f"({rows / r['preview']:,.0f} rows/s); accepted {r['accepted']:,.0f}, "
          f"rejected {r['rejected']:,.0f}")
    print(f"  konfirmasi / confirm: {r['confirm']:.2f} s; inserted {r['inserted']:,.0f}")
    ok = r["total"] <= target and r["inserted"] == r["accepted"]
    print(f"http: total {r['total']:.2f} s, {rows / r['total']:,.0f} rows/s, "
          f"{r['total'] / copy_s:.1f}x the bare COPY; CPU python {r['python_cpu']:.2f} s + "
          f"database {r['db_cpu']:.2f} s; target <= {target:.1f} s: "
          f"{'OK' if ok else 'GAGAL / FAILED'} (load average now {os.getloadavg()[0]:.1f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
