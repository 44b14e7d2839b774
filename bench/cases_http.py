"""Benchmark: a PMKS case CSV uploaded over HTTP, previewed and confirmed, end to end.

Issue #3's target: 100,000 rows in at most 10 s. The app runs on 127.0.0.1 (Werkzeug,
threaded) on a throwaway database with Kabupaten Bandung; a ``dinas`` user's API token
posts the file to ``/api/uploads`` (multipart) and then ``/api/uploads/<id>/confirm``,
as a script would. The rows are those of ``bench/ingest.py``; the bare ``COPY`` of the
same bytes is measured in the same run as the floor.

    .venv/bin/python bench/cases_http.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

import requests
from _setup import area_files, machine, throwaway_database
from ingest import bare_copy, synthetic_csv
from werkzeug.serving import make_server

from geomap import accounts
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources

AREA = "32.04"
TARGET_ROWS, TARGET_S = 100_000, 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
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
        try:
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
        finally:
            server.shutdown()
            app.extensions["geomap.pool"].close()
    inserted = done.json()["inserted"]
    print(f"  pratinjau / preview (POST /api/uploads): {preview_s:.2f} s "
          f"({args.rows / preview_s:,.0f} rows/s); accepted {body['accepted']:,}, "
          f"rejected {body['rejected']:,}")
    print(f"  konfirmasi / confirm: {total - preview_s:.2f} s; inserted {inserted:,}")
    ok = total <= target and inserted == body["accepted"]
    print(f"http: total {total:.2f} s, {args.rows / total:,.0f} rows/s, "
          f"{total / copy_s:.1f}x the bare COPY; target <= {target:.1f} s: "
          f"{'OK' if ok else 'GAGAL / FAILED'} (load average now {os.getloadavg()[0]:.1f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
