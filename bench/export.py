"""Exports: the A4 PDF of Kabupaten Bandung, its 31-page atlas, the GeoPackage of Jawa Barat.

Targets: A4 PDF at most 5 s, atlas at most 60 s, GeoPackage of every aggregated layer
of Jawa Barat (~5,950 desa, ~630 kecamatan, resources, coverage) at most 20 s; each
from the database to the file, in process (the CLI adds its Python start-up, printed
once beside). Baselines in the same run: for the page and the atlas, a bare
``GeoDataFrame.plot`` of the same desa saved to PDF (no legend, inset, scale bar,
labels...); for the GeoPackage, pyogrio writing the raw desa polygons alone. The
ratio says what the finished product costs over the bare minimum.

The same map page and atlas are then asked for over HTTP (``POST /api/exports``, a
Bearer token, polled every 0.2 s until the file is downloaded; the Flask app in
process): the job's cost over the in-process figure is the queue, the polling and the
transfer.

    .venv/bin/python bench/export.py [--cases 200000] [--runs 3] [--atlas-runs 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from _setup import area_files, machine, throwaway_database, timed

from geomap.accounts import get_user
from geomap.analysis.filters import CaseFilter
from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.export import data
from geomap.export.atlas import write_atlas
from geomap.export.page import PageSpec, render, save
from geomap.export.source import load_map, polygons
from geomap.sql import sql
from layers.overlays.coverage import COMPUTED

PROVINCE, KABUPATEN = "32", "32.04"
TARGETS = {"pdf": 5.0, "atlas": 60.0, "gpkg": 20.0}


def verdict(name: str, seconds: float) -> str:
    return f"target {TARGETS[name]} s: {'PASS' if seconds <= TARGETS[name] else 'FAIL'}"


def run(connect, url: str, args: argparse.Namespace, setup: bool) -> None:
    import matplotlib.pyplot as plt

    out = Path(tempfile.mkdtemp(prefix="geomap-bench-export-"))
    with connect() as conn:
        if setup:
            start = time.perf_counter()
            load(conn, read_sources(area_files(PROVINCE)).within(PROVINCE))
            params = {"n": args.cases, "prefix": PROVINCE + "."}
            conn.execute(sql("analysis/synthetic_cases"), params)
            conn.execute(sql("analysis/synthetic_resources"), {**params, "n": args.resources})
            conn.execute(sql("analysis/synthetic_tksk"), {"prefix": PROVINCE + "."})
            conn.execute("VACUUM ANALYZE")
            print(f"setup: Jawa Barat boundaries, cases, resources in "
                  f"{time.perf_counter() - start:.0f} s")
        n = conn.execute("SELECT count(*) FILTER (WHERE level = 'desa'), count(*) FILTER "
                         "(WHERE level = 'kecamatan') FROM region").fetchone()
        cases = conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0]
        print(f"{n[0]:,} desa, {n[1]:,} kecamatan, {cases:,} cases")
        # Exact counts (the dinas view): see the report on suppression of the whole table.
        kab = CaseFilter(KABUPATEN)

        def page() -> None:
            m = load_map(conn, kab, "choropleth-desa", suppress=False)
            save(render(m, PageSpec(), labels=m.kecamatan), out / "kab.pdf", "pdf", "bench")

        def bare() -> None:
            desa = polygons(conn, KABUPATEN, "desa", 32748)
            ax = desa.plot(column="area_km2", figsize=(11.69, 8.27))
            ax.figure.savefig(out / "bare.pdf")
            plt.close(ax.figure)

        page()  # warm: imports, mapclassify, fonts
        t_page, times = timed(page, args.runs)
        t_bare, _ = timed(bare, args.runs)
        print(f"A4 PDF, Kabupaten Bandung desa choropleth: median {t_page:.2f} s of {args.runs} "
              f"({', '.join(f'{t:.2f}' for t in times)}); {verdict('pdf', t_page)}; "
              f"baseline bare plot {t_bare:.2f} s, ratio {t_page / t_bare:.1f}x")

        # The map page's overlays on the same page (issue #5's last point): coverage and
        # gap compute E2SFCA over the province's desa and resources, as the map does;
        # cold each run (the overlays' shared E2SFCA answer emptied), as in a fresh CLI.
        dinas = get_user(conn, "bench-dinas")
        for layer in ("coverage", "gap", "heat"):
            def overlay_page(layer: str = layer) -> None:
                COMPUTED.entries.clear()
                m = load_map(conn, kab, layer, suppress=False, user=dinas)  # type: ignore[arg-type]
                save(render(m, PageSpec(), labels=m.kecamatan), out / f"{layer}.pdf", "pdf",
                     "bench")

            t_layer, times = timed(overlay_page, args.runs)
            print(f"A4 PDF, Kabupaten Bandung {layer} layer (cold): median {t_layer:.2f} s of "
                  f"{args.runs} ({', '.join(f'{t:.2f}' for t in times)}); "
                  f"{verdict('pdf', t_layer)}; baseline bare plot {t_bare:.2f} s, ratio "
                  f"{t_layer / t_bare:.1f}x; the choropleth page {t_layer / t_page:.1f}x")

        def atlas() -> None:
            m = load_map(conn, kab, "choropleth-desa", suppress=False)
            assert write_atlas(m, PageSpec(), out / "atlas.pdf") == 31

        t_atlas, times = timed(atlas, args.atlas_runs)
        print(f"Atlas, 31 pages: median {t_atlas:.1f} s of {args.atlas_runs} "
              f"({', '.join(f'{t:.1f}' for t in times)}); {verdict('atlas', t_atlas)}; "
              f"baseline 31 bare plots {31 * t_bare:.1f} s, ratio "
              f"{t_atlas / (31 * t_bare):.1f}x")

        prov = CaseFilter(PROVINCE)
        gpkg = out / "jabar.gpkg"

        def package() -> None:
            agg = data.aggregates(conn, prov, suppress=False)
            data.write_gpkg(agg, gpkg)

        def raw() -> None:
            import pyogrio

            path = out / "raw.gpkg"
            path.unlink(missing_ok=True)
            pyogrio.write_dataframe(polygons(conn, PROVINCE, "desa", 4326, 0), path)

        t_gpkg, times = timed(package, args.runs)
        t_raw, _ = timed(raw, args.runs)
        import pyogrio

        layers = {name: pyogrio.read_info(gpkg, layer=name)["features"]
                  for name, _ in pyogrio.list_layers(gpkg)}
        print(f"GeoPackage, Jawa Barat {layers}: median {t_gpkg:.1f} s of {args.runs} "
              f"({', '.join(f'{t:.1f}' for t in times)}); {verdict('gpkg', t_gpkg)}; "
              f"baseline raw desa polygons {t_raw:.1f} s, ratio {t_gpkg / t_raw:.1f}x")

    http(url, out, {"pdf": t_page, "atlas": t_atlas})
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "geomap", "export", "map", "--area", KABUPATEN,
                           "--as", "bench-dinas", str(out / "cli.pdf")],
                          env={**os.environ, "GEOMAP_DATABASE_URL": url}, capture_output=True,
                          text=True)
    print(f"CLI `geomap export map` (one run, Python start-up and imports included): "
          f"{time.perf_counter() - start:.1f} s, exit {done.returncode}")


def http(url: str, out: Path, in_process: dict[str, float]) -> None:
    """POST to downloaded file through the app's export jobs, for the page and the atlas."""
    from geomap import accounts
    from server.app import create_app

    os.environ["GEOMAP_VAR_DIR"] = str(out / "var")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with psycopg.connect(url, autocommit=True) as conn:
        token = accounts.create_token(conn, "bench-dinas", "bench")[1]
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    for name, params in (("pdf", {"kind": "map", "format": "pdf"}),
                         ("atlas", {"kind": "atlas"})):
        start = time.perf_counter()
        job = client.post("/api/exports", data={"area": KABUPATEN, **params},
                          headers=headers, base_url="https://localhost").json
        while job["state"] not in ("done", "failed"):
            time.sleep(0.2)
            job = client.get(job["status_url"], headers=headers,
                             base_url="https://localhost").json
        size = len(client.get(job["file_url"], headers=headers,
                              base_url="https://localhost").data) if "file_url" in job else 0
        took = time.perf_counter() - start
        print(f"HTTP export job {name} (POST to downloaded file): {took:.1f} s, {job['state']},"
              f" {size:,} bytes; {verdict(name, took)}; in process {in_process[name]:.1f} s, "
              f"ratio {took / in_process[name]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--resources", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--atlas-runs", type=int, default=2)
    args = parser.parse_args()
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f} (shared machine)")
    with throwaway_database() as (url, connect):
        with connect() as conn:
            conn.execute("INSERT INTO app_user (username, role, area_code, password_hash) "
                         "VALUES ('bench-dinas', 'dinas', '32', 'x')")
        run(connect, url, args, setup=True)


if __name__ == "__main__":
    main()
