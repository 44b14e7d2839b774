"""``geomap analysis``: density GeoTIFF/PNG, choropleth CSV, coverage and gap, via the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import rasterio

from geomap.analysis.area import load_area, project, unproject
from tests.analysis_fixtures import add_cases, add_resources


def seed(db) -> str:
    """40 cases around the first desa of the first kecamatan, a PSM there; the kecamatan."""
    with db.connect() as conn:
        area = load_area(conn, "32.04")
        kec, lon, lat = conn.execute(
            "SELECT parent_code, ST_X(p), ST_Y(p) FROM region, ST_PointOnSurface(geom) p"
            " WHERE level = 'desa' ORDER BY code LIMIT 1").fetchone()
        x, y = project(np.array([lon]), np.array([lat]), area.srid)
        rng = np.random.default_rng(5)
        plon, plat = unproject(x + rng.normal(0, 200, 40), y + rng.normal(0, 200, 40), area.srid)
        add_cases(conn, plon, plat, "AT", dt.date(2026, 1, 10))
        add_cases(conn, [lon] * 3, [lat] * 3, "FM", dt.date(2026, 2, 10))
        add_resources(conn, [lon], [lat], "PSM", capacity=10)
    return kec


def test_density_command(bandung_db, cli, tmp_path) -> None:
    seed(bandung_db)
    out, png = tmp_path / "d.tif", tmp_path / "d.png"
    done = cli(bandung_db, "analysis", "density", "--area", "32.04", "--out", str(out),
               "--png", str(png))
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["crs"] == "EPSG:32748" and report["cases"] >= 40
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 32748 and src.res == (100.0, 100.0)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(report["bounds"]) == 2 and len(report["legend"]["values"]) == 5
    only_fm = cli(bandung_db, "analysis", "density", "--area", "32.04", "--category", "FM",
                  "--out", str(out))
    assert json.loads(only_fm.stdout)["cases"] == 3


def test_bad_filter_is_refused(bandung_db, cli, tmp_path) -> None:
    done = cli(bandung_db, "analysis", "density", "--area", "32.04", "--category", "NOPE",
               "--out", str(tmp_path / "x.tif"))
    assert done.code == 1 and "unknown PMKS category" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli(bandung_db, "analysis", "density", "--area", "32.77", "--out",
               str(tmp_path / "x.tif"))
    assert done.code == 1 and "not found" in done.stderr


def test_choropleth_command_with_and_without_suppression(bandung_db, cli) -> None:
    kec = seed(bandung_db)
    done = cli(bandung_db, "analysis", "choropleth", "--area", kec, "--method",
               "equal_interval", "--classes", "3")
    assert done.code == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert sum(int(r["label"]) for r in rows) >= 40
    legend = json.loads(done.stderr.strip().splitlines()[-1])
    assert legend["method"] == "equal_interval" and legend["measure"] == "count"
    fm = cli(bandung_db, "analysis", "choropleth", "--area", kec, "--category", "FM",
             "--suppress")
    rows = list(csv.DictReader(io.StringIO(fm.stdout)))
    assert "value" not in rows[0]
    assert {r["label"] for r in rows} <= {"0", "<5", "*"}
    assert [r["label"] for r in rows].count("<5") == 1


def test_coverage_command(bandung_db, cli) -> None:
    kec = seed(bandung_db)
    done = cli(bandung_db, "analysis", "coverage", "--area", kec, "--psks", "PSM", "--top", "5")
    assert done.code == 0, done.stderr
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    assert 0 < summary["share_in_reach"] <= 1
    assert kec in summary["kecamatan_without_tksk"]
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert 1 <= len(rows) <= 5
    assert set(rows[0]) == {"code", "name", "kecamatan_name", "cases", "nearest_m", "score",
                            "need", "gap"}
    bad = cli(bandung_db, "analysis", "coverage", "--area", kec, "--demand", "population")
    assert bad.code == 1 and "population is not loaded" in bad.stderr
